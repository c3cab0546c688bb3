"""Run a catalog component's command locally, exactly as its YAML spells it.

Azure ML fills ``${{inputs.x}}`` / ``${{outputs.y}}`` with values and mount paths and drops an
optional ``$[[ ... ]]`` group whose inputs are not given; this does the same with local paths,
so a test exercises the YAML's command line and the script's argparse together.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

COMPONENTS = Path(__file__).resolve().parents[2] / "catalog" / "components"
_PLACEHOLDER = re.compile(r"\$\{\{\s*(inputs|outputs)\.([A-Za-z0-9_]+)\s*\}\}")
_OPTIONAL = re.compile(r"\$\[\[(.*?)\]\]", re.DOTALL)


def render_command(spec: dict[str, Any], inputs: dict[str, Any], outputs: dict[str, Path]) -> list[str]:
    values = {"outputs": {k: str(v) for k, v in outputs.items()}}
    declared = spec.get("inputs", {})
    values["inputs"] = {
        name: str(inputs[name]) if name in inputs else str(port["default"])
        for name, port in declared.items()
        if name in inputs or (isinstance(port, dict) and "default" in port)
    }

    def optional(match: re.Match[str]) -> str:
        needed = [name for kind, name in _PLACEHOLDER.findall(match[1]) if kind == "inputs"]
        return match[1] if all(name in values["inputs"] for name in needed) else ""

    command = _OPTIONAL.sub(optional, spec["command"])

    def fill(match: re.Match[str]) -> str:
        kind, name = match[1], match[2]
        if name not in values[kind]:
            raise KeyError(f"{kind}.{name} is required by the command but was not given")
        return shlex.quote(values[kind][name])

    return shlex.split(_PLACEHOLDER.sub(fill, command))


def _command(yaml_name: str, inputs: dict[str, Any], outputs: dict[str, Path]) -> tuple[Path, list[str]]:
    spec = yaml.safe_load((COMPONENTS / yaml_name).read_text())
    argv = render_command(spec, inputs, outputs)
    assert argv[0] == "python", argv
    return (COMPONENTS / spec["code"]).resolve(), argv[1:]


def run_component(
    yaml_name: str, inputs: dict[str, Any], outputs: dict[str, Path], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """In a fresh interpreter with the code folder as working directory, as on a compute node."""
    code_dir, argv = _command(yaml_name, inputs, outputs)
    result = subprocess.run(
        [sys.executable, *argv],
        cwd=code_dir,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"{yaml_name} failed:\n{result.stdout}\n{result.stderr}")
    return result


def call_component(yaml_name: str, inputs: dict[str, Any], outputs: dict[str, Path]) -> Any:
    """The same command line, run in this process (no interpreter start-up): ``main(argv)`` of the script."""
    code_dir, argv = _command(yaml_name, inputs, outputs)
    script = code_dir / argv[0]
    if str(code_dir) not in sys.path:
        sys.path.insert(0, str(code_dir))  # the scripts import their shared helpers by plain name
    spec = importlib.util.spec_from_file_location(f"component_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(argv[1:])
