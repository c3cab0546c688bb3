"""What each command loads before it parses its arguments, and that the preview runs what `pulumi up` runs."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Each costs from a tenth of a second (pulumi) to a second (azure-ai-ml) to import.
HEAVY = ("pulumi", "pulumi_azure_native", "pulumi_policy", "azure.ai.ml", "azure.identity", "pydantic")


def loaded_by_import(module: str) -> list[str]:
    probe = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("cli", ["preview.cli", "postdeploy.cli"])
def test_a_command_line_module_loads_nothing_heavy(cli):
    loaded = loaded_by_import(cli)
    heavy = sorted(m for m in loaded if any(m == h or m.startswith(f"{h}.") for h in HEAVY))
    assert heavy == []


def test_help_names_the_commands_without_loading_the_engine():
    done = subprocess.run(
        [sys.executable, "-c", "from preview.cli import app; app()", "--help"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0
    assert "preview" in done.stdout


def test_main_deploys_the_config_the_engine_hands_over():
    tree = ast.parse((ROOT / "__main__.py").read_text())
    imports = {(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert imports == {("program.config", "load_from_pulumi"), ("program.platform", "deploy")}
    assert ast.unparse(tree.body[-1]) == "deploy(load_from_pulumi())"


def test_the_preview_hands_back_what_the_program_built(dev_graph):
    platform = dev_graph.platform
    assert platform is not None and dev_graph.config is not None
    assert platform.topology.config is dev_graph.config
    names = {r.inputs.get("roleAssignmentName") for r in dev_graph.of_type("azure-native:authorization:RoleAssignment")}
    assert names == {grant.name for grant in platform.grants}
