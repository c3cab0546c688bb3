"""The plan: every operation post-deploy would run, per target, with its action and the reason.

An ``Operation`` says *what kind* of thing is reconciled (``kind``: environment, component, share,
push, pull), *where* (``target``: the registry or a workspace ref), *what* (``subject``), *what
happens* (``action``: create / update / skip / blocked) and *why* (``reason``). It also names the
registry assets it makes true (``provides``) and needs (``requires``): apply orders work by these
keys, and a plan marks an operation blocked when something it needs cannot come to exist.

Two ways to get a plan:

- ``offline_plan(cfg)``: as if the registry and every workspace were empty; no HTTP at all. This
  is what a preview shows next to ``pulumi preview``.
- ``inspect_plan(session)``: reads Azure (at most one read per declared item when nothing
  changed) and diffs it against the stack config and the catalog.

Extension point: a new kind of operation (for example retraining JobSchedules in workspaces) is
one module that defines a spec dataclass (see ``postdeploy.spec.Spec``) and a
``postdeploy.spec.Kind`` with four functions -- ``specs`` (desired items from the stack),
``offline`` (the action in an empty world), ``inspect`` (the action after reading Azure),
``execute`` (make it true) -- and a ``phase`` that orders it among the others (environments 10,
components 20, shares 30, pushes 40, pulls 50; schedules would take 60 and ``requires`` the
registry components their pipeline uses). Adding it to ``postdeploy.kinds.KINDS`` is the only
registration; plan rendering, dependency ordering, concurrency, retries and failure isolation
apply to it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postdeploy.retry import http_status
from postdeploy.targets import Target

if TYPE_CHECKING:
    from rich.table import Table

    from postdeploy.session import Session
    from postdeploy.spec import Kind, Spec
    from stacks.model import PlatformConfig


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Operation:
    kind: str
    target: Target
    subject: str
    action: Action
    reason: str
    phase: int = 0
    provides: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    # The desired item, and what inspection learned about the current state; only the kind's
    # own ``execute`` reads them, so they stay out of equality and repr.
    spec: Any = field(default=None, compare=False, repr=False)
    detail: Any = field(default=None, compare=False, repr=False)

    @property
    def is_change(self) -> bool:
        return self.action in (Action.CREATE, Action.UPDATE)

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} in {self.target}"


@dataclass(frozen=True)
class Plan:
    stack: str
    operations: tuple[Operation, ...]

    @property
    def changes(self) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if op.is_change)

    @property
    def blocked(self) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if op.action is Action.BLOCKED)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def for_target(self, target: Target) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if op.target == target)

    def counts(self) -> dict[Action, int]:
        return {action: sum(op.action is action for op in self.operations) for action in Action}

    def table(self) -> Table:
        from postdeploy.render import plan_table

        return plan_table(self)

    def markdown_rows(self) -> list[str]:
        from postdeploy.render import plan_markdown_rows

        return plan_markdown_rows(self)


def operation(spec: Spec, kind: Kind, action: Action, reason: str, detail: Any = None) -> Operation:
    """The operation for one spec of one kind."""
    return Operation(
        kind=kind.name, target=spec.target, subject=spec.subject, action=action, reason=reason,
        phase=kind.phase, provides=spec.provides, requires=spec.requires, spec=spec, detail=detail,
    )


def _block_dependents(operations: list[Operation]) -> list[Operation]:
    """An operation that needs what a blocked operation would provide is blocked too (transitively)."""
    changed = True
    while changed:
        changed = False
        blocked = {key: op for op in operations if op.action is Action.BLOCKED for key in op.provides}
        for i, op in enumerate(operations):
            if op.action is Action.BLOCKED or not op.is_change:
                continue
            cause = next((blocked[key] for key in op.requires if key in blocked), None)
            if cause is not None:
                operations[i] = replace(op, action=Action.BLOCKED, reason=f"needs {cause}, which is blocked")
                changed = True
    return operations


def _ordered(operations: Iterable[Operation]) -> tuple[Operation, ...]:
    return tuple(sorted(operations, key=lambda op: (op.phase, op.target.kind != "registry", op.target.name)))


def offline_plan(cfg: PlatformConfig, project_dir: Path | None = None) -> Plan:
    """The plan as if the registry and all workspaces were empty; makes no request at all."""
    from postdeploy.kinds import KINDS
    from postdeploy.spec import stack_context

    context = stack_context(cfg, project_dir=project_dir)
    specs = [(kind, spec) for kind in KINDS for spec in kind.specs(context)]
    provided = {key for _, spec in specs for key in spec.provides}
    operations = []
    for kind, spec in specs:
        action, reason = kind.offline(spec, provided)
        operations.append(operation(spec, kind, action, reason))
    return Plan(cfg.environment, _ordered(_block_dependents(operations)))


def inspect_plan(session: Session, *, max_workers: int = 8) -> Plan:
    """Read Azure and diff it against the stack; reads run concurrently, one failing read blocks only its item."""
    from postdeploy.kinds import KINDS

    specs = [(kind, spec) for kind in KINDS for spec in kind.specs(session.context)]
    session.provided = frozenset(key for _, spec in specs for key in spec.provides)

    def inspect(pair: tuple[Any, Any]) -> Operation:
        kind, spec = pair
        try:
            return kind.inspect(spec, session)
        except Exception as error:
            return operation(spec, kind, Action.BLOCKED, f"could not read the current state: {describe(error)}")

    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="inspect") as pool:
        operations = list(pool.map(inspect, specs))
    return Plan(session.context.config.environment, _ordered(_block_dependents(operations)))


def describe(error: BaseException) -> str:
    """One line that says what went wrong, with the HTTP status and Azure error code when there is one."""
    status = http_status(error)
    code = None
    chain: BaseException | None = error
    while chain is not None and code is None:
        code = getattr(getattr(chain, "error", None), "code", None)
        chain = chain.__cause__
    lines = [line.strip() for line in str(getattr(error, "message", None) or error).splitlines()]
    text = next((line for line in lines if line and not line.startswith("Code:")), type(error).__name__)
    text = text.removeprefix("Message: ")
    if code and text.startswith(f"({code}) "):
        text = text[len(code) + 3:]
    prefix = " ".join(part for part in (str(status) if status else "", code or "") if part)
    return f"{prefix}: {text}" if prefix else text
