"""Offboarding a tenant: step 1 (the marker) changes options and drops grants; step 2 (removing the
block) then releases (handover) or deletes (delete) its resources, and `pulumi up` refuses nothing."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from preview.cli import app
from preview.diff import change_set
from preview.engine import run_program
from stacks.errors import ConfigError
from stacks.exit_codes import ExitCode
from stacks.load import PROJECT_DIR

runner = CliRunner()
TENANT2_GROUP = "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4b01"


def without_tenant2_flows(config: dict) -> None:
    sharing = config["ml-tenancy:sharing"]
    for flow, key in (("push", "to"), ("pull", "into")):
        for entry in sharing.get(flow, []):
            entry[key] = [r for r in entry[key] if not r.startswith("tenant2/")]
        sharing[flow] = [e for e in sharing.get(flow, []) if e[key]]


def marked(mode: str):
    def mutate(config: dict) -> None:
        config["ml-tenancy:tenants"][1]["offboarding"] = mode
        without_tenant2_flows(config)
    return mutate


def removed(config: dict) -> None:
    config["ml-tenancy:tenants"].pop(1)
    without_tenant2_flows(config)


def project(tmp_path: Path, name: str, mutate) -> Path:
    document = yaml.safe_load((PROJECT_DIR / "Pulumi.dev.yaml").read_text())
    mutate(document["config"])
    root = tmp_path / name
    shutil.copytree(PROJECT_DIR / "catalog", root / "catalog")
    (root / "Pulumi.dev.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return root


def preview(root: Path, out: Path, against: Path | None = None):
    args = ["preview", "-s", "dev", "-q", "--project-dir", str(root), "--out", str(out)]
    return runner.invoke(app, [*args, "--against", str(against)] if against else args)


@pytest.mark.parametrize("mode", ["handover", "delete"])
def test_step_one_changes_options_and_drops_the_tenants_grants(dev_raw, mode):
    raw = copy.deepcopy(dev_raw)
    raw["tenants"][1]["offboarding"] = mode
    for flow, key in (("push", "to"), ("pull", "into")):
        for entry in raw["sharing"].get(flow, []):
            entry[key] = [r for r in entry[key] if not r.startswith("tenant2/")]
        raw["sharing"][flow] = [e for e in raw["sharing"].get(flow, []) if e[key]]
    graph = run_program(raw, "dev")
    tenant2 = [r for r in graph.azure if r.name.startswith("tenant2-")
               and r.type != "azure-native:authorization:RoleAssignment"]
    audit = [r for r in tenant2 if r.type == "azure-native:monitor:DiagnosticSetting"]
    kept = [r for r in tenant2 if r not in audit]
    assert (len(kept), len(audit)) == (9, 4)  # workspace, its dependencies, blob recovery; four log settings
    assert not any(r.protect for r in tenant2)
    assert all(r.retain_on_delete is (mode == "handover") for r in kept)
    # The resource logs feed the platform's central workspace: they stop with the tenant, never handed over.
    assert not any(r.retain_on_delete for r in audit)
    assert any(r.protect for r in graph.azure if r.name.startswith("tenant1-")), "other tenants stay protected"
    assignments = [r.inputs for r in graph.of_type("azure-native:authorization:RoleAssignment")]
    assert not any("mlw-tenant2-ws1-dev" in a["scope"] for a in assignments)
    assert not any(a["principalId"] == TENANT2_GROUP for a in assignments)
    assert not any("tenant2" in a["description"] for a in assignments)
    # tenant1 shares subscription A with tenant2: the owner's Contributor there stays, for tenant1 and 3
    assert any(a["scope"] == "/subscriptions/6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a" for a in assignments)


def test_flows_into_a_leaving_tenant_are_refused(dev_raw):
    raw = copy.deepcopy(dev_raw)
    raw["tenants"][1]["offboarding"] = "handover"
    expected = r"sharing\.push\[1\]: names tenant2/ws1, but tenant tenant2 is being offboarded \(handover\)"
    with pytest.raises(ConfigError, match=expected):
        run_program(raw, "dev")


# Handover keeps the tenant's nine resources in Azure and deletes the platform's four log settings on them.
@pytest.mark.parametrize(("mode", "released", "deleted"), [("handover", 9, 4), ("delete", 0, 13)])
def test_two_steps_through_the_cli(tmp_path, mode, released, deleted):
    base = tmp_path / "base"
    assert runner.invoke(app, ["preview", "-s", "dev", "-q", "--out", str(base)]).exit_code == 0

    step1 = preview(project(tmp_path, "step1", marked(mode)), tmp_path / "out1", base / "dev" / "preview.json")
    assert step1.exit_code == ExitCode.OK, (step1.stdout, step1.stderr)
    review = (tmp_path / "out1" / "dev" / "review.md").read_text()
    assert f"- tenant tenant2 ({mode}), this step: " in review
    first = json.loads((tmp_path / "out1" / "dev" / "preview.json").read_text())
    changes = change_set(json.loads((base / "dev" / "preview.json").read_text()), first)
    assert changes.resources_removed == () or all(
        r.type == "azure-native:authorization:RoleAssignment" for r in changes.resources_removed)
    assert all(c.action == "update" for c in changes.resources_changed)

    step2 = preview(project(tmp_path, "step2", removed), tmp_path / "out2", tmp_path / "out1" / "dev" / "preview.json")
    assert step2.exit_code == ExitCode.OK, (step2.stdout, step2.stderr)
    second = json.loads((tmp_path / "out2" / "dev" / "preview.json").read_text())
    changes = change_set(first, second)
    assert changes.refusals == ()
    assert (len(changes.released), len(changes.deleted)) == (released, deleted)
    text = (tmp_path / "out2" / "dev" / "review-full.md").read_text()
    assert ("forgets it; Azure keeps it" in text) is (mode == "handover")
    assert ("| `azure-native:storage:StorageAccount` | `tenant2-ws1-st` |" in text)


def test_retraining_jobs_of_a_leaving_tenant_are_refused(dev_raw):
    raw = copy.deepcopy(dev_raw)
    raw["tenants"][0]["offboarding"] = "handover"
    raw["sharing"] = {}  # tenant1 shares and receives pushes: those flows are refused on their own
    with pytest.raises(ConfigError) as error:
        run_program(raw, "dev")
    (problem,) = error.value.problems
    assert problem.path == "tenants[0].workspaces[0].retraining[0]"
    assert problem.message.startswith(
        "retraining job 'weekly-credit' runs in tenant1/ws1, but tenant tenant1 is being offboarded (handover)")
