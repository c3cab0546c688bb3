"""Tenant workspaces and their dependencies, across subscriptions."""

from collections import Counter

from stacks.naming import (
    CONTAINER_REGISTRY_NAME,
    KEY_VAULT_NAME,
    STORAGE_ACCOUNT_NAME,
)
from tests.program.helpers import COMPUTE, PROVIDER, WORKSPACE, only, parent_of

SUB_A = "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"
SUB_B = "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b"


def test_four_workspaces_three_in_subscription_a_one_in_b(dev_graph):
    workspaces = dev_graph.of_type(WORKSPACE)
    assert sorted(w.inputs["workspaceName"] for w in workspaces) == [
        "mlw-tenant1-ws1-dev",
        "mlw-tenant2-ws1-dev",
        "mlw-tenant3-ws1-dev",
        "mlw-tenant4-ws1-dev",
    ]
    assert Counter(w.subscription_id for w in workspaces) == {SUB_A: 3, SUB_B: 1}


def test_one_provider_per_subscription_shared_by_its_resources(dev_graph):
    providers = dev_graph.of_type(PROVIDER)
    assert sorted(p.inputs["subscriptionId"] for p in providers) == sorted(
        [SUB_A, SUB_B, "0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01"]
    )
    assert {p.inputs["tenantId"] for p in providers} == {"3f6c2b1a-8d4e-4f7a-9b2c-1e5d7a9c0b11"}
    provider_a = next(p.urn for p in providers if p.inputs["subscriptionId"] == SUB_A)
    in_a = [r for r in dev_graph.azure if r.provider == provider_a]
    assert {r.subscription_id for r in in_a} == {SUB_A}
    assert all(r.provider for r in dev_graph.azure), "every Azure resource has an explicit provider"


def test_workspace_properties(dev_graph):
    ws = only(dev_graph, WORKSPACE, "tenant1-ws1")
    i = ws.inputs
    assert i["identity"] == {"type": "SystemAssigned"}
    assert i["v1LegacyMode"] is False
    assert i["publicNetworkAccess"] == "Enabled"
    assert i["location"] == "westeurope"
    assert i["resourceGroupName"] == "rg-ml-tenant1-ws1-dev"
    assert "managedNetwork" not in i
    acr = only(dev_graph, "azure-native:containerregistry:Registry", "tenant1-ws1-cr")
    assert i["containerRegistry"] == acr.id and acr.inputs["adminUserEnabled"] is False
    assert i["storageAccount"] == only(dev_graph, "azure-native:storage:StorageAccount", "tenant1-ws1-st").id
    assert i["keyVault"] == only(dev_graph, "azure-native:keyvault:Vault", "tenant1-ws1-kv").id
    appi = only(dev_graph, "azure-native:applicationinsights:Component", "tenant1-ws1-appi")
    assert i["applicationInsights"] == appi.id
    law = only(dev_graph, "azure-native:operationalinsights:Workspace", "tenant1-ws1-log")
    assert appi.inputs["workspaceResourceId"] == law.id
    assert i["tags"] == {"environment": "dev", "tenant": "tenant1", "managed-by": "ml-tenancy"}
    component = parent_of(dev_graph, ws)
    assert (component.type, component.name) == ("ml-tenancy:tenant:Workspace", "tenant1-ws1")
    tenant = parent_of(dev_graph, component)
    assert (tenant.type, tenant.name) == ("ml-tenancy:tenant:Tenant", "tenant1")


def test_storage_and_key_vault_are_hardened(dev_graph):
    st = only(dev_graph, "azure-native:storage:StorageAccount", "tenant4-ws1-st").inputs
    assert (st["minimumTlsVersion"], st["enableHttpsTrafficOnly"], st["allowBlobPublicAccess"]) == (
        "TLS1_2",
        True,
        False,
    )
    kv = only(dev_graph, "azure-native:keyvault:Vault", "tenant4-ws1-kv").inputs["properties"]
    assert kv["enableRbacAuthorization"] is True
    assert kv["enableSoftDelete"] is True
    assert kv["enablePurgeProtection"] is True
    assert kv["tenantId"] == "3f6c2b1a-8d4e-4f7a-9b2c-1e5d7a9c0b11"


def test_globally_unique_names_are_hashed_valid_and_stable(dev_graph, dev_raw):
    from preview.engine import run_program

    names = sorted(r.inputs["accountName"] for r in dev_graph.of_type("azure-native:storage:StorageAccount"))
    assert all(not STORAGE_ACCOUNT_NAME.problems(n) for n in names)
    assert len(set(names)) == 4
    vaults = [r.inputs["vaultName"] for r in dev_graph.of_type("azure-native:keyvault:Vault")]
    assert all(not KEY_VAULT_NAME.problems(n) for n in vaults)
    acrs = [r.inputs["registryName"] for r in dev_graph.of_type("azure-native:containerregistry:Registry")]
    assert all(not CONTAINER_REGISTRY_NAME.problems(n) for n in acrs)
    again = run_program(dev_raw, "dev")
    assert sorted(r.inputs["accountName"] for r in again.of_type("azure-native:storage:StorageAccount")) == names


def test_compute_cluster(dev_graph):
    compute = only(dev_graph, COMPUTE, "tenant3-ws1-compute")
    props = compute.inputs["properties"]
    assert compute.inputs["computeName"] == "gpu-cluster"
    assert compute.inputs["workspaceName"] == "mlw-tenant3-ws1-dev"
    assert props["computeType"] == "AmlCompute"
    assert props["disableLocalAuth"] is True
    inner = props["properties"]
    assert inner["vmSize"] == "Standard_NC6s_v3"
    assert inner["scaleSettings"] == {
        "minNodeCount": 0,
        "maxNodeCount": 2,
        "nodeIdleTimeBeforeScaleDown": "PT30M",
    }
    assert inner["remoteLoginPortPublicAccess"] == "Disabled"


def test_stateful_resources_are_protected(dev_graph):
    stateful = {
        "azure-native:machinelearningservices:Registry",
        WORKSPACE,
        "azure-native:storage:StorageAccount",
        "azure-native:keyvault:Vault",
    }
    for resource in dev_graph.azure:
        assert resource.protect == (resource.type in stateful), resource.name


def test_private_workspace_has_managed_network_to_registry(prod_graph):
    ws = only(prod_graph, WORKSPACE, "tenant4-ws1")
    registry = only(prod_graph, "azure-native:machinelearningservices:Registry")
    network = ws.inputs["managedNetwork"]
    assert ws.inputs["publicNetworkAccess"] == "Disabled"
    assert network["isolationMode"] == "AllowOnlyApprovedOutbound"
    (rule,) = network["outboundRules"].values()
    assert rule["type"] == "PrivateEndpoint"
    assert rule["destination"]["subresourceTarget"] == "amlregistry"
    assert rule["destination"]["serviceResourceId"] == registry.id
    compute = only(prod_graph, COMPUTE, "tenant4-ws1-compute").inputs["properties"]["properties"]
    assert compute["enableNodePublicIp"] is False
    assert compute["scaleSettings"]["nodeIdleTimeBeforeScaleDown"] == "PT15M"
    acr = only(prod_graph, "azure-native:containerregistry:Registry", "tenant4-ws1-cr").inputs
    assert acr["sku"] == {"name": "Premium"} and acr["publicNetworkAccess"] == "Disabled"
