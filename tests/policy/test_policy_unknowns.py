"""Values unknown during preview never crash a rule and never add a violation.

Every property of every resource of a compliant platform is replaced, one at a time, by
pulumi_policy's unknown sentinel and by the offline preview's marker; every rule runs over
the result through the offline runner, which builds the engine's argument objects.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from platform_graph import platform
from policy_kit import ENGINE_UNKNOWN

from policy.offline import UNKNOWN, review

Path = tuple[str | int, ...]


def paths(value: Any, prefix: Path = ()) -> Iterator[Path]:
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield (*prefix, key)
        yield from paths(child, (*prefix, key))


def replaced(value: Any, path: Path, marker: str) -> Any:
    if not path:
        return marker
    head, *rest = path
    if isinstance(value, dict):
        return {k: replaced(v, tuple(rest), marker) if k == head else v for k, v in value.items()}
    return [replaced(v, tuple(rest), marker) if i == head else v for i, v in enumerate(value)]


GRAPH = platform("prod")
BASELINE = review(GRAPH, stack="prod")
CASES = [(i, path) for i, node in enumerate(GRAPH) for path in paths(dict(node.inputs))]


def test_the_baseline_is_compliant():
    assert BASELINE.violations == ()


@pytest.mark.parametrize("marker", [ENGINE_UNKNOWN, UNKNOWN], ids=["engine", "offline"])
def test_an_unknown_value_anywhere_adds_no_violation(marker):
    assert len(CASES) > 150
    for index, path in CASES:
        node = GRAPH[index]
        graph = list(GRAPH)
        graph[index] = dataclasses.replace(node, inputs=replaced(dict(node.inputs), path, marker))
        result = review(graph, stack="prod")
        assert result.violations == BASELINE.violations, (node.name, path)
