"""A whole platform as the offline preview's graph: the real program run under the mock engine.

The policy pack is checked against exactly what the components register; tests break the
compliant graph one property at a time.
"""

from __future__ import annotations

from policy_kit import Node

from preview.engine import run_program
from stacks.load import PROJECT_DIR, raw_from_stack_file


def platform(stack: str) -> list:
    graph = run_program(raw_from_stack_file(PROJECT_DIR / f"Pulumi.{stack}.yaml"), stack)
    # The engine's root stack comes first, as the policy engine lists it.
    return [Node("pulumi:pulumi:Stack", f"ml-tenancy-{stack}", {}, stack=stack), *graph.resources]
