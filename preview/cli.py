"""`ml-tenancy preview --stack dev`: what a stack would create, with no cloud and no credentials.

Exit codes: 0 clean, 1 mandatory policy violations, 2 invalid config.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from policy.offline import review as policy_review
from postdeploy.clients import quiet_sdk_logging
from preview.engine import run_program
from preview.findings import policy_markdown, print_policy
from preview.postdeploy_section import offline_postdeploy
from preview.review import ReviewContext, render_review
from preview.rows import grant_rows
from preview.snapshot import dumps, snapshot
from preview.template import dumps as template_dumps
from preview.template import template
from preview.terminal import print_summary
from stacks.access import plan_role_grants
from stacks.errors import ConfigError
from stacks.load import PROJECT_DIR, check_retraining_jobs, parse_config, raw_from_stack_file
from stacks.topology import Topology

EXIT_CLEAN, EXIT_POLICY, EXIT_CONFIG = 0, 1, 2

app = typer.Typer(add_completion=False, no_args_is_help=True, help="ml-tenancy platform tools")


@app.callback()
def main() -> None:
    """ml-tenancy: multi-tenant Azure ML platform as code."""


@app.command()
def preview(
    stack: Annotated[str, typer.Option(help="Stack to preview (reads Pulumi.<stack>.yaml)")] = "dev",
    against: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="A previous preview.json: adds the change set to review.md"),
    ] = None,
    out: Annotated[Path, typer.Option(help="Output folder; files go to <out>/<stack>/")] = Path("out"),
    project_dir: Annotated[Path, typer.Option(help="Project root holding Pulumi.<stack>.yaml")] = PROJECT_DIR,
    quiet: Annotated[bool, typer.Option(help="Only write the files and print the verdict")] = False,
) -> None:
    """Run the stack's program offline and write preview.json and review.md."""
    # Logs of CI runs are wider than the 80 columns rich assumes without a terminal.
    console = Console(width=None if sys.stdout.isatty() else 160)
    result = run_preview(stack, project_dir=project_dir, out=out, against=against, console=console, quiet=quiet)
    raise typer.Exit(result)


def run_preview(
    stack: str,
    *,
    project_dir: Path,
    out: Path,
    against: Path | None = None,
    console: Console | None = None,
    quiet: bool = False,
) -> int:
    console = console or Console()
    quiet_sdk_logging()
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        console.print(f"[bold red]error:[/] no stack file {escape(str(path))} (expected Pulumi.<stack>.yaml)")
        return EXIT_CONFIG
    try:
        raw = raw_from_stack_file(path)
        # Validate here first so an invalid config exits before the engine starts.
        config = parse_config(raw, environment=stack, project_dir=project_dir, source=path.name)
        check_retraining_jobs(config, project_dir)
    except ConfigError as error:
        console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
        return EXIT_CONFIG
    baseline = json.loads(against.read_text()) if against else None

    graph = run_program(raw, stack)
    topology = Topology.of(config)
    grants = plan_role_grants(topology)
    rows = grant_rows(grants, topology)
    document = snapshot(graph, grants)
    policies = policy_review(graph.resources, stack=stack)
    postdeploy = offline_postdeploy(config, project_dir)

    target = out / stack
    target.mkdir(parents=True, exist_ok=True)
    (target / "preview.json").write_text(dumps(document))
    # The same desired state as an ARM template, for Checkov or PSRule for Azure.
    (target / "template.json").write_text(template_dumps(template(graph.resources, stack)))
    review = render_review(
        ReviewContext(
            stack=stack,
            config=config,
            topology=topology,
            grants=grants,
            document=document,
            baseline=baseline,
            policy_markdown=policy_markdown(policies),
            postdeploy_markdown=postdeploy.markdown,
        )
    )
    (target / "review.md").write_text(review)
    if not quiet:
        print_summary(console, topology, graph, rows)
        postdeploy.print(console)
    print_policy(console, policies)
    console.print(
        f"wrote {target / 'preview.json'} ({document['resourceCount']} resources) and {target / 'review.md'}"
        + (f", compared against {against}" if against else "")
    )
    return EXIT_POLICY if policies.blocked else EXIT_CLEAN


if __name__ == "__main__":
    app()
