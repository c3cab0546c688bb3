"""Azure ML schedule time zones: which names are allowed, and the IANA zone behind each.

Azure ML schedules take Windows time zone names ("W. Europe Standard Time"); the SDK lists the
accepted ones in ``azure.ai.ml.constants.TimeZone``. Next-run previews need real UTC offsets and
daylight-saving rules, so each name is mapped to its IANA zone with the CLDR table that tzlocal
ships.
"""

from __future__ import annotations

import difflib
from functools import cache
from zoneinfo import ZoneInfo

from azure.ai.ml.constants import TimeZone
from tzlocal.windows_tz import tz_win, win_tz

AZURE_TIME_ZONES: tuple[str, ...] = tuple(zone.value for zone in TimeZone)

# Names the SDK still accepts but CLDR dropped (Windows retired them); both have fixed offsets.
_RETIRED = {
    "Mid-Atlantic Standard Time": "Etc/GMT+2",
    "Kamchatka Standard Time": "Asia/Kamchatka",
}


def is_azure_time_zone(name: str) -> bool:
    return name in AZURE_TIME_ZONES


@cache
def zone_info(name: str) -> ZoneInfo:
    """The IANA zone of an Azure ML schedule time zone name."""
    if not is_azure_time_zone(name):
        raise KeyError(name)
    return ZoneInfo(_RETIRED.get(name) or win_tz[name])


def time_zone_hint(name: str) -> str:
    """What to write instead of a time zone Azure ML does not accept."""
    windows = tz_win.get(name)
    if windows and is_azure_time_zone(windows):
        return f"'{name}' is an IANA name; Azure ML schedules take Windows names: use '{windows}'"
    folded = {zone.casefold(): zone for zone in AZURE_TIME_ZONES}
    if name.casefold() in folded:
        return f"time zone names are case-sensitive: use '{folded[name.casefold()]}'"
    close = difflib.get_close_matches(name, AZURE_TIME_ZONES, n=3, cutoff=0.6)
    message = f"'{name}' is not a time zone Azure ML schedules accept"
    if close:
        message += f" (did you mean {', '.join(repr(c) for c in close)}?)"
    return (
        message
        + f"; allowed: the {len(AZURE_TIME_ZONES)} Windows time zone names of azure.ai.ml.constants.TimeZone, "
        "for example UTC, W. Europe Standard Time, GMT Standard Time, Eastern Standard Time, "
        "Pacific Standard Time"
    )
