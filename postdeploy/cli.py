"""``python -m postdeploy plan|apply --stack dev``: converge the catalog and the sharing graph.

Reads ``Pulumi.<stack>.yaml`` and the stack outputs (``pulumi stack output --json`` when the
pulumi CLI is installed, ``--outputs FILE`` otherwise; without either the names derived from
config are used), then plans against Azure with ``DefaultAzureCredential`` -- or, with
``--offline``, without any request. Exit codes: 0 when everything is (or would be) in place, 1
when an operation failed or is blocked, 2 when the stack config or catalog is invalid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from postdeploy.apply import apply_plan
from postdeploy.catalog import CatalogError
from postdeploy.clients import ClientFactory, quiet_sdk_logging
from postdeploy.plan import inspect_plan, offline_plan
from postdeploy.render import plan_markdown_rows, summary_table
from postdeploy.retry import RetryPolicy
from postdeploy.session import Session
from postdeploy.spec import stack_context
from postdeploy.targets import derive_targets, read_outputs
from stacks.errors import ConfigError
from stacks.load import PROJECT_DIR, load_stack_file

app = typer.Typer(help="Seed the registry and converge share / push / pull after `pulumi up`.",
                  no_args_is_help=True, add_completion=False)

Stack = Annotated[str, typer.Option("--stack", "-s", help="stack name: reads Pulumi.<stack>.yaml")]
Outputs = Annotated[Path | None, typer.Option(help="stack outputs as JSON (pulumi stack output --json)")]
Workers = Annotated[int, typer.Option(min=1, max=64, help="operations run at once")]


def _session(ctx: typer.Context, stack: str, outputs: Path | None, console: Console) -> Session:
    """The stack, its targets and a client factory (tests hand one in through ``ctx.obj``)."""
    options: dict[str, Any] = ctx.obj or {}
    quiet_sdk_logging()
    project_dir = options.get("project_dir", PROJECT_DIR)
    cfg = load_stack_file(stack, project_dir)
    raw_outputs, source = read_outputs(stack, outputs, project_dir)
    targets = derive_targets(cfg, raw_outputs, source)
    console.print(f"[dim]targets from {targets.source}; registry {targets.registry.name}, "
                  f"{len(targets.workspaces)} workspace(s)[/]")
    context = stack_context(cfg, targets, project_dir)
    factory = options.get("factory") or ClientFactory()
    return Session(context, factory, options.get("retry") or RetryPolicy())


def _fail_on_invalid(error: Exception, console: Console) -> typer.Exit:
    console.print(f"[bold red]{error}[/]")
    return typer.Exit(2)


@app.command()
def plan(
    ctx: typer.Context,
    stack: Stack = "dev",
    outputs: Outputs = None,
    offline: Annotated[bool, typer.Option(help="assume an empty registry and workspaces; send nothing")] = False,
    markdown: Annotated[bool, typer.Option(help="print Markdown rows instead of a table")] = False,
    max_workers: Workers = 8,
) -> None:
    """Show what apply would do, per target, and why."""
    console = Console(width=200) if markdown else Console()
    try:
        if offline:
            project_dir = (ctx.obj or {}).get("project_dir", PROJECT_DIR)
            result = offline_plan(load_stack_file(stack, project_dir), project_dir)
        else:
            result = inspect_plan(_session(ctx, stack, outputs, console), max_workers=max_workers)
    except (ConfigError, CatalogError) as error:
        raise _fail_on_invalid(error, console) from error
    if markdown:
        for row in plan_markdown_rows(result):
            typer.echo(row)
    else:
        console.print(result.table())
    raise typer.Exit(1 if result.blocked else 0)


@app.command()
def apply(
    ctx: typer.Context,
    stack: Stack = "dev",
    outputs: Outputs = None,
    max_workers: Workers = 8,
) -> None:
    """Plan, then make it true: environments, components, shares, pushes, pulls."""
    console = Console()
    try:
        session = _session(ctx, stack, outputs, console)
    except (ConfigError, CatalogError) as error:
        raise _fail_on_invalid(error, console) from error
    planned = inspect_plan(session, max_workers=max_workers)
    console.print(planned.table())
    result = apply_plan(planned, session, max_workers=max_workers, console=console)
    console.print(summary_table(result))
    unchanged = sum(o.status == "unchanged" for o in result.outcomes)
    console.print(f"{len(result.done)} done, {unchanged} unchanged, {len(result.failures)} failed "
                  f"in {result.seconds:.1f}s", soft_wrap=True)
    for failure in result.failures:
        console.print(f"[bold red]failed[/] {failure.operation}: {failure.message}", soft_wrap=True)
    raise typer.Exit(result.exit_code)
