"""What a newcomer can get wrong, through the real CLI: one paragraph on stderr, the documented exit
code, no traceback, and nothing written where it failed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from preview.cli import app
from stacks.exit_codes import ExitCode
from stacks.load import PROJECT_DIR

runner = CliRunner()


def project(tmp_path: Path, mutate=None, text: str | None = None) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECT_DIR / "catalog", root / "catalog")
    if text is None:
        document = yaml.safe_load((PROJECT_DIR / "Pulumi.dev.yaml").read_text())
        if mutate:
            mutate(document["config"])
        text = yaml.safe_dump(document, sort_keys=False)
    (root / "Pulumi.dev.yaml").write_text(text)
    return root


def run(*args: str):
    return runner.invoke(app, ["preview", *args])


def assert_clean_failure(result, code: ExitCode, *needles: str, out: Path | None = None) -> None:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    for needle in needles:
        assert needle in result.stderr, result.stderr
    if out is not None:
        assert not (out / "dev").exists(), "nothing is written where the run failed"


def test_duplicate_yaml_key_names_both_lines(tmp_path):
    text = (PROJECT_DIR / "Pulumi.dev.yaml").read_text()
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "region: westeurope")
    lines.insert(at + 1, lines[at].replace("westeurope", "northeurope"))
    root = project(tmp_path, text="\n".join(lines) + "\n")
    out = tmp_path / "out"
    result = run("-s", "dev", "--project-dir", str(root), "--out", str(out))
    assert_clean_failure(result, ExitCode.INVALID_INPUT, f"line {at + 2}: key 'region' is written twice",
                         f"first on line {at + 1}", out=out)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("name: not-an-environment\nimage: [\n", "catalog.environments[0]"),
        ("$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\nname: Bad Name!\n"
         "version: 1\ntype: command\ncommand: echo\n", "catalog.components[0]"),
    ],
    ids=["not-yaml-for-azure-ai-ml", "broken-component"],
)
def test_a_broken_catalog_file_is_refused_before_the_program_runs(tmp_path, content, needle):
    root = project(tmp_path)
    kind = "environments" if "environments" in needle else "components"
    target = root / "catalog" / kind / ("sklearn.yml" if kind == "environments" else "train.yml")
    target.write_text(content)
    out = tmp_path / "out"
    result = run("-s", "dev", "--project-dir", str(root), "--out", str(out))
    assert_clean_failure(result, ExitCode.INVALID_INPUT, needle, target.name, out=out)


@pytest.mark.parametrize(
    ("content", "needle"),
    [("{not json", "is not JSON (line 1"), ('{"a": 1}', "not a preview document"),
     ('{"resources": [1], "roleAssignments": []}', "resources[0] has no type and name")],
)
def test_a_garbled_baseline_is_refused(tmp_path, content, needle):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content)
    out = tmp_path / "out"
    result = run("-s", "dev", "--out", str(out), "--against", str(baseline))
    assert_clean_failure(result, ExitCode.INVALID_INPUT, f"--against {baseline}", needle, out=out)


def test_a_missing_baseline_is_refused(tmp_path):
    result = run("-s", "dev", "--out", str(tmp_path / "out"), "--against", "no/such/preview.json")
    assert_clean_failure(result, ExitCode.INVALID_INPUT, "--against no/such/preview.json", "does not exist")


def test_an_unwritable_out_is_refused(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run("-s", "dev", "--out", str(blocker / "out"))
    assert_clean_failure(result, ExitCode.INVALID_INPUT, "--out", "is a file, not a folder")


def test_unknown_stack_names_the_stacks_that_exist(tmp_path):
    result = run("-s", "staging", "--project-dir", str(PROJECT_DIR), "--out", str(tmp_path))
    assert_clean_failure(result, ExitCode.INVALID_INPUT, "Pulumi.staging.yaml", "stacks here: dev, prod")


def test_invalid_config_goes_to_stderr_with_its_path(tmp_path):
    root = project(tmp_path, lambda c: c["ml-tenancy:tenants"][0]["workspaces"][0].update(region="brazilsouth"))
    out = tmp_path / "out"
    result = run("-s", "dev", "--project-dir", str(root), "--out", str(out))
    assert_clean_failure(result, ExitCode.INVALID_INPUT, "tenants[0].workspaces[0].region", out=out)


def test_json_and_version(tmp_path):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("ml-tenancy ")
    result = run("-s", "dev", "--out", str(tmp_path), "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["exitCode"] == 0 and document["exitReason"] == "clean"
    assert document["counts"]["resources"] == 99 and document["counts"]["roleAssignments"] == 24
    assert {v["level"] for v in document["violations"]} == {"advisory"}
    assert document["changes"] is None
    assert sorted(Path(f).name for f in document["files"]) == [
        "preview.json", "review-full.md", "review.md", "template.json"]


def test_json_error_keeps_stdout_machine_readable(tmp_path):
    result = run("-s", "dev", "--out", str(tmp_path), "--against", str(tmp_path / "none.json"), "--json")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert json.loads(result.stdout)["exitReason"] == "invalid input"
    assert result.stderr.startswith("error: --against")


def test_quiet_prints_no_advisories_and_width_follows_columns(tmp_path):
    result = runner.invoke(app, ["preview", "-s", "dev", "--out", str(tmp_path), "--quiet"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    assert "[advisory]" not in result.stdout + result.stderr
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("clean (exit 0)")
    loud = runner.invoke(app, ["preview", "-s", "dev", "--out", str(tmp_path)], env={"COLUMNS": "300"})
    assert "[advisory]" in loud.stdout
    assert max(len(line) for line in loud.stdout.splitlines()) > 160  # tables use the 300 columns given


def test_help_does_not_import_the_program():
    import subprocess
    import sys

    code = ("import sys, preview.cli, postdeploy.cli; "
            "heavy = [m for m in ('pulumi', 'pulumi_azure_native', 'azure.ai.ml', 'stacks.load', 'policy.offline') "
            "if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_DIR, check=True)
    assert done.stdout.strip() == "[]"
