"""Plans and apply results as rich tables (terminal) and Markdown rows (reports, pull requests)."""

from __future__ import annotations

from rich.table import Table

from postdeploy.apply import ApplyResult
from postdeploy.plan import Action, Plan

STYLE = {Action.CREATE: "green", Action.UPDATE: "yellow", Action.SKIP: "dim", Action.BLOCKED: "bold red"}
MARKDOWN_HEADER = ("| target | kind | subject | action | reason |", "|---|---|---|---|---|")


def plan_table(plan: Plan) -> Table:
    counts = plan.counts()
    caption = ", ".join(f"{counts[a]} {a.value}" for a in Action)
    table = Table(title=f"post-deploy plan for stack {plan.stack}", caption=caption, show_lines=False)
    for column in ("target", "kind", "subject", "action", "reason"):
        table.add_column(column, overflow="fold")
    for op in plan.operations:
        style = STYLE[op.action]
        table.add_row(str(op.target), op.kind, op.subject, f"[{style}]{op.action.value}[/]", op.reason)
    return table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def plan_markdown_rows(plan: Plan, *, header: bool = True) -> list[str]:
    rows = [
        f"| {_cell(str(op.target))} | {op.kind} | {_cell(op.subject)} | {op.action.value} | {_cell(op.reason)} |"
        for op in plan.operations
    ]
    return [*MARKDOWN_HEADER, *rows] if header else rows


def summary_table(result: ApplyResult) -> Table:
    failures = result.failures
    table = Table(
        title=f"post-deploy apply: {len(result.done)} done, "
        f"{sum(o.status == 'unchanged' for o in result.outcomes)} unchanged, {len(failures)} failed "
        f"in {result.seconds:.1f}s",
    )
    for column in ("target", "kind", "subject", "result", "detail"):
        table.add_column(column, overflow="fold")
    for outcome in result.outcomes:
        if outcome.status == "unchanged":
            continue
        op = outcome.operation
        style = "bold red" if outcome.status == "failed" else "green"
        table.add_row(str(op.target), op.kind, op.subject, f"[{style}]{outcome.status}[/]", outcome.message)
    return table
