"""Next run times for plans, in each schedule's own time zone (daylight saving included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postdeploy.retraining.next_runs import next_runs
from postdeploy.retraining.schedules import schedule_previews
from postdeploy.retraining.timezones import AZURE_TIME_ZONES
from stacks.retraining import Schedule


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local(runs):
    return [r.strftime("%Y-%m-%d %H:%M %Z") for r in runs]


def utc(runs):
    return [r.astimezone(UTC).strftime("%Y-%m-%d %H:%M") for r in runs]


def schedule(**fields) -> Schedule:
    return Schedule.model_validate(fields)


def test_dev_previews_differ_per_tenant(dev_cfg):
    rows = {r.workspace_ref: r for r in schedule_previews(dev_cfg, now=at("2025-03-28T12:00:00"))}
    tenant1, tenant4 = rows["tenant1/ws1"], rows["tenant4/ws1"]
    assert (tenant1.schedule_name, tenant1.trigger, tenant1.time_zone) == (
        "retrain-weekly-credit", 'cron "0 2 * * 1"', "W. Europe Standard Time"
    )
    # Summer time starts in Amsterdam on 30 March 2025: the Monday runs are 02:00 CEST = 00:00 UTC.
    assert tenant1.next_runs_text() == "2025-03-31 02:00 CEST, 2025-04-07 02:00 CEST, 2025-04-14 02:00 CEST"
    assert utc(tenant1.next_runs)[0] == "2025-03-31 00:00"
    assert tenant4.trigger == "every day at 01:30 from 2025-01-01T00:00:00"
    assert tenant4.next_runs_text() == "2025-03-29 01:30 EDT, 2025-03-30 01:30 EDT, 2025-03-31 01:30 EDT"
    assert (tenant1.share_back, tenant4.share_back) == (
        "mlreg-dev/credit-card-default", "mlreg-dev/bert-base-uncased-fine-tuned"
    )
    assert tenant4.parameters == (("learning_rate", "0.02"), ("max_depth", "4"), ("n_estimators", "40"))
    assert (tenant4.compute, tenant4.data, tenant4.enabled) == ("cpu-cluster", "support-tickets-tenant4:3", True)
    assert dict(zip(tenant1.HEADERS, tenant1.row(), strict=True)) == {
        "workspace": "tenant1/ws1", "schedule": "retrain-weekly-credit", "trigger": 'cron "0 2 * * 1"',
        "time zone": "W. Europe Standard Time", "next runs": tenant1.next_runs_text(), "enabled": "yes",
        "share-back": "mlreg-dev/credit-card-default",
    }


def test_cron_keeps_wall_clock_time_across_the_autumn_change():
    runs = next_runs(schedule(cron="30 12 * * *", timeZone="W. Europe Standard Time"), at("2025-10-25T00:00:00"))
    assert local(runs) == ["2025-10-25 12:30 CEST", "2025-10-26 12:30 CET", "2025-10-27 12:30 CET"]
    assert utc(runs) == ["2025-10-25 10:30", "2025-10-26 11:30", "2025-10-27 11:30"]


def test_cron_fires_once_when_clocks_go_back():
    runs = next_runs(schedule(cron="30 2 * * *", timeZone="W. Europe Standard Time"), at("2025-10-25T12:00:00"))
    assert local(runs) == ["2025-10-26 02:30 CEST", "2025-10-27 02:30 CET", "2025-10-28 02:30 CET"]


def test_cron_waits_for_a_future_start_time():
    later = schedule(cron="0 6 * * *", timeZone="UTC", startTime="2030-01-01T06:00:00")
    runs = next_runs(later, at("2025-01-01T00:00"))
    assert utc(runs) == ["2030-01-01 06:00", "2030-01-02 06:00", "2030-01-03 06:00"]


def test_daily_recurrence_and_cron_agree():
    now = at("2025-03-27T00:00:00")
    zone = "Eastern Standard Time"
    recurrence = schedule(recurrence={"frequency": "day", "hours": [2], "minutes": [0]}, timeZone=zone)
    cron = schedule(cron="0 2 * * *", timeZone=zone)
    assert next_runs(recurrence, now, 5) == next_runs(cron, now, 5)


def test_every_other_week_on_two_days():
    rec = {"frequency": "week", "interval": 2, "weekDays": ["monday", "wednesday"], "hours": [9], "minutes": [0]}
    runs = next_runs(schedule(recurrence=rec, timeZone="UTC", startTime="2025-01-06T00:00:00"), at("2025-01-07T00:00"))
    # Week of 6 Jan runs, week of 13 Jan is skipped, week of 20 Jan runs.
    assert utc(runs) == ["2025-01-08 09:00", "2025-01-20 09:00", "2025-01-22 09:00"]


def test_monthly_on_month_days():
    rec = {"frequency": "month", "monthDays": [1, 15], "hours": [6], "minutes": [0]}
    runs = next_runs(schedule(recurrence=rec, timeZone="UTC", startTime="2025-01-01T00:00:00"), at("2025-02-10T00:00"))
    assert utc(runs) == ["2025-02-15 06:00", "2025-03-01 06:00", "2025-03-15 06:00"]


def test_hourly_interval_counts_elapsed_time_from_the_start():
    rec = {"frequency": "hour", "interval": 6}
    runs = next_runs(schedule(recurrence=rec, timeZone="UTC", startTime="2025-01-01T00:00:00"), at("2025-01-01T07:00"))
    assert utc(runs) == ["2025-01-01 12:00", "2025-01-01 18:00", "2025-01-02 00:00"]


def test_monthly_interval_clamps_to_the_end_of_short_months():
    rec = {"frequency": "month"}
    runs = next_runs(schedule(recurrence=rec, timeZone="UTC", startTime="2025-01-31T08:00:00"), at("2025-02-01T00:00"))
    assert utc(runs) == ["2025-02-28 08:00", "2025-03-31 08:00", "2025-04-30 08:00"]


def test_without_start_time_an_interval_starts_when_the_schedule_is_created():
    now = at("2025-05-05T10:15:00")
    runs = next_runs(schedule(recurrence={"frequency": "day", "interval": 2}, timeZone="UTC"), now)
    assert utc(runs) == ["2025-05-05 10:15", "2025-05-07 10:15", "2025-05-09 10:15"]


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_runs(schedule(cron="0 2 * * *"), datetime(2025, 1, 1))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    zone=st.sampled_from(AZURE_TIME_ZONES),
    # Clock changes happen between midnight and 04:00 local time; see next_runs for those hours.
    hour=st.integers(4, 23),
    minute=st.integers(0, 59),
    day=st.integers(0, 364),
)
def test_a_daily_pattern_fires_when_the_equivalent_cron_does(zone, hour, minute, day):
    now = at("2025-01-01T00:00:00") + timedelta(days=day, hours=7)
    recurrence = schedule(recurrence={"frequency": "day", "hours": [hour], "minutes": [minute]}, timeZone=zone)
    cron = schedule(cron=f"{minute} {hour} * * *", timeZone=zone)
    assert next_runs(recurrence, now) == next_runs(cron, now)
