"""Shared fixtures: the dev and prod stacks run once per session under the mock engine."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from preview.engine import run_program
from preview.graph import Graph
from stacks.load import PROJECT_DIR, raw_from_stack_file


def stack_raw(stack: str) -> dict[str, Any]:
    return raw_from_stack_file(PROJECT_DIR / f"Pulumi.{stack}.yaml")


@pytest.fixture(scope="session")
def dev_raw() -> dict[str, Any]:
    return stack_raw("dev")


@pytest.fixture(scope="session")
def dev_graph(dev_raw) -> Graph:
    return run_program(copy.deepcopy(dev_raw), "dev")


@pytest.fixture(scope="session")
def prod_graph() -> Graph:
    return run_program(stack_raw("prod"), "prod")
