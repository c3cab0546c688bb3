"""Plans, apply results and retraining schedules as rich tables (terminal) and Markdown (reports, pull requests)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table

from postdeploy.operations import Action, ApplyResult, Plan
from postdeploy.retraining.schedules import RUN_FORMAT, SchedulePreview

STYLE = {Action.CREATE: "green", Action.UPDATE: "yellow", Action.DELETE: "magenta", Action.SKIP: "dim",
         Action.BLOCKED: "bold red"}
MARKDOWN_HEADER = ("| target | kind | subject | action | reason |", "|---|---|---|---|---|")


def plan_table(plan: Plan) -> Table:
    counts = plan.counts()
    caption = ", ".join(f"{counts[a]} {a.value}" for a in Action)
    table = Table(title=f"post-deploy plan for stack {plan.stack}", caption=caption, show_lines=False)
    for column in ("target", "kind", "subject", "action", "reason"):
        table.add_column(column, overflow="fold")
    for op in plan.operations:
        style = STYLE[op.action]
        table.add_row(str(op.target), op.kind.name, op.subject, f"[{style}]{op.action.value}[/]", op.reason)
    return table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def plan_markdown_rows(plan: Plan, *, header: bool = True) -> list[str]:
    rows = [
        f"| {_cell(str(op.target))} | {op.kind.name} | {_cell(op.subject)} | {op.action.value} | {_cell(op.reason)} |"
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
        table.add_row(str(op.target), op.kind.name, op.subject, f"[{style}]{outcome.status}[/]", outcome.message)
    return table


# --- retraining schedules ------------------------------------------------------------------------
_NEXT_RUNS = SchedulePreview.HEADERS.index("next runs")


def _by_workspace(previews: Iterable[SchedulePreview]) -> list[SchedulePreview]:
    return sorted(previews, key=lambda p: (p.workspace_ref, p.schedule_name))


def schedules_table(previews: Iterable[SchedulePreview]) -> Table:
    """Every schedule per workspace, with its next runs one per line."""
    rows = _by_workspace(previews)
    runs = max((len(p.next_runs) for p in rows), default=0)
    table = Table(title="retraining schedules", caption=f"next {runs} runs, in each schedule's time zone")
    for header in SchedulePreview.HEADERS:
        table.add_column(header, overflow="fold")
    for preview in rows:
        cells = list(preview.row())
        cells[_NEXT_RUNS] = "\n".join(run.strftime(RUN_FORMAT) for run in preview.next_runs)
        table.add_row(*cells)
    return table


def schedules_markdown(previews: Iterable[SchedulePreview]) -> str:
    """A titled Markdown table of every schedule; empty when there are none, so callers can leave it out."""
    rows = _by_workspace(previews)
    if not rows:
        return ""
    runs = max(len(p.next_runs) for p in rows)
    lines = [
        f"**Retraining schedules** (next {runs} runs, in each schedule's time zone)",
        "",
        "| " + " | ".join(SchedulePreview.HEADERS) + " |",
        "|" + "---|" * len(SchedulePreview.HEADERS),
    ]
    for preview in rows:
        cells = [_markdown_cell(cell) for cell in preview.row()]
        cells[_NEXT_RUNS] = "<br>".join(run.strftime(RUN_FORMAT) for run in preview.next_runs)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _markdown_cell(text: str) -> str:
    # Cron fields are full of '*', which Markdown would read as emphasis; '|' would end the cell.
    for char in ("\\", "|", "*", "_", "`"):
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")
