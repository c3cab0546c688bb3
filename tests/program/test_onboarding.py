"""Onboarding is one block of config: adding, removing or reordering tenants touches nothing else."""

from __future__ import annotations

import copy

from preview.engine import run_program
from preview.snapshot import dumps, key, snapshot
from stacks.access import plan_role_grants
from stacks.load import parse_config
from stacks.topology import Topology

SUB_C = "2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5f0c"
NEW_GROUP = "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4e01"


def new_tenant(subscription: str) -> dict:
    return {
        "key": "tenant5",
        "members": [{"objectId": NEW_GROUP, "type": "Group", "label": "grp-tenant5-ds", "roles": ["dataScientist"]}],
        "workspaces": [{"key": "ws1", "subscriptionId": subscription, "region": "northeurope"}],
    }


def document(raw: dict) -> dict:
    graph = run_program(copy.deepcopy(raw), "dev")
    return snapshot(graph, plan_role_grants(Topology.of(parse_config(raw, environment="dev"))))


def entries(doc: dict) -> dict:
    return {key(e): e for e in doc["resources"]}


def belongs_to_tenant5(entry: dict) -> bool:
    text = dumps(entry)
    return "tenant5" in text or SUB_C in text


def test_adding_a_tenant_only_adds_its_resources(dev_raw):
    before = entries(document(dev_raw))
    raw = copy.deepcopy(dev_raw)
    raw["tenants"].append(new_tenant(SUB_C))
    after = entries(document(raw))

    added = {k: e for k, e in after.items() if k not in before}
    assert set(before) <= set(after), "nothing is removed"
    assert [k for k, e in added.items() if not belongs_to_tenant5(e)] == []
    added_types = sorted(t for t, _ in added)
    assert added_types.count("azure-native:machinelearningservices:Workspace") == 1
    assert added_types.count("pulumi:providers:azure-native") == 1  # subscription C is new
    # Owner on subscription C and on the workspace, the member group, the workspace and compute identities.
    assert added_types.count("azure-native:authorization:RoleAssignment") == 5
    for k, entry in before.items():
        assert after[k] == entry, f"{k} changed"


def test_adding_a_tenant_in_a_shared_subscription_reuses_the_owner_grant(dev_raw):
    before = entries(document(dev_raw))
    raw = copy.deepcopy(dev_raw)
    raw["tenants"].append(new_tenant("6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"))
    after = entries(document(raw))
    added = [k for k in after if k not in before]
    assert [t for t, _ in added].count("azure-native:authorization:RoleAssignment") == 4
    assert "pulumi:providers:azure-native" not in [t for t, _ in added]
    for k, entry in before.items():
        assert after[k] == entry, f"{k} changed"


def test_removing_a_tenant_only_removes_its_resources(dev_raw):
    before = entries(document(dev_raw))
    raw = copy.deepcopy(dev_raw)
    raw["tenants"] = [t for t in raw["tenants"] if t["key"] != "tenant2"]
    raw["sharing"]["push"][1]["to"].remove("tenant2/ws1")
    after = entries(document(raw))
    removed = {k: e for k, e in before.items() if k not in after}
    assert set(after) <= set(before)
    assert removed and all("tenant2" in dumps(e) for e in removed.values())
    for k, entry in after.items():
        assert before[k] == entry, f"{k} changed"


def test_reordering_tenants_changes_nothing(dev_raw):
    raw = copy.deepcopy(dev_raw)
    raw["tenants"].reverse()
    assert dumps(document(raw)) == dumps(document(dev_raw))


def test_a_bad_retraining_job_stops_the_program_before_anything_is_registered(dev_raw):
    import pytest

    from stacks.errors import ConfigError

    raw = copy.deepcopy(dev_raw)
    job = raw["tenants"][0]["workspaces"][0]["retraining"][0]
    job["schedule"]["cron"] = "0 25 * * *"
    job["parameters"]["n_estimatorz"] = 3
    with pytest.raises(ConfigError) as error:
        run_program(raw, "dev")
    paths = [p.path for p in error.value.problems]
    assert "tenants[0].workspaces[0].retraining[0].schedule.cron" in paths
    assert "tenants[0].workspaces[0].retraining[0].parameters.n_estimatorz" in paths
