"""Config of per-workspace retraining jobs (pipeline, data, parameters, schedule, share-back)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from stacks.fields import AssetName, ConfigModel, Version

ScalarParameter = str | int | float | bool


class AssetRef(ConfigModel):
    name: AssetName
    version: Version


class Recurrence(ConfigModel):
    frequency: Literal["minute", "hour", "day", "week", "month"]
    interval: int = Field(1, ge=1, le=1000)
    hours: tuple[int, ...] = ()
    minutes: tuple[int, ...] = ()
    week_days: tuple[
        Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], ...
    ] = ()
    month_days: tuple[int, ...] = ()


class Schedule(ConfigModel):
    """Either a cron expression or a recurrence, always with an explicit time zone."""

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
    """Share the model a run registers back to the registry under this name."""

    model: AssetName
    base_model: AssetRef | None = None


class RetrainingJob(ConfigModel):
    name: AssetName
    pipeline: str
    data: AssetRef
    data_input: str = "training_data"
    parameters: dict[str, ScalarParameter] = Field(default_factory=dict)
    compute: str | None = None
    schedule: Schedule
    enabled: bool = True
    share_back: ShareBack | None = None
