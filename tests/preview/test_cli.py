"""The README's first command: files, byte-stable output and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from preview.cli import EXIT_CLEAN, EXIT_CONFIG, EXIT_POLICY, app
from stacks.load import PROJECT_DIR

runner = CliRunner()


def project_with(tmp_path: Path, stack: str, mutate) -> Path:
    """A project folder holding one edited stack file next to the real catalog."""
    document = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())
    mutate(document["config"])
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    shutil.copytree(PROJECT_DIR / "catalog", tmp_path / "catalog")
    return tmp_path


def preview(*args: str):
    return runner.invoke(app, ["preview", *args], catch_exceptions=False)


def test_dev_preview_writes_files_and_is_byte_stable(tmp_path):
    first = preview("--stack", "dev", "--out", str(tmp_path / "a"))
    assert first.exit_code == EXIT_CLEAN, first.output
    second = preview("--stack", "dev", "--out", str(tmp_path / "b"), "--quiet")
    assert second.exit_code == EXIT_CLEAN
    a = (tmp_path / "a" / "dev" / "preview.json").read_bytes()
    assert a == (tmp_path / "b" / "dev" / "preview.json").read_bytes()
    assert (tmp_path / "a" / "dev" / "review.md").is_file()
    document = json.loads(a)
    assert document["stack"] == "dev"
    assert document["resourceCount"] == len(document["resources"])
    assert "Role assignments (24)" in first.output
    assert "sp-ml-platform-dev" in first.output


def test_preview_json_shape(tmp_path):
    preview("--stack", "dev", "--out", str(tmp_path), "--quiet")
    document = json.loads((tmp_path / "dev" / "preview.json").read_text())
    entries = document["resources"]
    assert [(e["type"], e["name"]) for e in entries] == sorted((e["type"], e["name"]) for e in entries)
    ws = next(e for e in entries if e["type"] == "azure-native:machinelearningservices:Workspace")
    assert set(ws) == {"type", "name", "parent", "subscription", "id", "protect", "deleteBeforeReplace",
                       "retainOnDelete", "inputs"}
    assert (ws["deleteBeforeReplace"], ws["retainOnDelete"]) == (True, False)
    assert ws["parent"] == "ml-tenancy:tenant:Workspace::tenant1-ws1"
    assert ws["subscription"] == "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"
    assert ws["protect"] is True
    assert ws["inputs"]["workspaceName"] == "mlw-tenant1-ws1-dev"
    assert {a["role"] for a in document["roleAssignments"]} >= {"Contributor", "AzureML Data Scientist"}


def test_invalid_config_exits_2_with_paths_and_no_traceback(tmp_path):
    def break_it(config):
        config["ml-tenancy:tenants"][1]["workspaces"][0]["region"] = "brazilsouth"
        config["ml-tenancy:tenants"][0]["members"][0]["type"] = "Robot"

    project = project_with(tmp_path, "dev", break_it)
    result = preview("--stack", "dev", "--project-dir", str(project), "--out", str(tmp_path / "out"))
    assert result.exit_code == EXIT_CONFIG
    assert "tenants[1].workspaces[0].region" in result.output
    assert "'brazilsouth' is not one of the registry's regions" in result.output
    assert "tenants[0].members[0].type" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists(), "nothing is written for an invalid config"


def test_unknown_stack_exits_2(tmp_path):
    result = preview("--stack", "staging", "--project-dir", str(tmp_path))
    assert result.exit_code == EXIT_CONFIG
    assert "Pulumi.staging.yaml" in result.output


def test_exit_codes_are_distinct():
    assert len({EXIT_CLEAN, EXIT_POLICY, EXIT_CONFIG}) == 3


def test_mandatory_policy_violation_exits_1(tmp_path):
    # prod makes public network access mandatory-private.
    def open_up(config):
        config["ml-tenancy:tenants"][0]["workspaces"][0]["publicNetworkAccess"] = "Enabled"

    project = project_with(tmp_path, "prod", open_up)
    result = preview("--stack", "prod", "--project-dir", str(project), "--out", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == EXIT_POLICY, result.output
    assert (
        "[mandatory] workspace-public-network-access (azure-native:machinelearningservices:Workspace: tenant1-ws1)"
        in result.output
    )
    assert (tmp_path / "out" / "prod" / "preview.json").is_file(), "the preview is written for review anyway"


def test_prod_as_written_has_no_mandatory_violation(tmp_path):
    result = preview("--stack", "prod", "--out", str(tmp_path), "--quiet")
    assert result.exit_code == EXIT_CLEAN, result.output
    assert "0 mandatory" in result.output


def test_against_a_baseline_adds_the_change_set(tmp_path):
    assert preview("--stack", "dev", "--out", str(tmp_path / "base"), "--quiet").exit_code == EXIT_CLEAN
    baseline = tmp_path / "base" / "dev" / "preview.json"

    def onboard(config):
        config["ml-tenancy:tenants"].append(
            {
                "key": "tenant5",
                "members": [{"objectId": "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4e01", "type": "Group",
                             "label": "grp-tenant5-ds", "roles": ["dataScientist"]}],
                "workspaces": [{"key": "ws1", "subscriptionId": "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b",
                                "region": "eastus"}],
            }
        )

    project = project_with(tmp_path, "dev", onboard)
    result = preview("--stack", "dev", "--project-dir", str(project), "--out", str(tmp_path / "new"),
                     "--against", str(baseline), "--quiet")
    assert result.exit_code == EXIT_CLEAN, result.output
    review = (tmp_path / "new" / "dev" / "review.md").read_text()
    assert "mlw-tenant5-ws1-dev" in review
    assert "grp-tenant5-ds" in review


def test_a_missing_baseline_is_refused():
    result = runner.invoke(app, ["preview", "--stack", "dev", "--against", "no/such/preview.json"])
    assert result.exit_code == 2
    assert "does not exist" in result.output
