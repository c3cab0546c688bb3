"""Config of per-workspace retraining jobs: pipeline, tenant data, parameters, schedule, share-back.

Only the shape is checked here. What needs the pipeline file, the Azure ML SDK or cron parsing
(parameter names, cron syntax, time zones, recurrence coherence, compute) is checked by
``postdeploy.retraining.schedules.validate_retraining`` before any request is made.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from stacks.fields import AssetName, ConfigModel, Version, WholeNumber, described

ScalarParameter = str | int | float | bool
WeekDay = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_JOB_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
JOB_NAME_ALLOWED = "1-40 lowercase letters, digits or '-', starting with a letter or digit"


def _job_name(value: str) -> str:
    if not _JOB_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid retraining job name; allowed: {JOB_NAME_ALLOWED}")
    return value


# Schedule and experiment names derive from job names ("retrain-<name>"), so keep them to
# characters every Azure ML name accepts.
JobName = Annotated[str, AfterValidator(_job_name), described(f"a retraining job name: {JOB_NAME_ALLOWED}")]
Hour = Annotated[WholeNumber, described("an hour, 0-23")]
Minute = Annotated[WholeNumber, described("a minute, 0-59")]
MonthDay = Annotated[WholeNumber, described("a day of the month, 1-31")]


class AssetVersion(ConfigModel):
    name: AssetName
    version: Version


class Recurrence(ConfigModel):
    """Azure ML's recurrence trigger: every ``interval`` ``frequency`` units, optionally at fixed
    hours and minutes on given week days or month days."""

    frequency: Literal["minute", "hour", "day", "week", "month"]
    interval: WholeNumber = Field(1, ge=1)
    hours: tuple[Hour, ...] = ()
    minutes: tuple[Minute, ...] = ()
    week_days: tuple[WeekDay, ...] = ()
    month_days: tuple[MonthDay, ...] = ()

    @property
    def has_pattern(self) -> bool:
        return bool(self.hours or self.minutes or self.week_days or self.month_days)


class Schedule(ConfigModel):
    """Either a cron expression or a recurrence, always with an explicit time zone.

    ``time_zone`` is one of the Windows time zone names Azure ML schedules take ("UTC",
    "W. Europe Standard Time", ...). ``start_time`` is local to that zone, "YYYY-MM-DDThh:mm:ss".
    """

    cron: str | None = None
    recurrence: Recurrence | None = None
    time_zone: str = "UTC"
    start_time: str | None = None

    @model_validator(mode="after")
    def _one_trigger(self) -> Schedule:
        if (self.cron is None) == (self.recurrence is None):
            raise ValueError("give exactly one of 'cron' or 'recurrence'")
        return self


class ShareBack(ConfigModel):
    """After a run, share the version it registered to the central registry under this name."""

    model: AssetName


class RetrainingJob(ConfigModel):
    """One scheduled pipeline run in a tenant workspace.

    ``data`` is a data asset of the tenant's own workspace and is bound to the pipeline input
    ``data_input``; ``base_model`` is a registry model the pipeline fine-tunes (only for pipelines
    that declare a ``base_model`` input); ``parameters`` override the pipeline's other inputs.
    The run registers its model in the workspace as ``model`` (default: the share-back name,
    else the job name).
    """

    name: JobName
    pipeline: Annotated[str, described("a project-relative pipeline YAML, such as catalog/pipelines/retrain.yml")]
    data: AssetVersion
    data_input: Annotated[str, described("the name of a data input of the pipeline")] = "training_data"
    base_model: AssetVersion | None = None
    model: AssetName | None = None
    parameters: dict[str, ScalarParameter] = Field(default_factory=dict)
    compute: str | None = None
    schedule: Schedule
    enabled: bool = True
    share_back: ShareBack | None = None

    @property
    def model_name(self) -> str:
        if self.model:
            return self.model
        return self.share_back.model if self.share_back else self.name

    @property
    def schedule_name(self) -> str:
        return f"retrain-{self.name}"
