"""Policy results in the terminal (like the Pulumi CLI prints them) and in review.md."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from policy.offline import Review, format_note, format_violation

LEVEL_STYLE = {"mandatory": "bold red", "advisory": "yellow"}


def print_policy(console: Console, review: Review) -> None:
    mandatory = sum(v.level == "mandatory" for v in review.violations)
    advisory = len(review.violations) - mandatory
    console.print(
        f"[bold]Policies[/]: {mandatory} mandatory, {advisory} advisory, "
        f"{len(review.notes)} waiting for apply"
    )
    for violation in review.violations:
        console.print(f"[{LEVEL_STYLE[violation.level]}]{escape(format_violation(violation))}[/]", soft_wrap=True)
    for note in review.notes:
        console.print(f"[dim]{escape(format_note(note))}[/]", soft_wrap=True)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def policy_markdown(review: Review) -> str:
    if not review.violations and not review.notes:
        return "No policy violations."
    lines = ["| level | rule | resource | message |", "|---|---|---|---|"]
    lines += [
        f"| {v.level} | `{v.rule}` | `{v.resource_type}` {_cell(v.resource_name)} | {_cell(v.message)} |"
        for v in review.violations
    ]
    lines += [
        f"| info | `{n.rule}` | `{n.resource_type}` {_cell(n.resource_name)} | {_cell(n.message)} |"
        for n in review.notes
    ]
    return "\n".join(lines)
