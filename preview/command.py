"""The offline preview as one function: validate, run the program, review, write; no printing policy.

The CLI (``preview.cli``) decides what reaches the terminal; this module decides the exit code and
what is written. Anything a user can cause ends in ``InputError`` (or ``ConfigError``) before a file
is written; files are written last, together, and removed again if one of them cannot be.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stacks.exit_codes import PREVIEW_REASONS, ExitCode


class InputError(Exception):
    """A file or option the user gave that cannot be used; the message names it and what is allowed."""


@dataclass
class PreviewResult:
    stack: str
    exit_code: ExitCode
    files: tuple[Path, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    violations: list[dict[str, str]] = field(default_factory=list)
    changes: dict[str, Any] | None = None
    refusals: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # For the terminal only (not in --json): rich renderables and policy results.
    terminal: Any = None

    @property
    def exit_reason(self) -> str:
        return PREVIEW_REASONS[self.exit_code]

    def as_json(self) -> dict[str, Any]:
        return {
            "command": "preview",
            "stack": self.stack,
            "exitCode": int(self.exit_code),
            "exitReason": self.exit_reason,
            "counts": self.counts,
            "violations": self.violations,
            "changes": self.changes,
            "refusals": self.refusals,
            "warnings": self.warnings,
            "files": [str(f) for f in self.files],
        }


@dataclass(frozen=True)
class Terminal:
    topology: Any
    graph: Any
    rows: Any
    policies: Any
    postdeploy: Any


def read_baseline(path: Path) -> dict[str, Any]:
    what = f"--against {path}"
    allowed = "pass the preview.json an earlier `ml-tenancy preview` wrote (for example baseline/dev/preview.json)"
    if not path.exists():
        raise InputError(f"{what}: the file does not exist; {allowed}")
    if not path.is_file():
        raise InputError(f"{what}: is not a file; {allowed}")
    try:
        document = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{what}: cannot be read ({error}); {allowed}") from error
    except json.JSONDecodeError as error:
        raise InputError(f"{what}: is not JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
                         f"{allowed}") from error
    if not isinstance(document, dict) or not isinstance(document.get("resources"), list) or not isinstance(
        document.get("roleAssignments"), list
    ):
        raise InputError(f"{what}: is JSON but not a preview document (it needs 'resources' and "
                         f"'roleAssignments' lists); {allowed}")
    for i, entry in enumerate(document["resources"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str) or not isinstance(
            entry.get("name"), str
        ):
            raise InputError(f"{what}: resources[{i}] has no type and name; {allowed}")
    for i, entry in enumerate(document["roleAssignments"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise InputError(f"{what}: roleAssignments[{i}] has no name; {allowed}")
    return document


def check_out_dir(out: Path) -> None:
    """Refuse an --out that cannot be written before any work (and without creating anything)."""
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    allowed = "pass a folder you can write to (files go to <out>/<stack>/)"
    if probe.exists() and not probe.is_dir():
        raise InputError(f"--out {out}: {probe} is a file, not a folder; {allowed}")
    import os

    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(f"--out {out}: {probe} is not writable; {allowed}")


def write_files(files: dict[Path, str]) -> tuple[Path, ...]:
    written: list[Path] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            written.append(path)
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        raise InputError(f"--out: cannot write {path} ({error.strerror or error}); pass a folder you can write "
                         "to (files go to <out>/<stack>/)") from error
    return tuple(files)


def run_preview(stack: str, *, project_dir: Path, out: Path, against: Path | None = None) -> PreviewResult:
    """Raises InputError or stacks.errors.ConfigError for anything the user can fix."""
    from postdeploy.clients import quiet_sdk_logging
    from preview.engine import run_program
    from stacks.errors import ConfigError
    from stacks.load import raw_from_stack_file

    quiet_sdk_logging()
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise InputError(f"--stack {stack}: no stack file {path}; the stack name picks Pulumi.<stack>.yaml in "
                         f"--project-dir ({project_dir})" + _known_stacks(project_dir))
    check_out_dir(out)
    baseline = read_baseline(against) if against is not None else None

    raw = raw_from_stack_file(path)
    try:
        # The program reads and validates the config as `pulumi up` does (catalog, retraining jobs and
        # offboarding included) before it registers anything, and hands back what it built.
        graph = run_program(raw, stack, project_dir=project_dir, source=path.name)
    except ConfigError:
        raise
    except Exception as error:  # the program must not fail on valid config: a bug, said in one line
        raise RuntimeError(f"the program failed on a valid config: {type(error).__name__}: {error}") from error
    return _review(stack, graph, baseline, project_dir, out)


def _known_stacks(project_dir: Path) -> str:
    stacks = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))
    return f"; stacks here: {', '.join(stacks)}" if stacks else ""


def _review(stack: str, graph: Any, baseline: dict[str, Any] | None, project_dir: Path, out: Path) -> PreviewResult:
    from policy.offline import format_violation
    from policy.offline import review as policy_review
    from postdeploy.catalog import CatalogError, load_catalog
    from postdeploy.targets import RegistrySite
    from preview.attention import attention, refusal_line
    from preview.attention import markdown as attention_markdown
    from preview.diff import change_set
    from preview.findings import policy_markdown, policy_summary_markdown
    from preview.postdeploy_section import offline_postdeploy
    from preview.review import FULL_NAME, ReviewContext, render_both
    from preview.rows import grant_rows
    from preview.snapshot import catalog_entries, dumps, sharing_entries, snapshot
    from preview.template import dumps as template_dumps
    from preview.template import template
    from stacks.errors import ConfigError, Problem
    from stacks.offboarding import STEP_ONE, STEP_TWO, offboarding_tenants
    from stacks.suspicious import config_warnings

    assert graph.platform is not None and graph.config is not None  # the project's own program ran
    config, topology, grants = graph.config, graph.platform.topology, graph.platform.grants
    registry = RegistrySite(config.registry.name, config.registry.subscription_id, config.registry.resource_group)
    try:
        catalog = load_catalog(config, registry, project_dir)
        postdeploy = offline_postdeploy(config, project_dir)
    except CatalogError as error:  # check_catalog passed, so only a file changed meanwhile gets here
        raise ConfigError([Problem("catalog", str(error))], f"Pulumi.{stack}.yaml") from error
    document = snapshot(graph, grants, catalog=catalog_entries(catalog), sharing=sharing_entries(config))
    policies = policy_review(graph.resources, stack=stack)
    changes = change_set(baseline, document) if baseline is not None else None

    warnings = list(config_warnings(config))
    if changes is not None:
        warnings += [
            f"catalog {c.kind} {c.name}:{c.version} ({c.path}) changed under the same version; registry versions "
            "are immutable, so post-deploy will block it: bump the version"
            for c in changes.reused_version
        ]
    leaving = offboarding_tenants(config)
    offboarding = tuple(
        f"tenant {key} ({mode}), this step: {STEP_ONE[mode]}; next step: {STEP_TWO[mode]}"
        for key, mode in leaving.items()
    )
    mandatory = sum(v.level == "mandatory" for v in policies.violations)
    needs = attention(changes, mandatory=mandatory, warnings=tuple(warnings), offboarding=offboarding)
    if needs.refused:
        code = ExitCode.PROTECTED
    elif policies.blocked:
        code = ExitCode.FAILED
    else:
        code = ExitCode.OK

    ctx = ReviewContext(
        stack=stack,
        config=config,
        topology=topology,
        grants=grants,
        document=document,
        baseline=baseline,
        policy_markdown=policy_markdown(policies),
        postdeploy_markdown=postdeploy.markdown,
        attention_markdown=attention_markdown(needs, int(code), PREVIEW_REASONS[code]),
        policy_summary=policy_summary_markdown(policies),
        postdeploy_summary=postdeploy.markdown.split("\n", 1)[0] + f" Every operation is in `{FULL_NAME}`.",
    )
    target = out / stack
    comment, full = render_both(ctx)
    files = write_files({
        target / "preview.json": dumps(document),
        # The same desired state as an ARM template, for Checkov or PSRule for Azure.
        target / "template.json": template_dumps(template(graph.resources, stack)),
        target / "review.md": comment,
        target / FULL_NAME: full,
    })
    counts: dict[str, int] = {
        "resources": document["resourceCount"],
        "roleAssignments": len(grants),
        "tenants": len(config.tenants),
        "workspaces": len(topology.sites),
        "mandatory": mandatory,
        "advisory": len(policies.violations) - mandatory,
        "waitingForApply": len(policies.notes),
    }
    return PreviewResult(
        stack=stack,
        exit_code=code,
        files=files,
        counts=counts,
        violations=[{"level": v.level, "rule": v.rule, "resourceType": v.resource_type,
                     "resource": v.resource_name, "message": v.message, "text": format_violation(v)}
                    for v in policies.violations],
        changes=_changes_json(changes) if changes is not None else None,
        refusals=[refusal_line(r) for r in needs.refusals],
        warnings=warnings,
        terminal=Terminal(topology, graph, grant_rows(grants, topology), policies, postdeploy),
    )


def _changes_json(changes) -> dict[str, Any]:
    actions = Counter(c.action for c in changes.resources_changed)
    return {
        "resources": {
            "added": [f"{r.type}::{r.name}" for r in changes.resources_added],
            "deleted": [f"{r.type}::{r.name}" for r in changes.deleted],
            "released": [f"{r.type}::{r.name}" for r in changes.released],
            "replaced": [
                {"resource": f"{c.resource.type}::{c.resource.name}", "because": list(c.replaced_by),
                 "deleteBeforeReplace": c.resource.delete_before_replace, "protected": c.was_protected}
                for c in changes.replaces
            ] + [
                {"resource": f"{r.old.type}::{r.old.name}", "renamedTo": r.new.name, "because": ["logical name"],
                 "deleteBeforeReplace": r.new.delete_before_replace, "protected": r.old.protect}
                for r in changes.resources_renamed
            ],
            "updated": [
                {"resource": f"{c.resource.type}::{c.resource.name}",
                 "properties": {f.field: {"before": f.before, "after": f.after} for f in (*c.values, *c.fields)}}
                for c in changes.updates
            ],
            "counts": {"added": len(changes.resources_added), "deleted": len(changes.deleted),
                       "released": len(changes.released),
                       "replaced": actions["replace"] + len(changes.resources_renamed),
                       "updated": actions["update"]},
        },
        "roleAssignments": {
            "added": [a.name for a in changes.assignments_added],
            "removed": [a.name for a in changes.assignments_removed],
            "changed": [c.assignment.name for c in changes.assignments_changed],
        },
        "catalog": [{"kind": c.kind, "name": c.name, "version": c.version, "change": c.change}
                    for c in changes.catalog],
        "sharing": {"added": list(changes.sharing_added), "removed": list(changes.sharing_removed)},
    }
