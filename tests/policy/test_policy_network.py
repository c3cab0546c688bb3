"""Rules that keep a private stack private, reachable and accountable: public network access,
node public IPs, managed network isolation, private endpoints with DNS, resource logs and soft delete.

Resource rules get real ``ResourceValidationArgs``; stack rules get ``PolicyResource`` objects shaped
as the engine sends them (outputs with ``id``, no path parameters) or, while ids are unknown, with
the property dependencies that still name the target.
"""

from __future__ import annotations

import pytest
from policy_kit import ENGINE_UNKNOWN, policy_resource, resource_args, run, stack_args

from policy.rules import diagnostics, exposure, outbound, private_endpoints, recovery
from policy.rules import resource_types as t

SUB = "4a6c8e0b-2d4f-4a6c-8e0b-2d4f6a8c0e1a"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-ml-t1"
WS_ID = f"{RG}/providers/Microsoft.MachineLearningServices/workspaces/mlw-t1"
ST_ID = f"{RG}/providers/Microsoft.Storage/storageAccounts/stt1"
PE_RG = "/subscriptions/1d3f5b7a-9c2e-4f6a-8b0d-2e4f6a8c0e2c/resourceGroups/rg-hub"
LAW_ID = f"{RG}/providers/Microsoft.OperationalInsights/workspaces/log-central"


def messages(policy, resource_type, props):
    return run(policy, resource_args(resource_type, props)).messages


# --- public network access ------------------------------------------------------------------


DENY = {"defaultAction": "Deny", "bypass": "AzureServices"}


@pytest.mark.parametrize(
    ("policy", "resource_type", "path"),
    [
        (exposure.STORAGE, t.STORAGE_ACCOUNT, ("publicNetworkAccess",)),
        (exposure.KEY_VAULT_ACCESS, t.KEY_VAULT, ("properties", "publicNetworkAccess")),
        (exposure.CONTAINER_REGISTRY_ACCESS, t.CONTAINER_REGISTRY, ("publicNetworkAccess",)),
    ],
    ids=["storage", "key-vault", "container-registry"],
)
def test_public_network_access_must_be_disabled(policy, resource_type, path):
    def props(value):
        leaf = {path[-1]: value} if value is not None else {}
        if resource_type == t.KEY_VAULT:
            return {path[0]: {**leaf, "networkAcls": DENY}}
        return {**leaf, "networkRuleSet": DENY} if resource_type == t.STORAGE_ACCOUNT else leaf

    where = ".".join(path)
    assert messages(policy, resource_type, props("Disabled")) == []
    assert messages(policy, resource_type, props("Enabled")) == [
        f"{where} is Enabled; set it to Disabled and use private endpoints"
    ]
    assert messages(policy, resource_type, props(None)) == [
        f"{where} is not set, and Azure's default is Enabled; set it to Disabled and use private endpoints"
    ]
    found = run(policy, resource_args(resource_type, props(ENGINE_UNKNOWN)))
    assert (found.messages, found.notes) == ([], [f"{where} is known after apply"])


def test_firewalls_deny_by_default_and_registries_refuse_anonymous_pulls():
    closed = {"publicNetworkAccess": "Disabled"}
    assert messages(exposure.STORAGE, t.STORAGE_ACCOUNT, {**closed, "networkRuleSet": {"defaultAction": "Allow"}}) == [
        "networkRuleSet.defaultAction is Allow; set it to Deny so only private endpoints and trusted Azure services "
        "get in"
    ]
    assert messages(exposure.KEY_VAULT_ACCESS, t.KEY_VAULT, {"properties": closed}) == [
        "properties.networkAcls.defaultAction is not set, and Azure's default is Allow; set it to Deny so only "
        "private endpoints and trusted Azure services get in"
    ]
    registry = exposure.CONTAINER_REGISTRY_ACCESS
    assert messages(registry, t.CONTAINER_REGISTRY, {**closed, "anonymousPullEnabled": False}) == []
    assert messages(registry, t.CONTAINER_REGISTRY, {**closed, "anonymousPullEnabled": True}) == [
        "anonymousPullEnabled is true; anyone who reaches the registry could pull images"
    ]


def test_storage_does_not_replicate_to_other_tenants():
    rule = exposure.CROSS_TENANT_REPLICATION
    assert messages(rule, t.STORAGE_ACCOUNT, {"allowCrossTenantReplication": False}) == []
    assert messages(rule, t.STORAGE_ACCOUNT, {"allowCrossTenantReplication": True}) == [
        "allowCrossTenantReplication is true; object replication could copy tenant data to a storage account in "
        "another Entra tenant"
    ]


@pytest.mark.parametrize(
    ("policy", "resource_type"),
    [(exposure.LOG_ANALYTICS_ACCESS, t.LOG_ANALYTICS), (exposure.APP_INSIGHTS_ACCESS, t.APP_INSIGHTS)],
    ids=["log-analytics", "app-insights"],
)
def test_monitoring_ingestion_and_query_go_through_the_scope(policy, resource_type):
    closed = {"publicNetworkAccessForIngestion": "Disabled", "publicNetworkAccessForQuery": "Disabled"}
    assert messages(policy, resource_type, closed) == []
    assert messages(policy, resource_type, {**closed, "publicNetworkAccessForQuery": "Enabled"}) == [
        "publicNetworkAccessForQuery is Enabled; set it to Disabled and use an Azure Monitor private link scope"
    ]
    assert messages(policy, resource_type, {"publicNetworkAccessForQuery": "Disabled"}) == [
        "publicNetworkAccessForIngestion is not set, and Azure's default is Enabled; set it to Disabled and use an "
        "Azure Monitor private link scope"
    ]


# --- compute and managed network -------------------------------------------------------------


def compute(public_ip, compute_type="AmlCompute"):
    inner = {"vmSize": "Standard_DS3_v2"}
    if public_ip is not None:
        inner["enableNodePublicIp"] = public_ip
    return {"properties": {"computeType": compute_type, "properties": inner}}


def test_compute_nodes_have_no_public_ip():
    rule = outbound.NO_NODE_PUBLIC_IP
    assert messages(rule, t.ML_COMPUTE, compute(False)) == []
    assert messages(rule, t.ML_COMPUTE, compute(True)) == [
        "properties.properties.enableNodePublicIp is true; set it to false so nodes are reachable only inside the "
        "workspace's network"
    ]
    assert messages(rule, t.ML_COMPUTE, compute(None)) == [
        "properties.properties.enableNodePublicIp is not set, and Azure's default is true; set it to false so "
        "nodes are reachable only inside the workspace's network"
    ]
    assert messages(rule, t.ML_COMPUTE, compute(True, "ComputeInstance")) == []


def test_compute_nodes_keep_ssh_closed():
    def props(access):
        inner = {"remoteLoginPortPublicAccess": access} if access else {}
        return {"properties": {"computeType": "AmlCompute", "properties": inner}}

    rule = outbound.NO_PUBLIC_LOGIN
    assert messages(rule, t.ML_COMPUTE, props("Disabled")) == []
    assert messages(rule, t.ML_COMPUTE, props("NotSpecified")) == [
        "properties.properties.remoteLoginPortPublicAccess is NotSpecified; set it to Disabled so the nodes' SSH "
        "port is not open to the internet"
    ]
    assert messages(rule, t.ML_COMPUTE, props(None)) == [
        "properties.properties.remoteLoginPortPublicAccess is not set; set it to Disabled so the nodes' SSH port "
        "is not open to the internet"
    ]


def test_workspaces_allow_only_approved_outbound():
    rule = outbound.APPROVED_OUTBOUND_ONLY
    assert messages(rule, t.ML_WORKSPACE, {"managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound"}}) == []
    assert messages(rule, t.ML_WORKSPACE, {"managedNetwork": {"isolationMode": "AllowInternetOutbound"}}) == [
        "managedNetwork.isolationMode is AllowInternetOutbound; set it to AllowOnlyApprovedOutbound so compute "
        "reaches only the destinations its outbound rules approve"
    ]
    assert messages(rule, t.ML_WORKSPACE, {"publicNetworkAccess": "Disabled"}) == [
        "managedNetwork.isolationMode is not set, so compute reaches any address on the internet; set it to "
        "AllowOnlyApprovedOutbound"
    ]


# --- private endpoints (stack) -----------------------------------------------------------------


def workspace(private=True, **extra):
    props = {"name": "mlw-t1", "id": WS_ID, "publicNetworkAccess": "Disabled" if private else "Enabled", **extra}
    return policy_resource(t.ML_WORKSPACE, props, name="t1-ws1")


def endpoint(target_id, group="amlworkspace", name="pe-mlw-t1", **deps):
    props = {
        "name": name,
        "id": f"{PE_RG}/providers/Microsoft.Network/privateEndpoints/{name}",
        "privateLinkServiceConnections": [{"name": name, "privateLinkServiceId": target_id, "groupIds": [group]}],
    }
    return policy_resource(t.PRIVATE_ENDPOINT, props, name=f"{name}-pe", **deps)


ZONES = {
    "pe-mlw-t1": ("privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"),
    "pe-stt1-blob": ("privatelink.blob.core.windows.net",),
}


def zone_group(endpoint_name="pe-mlw-t1", zones=None):
    # On the engine a zone group's outputs carry its id, not the endpoint's name it was created with.
    zones = ZONES[endpoint_name] if zones is None else zones
    props = {
        "name": "default",
        "id": f"{PE_RG}/providers/Microsoft.Network/privateEndpoints/{endpoint_name}/privateDnsZoneGroups/default",
        "privateDnsZoneConfigs": [
            {"name": z.replace(".", "-"), "privateDnsZoneId": f"/subscriptions/{SUB}/resourceGroups/rg-dns/providers/"
             f"Microsoft.Network/privateDnsZones/{z}"}
            for z in zones
        ],
    }
    return policy_resource(t.PRIVATE_DNS_ZONE_GROUP, props, name=f"{endpoint_name}-dns")


def stack_messages(policy, resources):
    return run(policy, stack_args(resources)).messages


def test_a_private_workspace_with_its_endpoint_and_dns_passes():
    rule = private_endpoints.ENDPOINTS_PRESENT
    assert stack_messages(rule, [workspace(), endpoint(WS_ID), zone_group()]) == []
    # ARM ids are case-insensitive.
    assert stack_messages(rule, [workspace(), endpoint(WS_ID.upper()), zone_group()]) == []
    # A public workspace needs none.
    assert stack_messages(rule, [workspace(private=False)]) == []


def test_a_private_workspace_without_endpoint_is_reported():
    rule = private_endpoints.ENDPOINTS_PRESENT
    expected = [
        "ML workspace mlw-t1 is private but has no private endpoint for 'amlworkspace', so nobody can reach it; "
        "add one in the hub or the tenant's spoke"
    ]
    assert stack_messages(rule, [workspace()]) == expected
    # An endpoint to something else, or for another sub-resource, does not count.
    assert stack_messages(rule, [workspace(), endpoint(ST_ID, "blob"), zone_group()]) == expected
    assert stack_messages(rule, [workspace(), endpoint(WS_ID, "blob"), zone_group()]) == expected


def test_an_endpoint_without_dns_is_reported():
    assert stack_messages(private_endpoints.ENDPOINTS_PRESENT, [workspace(), endpoint(WS_ID)]) == [
        "private endpoint pe-mlw-t1 of ML workspace mlw-t1 ('amlworkspace') has no private DNS zone group, so the "
        "name still resolves to the closed public address"
    ]


def test_an_endpoint_must_register_in_every_zone_of_its_sub_resource():
    group = zone_group(zones=("privatelink.api.azureml.ms",))
    assert stack_messages(private_endpoints.ENDPOINTS_PRESENT, [workspace(), endpoint(WS_ID), group]) == [
        "private endpoint pe-mlw-t1 of ML workspace mlw-t1 ('amlworkspace') does not register in "
        "privatelink.notebooks.azure.net, so those names still resolve to the closed public address"
    ]


def test_private_storage_needs_blob_and_file_endpoints():
    account = policy_resource(
        t.STORAGE_ACCOUNT, {"name": "stt1", "id": ST_ID, "publicNetworkAccess": "Disabled"}, name="st"
    )
    blob = endpoint(ST_ID, "blob", name="pe-stt1-blob")
    assert stack_messages(private_endpoints.ENDPOINTS_PRESENT, [account, blob, zone_group("pe-stt1-blob")]) == [
        "storage account stt1 is private but has no private endpoint for 'file', so nobody can reach it; add one "
        "in the hub or the tenant's spoke"
    ]


def test_while_ids_are_unknown_the_endpoint_is_found_through_its_dependencies():
    ws = policy_resource(t.ML_WORKSPACE, {"name": "mlw-t1", "publicNetworkAccess": "Disabled"}, name="t1-ws1")
    pe = endpoint(ENGINE_UNKNOWN, property_dependencies={"privateLinkServiceConnections": [ws]})
    other = policy_resource(t.ML_WORKSPACE, {"name": "mlw-t2", "publicNetworkAccess": "Disabled"}, name="t2-ws1")
    found = run(private_endpoints.ENDPOINTS_PRESENT, stack_args([ws, other, pe, zone_group()]))
    assert found.messages == [
        "ML workspace mlw-t2 is private but has no private endpoint for 'amlworkspace', so nobody can reach it; "
        "add one in the hub or the tenant's spoke"
    ]
    assert found.urns == [other.urn]


def test_monitoring_closed_to_public_ingestion_is_linked_to_a_scope():
    law = policy_resource(
        t.LOG_ANALYTICS, {"name": "log-central", "id": LAW_ID, "publicNetworkAccessForIngestion": "Disabled"},
        name="law",
    )
    scope_id = f"{RG}/providers/microsoft.insights/privateLinkScopes/ampls"
    scope = policy_resource(
        t.MONITOR_PRIVATE_LINK_SCOPE,
        {"name": "ampls", "id": scope_id,
         "accessModeSettings": {"ingestionAccessMode": "PrivateOnly", "queryAccessMode": "PrivateOnly"}},
        name="scope",
    )
    scoped = policy_resource(
        t.MONITOR_SCOPED_RESOURCE,
        {"name": "law", "id": f"{scope_id}/scopedResources/law", "linkedResourceId": LAW_ID}, name="scoped",
    )
    rule = private_endpoints.MONITORING_SCOPED
    assert stack_messages(rule, [law, scope, scoped]) == []
    unlinked = [
        "Log Analytics workspace log-central takes no public ingestion but is linked to no Azure Monitor private "
        "link scope, so nothing can send it data; link it to the stack's scope"
    ]
    assert stack_messages(rule, [law, scope]) == unlinked
    assert stack_messages(rule, [law, scoped]) == unlinked  # its scope is gone


# --- resource logs (stack) ---------------------------------------------------------------------


def diagnostic(resource_uri, logs, destination=LAW_ID):
    # Engine outputs: the id says which resource the setting belongs to; resourceUri is a path parameter.
    props = {"name": "audit", "id": f"{resource_uri}/providers/Microsoft.Insights/diagnosticSettings/audit",
             "logs": logs}
    if destination:
        props["workspaceId"] = destination
    return policy_resource(t.DIAGNOSTIC_SETTING, props, name="audit")


def vault():
    return policy_resource(t.KEY_VAULT, {"name": "kv-t1", "id": f"{RG}/providers/Microsoft.KeyVault/vaults/kv-t1"},
                           name="kv")


def test_resources_send_their_audit_categories_to_log_analytics():
    rule = diagnostics.PRESENT
    kv = vault()
    kv_id = f"{RG}/providers/Microsoft.KeyVault/vaults/kv-t1"
    audit = [{"category": "AuditEvent", "enabled": True}]
    assert stack_messages(rule, [kv, diagnostic(kv_id, audit)]) == []
    assert stack_messages(rule, [kv, diagnostic(kv_id, [{"categoryGroup": "allLogs", "enabled": True}])]) == []
    missing = [
        "key vault kv-t1 has no diagnostic setting sending AuditEvent logs to a Log Analytics workspace, so nobody "
        "can tell who read or changed it"
    ]
    assert stack_messages(rule, [kv]) == missing
    assert stack_messages(rule, [kv, diagnostic(kv_id, [{"category": "AuditEvent", "enabled": False}])]) == missing
    assert stack_messages(rule, [kv, diagnostic(kv_id, audit, destination=None)]) == missing


def test_storage_logs_are_read_on_the_blob_service():
    rule = diagnostics.PRESENT
    account = policy_resource(t.STORAGE_ACCOUNT, {"name": "stt1", "id": ST_ID}, name="st")
    reads = [{"category": c, "enabled": True} for c in ("StorageRead", "StorageWrite", "StorageDelete")]
    assert stack_messages(rule, [account, diagnostic(f"{ST_ID}/blobServices/default", reads)]) == []
    assert stack_messages(rule, [account, diagnostic(ST_ID, reads)]) == [
        "storage account stt1 has no diagnostic setting of its blob service sending StorageRead, StorageWrite, "
        "StorageDelete logs to a Log Analytics workspace, so nobody can tell who read or changed it"
    ]


def test_workspace_logs_need_the_audit_group():
    rule = diagnostics.PRESENT
    ws = workspace()
    assert stack_messages(rule, [ws, diagnostic(WS_ID, [{"categoryGroup": "audit", "enabled": True}])]) == []
    assert stack_messages(rule, [ws, diagnostic(WS_ID, [{"category": "AmlComputeJobEvent", "enabled": True}])]) == [
        "ML workspace mlw-t1 has no diagnostic setting sending audit logs (category group audit) to a Log "
        "Analytics workspace, so nobody can tell who read or changed it"
    ]


def test_unknown_logs_wait_for_apply():
    kv_id = f"{RG}/providers/Microsoft.KeyVault/vaults/kv-t1"
    found = run(diagnostics.PRESENT, stack_args([vault(), diagnostic(kv_id, ENGINE_UNKNOWN)]))
    assert (found.messages, found.notes) == ([], ["logs of its diagnostic setting is known after apply"])


# --- soft delete (stack) -----------------------------------------------------------------------


def blob_service(blob=True, container=True):
    props = {
        "name": "default",
        "id": f"{ST_ID}/blobServices/default",
        "deleteRetentionPolicy": {"enabled": blob, "days": 30},
    }
    if container is not None:
        props["containerDeleteRetentionPolicy"] = {"enabled": container, "days": 30}
    return policy_resource(t.BLOB_SERVICE, props, name="blob")


def test_storage_keeps_deleted_blobs_and_containers():
    rule = recovery.SOFT_DELETE
    account = policy_resource(t.STORAGE_ACCOUNT, {"name": "stt1", "id": ST_ID}, name="st")
    assert stack_messages(rule, [account, blob_service()]) == []
    assert stack_messages(rule, [account]) == [
        "storage account stt1 has no blob service properties, so blob and container soft delete are off; deleted "
        "data cannot be recovered"
    ]
    brief = policy_resource(
        t.BLOB_SERVICE,
        {"id": f"{ST_ID}/blobServices/default", "deleteRetentionPolicy": {"enabled": True, "days": 1},
         "containerDeleteRetentionPolicy": {"enabled": True, "days": 7}},
        name="blob",
    )
    assert stack_messages(rule, [account, brief]) == [
        "storage account stt1: deleteRetentionPolicy.days is 1, so blob soft delete keeps deleted data for less "
        "than 7 days; keep it at least 7"
    ]
    assert stack_messages(rule, [account, blob_service(blob=False, container=None)]) == [
        "storage account stt1: deleteRetentionPolicy.enabled is false, so blob soft delete is off; set it to true "
        "with a retention in days",
        "storage account stt1: containerDeleteRetentionPolicy.enabled is not set, so container soft delete is off; "
        "set it to true with a retention in days",
    ]


def test_overwritten_blobs_keep_their_versions():
    rule = recovery.VERSIONING
    account = policy_resource(t.STORAGE_ACCOUNT, {"name": "stt1", "id": ST_ID}, name="st")

    def service(versioning):
        props = {"id": f"{ST_ID}/blobServices/default"}
        if versioning is not None:
            props["isVersioningEnabled"] = versioning
        return policy_resource(t.BLOB_SERVICE, props, name="blob")

    assert stack_messages(rule, [account, service(True)]) == []
    assert stack_messages(rule, [account, service(None)]) == [
        "storage account stt1: isVersioningEnabled is not set, so an overwritten blob cannot be restored; set it "
        "to true"
    ]
    assert stack_messages(rule, [account]) == []  # storage-soft-delete reports the missing blob service


def test_created_zones_are_linked_and_zone_groups_name_existing_zones():
    rule = private_endpoints.ZONES_RESOLVE
    group_id = f"/subscriptions/{SUB}/resourceGroups/rg-platform"
    zone_id = f"{group_id}/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms"
    rg = policy_resource(t.RESOURCE_GROUP, {"resourceGroupName": "rg-platform", "id": group_id}, name="rg")
    zone = policy_resource(t.PRIVATE_DNS_ZONE, {"name": "privatelink.api.azureml.ms", "id": zone_id}, name="zone")
    link = policy_resource(
        "azure-native:privatedns:VirtualNetworkLink",
        {"name": "link-hub", "id": f"{zone_id}/virtualNetworkLinks/link-hub"}, name="link",
    )
    group = policy_resource(
        t.PRIVATE_DNS_ZONE_GROUP,
        {"id": f"{PE_RG}/providers/Microsoft.Network/privateEndpoints/pe-mlw-t1/privateDnsZoneGroups/default",
         "privateDnsZoneConfigs": [{"name": "api", "privateDnsZoneId": zone_id}]},
        name="pe-dns",
    )
    assert stack_messages(rule, [rg, zone, link, group]) == []
    assert stack_messages(rule, [rg, zone, group]) == [
        "private DNS zone privatelink.api.azureml.ms is linked to no virtual network, so nobody resolves the "
        "private endpoints' names"
    ]
    assert stack_messages(rule, [rg, group]) == [
        "DNS zone group pe-dns registers in zone privatelink.api.azureml.ms of resource group rg-platform, which "
        "this stack manages but where it has no such zone"
    ]
    # A zone in a group the stack does not manage (central DNS) is someone else's to keep.
    assert stack_messages(rule, [group]) == []
