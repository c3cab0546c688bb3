"""Per-tenant retraining schedules: validate them offline, build the Azure ML job schedules, preview them.

Each retraining block of a workspace becomes one ``JobSchedule`` named ``retrain-<job name>`` in
that workspace. Its job is the block's pipeline template with the registry's component ids, the
tenant's data asset, the block's parameters and the workspace's compute cluster. Nothing here
sends a request: the reconciler (``postdeploy.retraining.schedule_kind``) creates the schedules with
``ml_client.schedules.begin_create_or_update(desired.entity())``. Rendering lives with the other
renderers, in ``postdeploy.render``.

    problems = validate_retraining(cfg)            # [] or Problems with config paths
    check_retraining(cfg)                          # the same, raised as one ConfigError
    for desired in desired_schedules(cfg):         # raises ConfigError if validation failed
        clients[desired.workspace_ref].schedules.begin_create_or_update(desired.entity()).result()
    rows = schedule_previews(cfg, now=datetime.now(UTC))   # for the plan table

Every schedule carries the tag ``config-fingerprint``: a hash of what config asks for. The service
answers with ARM ids where config has names, so comparing bodies is fragile; comparing the tag of
the schedule Azure has with ``DesiredSchedule.fingerprint`` tells whether an update is needed.

``postdeploy.render.schedules_table(previews)`` and ``schedules_markdown(previews)`` render the
previews for the terminal and for Markdown reports (the post-deploy plan, a preview's review.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from azure.ai.ml.entities import JobSchedule

from postdeploy.catalog import MANAGED_BY, MANAGED_TAG
from postdeploy.retraining.build import build_job_schedule
from postdeploy.retraining.next_runs import next_runs
from postdeploy.retraining.pipeline import pipeline_spec
from postdeploy.retraining.targets import RetrainingTarget, retraining_targets
from postdeploy.retraining.triggers import describe_trigger
from postdeploy.retraining.validate import validate_retraining as _validate
from stacks.errors import ConfigError, Problem
from stacks.load import PROJECT_DIR
from stacks.model import PlatformConfig
from stacks.topology import Topology

CONFIG_FINGERPRINT_TAG = "config-fingerprint"
RUN_FORMAT = "%Y-%m-%d %H:%M %Z"

__all__ = [
    "CONFIG_FINGERPRINT_TAG",
    "DesiredSchedule",
    "SchedulePreview",
    "check_retraining",
    "desired_schedules",
    "schedule_previews",
    "validate_retraining",
]


@dataclass(frozen=True, eq=False)
class DesiredSchedule:
    """A schedule to create in one tenant workspace, with the Azure coordinates of that workspace."""

    target: RetrainingTarget
    schedule: JobSchedule
    # What must exist in the registry before the schedule can run: ("components" | "models", name, version).
    registry_assets: tuple[tuple[str, str, str], ...] = ()
    # Builds ``schedule`` again; see ``entity``.
    build: Callable[[], JobSchedule] | None = field(default=None, repr=False)

    def entity(self) -> JobSchedule:
        """A fresh JobSchedule for one create call. The SDK rewrites the entity it is given (names
        become ARM ids), so ``schedule`` is kept as config built it, for comparisons and reports."""
        return self.build() if self.build is not None else self.schedule

    @property
    def workspace_ref(self) -> str:
        return self.target.workspace_ref

    @property
    def subscription_id(self) -> str:
        return self.target.subscription_id

    @property
    def resource_group(self) -> str:
        return self.target.resource_group

    @property
    def workspace_name(self) -> str:
        return self.target.workspace_name

    @property
    def name(self) -> str:
        return self.schedule.name

    @property
    def fingerprint(self) -> str:
        return self.schedule.tags[CONFIG_FINGERPRINT_TAG]


@dataclass(frozen=True)
class SchedulePreview:
    """One row of a plan table: what will run where, when, and where its model goes."""

    workspace_ref: str
    workspace_name: str
    schedule_name: str
    pipeline: str
    trigger: str
    time_zone: str
    next_runs: tuple[datetime, ...]
    enabled: bool
    compute: str
    data: str
    parameters: tuple[tuple[str, str], ...]
    share_back: str | None

    HEADERS = ("workspace", "schedule", "trigger", "time zone", "next runs", "enabled", "share-back")

    def next_runs_text(self) -> str:
        return ", ".join(run.strftime(RUN_FORMAT) for run in self.next_runs)

    def row(self) -> tuple[str, ...]:
        """The cells of a plan table, in the order of ``HEADERS``."""
        return (
            self.workspace_ref, self.schedule_name, self.trigger, self.time_zone, self.next_runs_text(),
            "yes" if self.enabled else "no", self.share_back or "-",
        )


def validate_retraining(
    cfg: PlatformConfig, project_dir: Path = PROJECT_DIR, topology: Topology | None = None
) -> list[Problem]:
    """Every problem of every retraining job, offline: pipeline, parameters, schedule, compute."""
    return sorted(_validate(cfg, project_dir, topology))


def check_retraining(cfg: PlatformConfig, project_dir: Path = PROJECT_DIR, topology: Topology | None = None) -> None:
    """Raise ConfigError listing every retraining problem with its config path; nothing when valid."""
    problems = validate_retraining(cfg, project_dir, topology)
    if problems:
        raise ConfigError(problems, "retraining config")


def _checked(cfg: PlatformConfig, project_dir: Path, topology: Topology | None) -> tuple[RetrainingTarget, ...]:
    topology = topology or Topology.of(cfg)
    check_retraining(cfg, project_dir, topology)
    return retraining_targets(cfg, topology)


def desired_schedules(
    cfg: PlatformConfig, project_dir: Path = PROJECT_DIR, topology: Topology | None = None
) -> tuple[DesiredSchedule, ...]:
    """One JobSchedule per retraining job; raises ConfigError with every problem if any job is invalid."""
    return tuple(
        DesiredSchedule(
            target=target,
            schedule=_job_schedule(cfg, project_dir, target),
            registry_assets=_registry_assets(cfg, project_dir, target),
            build=lambda target=target: _job_schedule(cfg, project_dir, target),
        )
        for target in _checked(cfg, project_dir, topology)
    )


def _job_schedule(cfg: PlatformConfig, project_dir: Path, target: RetrainingTarget) -> JobSchedule:
    return _fingerprinted(build_job_schedule(cfg, project_dir, target))


def _fingerprinted(schedule: JobSchedule) -> JobSchedule:
    # The body as config builds it, before the SDK resolves names to ARM ids: stable across runs.
    body = json.dumps(schedule._to_rest_object().as_dict(), sort_keys=True, default=str)
    print_ = hashlib.sha256(body.encode()).hexdigest()[:16]
    # The ownership tag is added after hashing, so schedules created before it existed still match.
    schedule.tags = {**schedule.tags, CONFIG_FINGERPRINT_TAG: print_, MANAGED_TAG: MANAGED_BY}
    return schedule


def _registry_assets(
    cfg: PlatformConfig, project_dir: Path, target: RetrainingTarget
) -> tuple[tuple[str, str, str], ...]:
    spec = pipeline_spec(project_dir / target.job.pipeline, cfg.registry.name, target.job.pipeline)
    needed = {("components", ref[1], ref[2]) for step in spec.steps if (ref := step.registry_component)}
    if target.job.base_model is not None:
        needed.add(("models", target.job.base_model.name, target.job.base_model.version))
    return tuple(sorted(needed))


def schedule_previews(
    cfg: PlatformConfig, now: datetime, project_dir: Path = PROJECT_DIR, runs: int = 3,
    topology: Topology | None = None,
) -> tuple[SchedulePreview, ...]:
    """Plan rows with the next ``runs`` run times after ``now`` (aware) in each schedule's time zone."""
    rows = []
    for target in _checked(cfg, project_dir, topology):
        job = target.job
        rows.append(
            SchedulePreview(
                workspace_ref=target.workspace_ref,
                workspace_name=target.workspace_name,
                schedule_name=target.schedule_name,
                pipeline=job.pipeline,
                trigger=describe_trigger(job.schedule),
                time_zone=job.schedule.time_zone,
                next_runs=next_runs(job.schedule, now, runs),
                enabled=job.enabled,
                compute=target.compute,
                data=f"{job.data.name}:{job.data.version}",
                parameters=tuple(sorted((k, str(v)) for k, v in job.parameters.items())),
                share_back=f"{cfg.registry.name}/{job.share_back.model}" if job.share_back else None,
            )
        )
    return tuple(rows)
