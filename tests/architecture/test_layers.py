"""The import graph: layers run one way and no module imports itself back through others.

Function-level imports count: a lazy import that runs upward is still an upward import.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("stacks", "components", "program", "policy", "postdeploy", "preview")


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=False)


def import_loops(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected sets of two or more modules (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            members = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                members.append(member)
                if member == module:
                    break
            if len(members) > 1:
                loops.append(sorted(members))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return loops


def test_no_module_imports_itself_back():
    assert import_loops(_graph()) == []


def test_the_loop_finder_finds_a_loop():
    graph = _graph()
    graph.add_import(importer="stacks.model", imported="preview.cli")
    assert any({"stacks.model", "preview.cli"} <= set(loop) for loop in import_loops(graph))


def test_the_config_layer_imports_no_other_layer():
    graph = _graph()
    upward = {
        (importer, imported)
        for importer in graph.find_descendants("stacks") | {"stacks"}
        for imported in graph.find_modules_directly_imported_by(importer)
        if not imported.startswith("stacks")
    }
    assert upward == set()


def test_the_layer_contract_holds():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout
