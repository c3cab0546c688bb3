"""The README's onboarding recipe, run as written, and its exit-code table, kept equal to the code."""

from __future__ import annotations

import re
import shlex
import shutil

import yaml
from typer.testing import CliRunner

from preview.cli import app
from stacks.exit_codes import table_markdown
from stacks.load import PROJECT_DIR

README = (PROJECT_DIR / "README.md").read_text()
PREFIX = "python3 -m uv run ml-tenancy "


def section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def recipe_commands() -> list[list[str]]:
    block = re.search(r"```bash\n(.*?)```", section("Onboarding a tenant"), re.S).group(1)
    return [shlex.split(line[len(PREFIX):]) for line in block.splitlines() if line.startswith(PREFIX)]


def add_tenant5(project) -> None:
    path = project / "Pulumi.dev.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["ml-tenancy:tenants"].append({
        "key": "tenant5",
        "members": [{"objectId": "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4e01", "type": "Group", "label": "grp-tenant5-ds",
                     "roles": ["dataScientist"]}],
        "workspaces": [{"key": "ws1", "subscriptionId": "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b", "region": "eastus"}],
    })
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def test_onboarding_recipe_as_written_keeps_its_baseline(tmp_path, monkeypatch):
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml"):
        shutil.copy(PROJECT_DIR / name, tmp_path / name)
    shutil.copytree(PROJECT_DIR / "catalog", tmp_path / "catalog")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    baseline_step, change_step = recipe_commands()

    assert runner.invoke(app, baseline_step).exit_code == 0
    baseline = next(tmp_path.glob("*/dev/preview.json"))
    before = baseline.read_bytes()
    add_tenant5(tmp_path)
    for _ in range(2):  # a second run still compares against the baseline, not against the first run
        result = runner.invoke(app, change_step)
        assert result.exit_code == 0, (result.stdout, result.stderr)
        review = (tmp_path / "out" / "dev" / "review.md").read_text()
        changes = review.split("### Changes since the baseline", 1)[1]
        assert "`tenant5-ws1`" in changes and "grp-tenant5-ds" in changes
    assert baseline.read_bytes() == before


def test_readme_exit_code_table_is_the_codes():
    assert table_markdown() in README
