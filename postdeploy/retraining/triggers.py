"""Schedule config -> the SDK's CronTrigger / RecurrenceTrigger, and a one-line description of each."""

from __future__ import annotations

from datetime import datetime

from azure.ai.ml.entities import CronTrigger, RecurrencePattern, RecurrenceTrigger

from stacks.retraining import Recurrence, Schedule

START_TIME_FORMAT = "YYYY-MM-DDThh:mm:ss"


def parse_start_time(text: str) -> datetime:
    """A start time local to the schedule's time zone; an offset would contradict ``timeZone``."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"'{text}' is not a date and time of the form {START_TIME_FORMAT}") from error
    if value.tzinfo is not None:
        raise ValueError(
            f"'{text}' carries a UTC offset; give the local time in the schedule's timeZone "
            f"({START_TIME_FORMAT}, no offset)"
        )
    return value


def build_trigger(schedule: Schedule) -> CronTrigger | RecurrenceTrigger:
    # The SDK sends strings through as written; normalise so the same config always sends the same body.
    start = parse_start_time(schedule.start_time).isoformat() if schedule.start_time else None
    if schedule.cron is not None:
        return CronTrigger(expression=" ".join(schedule.cron.split()), start_time=start, time_zone=schedule.time_zone)
    recurrence = schedule.recurrence
    assert recurrence is not None  # the config model guarantees one of the two
    return RecurrenceTrigger(
        frequency=recurrence.frequency,
        interval=recurrence.interval,
        schedule=_pattern(recurrence),
        start_time=start,
        time_zone=schedule.time_zone,
    )


def _pattern(recurrence: Recurrence) -> RecurrencePattern | None:
    if not recurrence.has_pattern:
        return None
    return RecurrencePattern(
        hours=sorted(recurrence.hours),
        minutes=sorted(recurrence.minutes),
        # The service's week day enum is capitalised ("Monday").
        week_days=[day.capitalize() for day in recurrence.week_days] or None,
        month_days=sorted(recurrence.month_days) or None,
    )


def describe_trigger(schedule: Schedule) -> str:
    """What a plan row shows, e.g. ``cron "0 2 * * 1"`` or ``every day at 01:30``."""
    if schedule.cron is not None:
        text = f'cron "{" ".join(schedule.cron.split())}"'
    else:
        text = describe_recurrence(schedule.recurrence)
    if schedule.start_time:
        text += f" from {schedule.start_time}"
    return text


def describe_recurrence(recurrence: Recurrence | None) -> str:
    if recurrence is None:
        return ""
    unit = recurrence.frequency
    text = f"every {unit}" if recurrence.interval == 1 else f"every {recurrence.interval} {unit}s"
    if recurrence.week_days:
        text += " on " + ", ".join(day.capitalize() for day in recurrence.week_days)
    if recurrence.month_days:
        text += " on day " + ", ".join(str(d) for d in sorted(recurrence.month_days))
    if recurrence.hours and recurrence.minutes:
        times = [f"{h:02d}:{m:02d}" for h in sorted(recurrence.hours) for m in sorted(recurrence.minutes)]
        text += " at " + ", ".join(times)
    return text
