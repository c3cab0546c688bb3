"""``python -m postdeploy plan|apply|share-back --stack dev``: converge the catalog, the sharing graph
and the retraining schedules; share a retrained model back.

Reads ``Pulumi.<stack>.yaml`` and the stack outputs (``pulumi stack output --json`` when the
pulumi CLI is installed, ``--outputs FILE`` otherwise; without either the names derived from
config are used); an outputs file must belong to the stack (its registry, its workspaces). Then
plans against Azure with ``DefaultAzureCredential`` -- or, with ``--offline``, without any request
(``--offline`` reads no outputs, so it refuses ``--outputs``).

Exit codes (``stacks.exit_codes``): 0 everything is (or would be) in place, 1 an operation failed
or is blocked, 2 invalid input (config, retraining jobs, catalog, outputs file, options; nothing
sent), 4 no Azure credentials or Azure refused them, 70 internal error. Errors go to stderr as one
paragraph; ``--json`` prints the result as JSON on stdout. Only typer and the standard library are
imported here, so ``--help`` is instant.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from stacks.exit_codes import ExitCode, version_text

app = typer.Typer(help="Seed the registry, converge share / push / pull and the retraining schedules after "
                  "`pulumi up`; share retrained models back.", no_args_is_help=True, add_completion=False,
                  # Plain help: typer's rich help formatter alone costs a quarter of a second to import.
                  rich_markup_mode=None)

Stack = Annotated[str, typer.Option("--stack", "-s", help="stack name: reads Pulumi.<stack>.yaml")]
Outputs = Annotated[Path | None, typer.Option(help="stack outputs as JSON (pulumi stack output --json)")]
Workers = Annotated[int, typer.Option(min=1, max=64, help="operations run at once")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="print only errors and the summary")]
AsJson = Annotated[bool, typer.Option("--json", help="print the result as JSON on stdout (nothing else)")]
PROJECT_DIR = Path(__file__).resolve().parent.parent
ARM_SCOPE = "https://management.azure.com/.default"


def _version(value: bool) -> None:
    if value:
        typer.echo(version_text("ml-tenancy post-deploy"))
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit")
    ] = False,
) -> None:
    """Post-deploy: azure-ai-ml reconciliation after `pulumi up`."""


class _Failure(Exception):
    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.code = code


def _width() -> int | None:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return None if sys.stdout.isatty() else 160


def _console(*, stderr: bool = False, quiet: bool = False):
    from rich.console import Console

    return Console(width=_width(), stderr=stderr, quiet=quiet, highlight=False)


def _exit(code: ExitCode | int, message: str | None, *, command: str, stack: str, as_json: bool,
          extra: dict[str, Any] | None = None) -> typer.Exit:
    code = ExitCode(int(code))
    if message:
        typer.echo(f"error: {message}", err=True)
    if as_json:
        typer.echo(json.dumps({"command": command, "stack": stack, "exitCode": int(code), "exitReason": code.reason,
                               **({"error": message} if message else {}), **(extra or {})}, indent=2, default=str))
    return typer.Exit(int(code))


def _guard(command: str, stack: str, as_json: bool, body) -> None:
    """Run a command body; what a user can cause ends in one paragraph and its exit code, bugs in 70."""
    from postdeploy.catalog import CatalogError
    from postdeploy.outputs import OutputsError
    from stacks.errors import ConfigError

    try:
        code, extra = body()
    except typer.Exit:
        raise
    except _Failure as failure:
        raise _exit(failure.code, str(failure), command=command, stack=stack, as_json=as_json) from None
    except (ConfigError, CatalogError, OutputsError) as error:
        raise _exit(ExitCode.INVALID_INPUT, str(error), command=command, stack=stack, as_json=as_json) from None
    except Exception as error:
        import traceback

        frames = traceback.extract_tb(error.__traceback__)
        where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
        first = (str(error).strip().splitlines() or [""])[0]
        raise _exit(ExitCode.INTERNAL, f"internal error: {type(error).__name__}: {first}{where}. This is a bug in "
                    "ml-tenancy post-deploy, not in your input; please report it with the command you ran.",
                    command=command, stack=stack, as_json=as_json) from None
    raise _exit(code, None, command=command, stack=stack, as_json=as_json, extra=extra)


def _load(ctx: typer.Context, stack: str):
    """The validated stack config, retraining jobs and catalog included: a mistake stops the run
    before any request."""
    from postdeploy.catalog_check import check_stack_inputs
    from postdeploy.clients import quiet_sdk_logging
    from stacks.load import load_stack_file
    from stacks.topology import Topology

    quiet_sdk_logging()
    project_dir = (ctx.obj or {}).get("project_dir", PROJECT_DIR)
    cfg = load_stack_file(stack, project_dir)
    topology = Topology.of(cfg)  # once per run: every step below gets this one
    check_stack_inputs(cfg, project_dir, source=f"Pulumi.{stack}.yaml", topology=topology)
    return cfg, project_dir, topology


def _session(ctx: typer.Context, stack: str, outputs: Path | None, console):
    """The stack, its targets and a client factory (tests hand one in through ``ctx.obj``)."""
    from postdeploy.clients import ClientFactory
    from postdeploy.context import stack_context
    from postdeploy.outputs import OutputsError, check_outputs_match, read_outputs_file
    from postdeploy.retry import RetryPolicy
    from postdeploy.session import Session
    from postdeploy.targets import derive_targets, read_outputs

    options: dict[str, Any] = ctx.obj or {}
    cfg, project_dir, topology = _load(ctx, stack)
    if outputs is not None:
        raw_outputs, source = read_outputs_file(outputs, stack), str(outputs)
    else:
        try:
            raw_outputs, source = read_outputs(stack, None, project_dir)
        except (RuntimeError, ValueError) as error:
            raise OutputsError(f"{error}; pass --outputs FILE instead") from error
    check_outputs_match(raw_outputs, source, stack, cfg)
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
    _check_credentials(factory)
    return Session(context, factory, options.get("sources"))


def _check_credentials(factory) -> None:
    """One token request before any operation: without credentials every operation would fail with
    the same multi-line SDK message."""
    import logging

    credential = getattr(factory, "credential", None)
    if credential is None:
        return
    # azure-identity logs its whole multi-credential report as a warning; the error below says it in a line.
    identity_log = logging.getLogger("azure.identity")
    level = identity_log.level
    identity_log.setLevel(logging.CRITICAL)
    try:
        credential.get_token(ARM_SCOPE)
    except Exception as error:
        from azure.core.exceptions import ClientAuthenticationError

        if not isinstance(error, ClientAuthenticationError):
            raise
        first = next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)
        raise _Failure(
            f"no Azure credentials for post-deploy: {first} Sign in with `az login` (or set AZURE_CLIENT_ID, "
            "AZURE_TENANT_ID and a secret or OIDC token), or run `plan --offline` to plan without Azure.",
            ExitCode.NO_ACCESS,
        ) from None
    finally:
        identity_log.setLevel(level)


def _previews(ctx: typer.Context, cfg, project_dir: Path, topology):
    """Every retraining schedule with its next runs from now (tests fix ``now`` through ``ctx.obj``)."""
    from postdeploy.retraining.schedules import schedule_previews

    now = (ctx.obj or {}).get("now") or datetime.now(UTC)
    return schedule_previews(cfg, now, project_dir, topology=topology)


def _warn(console, cfg) -> list[str]:
    from rich.markup import escape

    from stacks.suspicious import config_warnings

    warnings = list(config_warnings(cfg))
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
    return warnings


def _plan_json(result) -> dict[str, Any]:
    return {
        "counts": {action.value: n for action, n in result.counts().items()},
        "operations": [{"target": str(op.target), "kind": op.kind, "subject": op.subject,
                        "action": op.action.value, "reason": op.reason} for op in result.operations],
    }


@app.command()
def plan(
    ctx: typer.Context,
    stack: Stack = "dev",
    outputs: Outputs = None,
    offline: Annotated[bool, typer.Option(help="assume an empty registry and workspaces; send nothing")] = False,
    markdown: Annotated[bool, typer.Option(help="print Markdown rows instead of a table")] = False,
    max_workers: Workers = 8,
    quiet: Quiet = False,
    as_json: AsJson = False,
) -> None:
    """Show what apply would do, per target, and why."""
    def body():
        from postdeploy.plan import inspect_plan, offline_plan
        from postdeploy.render import plan_markdown_rows, plan_table, schedules_markdown, schedules_table

        if offline and outputs is not None:
            raise _Failure(f"--offline plans as if the registry and workspaces were empty and reads nothing, so "
                           f"--outputs {outputs} would be ignored; drop --outputs, or drop --offline to plan "
                           "against Azure with those outputs", ExitCode.INVALID_INPUT)
        # In Markdown or JSON mode stdout is the report; progress and warnings go to stderr.
        console = _console(stderr=markdown or as_json, quiet=quiet)
        errors = _console(stderr=True)
        if offline:
            loaded = _load(ctx, stack)
            result = offline_plan(*loaded[:2], topology=loaded[2])
        else:
            session = _session(ctx, stack, outputs, console)
            loaded = (session.context.config, session.context.project_dir, session.context.topology)
            result = inspect_plan(session, max_workers=max_workers)
        warnings = _warn(errors if not quiet else _console(stderr=True, quiet=True), loaded[0])
        previews = _previews(ctx, *loaded)
        if as_json:
            pass
        elif markdown:
            for row in plan_markdown_rows(result):
                typer.echo(row)
            if previews:
                typer.echo("")
                typer.echo(schedules_markdown(previews), nl=False)
        else:
            console.print(plan_table(result))
            if previews:
                console.print(schedules_table(previews))
        for op in result.blocked:
            errors.print(f"blocked {op}: {_one_line(op.reason)}", soft_wrap=True, markup=False)
        counts = ", ".join(f"{n} {action.value}" for action, n in result.counts().items())
        if not as_json:
            _console(stderr=markdown).print(f"plan for stack {stack}: {counts}", soft_wrap=True)
        code = ExitCode.FAILED if result.blocked else ExitCode.OK
        return code, {**_plan_json(result), "warnings": warnings}

    _guard("plan", stack, as_json, body)


def _one_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else ""


@app.command()
def apply(
    ctx: typer.Context,
    stack: Stack = "dev",
    outputs: Outputs = None,
    max_workers: Workers = 8,
    quiet: Quiet = False,
    as_json: AsJson = False,
    prune: Annotated[bool, typer.Option(help="also delete what post-deploy created and config no longer declares")
                     ] = False,
) -> None:
    """Plan, then make it true: environments, components, shares, pushes, pulls, schedules."""
    def body():
        from postdeploy.apply import apply_plan
        from postdeploy.plan import inspect_plan
        from postdeploy.render import plan_table, schedules_table, summary_table

        console = _console(stderr=as_json, quiet=quiet)
        errors = _console(stderr=True)
        session = _session(ctx, stack, outputs, console)
        warnings = _warn(errors if not quiet else _console(stderr=True, quiet=True), session.context.config)
        planned = inspect_plan(session, max_workers=max_workers)
        console.print(plan_table(planned))
        context = session.context
        previews = _previews(ctx, context.config, context.project_dir, context.topology)
        if previews:
            console.print(schedules_table(previews))
        result = apply_plan(planned, session, max_workers=max_workers, console=console, prune=prune)
        console.print(summary_table(result))
        unchanged = sum(o.status == "unchanged" for o in result.outcomes)
        summary = (f"{len(result.done)} done, {unchanged} unchanged, {len(result.failures)} failed "
                   f"in {result.seconds:.1f}s")
        if not as_json:
            _console().print(summary, soft_wrap=True)
        for failure in result.failures:
            errors.print(f"failed {failure.operation}: {_one_line(failure.message)}", soft_wrap=True, markup=False)
        extra = {"counts": {"done": len(result.done), "unchanged": unchanged, "failed": len(result.failures)},
                 "failures": [{"operation": str(f.operation), "message": _one_line(f.message)}
                              for f in result.failures],
                 "warnings": warnings}
        return ExitCode(result.exit_code), extra

    _guard("apply", stack, as_json, body)


@app.command("share-back")
def share_back_command(
    ctx: typer.Context,
    workspace: Annotated[str, typer.Option(help='the workspace that retrains, "<tenant>/<workspace>"')],
    job: Annotated[str, typer.Option(help="the retraining job's name in config")],
    stack: Stack = "dev",
    version: Annotated[str | None, typer.Option(help="the workspace model version; default: the latest")] = None,
    run_id: Annotated[str | None, typer.Option(help="the run that produced it, when the version records none")] = None,
    outputs: Outputs = None,
    as_json: AsJson = False,
) -> None:
    """Share the model version a retraining job registered in its workspace to the registry, with lineage tags."""
    def body():
        from postdeploy.plan import describe_error
        from postdeploy.retraining.share_back import ShareBackError, share_back
        from postdeploy.retraining.targets import find_target

        console = _console(stderr=as_json)
        session = _session(ctx, stack, outputs, console)
        try:
            find_target(session.context.config, workspace, job, session.context.topology)
        except KeyError as error:
            raise _Failure(str(error.args[0]), ExitCode.INVALID_INPUT) from None
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
            raise _Failure(f"share-back failed: {error}", ExitCode.FAILED) from None
        except Exception as error:
            raise _Failure(f"share-back failed: {describe_error(error)}", ExitCode.FAILED) from None
        console.print(str(result), soft_wrap=True)
        lineage = ", ".join(f"{key}={value}" for key, value in result.plan.lineage.items())
        console.print(f"[dim]lineage: {lineage}[/]", soft_wrap=True)
        return ExitCode.OK, {"result": str(result), "lineage": dict(result.plan.lineage)}

    _guard("share-back", stack, as_json, body)
