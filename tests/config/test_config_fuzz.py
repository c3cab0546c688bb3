"""Whatever a stack config holds, loading it ends in a typed config or in a ConfigError whose
problems each name a path and speak the contract's words, never in a crash or pydantic's wording."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stacks.errors import ConfigError
from stacks.model import PlatformConfig
from tests.config.helpers import JARGON, locate, parse, valid_raw


def _paths(node: Any, prefix: str = "") -> list[str]:
    """Every key and list item of the valid config, written as config paths."""
    paths = []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        path = f"{prefix}[{key}]" if isinstance(key, int) else f"{prefix}.{key}" if prefix else key
        paths.append(path)
        paths.extend(_paths(child, path))
    return paths


PATHS = _paths(valid_raw())

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=200),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["", "x", "westeurop", "User", "tenant1/ws1", "Standard_DS3_v2", "1", "latest", "a" * 40]),
    st.lists(st.sampled_from(["", "ws1", "northeurope", "dataScientist"]), max_size=3),
    st.dictionaries(st.sampled_from(["key", "name", "kee", "from"]), st.sampled_from(["x", "ws1"]), max_size=2),
)
mutation = st.tuples(st.sampled_from(PATHS), st.sampled_from(["replace", "delete", "add-key"]), junk)


def _apply(raw: dict[str, Any], path: str, how: str, value: Any) -> None:
    node, last = locate(raw, path)
    if how == "delete":
        if isinstance(node, list):
            node.pop(last)
        else:
            del node[last]
    elif how == "add-key" and isinstance(node[last], dict):
        node[last]["extraKey"] = value
    else:
        node[last] = value


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(mutation, min_size=1, max_size=3))
def test_any_mutation_ends_in_config_or_readable_problems(project_dir, mutations):
    raw = valid_raw()
    for path, how, value in mutations:
        try:
            _apply(raw, path, how, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced what this one addresses

    try:
        config = parse(raw, project_dir)
    except ConfigError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.path, problem
            assert problem.message, problem
            assert not JARGON.search(problem.message), problem
    else:
        assert isinstance(config, PlatformConfig)
