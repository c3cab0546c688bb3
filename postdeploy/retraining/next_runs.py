"""When a schedule fires next, computed offline for plans and previews.

Cron expressions go through croniter, evaluated in the schedule's own time zone so daylight-saving
changes land where Azure ML puts them. Recurrences follow Azure ML's rules:

- without a pattern, runs are ``interval`` units apart starting at ``startTime`` (or when the
  schedule is created, which a preview takes to be ``now``); minutes and hours are elapsed time,
  days, weeks and months are calendar steps in the time zone;
- with a pattern (hours and minutes, plus week days or month days), runs happen at those times on
  every ``interval``-th day, week (weeks start on Monday) or month counted from the start.

Where a wall-clock time does not exist (clocks go forward) the two differ slightly: croniter runs at
the end of the gap, a recurrence as many minutes after it as the time was into the gap. Azure
documents neither case; a preview is exact on every other day.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

from croniter import croniter

from postdeploy.retraining.timezones import zone_info
from postdeploy.retraining.triggers import parse_start_time
from stacks.retraining import Recurrence, Schedule

WEEK_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# How far ahead a pattern is searched; a valid pattern always matches well within it.
_HORIZON_DAYS = 366 * 30


def next_runs(schedule: Schedule, now: datetime, count: int = 3) -> tuple[datetime, ...]:
    """The next ``count`` run times after ``now`` (an aware datetime), in the schedule's time zone.

    Expects a schedule that ``validate_retraining`` accepted.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = zone_info(schedule.time_zone)
    now_local = now.astimezone(zone)
    start = parse_start_time(schedule.start_time).replace(tzinfo=zone) if schedule.start_time else None
    if schedule.cron is not None:
        return _cron_runs(schedule.cron, now_local, start, count)
    assert schedule.recurrence is not None
    anchor = start or now_local
    if not schedule.recurrence.has_pattern:
        return _interval_runs(schedule.recurrence, anchor, now_local, count)
    return _pattern_runs(schedule.recurrence, anchor, now_local, count)


def _cron_runs(expression: str, now: datetime, start: datetime | None, count: int) -> tuple[datetime, ...]:
    # croniter returns times strictly after its base; a start time that matches the expression runs.
    base = max(now, start - timedelta(seconds=1)) if start else now
    it = croniter(expression, base)
    runs: list[datetime] = []
    while len(runs) < count:
        run = it.get_next(datetime)
        # croniter matches a wall-clock time twice when clocks go back; a schedule fires once.
        if not runs or run.replace(tzinfo=None) != runs[-1].replace(tzinfo=None):
            runs.append(run)
    return tuple(runs)


def _interval_runs(rec: Recurrence, anchor: datetime, now: datetime, count: int) -> tuple[datetime, ...]:
    if rec.frequency in ("minute", "hour"):
        step = timedelta(minutes=rec.interval) if rec.frequency == "minute" else timedelta(hours=rec.interval)
        # Elapsed time: step in UTC so a daylight-saving change does not stretch an interval.
        anchor_utc, now_utc = anchor.astimezone(UTC), now.astimezone(UTC)
        # Whole steps from the anchor to the first run at or after now (ceiling division).
        skipped = -(-(now_utc - anchor_utc) // step) if now_utc > anchor_utc else 0
        first = anchor_utc + skipped * step
        return tuple((first + i * step).astimezone(anchor.tzinfo) for i in range(count))
    runs: list[datetime] = []
    k = 0
    if rec.frequency in ("day", "week"):
        days = rec.interval * (7 if rec.frequency == "week" else 1)
        if now > anchor:
            k = max(0, (now.date() - anchor.date()).days // days - 1)
        while len(runs) < count:
            run = _wall(anchor.date() + timedelta(days=k * days), anchor)
            if run >= now and run >= anchor:
                runs.append(run)
            k += 1
        return tuple(runs)
    # month: keep the anchor's day, clamped to the month's length (Jan 31 -> Feb 28/29).
    if now > anchor:
        months = (now.year - anchor.year) * 12 + now.month - anchor.month
        k = max(0, months // rec.interval - 1)
    while len(runs) < count:
        year, month = divmod(anchor.month - 1 + k * rec.interval, 12)
        year += anchor.year
        day = min(anchor.day, calendar.monthrange(year, month + 1)[1])
        run = _wall(date(year, month + 1, day), anchor)
        if run >= now and run >= anchor:
            runs.append(run)
        k += 1
    return tuple(runs)


def _wall(day: date, like: datetime) -> datetime:
    """``day`` at the wall-clock time of ``like``, in its zone."""
    return datetime(day.year, day.month, day.day, like.hour, like.minute, like.second, tzinfo=like.tzinfo)


def _pattern_runs(rec: Recurrence, anchor: datetime, now: datetime, count: int) -> tuple[datetime, ...]:
    times = sorted((h, m) for h in rec.hours for m in rec.minutes)
    week_days = {WEEK_DAYS.index(d) for d in rec.week_days}
    month_days = set(rec.month_days)
    first = anchor.date()
    runs: list[datetime] = []
    day = max(first, now.date())
    for _ in range(_HORIZON_DAYS):
        if _eligible(rec, first, day, week_days, month_days):
            for hour, minute in times:
                run = datetime(day.year, day.month, day.day, hour, minute, tzinfo=anchor.tzinfo)
                if run > now and run >= anchor:
                    runs.append(run)
                    if len(runs) == count:
                        return tuple(runs)
        day += timedelta(days=1)
    return tuple(runs)


def _eligible(rec: Recurrence, first: date, day: date, week_days: set[int], month_days: set[int]) -> bool:
    if rec.frequency == "day":
        return (day - first).days % rec.interval == 0
    if rec.frequency == "week":
        weeks = ((day - timedelta(days=day.weekday())) - (first - timedelta(days=first.weekday()))).days // 7
        wanted = week_days or {first.weekday()}
        return weeks % rec.interval == 0 and day.weekday() in wanted
    months = (day.year - first.year) * 12 + day.month - first.month
    if months % rec.interval:
        return False
    if month_days:
        return day.day in month_days
    if week_days:
        return day.weekday() in week_days
    return day.day == first.day
