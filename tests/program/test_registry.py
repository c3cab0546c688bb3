"""The central registry: regions, system-created storage and ACR, identity, audit trail."""

from tests.program.helpers import REGISTRY, only, parent_of

DEV_REGISTRY_ID = (
    "/subscriptions/0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01/resourceGroups/rg-mlreg-dev/providers/"
    "Microsoft.MachineLearningServices/registries/mlreg-dev"
)


def test_one_multi_region_registry_primary_first(dev_graph):
    registry = only(dev_graph, REGISTRY)
    assert registry.inputs["registryName"] == "mlreg-dev"
    assert registry.inputs["location"] == "westeurope"
    assert [r["location"] for r in registry.inputs["regionDetails"]] == ["westeurope", "northeurope", "eastus"]
    assert registry.id == DEV_REGISTRY_ID


def test_each_region_has_private_system_storage_and_premium_acr(dev_graph):
    for region in only(dev_graph, REGISTRY).inputs["regionDetails"]:
        (storage,) = region["storageAccountDetails"]
        assert storage["systemCreatedStorageAccount"]["allowBlobPublicAccess"] is False
        assert "armResourceId" not in storage["systemCreatedStorageAccount"]  # bring-your-own is rejected
        (acr,) = region["acrDetails"]
        assert acr["systemCreatedAcrAccount"]["acrAccountSku"] == "Premium"


def test_registry_identity_network_tags_and_protection(dev_graph, prod_graph):
    dev = only(dev_graph, REGISTRY)
    assert dev.inputs["identity"] == {"type": "SystemAssigned"}
    assert dev.inputs["publicNetworkAccess"] == "Enabled"
    assert dev.inputs["tags"] == {"environment": "dev", "tenant": "platform", "managed-by": "ml-tenancy"}
    assert dev.protect is True
    assert only(prod_graph, REGISTRY).inputs["publicNetworkAccess"] == "Disabled"


def test_registry_lives_in_its_component_and_subscription(dev_graph):
    registry = only(dev_graph, REGISTRY)
    component = parent_of(dev_graph, registry)
    assert (component.type, component.name) == ("ml-tenancy:platform:Registry", "mlreg-dev")
    assert registry.subscription_id == "0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01"
    rg = only(dev_graph, "azure-native:resources:ResourceGroup", "mlreg-dev-rg")
    assert rg.inputs["resourceGroupName"] == "rg-mlreg-dev"


def test_audit_logs_of_asset_reads_and_writes_go_to_central_log_analytics(dev_graph):
    setting = only(dev_graph, "azure-native:monitor:DiagnosticSetting", "mlreg-dev-audit")
    law = only(dev_graph, "azure-native:operationalinsights:Workspace", "mlreg-dev-audit-log")
    assert setting.inputs["resourceUri"] == DEV_REGISTRY_ID
    assert setting.inputs["workspaceId"] == law.id
    assert law.inputs["workspaceName"] == "log-mlreg-dev"
    assert sorted(log["category"] for log in setting.inputs["logs"] if log["enabled"]) == [
        "RegistryAssetReadEvent",
        "RegistryAssetWriteEvent",
    ]
