"""Role assignment rules, one assignment at a time, plus the duplicate check."""

from __future__ import annotations

import pytest
from policy_kit import ENGINE_UNKNOWN, policy_resource, resource_args, run, stack_args

from policy.rules import access
from policy.rules.resource_types import ROLE_ASSIGNMENT
from stacks.access import format_description

SUB = "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"
WS = (
    f"/subscriptions/{SUB}/resourceGroups/rg-ml-tenant1-ws1-dev/providers/Microsoft.MachineLearningServices/"
    "workspaces/mlw-tenant1-ws1-dev"
)
GROUP = "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4a01"
OWNER_SP = "5a1d9e3c-7b2f-4c8a-9d6e-0f1a2b3c4d01"
NAME_B = "1b4f6c1e-5d7a-5c3b-9e2f-1a2b3c4d5e6f"
NAME_C = "2b4f6c1e-5d7a-5c3b-9e2f-1a2b3c4d5e6f"


def role_id(guid: str) -> str:
    return f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


DATA_SCIENTIST = role_id("f6c7c914-8db3-469d-8ca1-694a8f32e121")
CONTRIBUTOR = role_id("b24988ac-6180-42a0-ab88-20f7382dd24c")
OWNER = role_id("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")
UAA = role_id("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")
KEY_VAULT_ADMIN = role_id("00482a5a-887f-4fb3-b363-3b7fe8e74483")


def assignment(**overrides):
    props = {
        "principalId": GROUP,
        "principalType": "Group",
        "roleDefinitionId": DATA_SCIENTIST,
        "scope": WS,
        "roleAssignmentName": "0b4f6c1e-5d7a-5c3b-9e2f-1a2b3c4d5e6f",
        "description": format_description(["tenant1"], "grp-tenant1-ds", ["member of tenant1 (dataScientist)"]),
    }
    props.update(overrides)
    return {k: v for k, v in props.items() if v is not None}


def check(policy, **overrides):
    return run(policy, resource_args(ROLE_ASSIGNMENT, assignment(**overrides), name="ra"))


@pytest.mark.parametrize(
    "policy",
    [
        access.NO_PRIVILEGED_ROLES,
        access.ALLOWED_ROLES,
        access.SUBSCRIPTION_CONTRIBUTOR,
        access.PRINCIPAL_TYPE,
        access.GUID_NAME,
    ],
    ids=lambda p: p.name,
)
def test_a_compliant_assignment_passes(policy):
    assert check(policy).messages == []


def test_rules_ignore_other_resource_types():
    args = resource_args("azure-native:storage:StorageAccount", {"roleDefinitionId": OWNER})
    assert run(access.NO_PRIVILEGED_ROLES, args).messages == []


def test_owner_is_refused():
    assert check(access.NO_PRIVILEGED_ROLES, roleDefinitionId=OWNER).messages == [
        "grants Owner to grp-tenant1-ds: it lets the principal grant access to others, and this project never "
        "grants Owner, Role Based Access Control Administrator, User Access Administrator"
    ]


def test_user_access_administrator_is_refused_whatever_the_subscription_and_case():
    other = role_id(UAA[-36:].upper()).replace(SUB, "00000000-0000-0000-0000-000000000000")
    found = check(access.NO_PRIVILEGED_ROLES, roleDefinitionId=other, description=None)
    assert found.messages == [
        f"grants User Access Administrator to {GROUP}: it lets the principal grant access to others, and this "
        "project never grants Owner, Role Based Access Control Administrator, User Access Administrator"
    ]


def test_a_role_off_the_allow_list_is_refused():
    assert check(access.ALLOWED_ROLES, roleDefinitionId=KEY_VAULT_ADMIN).messages == [
        "grants role 00482a5a-887f-4fb3-b363-3b7fe8e74483, which is not on the allow-list: AcrPull, AzureML "
        "Compute Operator, AzureML Data Scientist, AzureML Registry User, Contributor, Reader, Storage Blob Data Reader"
    ]


def test_a_role_definition_id_without_a_guid_is_refused():
    assert check(access.ALLOWED_ROLES, roleDefinitionId="Contributor").messages == [
        "roleDefinitionId 'Contributor' does not end in a role definition GUID"
    ]


def test_contributor_on_a_whole_subscription_is_shown():
    found = check(
        access.SUBSCRIPTION_CONTRIBUTOR,
        roleDefinitionId=CONTRIBUTOR,
        scope=f"/subscriptions/{SUB}/",
        principalId=OWNER_SP,
        principalType="ServicePrincipal",
        description=format_description(["platform"], "sp-ml-platform-dev", ["registry owner"]),
    )
    assert found.messages == [
        f"grants Contributor on the whole subscription {SUB} to sp-ml-platform-dev; the reference design asks for "
        "it (ownerAccess: subscription), ownerAccess: [workspace] keeps it to the workspace"
    ]


def test_contributor_on_a_workspace_is_not_shown():
    assert check(access.SUBSCRIPTION_CONTRIBUTOR, roleDefinitionId=CONTRIBUTOR).messages == []


def test_principal_type_must_be_set():
    assert check(access.PRINCIPAL_TYPE, principalType=None).messages == [
        "principalType is not set: Azure then assumes User, and an assignment to a new managed identity can "
        "fail with PrincipalNotFound"
    ]


def test_principal_type_must_be_an_azure_principal_type():
    assert check(access.PRINCIPAL_TYPE, principalType="Robot").messages == [
        "principalType 'Robot' is not one of User, Group, ServicePrincipal, ForeignGroup, Device, AgentUser"
    ]


def test_name_must_be_set():
    assert check(access.GUID_NAME, roleAssignmentName=None).messages == [
        "roleAssignmentName is not set: the provider would pick a random name; use a deterministic GUID "
        "(uuid5 of scope, principal and role)"
    ]


def test_name_must_be_a_guid():
    assert check(access.GUID_NAME, roleAssignmentName="ds-tenant1").messages == [
        "roleAssignmentName 'ds-tenant1' is not a GUID"
    ]


def test_unknown_role_and_scope_wait_for_apply():
    found = check(access.SUBSCRIPTION_CONTRIBUTOR, roleDefinitionId=CONTRIBUTOR, scope=ENGINE_UNKNOWN)
    assert (found.messages, found.notes) == ([], ["scope is known after apply"])
    found = check(access.NO_PRIVILEGED_ROLES, roleDefinitionId=ENGINE_UNKNOWN)
    assert (found.messages, found.notes) == ([], ["roleDefinitionId is known after apply"])


def test_an_unknown_principal_id_is_named_by_the_description():
    found = check(
        access.NO_PRIVILEGED_ROLES,
        roleDefinitionId=OWNER,
        principalId=ENGINE_UNKNOWN,
        description=format_description(["tenant1"], "identity of workspace ws1", ["pulls"]),
    )
    assert found.messages[0].startswith("grants Owner to identity of workspace ws1:")


# --- no duplicates (stack) ---


def ra(name, **overrides):
    return policy_resource(ROLE_ASSIGNMENT, assignment(**overrides), name=name)


def test_distinct_assignments_pass():
    resources = [ra("a"), ra("b", roleDefinitionId=CONTRIBUTOR, roleAssignmentName=NAME_B)]
    assert run(access.NO_DUPLICATES, stack_args(resources)).messages == []


def test_the_same_principal_role_and_scope_twice_is_refused():
    second = ra(
        "b", scope=WS.upper() + "/", roleDefinitionId=DATA_SCIENTIST.replace(SUB, "x"), roleAssignmentName=NAME_B
    )
    found = run(access.NO_DUPLICATES, stack_args([ra("a"), second]))
    assert found.messages == [
        "same principal, role and scope as a: Azure rejects the second assignment with RoleAssignmentExists"
    ]
    assert found.urns == [second.urn]


def test_one_name_for_two_grants_at_one_scope_is_refused():
    other = ra("b", roleDefinitionId=CONTRIBUTOR)
    found = run(access.NO_DUPLICATES, stack_args([ra("a"), other]))
    assert found.messages == [
        "roleAssignmentName 0b4f6c1e-5d7a-5c3b-9e2f-1a2b3c4d5e6f is already used at this scope by a: an "
        "existing assignment cannot be re-pointed to another principal or role"
    ]


def test_identities_known_after_apply_are_told_apart_by_whose_identity_they_are():
    ws1 = policy_resource("azure-native:machinelearningservices:Workspace", {}, name="ws1")
    ws2 = policy_resource("azure-native:machinelearningservices:Workspace", {}, name="ws2")
    a = policy_resource(
        ROLE_ASSIGNMENT, assignment(principalId=ENGINE_UNKNOWN), name="a", property_dependencies={"principalId": [ws1]}
    )
    b = policy_resource(
        ROLE_ASSIGNMENT,
        assignment(principalId=ENGINE_UNKNOWN, roleAssignmentName=NAME_B),
        name="b",
        property_dependencies={"principalId": [ws2]},
    )
    c = policy_resource(
        ROLE_ASSIGNMENT,
        assignment(principalId=ENGINE_UNKNOWN, roleAssignmentName=NAME_C),
        name="c",
        property_dependencies={"principalId": [ws1]},
    )
    found = run(access.NO_DUPLICATES, stack_args([ws1, ws2, a, b, c]))
    assert found.messages == [
        "same principal, role and scope as a: Azure rejects the second assignment with RoleAssignmentExists"
    ]
    assert found.urns == [c.urn]


def test_a_principal_id_nobody_can_trace_waits_for_apply():
    found = run(access.NO_DUPLICATES, stack_args([ra("a", principalId=ENGINE_UNKNOWN)]))
    assert (found.messages, found.notes) == ([], ["principalId is known after apply"])
