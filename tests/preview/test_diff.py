"""Change sets between two preview.json documents, on the real program and on hand-made documents."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from preview.diff import FieldChange, change_set
from preview.engine import run_program
from preview.snapshot import snapshot
from stacks.access import plan_role_grants
from stacks.load import PROJECT_DIR, parse_config, raw_from_stack_file
from stacks.topology import Topology

SUB_A = "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"  # tenants 1-3
SUB_B = "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b"  # tenant 4
OWNER = "5a1d9e3c-7b2f-4c8a-9d6e-0f1a2b3c4d01"
TENANT1_GROUP = "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4a01"
TENANT5_GROUP = "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4e01"
REGISTRY_ID = (
    "/subscriptions/0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01/resourceGroups/rg-mlreg-dev/providers/"
    "Microsoft.MachineLearningServices/registries/mlreg-dev"
)
TENANT5_WS_ID = (
    f"/subscriptions/{SUB_B}/resourceGroups/rg-ml-tenant5-ws1-dev/providers/"
    "Microsoft.MachineLearningServices/workspaces/mlw-tenant5-ws1-dev"
)


def dev_raw() -> dict:
    """The dev stack's config; catalog components still missing from the checkout are left out."""
    raw = raw_from_stack_file(PROJECT_DIR / "Pulumi.dev.yaml")
    files = [*raw.get("catalog", {}).get("environments", []), *raw.get("catalog", {}).get("components", [])]
    if not all((PROJECT_DIR / Path(f)).is_file() for f in files):
        raw["catalog"] = {"environments": ["catalog/environments/sklearn.yml"]}
    return raw


def with_tenant5(raw: dict, member: str) -> dict:
    """Onboard a 5th tenant into tenant 4's subscription: one new config block, nothing else touched."""
    onboarded = copy.deepcopy(raw)
    onboarded["tenants"].append(
        {
            "key": "tenant5",
            "displayName": "Adventure Works",
            "members": [{"objectId": member, "type": "Group", "roles": ["dataScientist", "registryUser"]}],
            "workspaces": [{"key": "ws1", "subscriptionId": SUB_B, "region": "northeurope"}],
        }
    )
    return onboarded


def preview_document(raw: dict) -> dict:
    config = parse_config(raw, environment="dev")
    return snapshot(run_program(raw, "dev"), plan_role_grants(Topology.of(config)))


@pytest.fixture(scope="module")
def base() -> dict:
    return preview_document(dev_raw())


@pytest.fixture(scope="module")
def onboarded() -> dict:
    return preview_document(with_tenant5(dev_raw(), TENANT5_GROUP))


def tenant5_assignments(document: dict) -> set[str]:
    """Names of the assignments that exist because of tenant 5: on its workspace, for its group or identities."""
    return {
        a["name"] for a in document["roleAssignments"]
        if a["scope"] == TENANT5_WS_ID
        or a["objectId"] in (TENANT5_GROUP, "workspace identity of tenant5/ws1", "compute identity of tenant5/ws1")
    }


def test_onboarding_a_tenant_adds_exactly_its_resources_and_assignments(base, onboarded):
    changes = change_set(base, onboarded)

    added = {(a.principal, a.role, a.scope) for a in changes.assignments_added}
    assert {
        ("sp-ml-platform-dev", "Contributor", TENANT5_WS_ID),
        (TENANT5_GROUP, "AzureML Data Scientist", TENANT5_WS_ID),
        (TENANT5_GROUP, "AzureML Registry User", REGISTRY_ID),
        ("identity of workspace mlw-tenant5-ws1-dev", "Reader", REGISTRY_ID),
    } <= added
    assignment_names = {a.name for a in changes.assignments_added}
    assert assignment_names == tenant5_assignments(onboarded)

    by_key = {(r["type"], r["name"]): r for r in onboarded["resources"]}
    added_resources = {(r.type, r.name) for r in changes.resources_added}
    role_assignments = {k for k in added_resources if k[0] == "azure-native:authorization:RoleAssignment"}
    assert {by_key[k]["inputs"]["roleAssignmentName"] for k in role_assignments} == assignment_names
    assert added_resources - role_assignments == {
        ("ml-tenancy:tenant:Tenant", "tenant5"),
        ("ml-tenancy:tenant:Workspace", "tenant5-ws1"),
        ("azure-native:resources:ResourceGroup", "tenant5-ws1-rg"),
        ("azure-native:storage:StorageAccount", "tenant5-ws1-st"),
        ("azure-native:keyvault:Vault", "tenant5-ws1-kv"),
        ("azure-native:operationalinsights:Workspace", "tenant5-ws1-log"),
        ("azure-native:applicationinsights:Component", "tenant5-ws1-appi"),
        ("azure-native:containerregistry:Registry", "tenant5-ws1-cr"),
        ("azure-native:machinelearningservices:Workspace", "tenant5-ws1"),
        ("azure-native:machinelearningservices:Compute", "tenant5-ws1-compute"),
        # Blob recovery and the audit logs of the workspace, its vault, blob service and registry.
        ("ml-tenancy:tenant:Safeguards", "tenant5-ws1-safeguards"),
        ("azure-native:storage:BlobServiceProperties", "tenant5-ws1-blob-recovery"),
        ("azure-native:monitor:DiagnosticSetting", "tenant5-ws1-mlw-audit"),
        ("azure-native:monitor:DiagnosticSetting", "tenant5-ws1-kv-audit"),
        ("azure-native:monitor:DiagnosticSetting", "tenant5-ws1-blob-audit"),
        ("azure-native:monitor:DiagnosticSetting", "tenant5-ws1-cr-audit"),
    }
    infrastructure = [r for r in changes.resources_added if r.type.startswith("azure-native:") and
                      r.type != "azure-native:authorization:RoleAssignment"]
    assert {r.subscription for r in infrastructure} == {SUB_B}

    # Existing tenants are untouched: no assignment is re-described, no resource re-planned.
    assert changes.resources_removed == ()
    assert changes.assignments_removed == ()
    assert changes.resources_changed == ()
    assert changes.assignments_changed == ()
    assert not changes.is_empty


def test_shared_subscription_grant_is_neither_added_nor_changed(base, onboarded):
    """Tenant 5 joins subscription B: the owner's Contributor there already exists and stays as is."""
    def owner_on_b(document: dict) -> list[dict]:
        return [
            a for a in document["roleAssignments"]
            if a["objectId"] == OWNER and a["scope"] == f"/subscriptions/{SUB_B}"
        ]

    assert len(owner_on_b(base)) == 1
    assert owner_on_b(onboarded) == owner_on_b(base)
    changes = change_set(base, onboarded)
    assert owner_on_b(base)[0]["name"] not in {a.name for a in changes.assignments_added}


def test_group_in_two_tenants_changes_the_reason_of_its_existing_assignment(base):
    """A member that tenant 1 already grants gets one assignment with both reasons, not a second one."""
    shared = preview_document(with_tenant5(dev_raw(), TENANT1_GROUP))
    changes = change_set(base, shared)

    assert [(c.assignment.principal, c.assignment.role, c.assignment.scope) for c in changes.assignments_changed] == [
        ("grp-tenant1-ds", "AzureML Registry User", REGISTRY_ID)
    ]
    assert changes.assignments_changed[0].fields == (
        FieldChange("why", "member of tenant1 (registryUser)",
                    "member of tenant1 (registryUser); member of tenant5 (registryUser)"),
    )
    # The assignment resource is updated in place (its description), not replaced.
    assert [(c.resource.name.split("-")[0], c.inputs, c.fields) for c in changes.resources_changed] == [
        ("member", ("description",), ())
    ]
    added = {(a.principal, a.role, a.scope) for a in changes.assignments_added}
    # Tenant 5 lists the group without a label, so its new assignment names it by object id.
    assert (TENANT1_GROUP, "AzureML Data Scientist", TENANT5_WS_ID) in added
    assert not any(role == "AzureML Registry User" and principal in ("grp-tenant1-ds", TENANT1_GROUP)
                   for principal, role, _ in added)
    assert {a.name for a in changes.assignments_added} == tenant5_assignments(shared)


def test_same_document_has_no_changes(base):
    assert change_set(base, copy.deepcopy(base)).is_empty


# --- hand-made documents: the fields the comparison looks at ---------------------------------


def _resource(name: str, **overrides) -> dict:
    entry = {
        "type": "azure-native:storage:StorageAccount",
        "name": name,
        "parent": "ml-tenancy:tenant:Workspace::t1-ws1",
        "subscription": SUB_A,
        "id": f"/subscriptions/{SUB_A}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/{name}",
        "protect": True,
        "inputs": {"accountName": name, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}},
    }
    return {**entry, **overrides}


def _document(*resources: dict, assignments: tuple[dict, ...] = ()) -> dict:
    return {"resources": list(resources), "roleAssignments": list(assignments)}


def test_changed_inputs_and_options_are_listed_by_key():
    old = _document(_resource("st1"), _resource("st2"))
    new_st1 = _resource("st1", protect=False, parent="ml-tenancy:tenant:Workspace::t2-ws1")
    new_st1["inputs"] = {"accountName": "st1", "kind": "StorageV2", "sku": {"name": "Standard_ZRS"}, "tags": {}}
    changes = change_set(old, _document(new_st1, _resource("st2")))

    assert len(changes.resources_changed) == 1
    change = changes.resources_changed[0]
    assert change.resource.name == "st1"
    assert change.inputs == ("sku", "tags")
    assert change.fields == (
        FieldChange("protect", True, False),
        FieldChange("parent", "ml-tenancy:tenant:Workspace::t1-ws1", "ml-tenancy:tenant:Workspace::t2-ws1"),
    )
    assert changes.resources_added == changes.resources_removed == ()


def test_subscription_move_shows_as_subscription_and_id_change():
    moved = _resource("st1", subscription=SUB_B, id="/subscriptions/other/id")
    change = change_set(_document(_resource("st1")), _document(moved)).resources_changed[0]
    assert change.inputs == ()
    assert [f.field for f in change.fields] == ["subscription", "id"]
    assert change.fields[0] == FieldChange("subscription", SUB_A, SUB_B)


def test_added_and_removed_resources_and_assignments():
    ra = {"name": "0a1b", "principal": "p", "principalType": "Group", "objectId": TENANT1_GROUP,
          "role": "Reader", "scope": REGISTRY_ID, "why": "w"}
    ra_upper = {**ra, "name": "0A1B", "why": "other"}
    gone = {**ra, "name": "ffff", "role": "Contributor"}
    changes = change_set(
        _document(_resource("st1"), assignments=(ra, gone)),
        _document(_resource("st2"), assignments=(ra_upper,)),
    )
    assert [r.name for r in changes.resources_added] == ["st2"]
    assert [r.name for r in changes.resources_removed] == ["st1"]
    assert changes.assignments_added == ()
    assert [a.name for a in changes.assignments_removed] == ["ffff"]
    # Azure treats assignment names case-insensitively: same assignment, new reason.
    assert [(c.assignment.name, c.fields) for c in changes.assignments_changed] == [
        ("0A1B", (FieldChange("why", "w", "other"),))
    ]


def test_duplicate_identity_is_refused_rather_than_hiding_a_change():
    with pytest.raises(ValueError, match="appears twice"):
        change_set(_document(_resource("st1"), _resource("st1")), _document())
