"""What an entry name or comment says about its frequency, and whether the schedule agrees.

Beat entry keys and comments often state a frequency ("every-30-minutes",
"nightly", "daily at 2 AM"). Reading them is guesswork, so everything here is
conservative: a hedged or ambiguous phrase reads as None, and a schedule only
"disagrees" when the contradiction is plain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from celerylint.celery_knowledge.intervals import describe_interval
from celerylint.celery_knowledge.schedules import (
    DAY,
    DAY_FIELDS,
    WEEK,
    CronField,
    CrontabResult,
    describe_crontab,
    period_seconds,
    runs_per_day,
)


@dataclass(frozen=True)
class StatedFrequency:
    """What an entry name or comment claims: a period and maybe a time of day (24h)."""

    phrase: str
    period_seconds: int
    time_of_day: tuple[int, int] | None = None


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}
_NUMBER_WORDS |= {"twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30}
_UNITS = {
    name: size
    for size, names in (
        (1, "s sec secs second seconds"),
        (60, "m min mins minute minutes"),
        (3600, "h hr hrs hour hours"),
        (DAY, "d day days night"),
        (WEEK, "w week weeks"),
    )
    for name in names.split()
}
_ADVERBS = {"minutely": 60, "half hourly": 1800, "hourly": 3600}
_ADVERBS |= {"daily": DAY, "nightly": DAY, "weekly": WEEK}
#: Words that make a phrase too subtle to check ("twice daily", "weekdays", "monthly").
_HEDGES = re.compile(
    r"\b(twice|thrice|times|bi|semi|other|fortnightly|except|unless|until|between|weekdays?|"
    r"workdays?|business|monthly|yearly|annually|quarterly|or)\b"
)
_EVERY = re.compile(
    r"\b(?:every|each|once an?|once per)\s+(?:(\d+|"
    + "|".join(_NUMBER_WORDS)
    + r")\s*)?("
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r")\b"
)
_ADVERB = re.compile(r"\b(" + "|".join(sorted(_ADVERBS, key=len, reverse=True)) + r")\b")
_CLOCK_12 = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b")
_CLOCK_24 = re.compile(r"\b(\d{1,2}):(\d{2})\b")


def _normalise(text: str) -> str:
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).lower()
    text = re.sub(r"(?<=\d)(?=[a-z])", " ", re.sub(r"[_\-]+", " ", text))
    return re.sub(r"\s+", " ", text).strip()


def _periods(text: str) -> tuple[set[int], str]:
    """Periods claimed in ``text``, and the text with those claims blanked out."""
    found: set[int] = set()
    for pattern in (_EVERY, _ADVERB):
        for match in pattern.finditer(text):
            if pattern is _ADVERB:
                found.add(_ADVERBS[match.group(1)])
                continue
            count = match.group(1) or "1"
            found.add(int(_NUMBER_WORDS.get(count, count) or 0) * _UNITS[match.group(2)])
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return found, text


def _clock_times(text: str) -> set[tuple[int, int]]:
    times = {(0, 0) for _ in re.finditer(r"\bmidnight\b", text)}
    times |= {(12, 0) for _ in re.finditer(r"\b(noon|midday)\b", text)}
    for hour, minute, half in _CLOCK_12.findall(text):
        if 1 <= int(hour) <= 12 and int(minute or 0) < 60:
            times.add((int(hour) % 12 + (12 if half == "pm" else 0), int(minute or 0)))
    for hour, minute in _CLOCK_24.findall(_CLOCK_12.sub(" ", text)):
        if int(hour) < 24 and int(minute) < 60:
            times.add((int(hour), int(minute)))
    return times


def stated_frequency(text: str) -> StatedFrequency | None:
    """Read 'every-30-minutes', 'every_5_min', 'hourly', 'daily at 2 AM', 'nightly'...

    Conservative: None for hedged phrases ('twice daily', 'weekdays'), for
    several different claims, and for a time of day beside a sub-daily period.
    """
    normal = _normalise(text)
    if not normal or _HEDGES.search(normal):
        return None
    periods, rest = _periods(normal)
    if len(periods) != 1 or 0 in periods:
        return None
    period = periods.pop()
    times = _clock_times(rest)
    if len(times) > 1 or (times and period < DAY):
        return None
    return StatedFrequency(normal, period, times.pop() if times else None)


def frequency_disagrees(
    stated: StatedFrequency,
    schedule: CrontabResult | float | timedelta,
) -> str | None:
    """A sentence when the schedule plainly contradicts what the name or comment says."""
    claim = f"says {stated.phrase!r} ({describe_interval(stated.period_seconds)})"
    if not isinstance(schedule, CrontabResult):
        total = schedule.total_seconds() if isinstance(schedule, timedelta) else float(schedule)
        if total > 0 and abs(total - stated.period_seconds) > 0.01 * stated.period_seconds:
            return f"{claim} but the schedule runs {describe_interval(total)}"
        if stated.time_of_day is not None:
            return (
                f"{claim} at {_clock(stated.time_of_day)} but an interval schedule runs relative "
                "to the last run, not at a time of day; use crontab() instead"
            )
        return None
    if not schedule.ok:
        return None
    verdict = _crontab_contradiction(stated, schedule)
    return None if verdict is None else f"{claim} but the schedule runs {verdict}"


def _clock(time_of_day: tuple[int, int]) -> str:
    return f"{time_of_day[0]:02}:{time_of_day[1]:02}"


def _crontab_contradiction(stated: StatedFrequency, result: CrontabResult) -> str | None:
    described = describe_crontab(result)
    per_day = runs_per_day(result)
    dow_count = len(result.values(CronField.DAY_OF_WEEK))
    if all(result.is_full(f) for f in DAY_FIELDS):
        if stated.period_seconds > DAY or DAY % stated.period_seconds:
            return described if stated.period_seconds > DAY else None
        period = period_seconds(result)
        if per_day != DAY // stated.period_seconds or (period and period != stated.period_seconds):
            return described
    elif not (result.is_full(CronField.DAY_OF_MONTH) and result.is_full(CronField.MONTH_OF_YEAR)):
        return None
    elif (stated.period_seconds == WEEK and (dow_count > 1 or per_day > 1)) or (
        stated.period_seconds == DAY and dow_count == 1
    ):
        return described
    elif stated.period_seconds not in (DAY, WEEK):
        return None
    if stated.time_of_day is not None and per_day == 1:
        actual = (min(result.values(CronField.HOUR)), min(result.values(CronField.MINUTE)))
        if actual != stated.time_of_day:
            return f"at {_clock(actual)}, not {_clock(stated.time_of_day)}"
    return None
