"""Policy results in the terminal (like the Pulumi CLI prints them) and in review.md."""

from __future__ import annotations

from collections import Counter

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


def policy_summary_markdown(review: Review, listed: int = 30) -> str:
    """Mandatory violations as rows, the rest as counts per rule: the policy section at scale."""
    mandatory = [v for v in review.violations if v.level == "mandatory"]
    advisory = Counter(v.rule for v in review.violations if v.level != "mandatory")
    notes = Counter(n.rule for n in review.notes)
    lines = [f"{len(mandatory)} mandatory, {sum(advisory.values())} advisory, {sum(notes.values())} waiting for apply "
             "(every row in `review-full.md`)."]
    if mandatory:
        lines += ["", "| level | rule | resource | message |", "|---|---|---|---|"]
        lines += [
            f"| {v.level} | `{v.rule}` | `{v.resource_type}` {_cell(v.resource_name)} | {_cell(v.message)} |"
            for v in mandatory[:listed]
        ]
        if len(mandatory) > listed:
            lines.append(f"\n… and {len(mandatory) - listed} more mandatory violations.")
    if advisory or notes:
        lines += ["", "| rule | advisory | waiting for apply |", "|---|---:|---:|"]
        lines += [f"| `{rule}` | {advisory[rule]} | {notes[rule]} |" for rule in sorted(advisory.keys() | notes.keys())]
    return "\n".join(lines)
