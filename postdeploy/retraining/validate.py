"""Offline checks of every retraining job, run before any request is made.

Each problem carries the config path a person would edit, e.g.
``tenants[3].workspaces[0].retraining[0].parameters.n_estimatorz``, and says what is allowed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from croniter import croniter

from postdeploy.retraining.components import ComponentSpec, catalog_components
from postdeploy.retraining.pipeline import (
    BASE_MODEL_INPUT,
    PipelineLoadError,
    PipelineSpec,
    pipeline_spec,
)
from postdeploy.retraining.targets import RetrainingTarget, retraining_targets
from postdeploy.retraining.timezones import is_azure_time_zone, time_zone_hint
from postdeploy.retraining.triggers import parse_start_time
from stacks.errors import Problem
from stacks.model import PlatformConfig
from stacks.retraining import Recurrence, Schedule
from stacks.topology import Topology

# Azure ML evaluates cron with NCrontab: five fields of numbers, month and day names, '*', ',',
# '-' and '/'. croniter accepts more (L, #, W, seconds), which the service would reject.
_CRON_TOKEN = re.compile(
    r"^(\*|[0-9]+|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)$", re.IGNORECASE
)
_CRON_HELP = (
    "Azure ML takes five fields: minute hour day-of-month month day-of-week "
    "(numbers, names, '*', ',', '-' and '/'), for example '0 2 * * 1' for Mondays at 02:00"
)
_SCHEDULE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$")


def validate_retraining(cfg: PlatformConfig, project_dir: Path, topology: Topology | None = None) -> list[Problem]:
    components = catalog_components(project_dir, cfg.catalog.components)
    problems: list[Problem] = []
    for target in retraining_targets(cfg, topology):
        problems.extend(_job(cfg, project_dir, components, target))
    return problems


def _job(
    cfg: PlatformConfig,
    project_dir: Path,
    components: Mapping[tuple[str, str], ComponentSpec],
    target: RetrainingTarget,
) -> Iterator[Problem]:
    job = target.job
    yield from schedule_problems(job.schedule, target.at("schedule"))
    if not _SCHEDULE_NAME.match(target.schedule_name):
        yield Problem(target.at("name"), f"schedule name '{target.schedule_name}' is not a valid Azure ML name")
    if job.compute and job.compute != target.workspace_compute:
        yield Problem(
            target.at("compute"),
            f"compute '{job.compute}' does not exist in '{target.workspace_ref}'; "
            f"its cluster is '{target.workspace_compute}'",
        )

    spec = None
    path = project_dir / job.pipeline
    if not path.is_file():
        yield Problem(target.at("pipeline"), _missing_pipeline(project_dir, job.pipeline))
    else:
        try:
            spec = pipeline_spec(path, cfg.registry.name, job.pipeline)
        except PipelineLoadError as error:
            yield Problem(target.at("pipeline"), f"'{job.pipeline}' {error}")
    if spec is None:
        return
    yield from _steps(cfg, components, spec, target)
    yield from _bindings(spec, target)
    yield from _parameters(components, spec, target)


def _missing_pipeline(project_dir: Path, rel: str) -> str:
    found = sorted(str(p.relative_to(project_dir)) for p in (project_dir / "catalog" / "pipelines").glob("*.yml"))
    return f"file '{rel}' does not exist in the project; pipelines: {', '.join(found) or 'none'}"


# --- schedule ----------------------------------------------------------------------------------
def schedule_problems(schedule: Schedule, at: str) -> Iterator[Problem]:
    if not is_azure_time_zone(schedule.time_zone):
        yield Problem(f"{at}.timeZone", time_zone_hint(schedule.time_zone))
    if schedule.start_time is not None:
        try:
            parse_start_time(schedule.start_time)
        except ValueError as error:
            yield Problem(f"{at}.startTime", str(error))
    if schedule.cron is not None:
        message = cron_problem(schedule.cron)
        if message:
            yield Problem(f"{at}.cron", message)
    if schedule.recurrence is not None:
        for key, message in recurrence_problems(schedule.recurrence):
            yield Problem(f"{at}.recurrence" + (f".{key}" if key else ""), message)


def cron_problem(expression: str) -> str | None:
    fields = expression.split()
    if len(fields) != 5:
        return f"'{expression}' has {len(fields)} field(s); {_CRON_HELP}"
    bad = [f for f in fields if not all(_CRON_TOKEN.match(t) for t in re.split(r"[,/-]", f))]
    if bad:
        return f"'{expression}' uses {', '.join(repr(b) for b in bad)}, which Azure ML cannot parse; {_CRON_HELP}"
    if not croniter.is_valid(expression):
        return f"'{expression}' is not a valid cron expression (a value is out of range or malformed); {_CRON_HELP}"
    return None


def recurrence_problems(rec: Recurrence) -> Iterator[tuple[str, str]]:
    if rec.has_pattern and rec.frequency in ("minute", "hour"):
        yield (
            "frequency",
            f"hours, minutes, weekDays and monthDays apply only to frequency day, week or month; "
            f"for a run every {rec.interval} {rec.frequency}(s) give frequency and interval alone",
        )
        return
    if rec.has_pattern and not (rec.hours and rec.minutes):
        missing = "hours" if not rec.hours else "minutes"
        yield (missing, f"a recurrence pattern needs both hours and minutes (Azure requires both); {missing} is empty")
    for key, values, low, high in (
        ("hours", rec.hours, 0, 23),
        ("minutes", rec.minutes, 0, 59),
        ("monthDays", rec.month_days, 1, 31),
    ):
        out = [v for v in values if not low <= v <= high]
        if out:
            yield (key, f"{', '.join(map(str, out))} out of range; allowed {low}-{high}")
        if len(set(values)) != len(values):
            yield (key, "lists a value twice")
    if len(set(rec.week_days)) != len(rec.week_days):
        yield ("weekDays", "lists a day twice")
    if rec.week_days and rec.frequency not in ("week", "month"):
        yield ("weekDays", f"weekDays need frequency week or month, not {rec.frequency}")
    if rec.month_days and rec.frequency != "month":
        yield ("monthDays", f"monthDays need frequency month, not {rec.frequency}")
    if rec.month_days and rec.week_days:
        yield ("monthDays", "give either monthDays or weekDays, not both")


# --- pipeline steps against the seeded components ---------------------------------------------
def _steps(
    cfg: PlatformConfig,
    components: Mapping[tuple[str, str], ComponentSpec],
    spec: PipelineSpec,
    target: RetrainingTarget,
) -> Iterator[Problem]:
    at = target.at("pipeline")
    seeded = ", ".join(sorted(c.ref for c in components.values())) or "none"
    for step in spec.steps:
        for step_input, source in step.bindings.items():
            if source is not None and source not in spec.inputs:
                yield Problem(
                    at,
                    f"step '{step.name}' of '{spec.path}' binds '{step_input}' to parent input '{source}', "
                    f"which the pipeline does not declare; its inputs: {', '.join(spec.inputs)}",
                )
        ref = step.registry_component
        if ref is None:
            yield Problem(
                at,
                f"step '{step.name}' of '{spec.path}' uses component '{step.component}'; retraining pipelines "
                "use registry components: azureml://registries/${registry}/components/<name>/versions/<version>",
            )
            continue
        registry, name, version = ref
        if registry != cfg.registry.name:
            yield Problem(
                at,
                f"step '{step.name}' of '{spec.path}' uses registry '{registry}', not this stack's registry "
                f"'{cfg.registry.name}'; write azureml://registries/${{registry}}/components/... in the template",
            )
            continue
        component = components.get((name, version))
        if component is None:
            yield Problem(
                at,
                f"step '{step.name}' of '{spec.path}' uses component {name}:{version}, which catalog.components "
                f"does not seed into the registry; seeded: {seeded}",
            )
            continue
        for step_input in step.bindings:
            if step_input not in component.inputs:
                yield Problem(
                    at,
                    f"step '{step.name}' of '{spec.path}' binds '{step_input}', which component {component.ref} "
                    f"does not declare; its inputs: {', '.join(component.inputs)}",
                )
        for port in component.inputs.values():
            if port.required and port.name not in step.bindings:
                yield Problem(
                    at,
                    f"step '{step.name}' of '{spec.path}' leaves required input '{port.name}' of component "
                    f"{component.ref} unbound",
                )


# --- what the platform binds: data, base model, compute, share-back ----------------------------
def _bindings(spec: PipelineSpec, target: RetrainingTarget) -> Iterator[Problem]:
    job = target.job
    data = spec.inputs.get(job.data_input)
    if data is None or not data.is_data:
        inputs = ", ".join(spec.data_inputs()) or "none"
        yield Problem(
            target.at("dataInput"),
            f"'{job.data_input}' is not a data input of '{spec.path}'; its data inputs: {inputs}",
        )
    base = spec.inputs.get(BASE_MODEL_INPUT)
    wants_base = base is not None and base.is_model
    if wants_base and job.base_model is None:
        yield Problem(
            target.at("baseModel"),
            f"'{spec.path}' fine-tunes a registry model: set baseModel to its name and version",
        )
    if job.base_model is not None and not wants_base:
        yield Problem(
            target.at("baseModel"),
            f"'{spec.path}' declares no '{BASE_MODEL_INPUT}' model input, so it cannot start from a base model; "
            "use a fine-tuning pipeline such as catalog/pipelines/finetune.yml or drop baseModel",
        )
    if job.share_back is not None and "model_name" not in spec.inputs:
        yield Problem(
            target.at("shareBack"),
            f"'{spec.path}' registers no model (it declares no 'model_name' input), so there is nothing to share back",
        )


# --- parameters ----------------------------------------------------------------------------------
def _parameters(
    components: Mapping[tuple[str, str], ComponentSpec], spec: PipelineSpec, target: RetrainingTarget
) -> Iterator[Problem]:
    allowed = spec.parameters(target.job.data_input)
    for name, value in target.job.parameters.items():
        at = target.at("parameters", name)
        declared = spec.inputs.get(name)
        if declared is None or name not in allowed:
            if declared is not None:
                reason = f"'{name}' is bound by the platform from the job's config, not a parameter"
            else:
                reason = f"unknown parameter '{name}'"
                hint = difflib.get_close_matches(name, allowed, n=1)
                if hint:
                    reason += f" (did you mean '{hint[0]}'?)"
                reason += f": '{spec.path}' declares no such input"
            yield Problem(at, f"{reason}; allowed parameters: {', '.join(allowed) or 'none'}")
            continue
        message = _type_problem(declared.type, value)
        if message:
            where = f"'{name}' is a {declared.type} input of '{spec.path}', default {declared.default!r}"
            yield Problem(at, f"{message} ({where})")
            continue
        for step, step_input in spec.bound_to(name):
            ref = step.registry_component
            component = components.get((ref[1], ref[2])) if ref else None
            port = component.inputs.get(step_input) if component else None
            if port is None:
                continue
            message = _range_problem(port.min, port.max, port.enum, value)
            if message:
                yield Problem(at, f"{message} (input '{step_input}' of component {component.ref}, step '{step.name}')")


def _type_problem(kind: str, value: Any) -> str | None:
    ok = {
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "string": isinstance(value, str),
    }.get(kind, True)
    return None if ok else f"{value!r} is not {'an' if kind == 'integer' else 'a'} {kind}"


def _range_problem(low: float | None, high: float | None, enum: tuple[str, ...], value: Any) -> str | None:
    if enum and str(value) not in enum:
        return f"{value!r} is not allowed; allowed: {', '.join(enum)}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        lowest = f"{low:g}" if low is not None else "-inf"
        highest = f"{high:g}" if high is not None else "inf"
        return f"{value!r} is out of range; allowed {lowest} to {highest}"
    return None
