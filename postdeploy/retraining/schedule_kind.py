"""Schedule: each retraining job's ``JobSchedule`` in its tenant workspace, once the registry has what it runs.

A schedule's pipeline uses registry components and may fine-tune a registry model, so it
``requires`` those registry assets: apply creates it only after the seeds and shares that provide
them, and the plan blocks it when nothing in the stack provides one that the registry lacks. Azure
would accept the schedule anyway and fail every run it starts, long after the plan was read.

Schedules are mutable, unlike registry versions: the schedule in the workspace is compared with
config by its ``config-fingerprint`` tag, equal is a skip and different an update (the plan names
what changed). A schedule of the same name without the tag was not made from config; config owns
the name ``retrain-<job>``, so it is updated too, and the plan says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import ResourceNotFoundError

from postdeploy.catalog import MANAGED_TAG, registry_key
from postdeploy.context import StackContext
from postdeploy.kind import Kind
from postdeploy.operations import Action, Operation, Target
from postdeploy.retraining.changes import schedule_changes
from postdeploy.retraining.schedules import CONFIG_FINGERPRINT_TAG, DesiredSchedule, desired_schedules
from postdeploy.retraining.triggers import describe_trigger
from postdeploy.retry import http_status
from postdeploy.session import Session

# After every kind that puts something into the registry (environments 10 ... pulls 50).
PHASE = 60


@dataclass(frozen=True)
class ScheduleSpec:
    desired: DesiredSchedule
    registry: str

    @property
    def target(self) -> Target:
        return Target("workspace", self.desired.workspace_ref)

    @property
    def subject(self) -> str:
        return self.desired.name

    @property
    def provides(self) -> tuple[str, ...]:
        return ()

    @property
    def requires(self) -> tuple[str, ...]:
        return tuple(registry_key(kind, name, version) for kind, name, version in self.desired.registry_assets)

    @property
    def when(self) -> str:
        """The trigger as a plan shows it, e.g. ``cron "0 2 * * 1" in W. Europe Standard Time``."""
        job = self.desired.target.job
        text = f"{describe_trigger(job.schedule)} in {job.schedule.time_zone}"
        return text if job.enabled else f"{text}, disabled"

    def missing(self, keys: Iterable[str]) -> str:
        wanted = set(keys)
        assets = [
            f"{kind.removesuffix('s')} {name}:{version}"
            for kind, name, version in self.desired.registry_assets
            if registry_key(kind, name, version) in wanted
        ]
        return (
            f"its pipeline needs {', '.join(assets)}, which registry {self.registry} does not have and nothing "
            "in this stack seeds or shares"
        )


def _specs(context: StackContext) -> Iterable[ScheduleSpec]:
    registry = context.targets.registry.name
    desired = desired_schedules(context.config, context.project_dir, context.topology)
    return (ScheduleSpec(item, registry) for item in desired)


def _offline(spec: ScheduleSpec, provided: frozenset[str] | set[str]) -> tuple[Action, str]:
    missing = [key for key in spec.requires if key not in provided]
    if missing:
        return Action.BLOCKED, spec.missing(missing)
    return Action.CREATE, f"create: {spec.when}"


def _read(session: Session, spec: ScheduleSpec) -> Any | None:
    client = session.workspace_client(spec.desired.workspace_ref)
    try:
        return session.call(lambda: client.schedules.get(spec.desired.name))
    except ResourceNotFoundError:
        return None
    except Exception as error:
        if http_status(error) == 404:
            return None
        raise


def _update_reason(existing: Any, spec: ScheduleSpec) -> str:
    if CONFIG_FINGERPRINT_TAG not in (existing.tags or {}):
        return f"exists without a {CONFIG_FINGERPRINT_TAG} tag (not made from config); update it to match config"
    try:
        changes = schedule_changes(existing, spec.desired.schedule, ignore_tags=(CONFIG_FINGERPRINT_TAG,))
    except Exception:  # the reason only explains an update the fingerprint already decided
        changes = []
    # Empty when the difference is one the comparison cannot see, e.g. a field the service rewrites.
    return "config changed: " + ("; ".join(changes) or f"{CONFIG_FINGERPRINT_TAG} differs")


def _edits(existing: Any, spec: ScheduleSpec) -> list[str]:
    try:
        return schedule_changes(existing, spec.desired.schedule, ignore_tags=(CONFIG_FINGERPRINT_TAG, MANAGED_TAG))
    except Exception:  # a body the comparison cannot read is left to the fingerprint
        return []


def _inspect(spec: ScheduleSpec, session: Session) -> Operation[ScheduleSpec, None]:
    existing = _read(session, spec)
    if existing is not None and (existing.tags or {}).get(CONFIG_FINGERPRINT_TAG) == spec.desired.fingerprint:
        # The tag says what was applied; the content says whether it is still so (an edit in the
        # studio, such as disabling the schedule, keeps the tag).
        edits = _edits(existing, spec)
        if not edits:
            return SCHEDULE.operation(spec, Action.SKIP, "in the workspace as configured")
        return SCHEDULE.operation(spec, Action.UPDATE, "edited in the workspace: " + "; ".join(edits))
    missing = [
        registry_key(kind, name, version)
        for kind, name, version in spec.desired.registry_assets
        if not session.in_registry_or_planned(kind, name, version, registry_key(kind, name, version))
    ]
    if missing:
        return SCHEDULE.operation(spec, Action.BLOCKED, spec.missing(missing))
    if existing is None:
        return SCHEDULE.operation(spec, Action.CREATE, f"not in the workspace; create: {spec.when}")
    return SCHEDULE.operation(spec, Action.UPDATE, _update_reason(existing, spec))


def _execute(op: Operation[ScheduleSpec, None], session: Session) -> str:
    spec = op.spec
    client = session.workspace_client(spec.desired.workspace_ref)
    # A fresh entity per attempt: the SDK rewrites the one it sends.
    session.call(lambda: client.schedules.begin_create_or_update(spec.desired.entity()).result())
    done = "created" if op.action is Action.CREATE else "updated"
    return f"{done} {spec.desired.name}: {spec.when}"


SCHEDULE: Kind[ScheduleSpec, None] = Kind("schedule", PHASE, _specs, _offline, _inspect, _execute)
