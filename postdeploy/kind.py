"""A kind of operation: data plus four functions, typed by the spec and detail it works with.

Extension point: a new kind (shares, pushes, retraining schedules, ...) is one module that defines
a spec dataclass (see ``postdeploy.operations.Spec``), optionally a detail type (what inspection
learned and ``execute`` needs), and a ``Kind[SpecT, DetailT]`` with

- ``specs``: the desired items, from the ``StackContext``;
- ``offline``: the action in an empty world, given every registry key the stack provides;
- ``inspect``: the operation after reading Azure through the ``Session``;
- ``execute``: make it true; returns what was done, raises on failure;
- optionally ``discover``: operations found by reading Azure (owned items config no longer declares);

and a ``phase`` that orders it among the others (environments 10, components 20, shares 30,
pushes 40, pulls 50, schedules 60). Adding it to ``postdeploy.kinds.KINDS`` is the only
registration; plan rendering, dependency ordering, concurrency, retries and failure isolation
apply to it unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from postdeploy.context import StackContext
from postdeploy.operations import Action, Operation, Spec
from postdeploy.session import Session

SpecT = TypeVar("SpecT", bound=Spec)
DetailT = TypeVar("DetailT")


@dataclass(frozen=True)
class Kind(Generic[SpecT, DetailT]):
    name: str
    phase: int
    specs: Callable[[StackContext], Iterable[SpecT]]
    offline: Callable[[SpecT, frozenset[str] | set[str]], tuple[Action, str]]
    inspect: Callable[[SpecT, Session], Operation[SpecT, DetailT]]
    execute: Callable[[Operation[SpecT, DetailT], Session], str]
    # Operations found by reading Azure rather than derived from config (see ``postdeploy.prune``).
    discover: Callable[[Session], Iterable[Operation[SpecT, DetailT]]] | None = None

    def operation(
        self, spec: SpecT, action: Action, reason: str, detail: DetailT | None = None
    ) -> Operation[SpecT, DetailT]:
        """The operation of this kind for one spec."""
        return Operation(
            kind=self, target=spec.target, subject=spec.subject, action=action, reason=reason,
            phase=self.phase, provides=spec.provides, requires=spec.requires, spec=spec, detail=detail,
        )

    def __str__(self) -> str:
        return self.name
