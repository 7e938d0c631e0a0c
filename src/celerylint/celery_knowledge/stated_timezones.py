"""The timezone a comment states a time of day in ("daily at 2 AM EST"), against the app's.

A comment that names its timezone means that zone's clock, not the app's ``timezone``.
Abbreviations are read from the system's timezone database (``zoneinfo``), not from a
table: every abbreviation a zone uses in January or July, with the UTC offsets it stands
for (``IST`` stands for several). An IANA name (``Europe/Berlin``) is read directly.
Where a zone observes daylight saving, both offsets count, so a comment is only
contradicted when no reading of it matches the schedule.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta

__all__ = ["named_zone", "times_in_zone"]

_ABBREVIATION = re.compile(r"\b[A-Z]{2,5}\b")
_IANA_NAME = re.compile(r"\b[A-Z][A-Za-z_]+/[A-Za-z_]+(?:/[A-Za-z_]+)?\b")
_SAMPLE_MONTHS = (1, 7)  # northern winter and summer: standard and daylight saving time
_SAMPLE_YEAR = 2025  # fixed, so the answer does not depend on the day celerylint runs


def _offsets_of(name: str) -> frozenset[timedelta] | None:
    from zoneinfo import ZoneInfo

    try:
        zone = ZoneInfo(name)
    except (ValueError, OSError, LookupError):
        return None
    offsets = {datetime(_SAMPLE_YEAR, month, 15, 12, tzinfo=zone).utcoffset()
               for month in _SAMPLE_MONTHS}
    return frozenset(offset for offset in offsets if offset is not None)


@functools.lru_cache(maxsize=1)
def _abbreviations() -> dict[str, frozenset[timedelta]]:
    """Every alphabetic abbreviation in the timezone database, with its offsets."""
    from zoneinfo import ZoneInfo, available_timezones

    found: dict[str, set[timedelta]] = {}
    for name in sorted(available_timezones()):
        try:
            zone = ZoneInfo(name)
        except (ValueError, OSError, LookupError):
            continue
        for month in _SAMPLE_MONTHS:
            moment = datetime(_SAMPLE_YEAR, month, 15, 12, tzinfo=zone)
            abbreviation, offset = moment.tzname(), moment.utcoffset()
            if abbreviation and abbreviation.isalpha() and offset is not None:
                found.setdefault(abbreviation, set()).add(offset)
    return {abbreviation: frozenset(offsets) for abbreviation, offsets in found.items()}


def named_zone(text: str) -> tuple[str, frozenset[timedelta]] | None:
    """The zone a text names and its UTC offsets, or None when it names none."""
    for match in _IANA_NAME.finditer(text):
        offsets = _offsets_of(match.group(0))
        if offsets:
            return match.group(0), offsets
    known = _abbreviations()
    for match in _ABBREVIATION.finditer(text):
        if match.group(0) in known:
            return match.group(0), known[match.group(0)]
    return None


def times_in_zone(time_of_day: tuple[int, int], stated_offsets: frozenset[timedelta],
                  timezone: str) -> frozenset[tuple[int, int]] | None:
    """What ``time_of_day`` in the stated zone reads on the app's clock, each way daylight
    saving may fall; None when the app's timezone is not a known zone ("local time")."""
    app_offsets = _offsets_of(timezone)
    if not app_offsets:
        return None
    minutes = time_of_day[0] * 60 + time_of_day[1]
    shifted = set()
    for stated in stated_offsets:
        for app in app_offsets:
            total = (minutes + int((app - stated).total_seconds()) // 60) % (24 * 60)
            shifted.add((total // 60, total % 60))
    return frozenset(shifted)
