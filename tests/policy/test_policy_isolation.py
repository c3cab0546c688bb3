"""Tenant isolation over the stack's role assignments and workspaces."""

from __future__ import annotations

from policy_kit import ENGINE_UNKNOWN, policy_resource, run, stack_args

from policy.rules.isolation import TENANT_ISOLATION
from policy.rules.resource_types import ML_REGISTRY, ML_WORKSPACE, RESOURCE_GROUP, ROLE_ASSIGNMENT
from stacks.access import format_description

SUB_A = "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"  # tenants 1 and 2
SUB_B = "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b"  # tenant 4 alone
REG_SUB = "0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01"
REGISTRY = (
    f"/subscriptions/{REG_SUB}/resourceGroups/rg-mlreg-dev/providers/Microsoft.MachineLearningServices/"
    "registries/mlreg-dev"
)
ROLES = "/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions"
DATA_SCIENTIST = f"{ROLES}/f6c7c914-8db3-469d-8ca1-694a8f32e121"
CONTRIBUTOR = f"{ROLES}/b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = f"{ROLES}/acdd72a7-3385-48ef-bd42-f606fba81ae7"
GROUP_1 = "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4a01"
STRANGER = "11111111-2222-3333-4444-555555555555"
OWNER_SP = "5a1d9e3c-7b2f-4c8a-9d6e-0f1a2b3c4d01"


def ws_id(sub, tenant):
    return (
        f"/subscriptions/{sub}/resourceGroups/rg-ml-{tenant}-ws1-dev/providers/"
        f"Microsoft.MachineLearningServices/workspaces/mlw-{tenant}-ws1-dev"
    )


def workspace(tenant, sub):
    return policy_resource(
        ML_WORKSPACE,
        {
            "workspaceName": f"mlw-{tenant}-ws1-dev",
            "resourceGroupName": f"rg-ml-{tenant}-ws1-dev",
            "location": "westeurope",
            "tags": {"tenant": tenant, "environment": "dev"},
        },
        name=f"{tenant}-ws1",
        subscription_id=sub,
    )


WORKSPACES = [workspace("tenant1", SUB_A), workspace("tenant2", SUB_A), workspace("tenant4", SUB_B)]
REGISTRY_RESOURCE = policy_resource(
    ML_REGISTRY, {"registryName": "mlreg-dev", "tags": {"tenant": "platform"}}, name="registry", subscription_id=REG_SUB
)


def grant(
    name,
    scope,
    *,
    principal=GROUP_1,
    role=DATA_SCIENTIST,
    tenants=("tenant1",),
    label="grp-tenant1-ds",
    property_dependencies=None,
):
    props = {
        "principalId": principal,
        "principalType": "Group",
        "roleDefinitionId": role,
        "scope": scope,
        "roleAssignmentName": "0b4f6c1e-5d7a-5c3b-9e2f-1a2b3c4d5e6f",
    }
    if tenants is not None:
        props["description"] = format_description(tenants, label, ["test"])
    return policy_resource(ROLE_ASSIGNMENT, props, name=name, property_dependencies=property_dependencies)


def check(*grants, config=None, extra=()):
    return run(TENANT_ISOLATION, stack_args([*WORKSPACES, REGISTRY_RESOURCE, *extra, *grants], config))


def test_own_workspace_and_shared_registry_pass():
    found = check(grant("ds", ws_id(SUB_A, "tenant1")), grant("reg", REGISTRY, role=READER))
    assert (found.messages, found.notes) == ([], [])


def test_another_tenants_workspace_is_refused():
    bad = grant("ds", ws_id(SUB_A, "tenant2"))
    found = check(bad)
    assert found.messages == [
        "grp-tenant1-ds acts for tenant1 but gets AzureML Data Scientist on workspace mlw-tenant2-ws1-dev, "
        "which belongs to tenant2"
    ]
    assert found.urns == [bad.urn]


def test_a_subscription_shared_with_another_tenant_is_refused():
    found = check(grant("sub", f"/subscriptions/{SUB_A}", role=CONTRIBUTOR))
    assert found.messages == [
        f"grp-tenant1-ds acts for tenant1 but gets Contributor on subscription {SUB_A}, which belongs to tenant2"
    ]


def test_a_subscription_of_the_tenant_alone_passes():
    found = check(grant("sub", f"/subscriptions/{SUB_B}", tenants=("tenant4",), label="grp-tenant4-ds"))
    assert found.messages == []


def test_a_resource_in_another_tenants_resource_group_is_refused():
    storage = (
        f"/subscriptions/{SUB_A}/resourceGroups/rg-ml-tenant2-ws1-dev/providers/Microsoft.Storage/"
        "storageAccounts/sttenant2ws1"
    )
    found = check(grant("blob", storage))
    assert found.messages == [
        "grp-tenant1-ds acts for tenant1 but gets AzureML Data Scientist on microsoft.storage/storageaccounts "
        "sttenant2ws1, which belongs to tenant2"
    ]


def test_a_resource_group_is_owned_by_its_tenant_tag_too():
    group = policy_resource(
        RESOURCE_GROUP,
        {"resourceGroupName": "rg-shared-data", "tags": {"tenant": "tenant4"}},
        name="rg",
        subscription_id=SUB_B,
    )
    found = check(grant("rg", f"/subscriptions/{SUB_B}/resourceGroups/rg-shared-data"), extra=[group])
    assert found.messages == [
        "grp-tenant1-ds acts for tenant1 but gets AzureML Data Scientist on resource group rg-shared-data, "
        "which belongs to tenant4"
    ]


def test_platform_principals_may_span_tenants():
    found = check(
        grant(
            "owner",
            f"/subscriptions/{SUB_A}",
            principal=OWNER_SP,
            role=CONTRIBUTOR,
            tenants=("platform",),
            label="sp-ml-platform-dev",
        )
    )
    assert found.messages == []


def test_a_workspace_identity_is_its_workspaces_tenant():
    """On a real engine the identity's object id is unknown, but principalId depends on its workspace."""
    identity = grant(
        "identity",
        ws_id(SUB_B, "tenant4"),
        principal=ENGINE_UNKNOWN,
        tenants=None,
        property_dependencies={"principalId": [WORKSPACES[0]]},
    )
    found = check(identity)
    assert found.messages == [
        "a principal known after apply acts for tenant1 but gets AzureML Data Scientist on workspace "
        "mlw-tenant4-ws1-dev, which belongs to tenant4"
    ]


def test_undescribed_principal_on_two_tenants_is_refused():
    one = grant("one", ws_id(SUB_A, "tenant1"), principal=STRANGER, tenants=None)
    two = grant("two", ws_id(SUB_B, "tenant4"), principal=STRANGER, tenants=None)
    found = check(one, two)
    assert found.messages == [
        f"principal {STRANGER} gets AzureML Data Scientist on workspace mlw-tenant1-ws1-dev and holds roles on "
        "scopes of tenant1, tenant4; only principals in platformPrincipals may span tenants",
        f"principal {STRANGER} gets AzureML Data Scientist on workspace mlw-tenant4-ws1-dev and holds roles on "
        "scopes of tenant1, tenant4; only principals in platformPrincipals may span tenants",
    ]
    assert found.urns == [one.urn, two.urn]


def test_undescribed_principal_on_a_shared_subscription_is_refused():
    found = check(grant("sub", f"/subscriptions/{SUB_A}", principal=STRANGER, tenants=None))
    assert found.messages == [
        f"principal {STRANGER} gets AzureML Data Scientist on subscription {SUB_A} and holds roles on scopes of "
        "tenant1, tenant2; only principals in platformPrincipals may span tenants"
    ]


def test_undescribed_principal_listed_as_platform_passes():
    found = check(
        grant("sub", f"/subscriptions/{SUB_A}", principal=OWNER_SP.upper(), tenants=None),
        config={"platformPrincipals": [OWNER_SP]},
    )
    assert found.messages == []


def test_undescribed_assignment_of_a_described_principal_follows_the_description():
    found = check(grant("ds", ws_id(SUB_A, "tenant1")), grant("extra", ws_id(SUB_A, "tenant2"), tenants=None))
    assert found.messages == [
        f"{GROUP_1} acts for tenant1 but gets AzureML Data Scientist on workspace mlw-tenant2-ws1-dev, "
        "which belongs to tenant2"
    ]


def test_unknown_scope_and_untraceable_principal_wait_for_apply():
    found = check(
        grant("scope", ENGINE_UNKNOWN), grant("who", ws_id(SUB_A, "tenant1"), principal=ENGINE_UNKNOWN, tenants=None)
    )
    assert (found.messages, found.notes) == ([], ["scope is known after apply", "principalId is known after apply"])


def test_workspaces_are_found_from_engine_outputs_too():
    """Stack policies see outputs on a real engine: `name` and `id` instead of path parameters."""
    outputs = policy_resource(
        ML_WORKSPACE,
        {"name": "mlw-tenant9-ws1-dev", "id": ws_id(SUB_B, "tenant9"), "tags": {"tenant": "tenant9"}},
        name="tenant9-ws1",
    )
    found = check(grant("ds", ws_id(SUB_B, "tenant9")), extra=[outputs])
    assert found.messages == [
        "grp-tenant1-ds acts for tenant1 but gets AzureML Data Scientist on workspace mlw-tenant9-ws1-dev, "
        "which belongs to tenant9"
    ]
