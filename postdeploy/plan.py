"""The plan: every operation post-deploy would run, per target, with its action and the reason.

Two ways to get a plan:

- ``offline_plan(cfg)``: as if the registry and every workspace were empty; no HTTP at all. This
  is what a preview shows next to ``pulumi preview``.
- ``inspect_plan(session)``: reads Azure (at most one read per declared item when nothing
  changed) and diffs it against the stack config and the catalog.

The types (``Operation``, ``Plan``) live in ``postdeploy.operations``; the kinds in
``postdeploy.kinds`` (see ``postdeploy.kind`` for adding one).
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from postdeploy.context import stack_context
from postdeploy.kind import Kind
from postdeploy.kinds import KINDS
from postdeploy.operations import Action, Operation, Plan, ReportedError
from postdeploy.retry import http_status
from postdeploy.session import Session
from stacks.model import PlatformConfig
from stacks.topology import Topology


def _block_dependents(operations: list[Operation[Any, Any]]) -> list[Operation[Any, Any]]:
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


def _ordered(operations: Iterable[Operation[Any, Any]]) -> tuple[Operation[Any, Any], ...]:
    return tuple(sorted(operations, key=lambda op: (op.phase, op.target.kind != "registry", op.target.name)))


def offline_plan(cfg: PlatformConfig, project_dir: Path | None = None, *, topology: Topology | None = None) -> Plan:
    """The plan as if the registry and all workspaces were empty; makes no request at all."""
    context = stack_context(cfg, project_dir=project_dir, topology=topology)
    specs = [(kind, spec) for kind in KINDS for spec in kind.specs(context)]
    provided = {key for _, spec in specs for key in spec.provides}
    operations = []
    for kind, spec in specs:
        action, reason = kind.offline(spec, provided)
        operations.append(kind.operation(spec, action, reason))
    return Plan(cfg.environment, _ordered(_block_dependents(operations)))


def inspect_plan(session: Session, *, max_workers: int = 8) -> Plan:
    """Read Azure and diff it against the stack; reads run concurrently, one failing read blocks only its item."""
    specs = [(kind, spec) for kind in KINDS for spec in kind.specs(session.context)]
    session.provided = frozenset(key for _, spec in specs for key in spec.provides)

    def inspect(pair: tuple[Kind[Any, Any], Any]) -> Operation[Any, Any]:
        kind, spec = pair
        try:
            return kind.inspect(spec, session)
        except Exception as error:
            return kind.operation(spec, Action.BLOCKED, f"could not read the current state: {describe_error(error)}")

    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="inspect") as pool:
        operations = list(pool.map(inspect, specs))
    for kind in KINDS:
        if kind.discover is not None:
            operations.extend(kind.discover(session))
    return Plan(session.context.config.environment, _ordered(_block_dependents(operations)))


def describe_error(error: BaseException) -> str:
    """One line that says what went wrong, with the HTTP status and Azure error code when there is one."""
    if isinstance(error, ReportedError):
        return str(error)
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
