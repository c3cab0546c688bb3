"""Prod's private network as the program registers it: endpoints in their subnet's subscription,
DNS zones and links, the monitoring private link scope, resource logs and blob recovery."""

from __future__ import annotations

from tests.program.helpers import PROVIDER, REGISTRY, WORKSPACE, only, parent_of

PE = "azure-native:network:PrivateEndpoint"
ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"
ZONE = "azure-native:privatedns:PrivateZone"
LINK = "azure-native:privatedns:VirtualNetworkLink"
DIAGNOSTIC = "azure-native:monitor:DiagnosticSetting"
BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"
SCOPE = "azure-native:monitor:PrivateLinkScope"
SCOPED = "azure-native:monitor:PrivateLinkScopedResource"
LOG_ANALYTICS = "azure-native:operationalinsights:Workspace"
APP_INSIGHTS = "azure-native:applicationinsights:Component"
STORAGE = "azure-native:storage:StorageAccount"

HUB_SUB = "1d3f5b7a-9c2e-4f6a-8b0d-2e4f6a8c0e2c"
TENANT4_SUB = "8b0d2f4a-6c8e-4b0d-9f4a-6c8e0b2d4f1b"
PLATFORM_SUB = "0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d02"
HUB_SUBNET = (
    f"/subscriptions/{HUB_SUB}/resourceGroups/rg-hub-prod/providers/Microsoft.Network/virtualNetworks/"
    "vnet-hub-prod/subnets/snet-private-endpoints"
)


def test_every_private_resource_gets_its_endpoint_in_its_subnets_subscription(prod_graph):
    endpoints = {r.name: r for r in prod_graph.of_type(PE)}
    expected = {
        "registry-amlregistry-pe": ("amlregistry", HUB_SUB, REGISTRY, "mlreg-prod"),
        "tenant1-ws1-amlworkspace-pe": ("amlworkspace", HUB_SUB, WORKSPACE, "tenant1-ws1"),
        "tenant1-ws1-blob-pe": ("blob", HUB_SUB, STORAGE, "tenant1-ws1-st"),
        "tenant1-ws1-file-pe": ("file", HUB_SUB, STORAGE, "tenant1-ws1-st"),
        "tenant4-ws1-amlworkspace-pe": ("amlworkspace", TENANT4_SUB, WORKSPACE, "tenant4-ws1"),
        "tenant4-ws1-blob-pe": ("blob", TENANT4_SUB, STORAGE, "tenant4-ws1-st"),
        "tenant4-ws1-file-pe": ("file", TENANT4_SUB, STORAGE, "tenant4-ws1-st"),
        "monitoring-azuremonitor-pe": ("azuremonitor", HUB_SUB, SCOPE, "monitoring-scope"),
    }
    assert set(endpoints) == set(expected)
    for name, (group, subscription, target_type, target_name) in expected.items():
        endpoint = endpoints[name]
        target = only(prod_graph, target_type, target_name)
        (connection,) = endpoint.inputs["privateLinkServiceConnections"]
        assert connection["groupIds"] == [group]
        assert connection["privateLinkServiceId"] == target.id
        assert endpoint.subscription_id == subscription, name
        # Created only once the resource it reaches exists.
        assert target.urn in endpoint.dependencies, name
    hub = endpoints["tenant1-ws1-blob-pe"].inputs
    assert (hub["subnet"], hub["resourceGroupName"], hub["location"]) == (
        {"id": HUB_SUBNET}, "rg-hub-prod", "westeurope"
    )
    spoke = endpoints["tenant4-ws1-file-pe"].inputs
    assert (spoke["resourceGroupName"], spoke["location"]) == ("rg-net-tenant4-prod", "swedencentral")
    assert spoke["privateEndpointName"] == "pe-sttenant4ws12381cc4b-file"
    assert spoke["subnet"]["id"].startswith(f"/subscriptions/{TENANT4_SUB}/")


def test_the_hub_subscription_gets_a_provider_of_its_own(prod_graph):
    subscriptions = {p.inputs["subscriptionId"] for p in prod_graph.of_type(PROVIDER)}
    assert HUB_SUB in subscriptions


def test_endpoints_register_in_the_zones_azure_documents(prod_graph):
    zones = {r.inputs["privateZoneName"]: r for r in prod_graph.of_type(ZONE)}
    groups = {r.name: r for r in prod_graph.of_type(ZONE_GROUP)}
    documented = {
        "registry-amlregistry-dns": ["privatelink.api.azureml.ms"],
        "tenant1-ws1-amlworkspace-dns": ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
        "tenant1-ws1-blob-dns": ["privatelink.blob.core.windows.net"],
        "tenant4-ws1-file-dns": ["privatelink.file.core.windows.net"],
    }
    for name, expected in documented.items():
        configs = groups[name].inputs["privateDnsZoneConfigs"]
        assert [c["privateDnsZoneId"] for c in configs] == [zones[z].id for z in expected]
        endpoint = only(prod_graph, PE, name.removesuffix("-dns") + "-pe")
        assert groups[name].inputs["privateEndpointName"] == endpoint.inputs["privateEndpointName"]
        assert endpoint.urn in groups[name].dependencies
    monitor = [c["privateDnsZoneId"].rsplit("/", 1)[-1] for c in groups["monitoring-azuremonitor-dns"].inputs[
        "privateDnsZoneConfigs"]]
    assert "privatelink.monitor.azure.com" in monitor and "privatelink.ods.opinsights.azure.com" in monitor


def test_created_zones_live_in_the_platform_group_linked_to_the_hub(prod_graph):
    zones = prod_graph.of_type(ZONE)
    assert len(zones) == 8
    assert {(z.inputs["resourceGroupName"], z.inputs["location"], z.subscription_id) for z in zones} == {
        ("rg-mlreg-prod", "global", PLATFORM_SUB)
    }
    links = prod_graph.of_type(LINK)
    assert len(links) == len(zones)
    assert {link.inputs["virtualNetwork"]["id"] for link in links} == {HUB_SUBNET.rsplit("/subnets/", 1)[0]}
    assert {link.inputs["registrationEnabled"] for link in links} == {False}


def test_dev_is_public_and_has_no_endpoints_zones_or_scope(dev_graph):
    assert dev_graph.of_type(PE) == dev_graph.of_type(ZONE) == dev_graph.of_type(SCOPE) == []
    monitors = [*dev_graph.of_type(LOG_ANALYTICS), *dev_graph.of_type(APP_INSIGHTS)]
    assert {(m.inputs["publicNetworkAccessForIngestion"], m.inputs["publicNetworkAccessForQuery"])
            for m in monitors} == {("Enabled", "Enabled")}


def test_prod_monitoring_is_reached_only_through_its_private_link_scope(prod_graph):
    scope = only(prod_graph, SCOPE)
    assert scope.inputs["accessModeSettings"] == {
        "ingestionAccessMode": "PrivateOnly", "queryAccessMode": "PrivateOnly"
    }
    monitors = [*prod_graph.of_type(LOG_ANALYTICS), *prod_graph.of_type(APP_INSIGHTS)]
    assert len(monitors) == 5
    assert {(m.inputs["publicNetworkAccessForIngestion"], m.inputs["publicNetworkAccessForQuery"])
            for m in monitors} == {("Disabled", "Disabled")}
    linked = {r.inputs["linkedResourceId"] for r in prod_graph.of_type(SCOPED)}
    assert linked == {m.id for m in monitors}


def test_every_workspace_vault_blob_service_and_registry_logs_to_the_central_workspace(prod_graph):
    central = only(prod_graph, LOG_ANALYTICS, "mlreg-prod-audit-log")
    assert central.inputs["features"]["enableLogAccessUsingOnlyResourcePermissions"] is True
    settings = {r.inputs["resourceUri"]: r for r in prod_graph.of_type(DIAGNOSTIC)}
    assert {s.inputs["workspaceId"] for s in settings.values()} == {central.id}
    for tenant in ("tenant1-ws1", "tenant4-ws1"):
        workspace = only(prod_graph, WORKSPACE, tenant)
        vault = only(prod_graph, "azure-native:keyvault:Vault", f"{tenant}-kv")
        registry = only(prod_graph, "azure-native:containerregistry:Registry", f"{tenant}-cr")
        storage = only(prod_graph, STORAGE, f"{tenant}-st")

        def logs(uri):
            return [(log.get("category"), log.get("categoryGroup"), log["enabled"]) for log in settings[uri].inputs[
                "logs"]]

        assert logs(workspace.id) == [(None, "audit", True)]
        assert logs(vault.id) == [("AuditEvent", None, True)]
        assert logs(f"{storage.id}/blobServices/default") == [
            ("StorageRead", None, True), ("StorageWrite", None, True), ("StorageDelete", None, True)
        ]
        assert logs(registry.id) == [
            ("ContainerRegistryLoginEvents", None, True), ("ContainerRegistryRepositoryEvents", None, True)
        ]
        blob_setting = settings[f"{storage.id}/blobServices/default"]
        # Under the workspace's component, in the tenant's subscription.
        assert parent_of(prod_graph, parent_of(prod_graph, blob_setting)).name == tenant
        assert blob_setting.subscription_id == workspace.subscription_id


def test_every_workspace_storage_keeps_deleted_blobs_and_containers(prod_graph, dev_graph):
    for graph, days in ((prod_graph, 30), (dev_graph, 30)):
        services = graph.of_type(BLOB_SERVICE)
        assert len(services) == len(graph.of_type(STORAGE))
        for service in services:
            assert service.inputs["blobServicesName"] == "default"
            assert service.inputs["deleteRetentionPolicy"] == {"enabled": True, "days": days}
            assert service.inputs["containerDeleteRetentionPolicy"] == {"enabled": True, "days": days}
            assert service.inputs["isVersioningEnabled"] is True
            account = only(graph, STORAGE, service.name.removesuffix("-blob-recovery") + "-st")
            assert service.inputs["accountName"] == account.inputs["accountName"]
            assert account.urn in service.dependencies


def test_private_storage_and_vaults_deny_other_networks(prod_graph, dev_graph):
    storage = only(prod_graph, STORAGE, "tenant1-ws1-st")
    assert storage.inputs["networkRuleSet"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
    vault = only(prod_graph, "azure-native:keyvault:Vault", "tenant1-ws1-kv")
    assert vault.inputs["properties"]["networkAcls"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
    assert "networkRuleSet" not in only(dev_graph, STORAGE, "tenant1-ws1-st").inputs
