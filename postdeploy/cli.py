"""``python -m postdeploy plan|apply|share-back --stack dev``: converge the catalog, the sharing graph
and the retraining schedules; share a retrained model back.

Reads ``Pulumi.<stack>.yaml`` and the stack outputs (``pulumi stack output --json`` when the
pulumi CLI is installed, ``--outputs FILE`` otherwise; without either the names derived from
config are used), then plans against Azure with ``DefaultAzureCredential`` -- or, with
``--offline``, without any request. Exit codes: 0 when everything is (or would be) in place, 1
when an operation failed or is blocked, 2 when the stack config, its retraining jobs or the
catalog are invalid (or ``share-back`` names a job that config does not have).

Only typer and the standard library are imported at module level: azure-ai-ml and the stack
model take seconds to import, and ``--help`` should not wait for them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # start-up time: the command functions import these when they run
    from rich.console import Console

    from postdeploy.retraining.schedules import SchedulePreview
    from postdeploy.session import Session
    from stacks.model import PlatformConfig
    from stacks.topology import Topology

app = typer.Typer(help="Seed the registry, converge share / push / pull and the retraining schedules after "
                  "`pulumi up`; share retrained models back.", no_args_is_help=True, add_completion=False,
                  # Plain help: typer's rich help formatter alone costs a quarter of a second to import.
                  rich_markup_mode=None)

Stack = Annotated[str, typer.Option("--stack", "-s", help="stack name: reads Pulumi.<stack>.yaml")]
Outputs = Annotated[Path | None, typer.Option(help="stack outputs as JSON (pulumi stack output --json)")]
Workers = Annotated[int, typer.Option(min=1, max=64, help="operations run at once")]


def _load(ctx: typer.Context, stack: str) -> tuple[PlatformConfig, Path, Topology]:
    """The validated stack config, retraining jobs included: their cron expressions, parameters
    and pipelines are checked offline, so a mistake stops the run before any request."""
    from postdeploy.clients import quiet_sdk_logging
    from postdeploy.retraining.schedules import check_retraining
    from stacks.load import PROJECT_DIR, load_stack_file
    from stacks.topology import Topology

    quiet_sdk_logging()
    project_dir = (ctx.obj or {}).get("project_dir", PROJECT_DIR)
    cfg = load_stack_file(stack, project_dir)
    topology = Topology.of(cfg)  # once per run: every step below gets this one
    check_retraining(cfg, project_dir, topology)
    return cfg, project_dir, topology


def _session(ctx: typer.Context, stack: str, outputs: Path | None, console: Console) -> Session:
    """The stack, its targets and a client factory (tests hand one in through ``ctx.obj``)."""
    from postdeploy.clients import ClientFactory
    from postdeploy.context import stack_context
    from postdeploy.retry import RetryPolicy
    from postdeploy.session import Session
    from postdeploy.targets import derive_targets, read_outputs

    options: dict[str, Any] = ctx.obj or {}
    cfg, project_dir, topology = _load(ctx, stack)
    raw_outputs, source = read_outputs(stack, outputs, project_dir)
    targets = derive_targets(cfg, raw_outputs, source, topology)
    console.print(f"[dim]targets from {targets.source}; registry {targets.registry.name}, "
                  f"{len(targets.workspaces)} workspace(s)[/]")
    context = stack_context(cfg, targets, project_dir, topology)
    # A stack that promotes works in two Entra tenants: its own credential is pinned to its own
    # tenant, and sources are read with their tenants' credentials (postdeploy.promotion.identities).
    credential = None
    if cfg.promotions:
        from postdeploy.promotion.identities import target_credential

        credential = target_credential(cfg.entra_tenant_id)
    factory = options.get("factory") or ClientFactory(credential, retry=RetryPolicy())
    return Session(context, factory, options.get("sources"))


def _fail_on_invalid(error: Exception, console: Console) -> typer.Exit:
    console.print(f"[bold red]{error}[/]", soft_wrap=True)
    return typer.Exit(2)


def _previews(ctx: typer.Context, cfg: PlatformConfig, project_dir: Path, topology: Topology
              ) -> tuple[SchedulePreview, ...]:
    """Every retraining schedule with its next runs from now (tests fix ``now`` through ``ctx.obj``)."""
    from postdeploy.retraining.schedules import schedule_previews

    now = (ctx.obj or {}).get("now") or datetime.now(UTC)
    return schedule_previews(cfg, now, project_dir, topology=topology)


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
    from rich.console import Console

    from postdeploy.catalog import CatalogError
    from postdeploy.plan import inspect_plan, offline_plan
    from postdeploy.render import plan_markdown_rows, plan_table, schedules_markdown, schedules_table
    from stacks.errors import ConfigError

    # In Markdown mode stdout is the report; progress lines go to stderr.
    console = Console(width=200, stderr=True) if markdown else Console()
    try:
        if offline:
            loaded = _load(ctx, stack)
            result = offline_plan(*loaded[:2], topology=loaded[2])
        else:
            session = _session(ctx, stack, outputs, console)
            loaded = (session.context.config, session.context.project_dir, session.context.topology)
            result = inspect_plan(session, max_workers=max_workers)
    except (ConfigError, CatalogError) as error:
        raise _fail_on_invalid(error, console) from error
    previews = _previews(ctx, *loaded)
    if markdown:
        for row in plan_markdown_rows(result):
            typer.echo(row)
        if previews:
            typer.echo("")
            typer.echo(schedules_markdown(previews), nl=False)
    else:
        console.print(plan_table(result))
        if previews:
            console.print(schedules_table(previews))
    raise typer.Exit(1 if result.blocked else 0)


@app.command()
def apply(
    ctx: typer.Context,
    stack: Stack = "dev",
    outputs: Outputs = None,
    max_workers: Workers = 8,
    prune: Annotated[bool, typer.Option(help="also delete what post-deploy created and config no longer declares")
                     ] = False,
) -> None:
    """Plan, then make it true: environments, components, shares, pushes, pulls, schedules."""
    from rich.console import Console

    from postdeploy.apply import apply_plan
    from postdeploy.catalog import CatalogError
    from postdeploy.plan import inspect_plan
    from postdeploy.render import plan_table, schedules_table, summary_table
    from stacks.errors import ConfigError

    console = Console()
    try:
        session = _session(ctx, stack, outputs, console)
    except (ConfigError, CatalogError) as error:
        raise _fail_on_invalid(error, console) from error
    planned = inspect_plan(session, max_workers=max_workers)
    console.print(plan_table(planned))
    context = session.context
    previews = _previews(ctx, context.config, context.project_dir, context.topology)
    if previews:
        console.print(schedules_table(previews))
    result = apply_plan(planned, session, max_workers=max_workers, console=console, prune=prune)
    console.print(summary_table(result))
    unchanged = sum(o.status == "unchanged" for o in result.outcomes)
    console.print(f"{len(result.done)} done, {unchanged} unchanged, {len(result.failures)} failed "
                  f"in {result.seconds:.1f}s", soft_wrap=True)
    for failure in result.failures:
        console.print(f"[bold red]failed[/] {failure.operation}: {failure.message}", soft_wrap=True)
    raise typer.Exit(result.exit_code)


@app.command("share-back")
def share_back_command(
    ctx: typer.Context,
    workspace: Annotated[str, typer.Option(help='the workspace that retrains, "<tenant>/<workspace>"')],
    job: Annotated[str, typer.Option(help="the retraining job's name in config")],
    stack: Stack = "dev",
    version: Annotated[str | None, typer.Option(help="the workspace model version; default: the latest")] = None,
    run_id: Annotated[str | None, typer.Option(help="the run that produced it, when the version records none")] = None,
    outputs: Outputs = None,
) -> None:
    """Share the model version a retraining job registered in its workspace to the registry, with lineage tags."""
    from rich.console import Console

    from postdeploy.catalog import CatalogError
    from postdeploy.plan import describe_error
    from postdeploy.retraining.share_back import ShareBackError, share_back
    from postdeploy.retraining.targets import find_target
    from stacks.errors import ConfigError

    console = Console()
    try:
        session = _session(ctx, stack, outputs, console)
        find_target(session.context.config, workspace, job, session.context.topology)
    except (ConfigError, CatalogError) as error:
        raise _fail_on_invalid(error, console) from error
    except KeyError as error:
        raise _fail_on_invalid(ValueError(error.args[0]), console) from error
    cfg = session.context.config
    try:
        ws_client = session.workspace_client(workspace, purpose="share")
        registry_client = session.registry_client()
        # share_back finds a version it already shared by its lineage tags, so running it again
        # after a dropped connection cannot share twice.
        result = session.call(lambda: share_back(
            cfg, ws_client, registry_client, workspace=workspace, job=job, version=version, run_id=run_id,
            topology=session.context.topology,
        ))
    except ShareBackError as error:
        console.print(f"[bold red]share-back failed:[/] {error}", soft_wrap=True)
        raise typer.Exit(1) from error
    except Exception as error:
        console.print(f"[bold red]share-back failed:[/] {describe_error(error)}", soft_wrap=True)
        raise typer.Exit(1) from error
    console.print(str(result), soft_wrap=True)
    lineage = ", ".join(f"{key}={value}" for key, value in result.plan.lineage.items())
    console.print(f"[dim]lineage: {lineage}[/]", soft_wrap=True)
