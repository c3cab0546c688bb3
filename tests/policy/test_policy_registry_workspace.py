"""ML registry and workspace rules."""

from __future__ import annotations

from policy_kit import ENGINE_UNKNOWN, policy_resource, resource_args, run, stack_args

from policy.rules import registry, workspace
from policy.rules.resource_types import CONTAINER_REGISTRY, ML_REGISTRY, ML_WORKSPACE

SUB = "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"
ACR_ID = (
    f"/subscriptions/{SUB}/resourceGroups/rg-ml-tenant1-ws1-dev/providers/Microsoft.ContainerRegistry/"
    "registries/crtenant1ws1abcd1234"
)


def region(location, public=False):
    return {
        "location": location,
        "storageAccountDetails": [
            {
                "systemCreatedStorageAccount": {
                    "allowBlobPublicAccess": public,
                    "storageAccountType": "Standard_LRS",
                    "storageAccountHnsEnabled": False,
                }
            }
        ],
        "acrDetails": [{"systemCreatedAcrAccount": {"acrAccountSku": "Premium"}}],
    }


def registry_props(**overrides):
    props = {
        "registryName": "mlreg-dev",
        "location": "westeurope",
        "regionDetails": [region("westeurope"), region("northeurope")],
        "identity": {"type": "SystemAssigned"},
        "publicNetworkAccess": "Disabled",
        "tags": {"tenant": "platform", "environment": "dev"},
    }
    props.update(overrides)
    return {k: v for k, v in props.items() if v is not None}


def workspace_props(**overrides):
    props = {
        "workspaceName": "mlw-tenant1-ws1-dev",
        "resourceGroupName": "rg-ml-tenant1-ws1-dev",
        "location": "westeurope",
        "identity": {"type": "SystemAssigned"},
        "v1LegacyMode": False,
        "publicNetworkAccess": "Disabled",
        "containerRegistry": ACR_ID,
        "tags": {"tenant": "tenant1", "environment": "dev"},
    }
    props.update(overrides)
    return {k: v for k, v in props.items() if v is not None}


def acr(name="crtenant1ws1abcd1234", admin=False, resource="acr"):
    return policy_resource(
        CONTAINER_REGISTRY,
        {"registryName": name, "resourceGroupName": "rg-ml-tenant1-ws1-dev", "adminUserEnabled": admin},
        name=resource,
        subscription_id=SUB,
    )


def ws(name="ws", sub=SUB, **overrides):
    return policy_resource(ML_WORKSPACE, workspace_props(**overrides), name=name, subscription_id=sub)


def reg(**overrides):
    return policy_resource(ML_REGISTRY, registry_props(**overrides), name="registry")


# --- registry ---


def test_workspaces_in_registry_regions_pass():
    found = run(registry.COVERS_WORKSPACE_REGIONS, stack_args([reg(), ws(location="North Europe")]))
    assert (found.messages, found.notes) == ([], [])


def test_a_workspace_outside_the_registry_regions_is_refused():
    outside = ws(location="brazilsouth")
    found = run(registry.COVERS_WORKSPACE_REGIONS, stack_args([reg(), outside]))
    assert found.messages == [
        "location brazilsouth is not one of the registry's regions (westeurope, northeurope), so the workspace "
        "cannot use the registry"
    ]
    assert found.urns == [outside.urn]


def test_unknown_regions_wait_for_apply():
    resources = [reg(regionDetails=ENGINE_UNKNOWN), ws(location="eastus")]
    found = run(registry.COVERS_WORKSPACE_REGIONS, stack_args(resources))
    assert found.messages == []
    assert found.notes == [
        "regionDetails is known after apply",
        "whether the registry covers this workspace's region is known after apply",
    ]
    found = run(registry.COVERS_WORKSPACE_REGIONS, stack_args([reg(), ws(location=ENGINE_UNKNOWN)]))
    assert (found.messages, found.notes) == ([], ["location is known after apply"])


def test_no_registry_in_the_stack_means_nothing_to_cover():
    assert run(registry.COVERS_WORKSPACE_REGIONS, stack_args([ws(location="brazilsouth")])).messages == []


def test_private_registry_storage_passes():
    assert run(registry.STORAGE_NO_PUBLIC_BLOB_ACCESS, resource_args(ML_REGISTRY, registry_props())).messages == []


def test_public_registry_storage_is_refused():
    props = registry_props(regionDetails=[region("westeurope"), region("northeurope", public=True)])
    assert run(registry.STORAGE_NO_PUBLIC_BLOB_ACCESS, resource_args(ML_REGISTRY, props)).messages == [
        "region northeurope: the system-created storage account allows public blob access"
    ]


def test_registry_storage_must_say_no_public_blob_access():
    detail = region("westeurope")
    del detail["storageAccountDetails"][0]["systemCreatedStorageAccount"]["allowBlobPublicAccess"]
    props = registry_props(regionDetails=[detail])
    assert run(registry.STORAGE_NO_PUBLIC_BLOB_ACCESS, resource_args(ML_REGISTRY, props)).messages == [
        "region westeurope: the system-created storage account does not set allowBlobPublicAccess to false"
    ]


def test_registry_public_network_access():
    assert run(registry.PUBLIC_NETWORK_ACCESS, resource_args(ML_REGISTRY, registry_props())).messages == []
    enabled = registry_props(publicNetworkAccess="Enabled")
    found = run(registry.PUBLIC_NETWORK_ACCESS, resource_args(ML_REGISTRY, enabled))
    assert found.messages == ["publicNetworkAccess is Enabled; set it to Disabled and use private endpoints"]
    found = run(registry.PUBLIC_NETWORK_ACCESS, resource_args(ML_REGISTRY, registry_props(publicNetworkAccess=None)))
    assert found.messages == ["publicNetworkAccess is not set, and Azure's default is Enabled; set it to Disabled"]


# --- workspace ---


def check(policy, **overrides):
    return run(policy, resource_args(ML_WORKSPACE, workspace_props(**overrides)))


def test_compliant_workspace_passes():
    for policy in (workspace.NO_V1_LEGACY_MODE, workspace.MANAGED_IDENTITY, workspace.PUBLIC_NETWORK_ACCESS):
        assert check(policy).messages == [], policy.name


def test_v1_legacy_mode_is_refused():
    assert check(workspace.NO_V1_LEGACY_MODE, v1LegacyMode=True).messages == [
        "v1LegacyMode is true: v1 legacy mode turns off the v2 API that registries, managed networks and online "
        "endpoints need"
    ]
    assert check(workspace.NO_V1_LEGACY_MODE, v1LegacyMode=None).messages == []


def test_workspace_needs_a_managed_identity():
    assert check(workspace.MANAGED_IDENTITY, identity=None).messages == [
        "identity is not set: the workspace needs a managed identity to reach its storage, key vault and the registry"
    ]
    assert check(workspace.MANAGED_IDENTITY, identity={"type": "None"}).messages == [
        "identity type is None: the workspace needs a system- or user-assigned managed identity"
    ]
    assert check(workspace.MANAGED_IDENTITY, identity={"type": "SystemAssigned,UserAssigned"}).messages == []


def test_workspace_public_network_access():
    assert check(workspace.PUBLIC_NETWORK_ACCESS, publicNetworkAccess="Enabled").messages == [
        "publicNetworkAccess is Enabled; set it to Disabled and use private endpoints"
    ]


def test_workspace_with_its_own_private_acr_passes():
    found = run(workspace.OWN_CONTAINER_REGISTRY, stack_args([acr(), ws()]))
    assert (found.messages, found.notes) == ([], [])


def test_workspace_without_container_registry_is_refused():
    found = run(workspace.OWN_CONTAINER_REGISTRY, stack_args([acr(), ws(containerRegistry=None)]))
    assert found.messages == [
        "containerRegistry is not set: Azure then creates a registry on first image build, with the admin user enabled"
    ]


def test_workspace_with_a_registry_outside_the_stack_is_refused():
    found = run(workspace.OWN_CONTAINER_REGISTRY, stack_args([ws()]))
    assert found.messages == [
        f"containerRegistry {ACR_ID} is not a container registry of this stack, so its admin user cannot be checked"
    ]


def test_workspace_with_an_admin_enabled_acr_is_refused():
    found = run(workspace.OWN_CONTAINER_REGISTRY, stack_args([acr(admin=True), ws()]))
    assert found.messages == ["container registry crtenant1ws1abcd1234 has the admin user enabled"]


def test_two_workspaces_sharing_one_acr_are_refused():
    second = ws("ws2", workspaceName="mlw-tenant1-ws2-dev")
    found = run(workspace.OWN_CONTAINER_REGISTRY, stack_args([acr(), ws(), second]))
    assert found.messages == ["container registry crtenant1ws1abcd1234 is also used by workspace ws"]
    assert found.urns == [second.urn]


def test_an_acr_id_unknown_during_preview_is_found_through_property_dependencies():
    registry_resource = acr(admin=True)
    pending = policy_resource(
        ML_WORKSPACE,
        workspace_props(containerRegistry=ENGINE_UNKNOWN),
        name="ws",
        property_dependencies={"containerRegistry": [registry_resource]},
    )
    found = run(workspace.OWN_CONTAINER_REGISTRY, stack_args([registry_resource, pending]))
    assert found.messages == ["container registry crtenant1ws1abcd1234 has the admin user enabled"]


def test_an_acr_id_nobody_can_trace_waits_for_apply():
    found = run(workspace.OWN_CONTAINER_REGISTRY, stack_args([acr(), ws(containerRegistry=ENGINE_UNKNOWN)]))
    assert (found.messages, found.notes) == ([], ["containerRegistry is known after apply"])
