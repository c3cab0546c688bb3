"""Apply a plan: in dependency order, concurrently, with one failure never stopping unrelated work.

Operations wait only for the operations that provide what they require (a push waits for the
share of its model, a component for its environment) and otherwise run side by side on a bounded
pool -- across workspaces and within one. Order among ready operations follows the phases
(environments, components, shares, pushes, pulls). A failed operation fails the operations that
need it ("not attempted") and nothing else; a 403 in one workspace leaves the others untouched.

Nothing is remembered between runs but Azure itself: a rerun plans again, skips what is done
and continues with the rest.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from postdeploy.operations import Action, ApplyResult, Operation, Outcome, Plan
from postdeploy.plan import describe_error
from postdeploy.session import Session


def _run(op: Operation[Any, Any], session: Session) -> Outcome:
    started = time.perf_counter()
    try:
        message = op.kind.execute(op, session)
    except Exception as error:
        return Outcome(op, "failed", describe_error(error), time.perf_counter() - started)
    return Outcome(op, "done", message, time.perf_counter() - started)


def apply_plan(plan: Plan, session: Session, *, max_workers: int = 8, console: Console | None = None,
               prune: bool = False) -> ApplyResult:
    """Run the plan's changes; deletes only with ``prune`` (otherwise they are reported, not run)."""
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    pending: list[Operation[Any, Any]] = []
    for op in plan.operations:
        if op.action is Action.DELETE and not prune:
            outcomes.append(Outcome(op, "unchanged", "not deleted: apply deletes only with --prune"))
        elif op.action is Action.SKIP:
            outcomes.append(Outcome(op, "unchanged", op.reason))
        elif op.action is Action.BLOCKED:
            outcomes.append(Outcome(op, "failed", f"blocked: {op.reason}"))
        else:
            pending.append(op)

    providers: dict[str, list[Operation[Any, Any]]] = {}
    for op in pending:
        for key in op.provides:
            providers.setdefault(key, []).append(op)
    needs = {id(op): [p for key in op.requires for p in providers.get(key, []) if p is not op] for op in pending}
    finished: dict[int, Outcome] = {}

    progress = _progress(console, len(pending))
    task = progress.add_task("apply", total=len(pending)) if progress else None
    running: dict[Future[Outcome], Operation[Any, Any]] = {}
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="apply") as pool:
        if progress:
            progress.start()
        try:
            while pending or running:
                scheduled = True
                while scheduled:  # until no more work can start or be written off this round
                    scheduled = False
                    for op in list(pending):  # plan order is phase order, so earlier phases go first
                        deps = [finished.get(id(p)) for p in needs[id(op)]]
                        failed = next((d for d in deps if d is not None and d.status == "failed"), None)
                        if failed is not None:
                            pending.remove(op)
                            cause = f"not attempted: needs {failed.operation}, which failed"
                            finished[id(op)] = Outcome(op, "failed", cause)
                            outcomes.append(finished[id(op)])
                            scheduled = True
                            if progress:
                                progress.advance(task)
                        elif all(d is not None for d in deps):
                            pending.remove(op)
                            running[pool.submit(_run, op, session)] = op
                            scheduled = True
                if not running:
                    for op in pending:  # only a dependency cycle gets here; fail it rather than spin
                        outcomes.append(Outcome(op, "failed", "not attempted: its dependencies form a cycle"))
                    break
                completed, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in completed:
                    op = running.pop(future)
                    outcome = future.result()
                    finished[id(op)] = outcome
                    outcomes.append(outcome)
                    if progress:
                        progress.update(task, advance=1, description=f"{op.kind.name} {op.subject}"[:60])
        finally:
            if progress:
                progress.stop()
    order = {id(op): i for i, op in enumerate(plan.operations)}
    outcomes.sort(key=lambda o: order[id(o.operation)])
    return ApplyResult(plan, tuple(outcomes), time.perf_counter() - started)


def _progress(console: Console | None, total: int) -> Progress | None:
    if console is None or total == 0:
        return None
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    )
