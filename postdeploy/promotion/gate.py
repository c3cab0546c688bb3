"""The gate: a source version is promoted only when it says it is ready.

The check reads what the source registry answers for the version -- azure-ai-ml's ``Model.stage``
for models, ``tags`` for every kind -- and names every condition that fails, so a blocked plan line
tells the source team exactly what to set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stacks.promotion import Gate


@dataclass(frozen=True)
class GateResult:
    ready: bool
    reason: str


def describe_gate(gate: Gate) -> str:
    """The gate as one phrase, e.g. ``stage Production, tag approved-for=prod``."""
    parts = [f"stage {gate.stage}"] if gate.stage else []
    parts += [f"tag {name}={value}" for name, value in sorted(gate.tags.items())]
    return ", ".join(parts)


def check_gate(gate: Gate, kind: str, source: Any) -> GateResult:
    """Whether the source version (an azure-ai-ml entity) passes the gate, and why (not)."""
    failures = []
    if gate.stage is not None:
        stage = getattr(source, "stage", None) if kind == "models" else None
        # Azure keeps the stage as typed (Production, production); compare as people read it.
        if (stage or "").casefold() != gate.stage.casefold():
            failures.append(f"stage is {stage or 'not set'}, not {gate.stage}")
    tags: Mapping[str, str] = getattr(source, "tags", None) or {}
    for name, wanted in sorted(gate.tags.items()):
        found = tags.get(name)
        if found is None:
            failures.append(f"tag {name} is not set (needs {wanted})")
        elif str(found) != wanted:
            failures.append(f"tag {name} is {found}, not {wanted}")
    if failures:
        return GateResult(False, "gate not passed: " + "; ".join(failures))
    return GateResult(True, f"gate passed ({describe_gate(gate)})")
