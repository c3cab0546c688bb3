"""Role assignments: deterministic, deduplicated, right scopes, types and role definitions."""

from __future__ import annotations

import copy
import uuid
from collections import Counter

import pytest

from stacks.access import plan_role_grants, tenants_from_description
from stacks.load import parse_config
from stacks.naming import ROLE_ASSIGNMENT_NAMESPACE
from stacks.roles import PRIVILEGED_ROLES, ROLE_BY_GUID, ROLE_GUIDS, Role
from stacks.topology import Topology
from tests.program.helpers import PROVIDER, ROLE_ASSIGNMENT, WORKSPACE

OWNER = "5a1d9e3c-7b2f-4c8a-9d6e-0f1a2b3c4d01"
SUB_A = "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"
SUB_B = "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b"
GROUP1 = "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4a01"


def role_of(assignment) -> Role:
    return ROLE_BY_GUID[assignment.inputs["roleDefinitionId"].rsplit("/", 1)[1]]


def test_one_subscription_contributor_per_owner_and_subscription(dev_graph):
    subscription_scoped = [
        a for a in dev_graph.of_type(ROLE_ASSIGNMENT) if a.inputs["scope"].count("/") == 2
    ]
    assert sorted(a.inputs["scope"] for a in subscription_scoped) == sorted(
        [f"/subscriptions/{SUB_A}", f"/subscriptions/{SUB_B}"]
    )
    assert {(a.inputs["principalId"], role_of(a)) for a in subscription_scoped} == {(OWNER, Role.CONTRIBUTOR)}


def test_no_duplicate_principal_role_scope(dev_graph, prod_graph):
    for graph in (dev_graph, prod_graph):
        keys = Counter(
            (a.inputs["description"].split("principal=")[1].split(";")[0], role_of(a), a.inputs["scope"].lower())
            for a in graph.of_type(ROLE_ASSIGNMENT)
        )
        assert [k for k, n in keys.items() if n > 1] == []
        names = [a.inputs["roleAssignmentName"] for a in graph.of_type(ROLE_ASSIGNMENT)]
        assert len(names) == len(set(names))


def test_names_are_uuid5_of_scope_principal_and_role(dev_graph):
    for a in dev_graph.of_type(ROLE_ASSIGNMENT):
        principal = a.inputs["principalId"]
        if principal == "<known after apply>":
            continue
        expected = uuid.uuid5(
            ROLE_ASSIGNMENT_NAMESPACE,
            f"{a.inputs['scope'].lower()}|{principal.lower()}|{ROLE_GUIDS[role_of(a)]}",
        )
        assert a.inputs["roleAssignmentName"] == str(expected)
        assert a.id == f"{a.inputs['scope']}/providers/Microsoft.Authorization/roleAssignments/{expected}"


def test_role_definition_built_with_scope_subscription_and_explicit_principal_type(dev_graph):
    providers = {p.urn: p.inputs["subscriptionId"] for p in dev_graph.of_type(PROVIDER)}
    for a in dev_graph.of_type(ROLE_ASSIGNMENT):
        scope_sub = a.inputs["scope"].split("/")[2]
        assert a.inputs["roleDefinitionId"].startswith(f"/subscriptions/{scope_sub}/providers/")
        assert a.inputs["principalType"] in ("User", "Group", "ServicePrincipal")
        assert providers[a.provider] == scope_sub
        assert role_of(a) not in PRIVILEGED_ROLES


def test_members_and_identities_get_their_roles(dev_graph):
    by_principal: dict[str, set[tuple[Role, str]]] = {}
    for a in dev_graph.of_type(ROLE_ASSIGNMENT):
        label = a.inputs["description"].split("principal=")[1].split(";")[0]
        by_principal.setdefault(label, set()).add((role_of(a), a.inputs["scope"].rsplit("/", 1)[1]))
    assert by_principal["grp-tenant1-ds"] == {
        (Role.DATA_SCIENTIST, "mlw-tenant1-ws1-dev"),
        (Role.REGISTRY_USER, "mlreg-dev"),
    }
    assert by_principal["grp-tenant2-ds"] == {(Role.DATA_SCIENTIST, "mlw-tenant2-ws1-dev"), (Role.READER, "mlreg-dev")}
    assert by_principal["ana@tenant1.example"] == {(Role.COMPUTE_OPERATOR, "mlw-tenant1-ws1-dev")}
    # Sharing workspaces write to the registry; the others only read from it.
    assert by_principal["identity of workspace mlw-tenant1-ws1-dev"] == {(Role.REGISTRY_USER, "mlreg-dev")}
    assert by_principal["identity of workspace mlw-tenant2-ws1-dev"] == {(Role.READER, "mlreg-dev")}
    # Cluster jobs read from the registry; sharing back runs as the registry owner.
    assert by_principal["identity of compute cpu-cluster in mlw-tenant4-ws1-dev"] == {(Role.READER, "mlreg-dev")}
    assert by_principal["identity of compute gpu-cluster in mlw-tenant3-ws1-dev"] == {(Role.READER, "mlreg-dev")}
    assert (Role.REGISTRY_USER, "mlreg-dev") in by_principal["sp-ml-platform-dev"]


def test_identity_assignments_wait_for_their_identity_and_scope(dev_graph):
    workspaces = {w.inputs["workspaceName"]: w.urn for w in dev_graph.of_type(WORKSPACE)}
    for a in dev_graph.of_type(ROLE_ASSIGNMENT):
        if "/workspaces/" in a.inputs["scope"]:
            assert workspaces[a.inputs["scope"].rsplit("/", 1)[1]] in a.dependencies
        if a.inputs["description"].split("principal=")[1].startswith("identity of"):
            assert a.inputs["principalId"] == "<known after apply>"
            assert a.inputs["principalType"] == "ServicePrincipal"


def _grants(raw):
    return plan_role_grants(Topology.of(parse_config(raw, environment="dev")))


@pytest.fixture
def raw(dev_raw):
    return copy.deepcopy(dev_raw)


def test_group_in_two_tenants_gets_one_registry_assignment(raw):
    raw["tenants"][3]["members"].append({"objectId": GROUP1, "type": "Group", "roles": ["registryUser"]})
    registry_user = [
        g for g in _grants(raw) if g.principal.object_id == GROUP1 and g.role is Role.REGISTRY_USER
    ]
    assert len(registry_user) == 1
    assert registry_user[0].tenants == ("tenant1", "tenant4")
    assert tenants_from_description(registry_user[0].description) == ("tenant1", "tenant4")


def test_owner_access_controls_owner_contributor_scopes(raw):
    for tenant in raw["tenants"]:
        tenant["ownerAccess"] = ["workspace"]
    owner = [g for g in _grants(raw) if g.principal.object_id == OWNER and g.role is Role.CONTRIBUTOR]
    assert {g.scope.kind for g in owner} == {"workspace"}
    assert len(owner) == 4
    for tenant in raw["tenants"]:
        tenant["ownerAccess"] = []
    remaining = [(g.role, g.scope.kind) for g in _grants(raw) if g.principal.object_id == OWNER]
    assert remaining == [(Role.REGISTRY_USER, "registry")]


def test_owner_subscription_grant_survives_one_tenant_dropping_it(raw):
    raw["tenants"][0]["ownerAccess"] = ["workspace"]
    subs = [g for g in _grants(raw) if g.principal.object_id == OWNER and g.scope.kind == "subscription"]
    assert sorted(g.scope.id for g in subs) == sorted([f"/subscriptions/{SUB_A}", f"/subscriptions/{SUB_B}"])


def test_plan_is_deterministic_and_order_independent(raw):
    first = _grants(raw)
    raw["tenants"].reverse()
    assert [(g.name, g.description) for g in _grants(raw)] == [(g.name, g.description) for g in first]
