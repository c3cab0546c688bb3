"""`ml-tenancy preview --stack dev`: what a stack would create, with no cloud and no credentials.

Exit codes (``stacks.exit_codes``): 0 clean, 1 mandatory policy violation, 2 invalid input (config,
file or option; nothing written), 3 `pulumi up` would refuse a delete or replace of a protected
resource, 70 internal error. Errors go to stderr as one paragraph; ``--json`` puts the result on
stdout as JSON. Only typer and the standard library are imported here so ``--help`` is instant;
the program, the policy pack and azure-ai-ml load inside the command.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from stacks.exit_codes import ExitCode, version_text

EXIT_CLEAN, EXIT_POLICY, EXIT_CONFIG = ExitCode.OK, ExitCode.FAILED, ExitCode.INVALID_INPUT
EXIT_PROTECTED, EXIT_INTERNAL = ExitCode.PROTECTED, ExitCode.INTERNAL
PROJECT_DIR = Path(__file__).resolve().parent.parent

app = typer.Typer(add_completion=False, no_args_is_help=True, help="ml-tenancy platform tools")


def _version(value: bool) -> None:
    if value:
        typer.echo(version_text())
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit")
    ] = False,
) -> None:
    """ml-tenancy: multi-tenant Azure ML platform as code."""


def terminal_width() -> int | None:
    """COLUMNS when set (also when piped), the terminal's width otherwise, 160 for logs without one."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return None if sys.stdout.isatty() else 160


def fail(message: str, code: ExitCode, *, as_json: bool = False, stack: str = "") -> typer.Exit:
    """One paragraph on stderr (and the result as JSON on stdout with --json)."""
    text = " ".join(line.strip() for line in message.splitlines() if line.strip()) if code == ExitCode.INTERNAL \
        else message
    typer.echo(f"error: {text}", err=True)
    if as_json:
        typer.echo(json.dumps({"command": "preview", "stack": stack, "exitCode": int(code),
                               "exitReason": code.reason, "error": message}, indent=2))
    return typer.Exit(int(code))


@app.command()
def preview(
    stack: Annotated[str, typer.Option("--stack", "-s", help="Stack to preview (reads Pulumi.<stack>.yaml)")] = "dev",
    against: Annotated[
        Path | None,
        typer.Option(help="A previous preview.json (keep it outside --out): adds the change set to review.md"),
    ] = None,
    out: Annotated[Path, typer.Option(help="Output folder; files go to <out>/<stack>/")] = Path("out"),
    project_dir: Annotated[
        Path | None,
        typer.Option(help="Project root holding Pulumi.<stack>.yaml; default: the current folder when it holds "
                     "Pulumi.yaml, else this checkout"),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and the summary")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout (nothing else)")] = False,
) -> None:
    """Run the stack's program offline and write preview.json, review.md and review-full.md."""
    from preview.command import InputError, run_preview
    from stacks.errors import ConfigError

    if project_dir is None:
        project_dir = Path.cwd() if (Path.cwd() / "Pulumi.yaml").is_file() else PROJECT_DIR

    if against is not None and out is not None and _same_file(against, out / stack / "preview.json"):
        typer.echo(f"warning: --against {against} is the file this run overwrites; the next run will compare "
                   "against this one. Keep the baseline elsewhere (see the README's onboarding recipe).", err=True)
    try:
        result = run_preview(stack, project_dir=project_dir, out=out, against=against)
    except InputError as error:
        raise fail(str(error), ExitCode.INVALID_INPUT, as_json=as_json, stack=stack) from None
    except ConfigError as error:
        raise fail(str(error), ExitCode.INVALID_INPUT, as_json=as_json, stack=stack) from None
    except Exception as error:  # a bug: say where in one paragraph, not a traceback
        raise fail(_internal(error), ExitCode.INTERNAL, as_json=as_json, stack=stack) from None

    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2, default=str))
    else:
        _print(result, quiet=quiet, against=against)
    raise typer.Exit(int(result.exit_code))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _internal(error: BaseException) -> str:
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    cause = error.__cause__ or error
    return (f"internal error: {type(cause).__name__}: {cause}{where}. This is a bug in ml-tenancy, not in your "
            "input; please report it with the command you ran.")


def _print(result, *, quiet: bool, against: Path | None) -> None:
    from rich.console import Console
    from rich.markup import escape

    from preview.findings import print_policy
    from preview.terminal import print_summary

    width = terminal_width()
    console = Console(width=width, highlight=False)
    errors = Console(width=width, stderr=True, highlight=False)
    term = result.terminal
    if not quiet:
        print_summary(console, term.topology, term.graph, term.rows)
        term.postdeploy.print(console)
        print_policy(console, term.policies)
        for warning in result.warnings:
            errors.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
    else:
        for violation in result.violations:
            if violation["level"] == "mandatory":
                errors.print(f"[bold red]{escape(violation['text'])}[/]", soft_wrap=True)
    for refusal in result.refusals:
        errors.print(f"[bold red]{escape(refusal)}[/]", soft_wrap=True)
    counts = result.counts
    changes = ""
    if result.changes is not None:
        c = result.changes["resources"]["counts"]
        changes = (f"; since {against}: {c['added']} added, {c['deleted']} deleted, {c['replaced']} replaced, "
                   f"{c['updated']} updated, {c['released']} released")
    console.print(
        f"{result.exit_reason} (exit {int(result.exit_code)}): {counts['resources']} resources, "
        f"{counts['roleAssignments']} role assignments, {counts['mandatory']} mandatory / {counts['advisory']} "
        f"advisory policy findings, {len(result.warnings)} warnings{changes}; wrote "
        + ", ".join(str(f) for f in result.files),
        soft_wrap=True,
    )


if __name__ == "__main__":
    app()
