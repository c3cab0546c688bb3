"""The words post-deploy speaks in: targets, actions, operations, plans and apply outcomes.

This module is the floor of the package: it imports no kind, no session and no planning logic,
so every other module can use these types without reaching back up.

An ``Operation`` says *what kind* of thing is reconciled (``kind``: the ``Kind`` object itself,
whose ``name`` is environment, component, share, push, pull or schedule), *where* (``target``: the
registry or a workspace ref), *what* (``subject``), *what happens* (``action``: create / update /
delete / skip / blocked) and *why* (``reason``). It also names the registry assets it makes true
(``provides``) and needs (``requires``): apply orders work by these keys, and a plan marks an
operation blocked when something it needs cannot come to exist.

``Operation`` is generic in its kind's spec and detail types, so a kind's ``execute`` reads
``op.spec`` and ``op.detail`` with their own types and without a downcast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Literal, Protocol, TypeVar


@dataclass(frozen=True)
class Target:
    """What an operation acts on: the registry (by name) or a workspace (by "<tenant>/<workspace>")."""

    kind: Literal["registry", "workspace"]
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    SKIP = "skip"
    BLOCKED = "blocked"


class Spec(Protocol):
    """What every kind's desired item exposes to the planner."""

    @property
    def target(self) -> Target: ...

    @property
    def subject(self) -> str: ...

    @property
    def provides(self) -> tuple[str, ...]: ...

    @property
    def requires(self) -> tuple[str, ...]: ...


S = TypeVar("S")
D = TypeVar("D")


class OperationKind(Protocol[S, D]):
    """What an operation knows of its kind (``postdeploy.kind.Kind`` is the implementation).

    The session is opaque at this floor: only the kind, one layer up, knows what it holds.
    """

    @property
    def name(self) -> str: ...

    @property
    def phase(self) -> int: ...

    @property
    def execute(self) -> Any: ...


@dataclass(frozen=True)
class Operation(Generic[S, D]):
    kind: OperationKind[S, D]
    target: Target
    subject: str
    action: Action
    reason: str
    phase: int = 0
    provides: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    # The desired item, and what inspection learned about the current state; only the kind's
    # own ``execute`` reads them, so they stay out of equality and repr.
    spec: S = field(default=None, compare=False, repr=False)  # type: ignore[assignment]
    detail: D | None = field(default=None, compare=False, repr=False)

    @property
    def is_change(self) -> bool:
        return self.action in (Action.CREATE, Action.UPDATE, Action.DELETE)

    def __str__(self) -> str:
        return f"{self.kind.name} {self.subject} in {self.target}"


@dataclass(frozen=True)
class Plan:
    stack: str
    operations: tuple[Operation[Any, Any], ...]

    @property
    def changes(self) -> tuple[Operation[Any, Any], ...]:
        return tuple(op for op in self.operations if op.is_change)

    @property
    def blocked(self) -> tuple[Operation[Any, Any], ...]:
        return tuple(op for op in self.operations if op.action is Action.BLOCKED)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def for_target(self, target: Target) -> tuple[Operation[Any, Any], ...]:
        return tuple(op for op in self.operations if op.target == target)

    def counts(self) -> dict[Action, int]:
        return {action: sum(op.action is action for op in self.operations) for action in Action}


class ReportedError(RuntimeError):
    """A failure a kind has already put in its own words (with Azure's message where there is one);
    apply reports it as is, without the HTTP status of whatever caused it."""


Status = Literal["done", "unchanged", "failed"]


@dataclass(frozen=True)
class Outcome:
    operation: Operation[Any, Any]
    status: Status
    message: str
    seconds: float = 0.0


@dataclass(frozen=True)
class ApplyResult:
    plan: Plan
    outcomes: tuple[Outcome, ...]
    seconds: float

    @property
    def failures(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")

    @property
    def done(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "done")

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0
