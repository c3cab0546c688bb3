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
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from policy.offline import UNKNOWN, review
from policy.ruleset import ALL

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
# A resource rule sees one resource (and its provider), so after changing one resource only that
# resource's resource rules can answer differently; stack rules see the whole graph. Running them
# that way gives the same verdicts as reviewing the whole graph, in a fraction of the time.
RESOURCE_RULES = [p for p in ALL if isinstance(p, ResourceValidationPolicy)]
STACK_RULES = [p for p in ALL if isinstance(p, StackValidationPolicy)]
PROVIDERS = [n for n in GRAPH if n.type == "pulumi:providers:azure-native"]


def verdicts(graph: list, index: int) -> tuple:
    own = review([graph[index], *PROVIDERS], stack="prod", policies=RESOURCE_RULES).violations
    return own, review(graph, stack="prod", policies=STACK_RULES).violations


def test_the_baseline_is_compliant():
    assert BASELINE.violations == ()


@pytest.mark.parametrize("marker", [ENGINE_UNKNOWN, UNKNOWN], ids=["engine", "offline"])
def test_an_unknown_value_anywhere_adds_no_violation(marker):
    assert len(CASES) > 150
    for index, path in CASES:
        node = GRAPH[index]
        graph = list(GRAPH)
        graph[index] = dataclasses.replace(node, inputs=replaced(dict(node.inputs), path, marker))
        assert verdicts(graph, index) == ((), ()), (node.name, path)


def test_the_split_review_sees_what_the_whole_review_sees():
    """The shortcut above is only valid if it reports what a whole review reports."""
    index = next(i for i, n in enumerate(GRAPH) if n.type == "azure-native:storage:StorageAccount")
    for inputs in ({"publicNetworkAccess": "Enabled"}, {"minimumTlsVersion": "TLS1_0"}):
        graph = list(GRAPH)
        graph[index] = dataclasses.replace(GRAPH[index], inputs={**GRAPH[index].inputs, **inputs})
        own, stack = verdicts(graph, index)
        assert own and sorted((*own, *stack), key=str) == sorted(review(graph, stack="prod").violations, key=str)
    graph = [n for n in GRAPH if n.type != "azure-native:storage:BlobServiceProperties"]
    assert verdicts(graph, 0)[1] == review(graph, stack="prod").violations != ()
