"""Beat schedules judged by Celery's own parser, then put into words.

``evaluate_crontab`` builds a real ``celery.schedules.crontab`` from literal
values, so what is valid, and what each field expands to, is whatever the
installed Celery says. The rest (readings, descriptions, stated frequencies)
works on those expanded sets and never touches Celery's clock.

Celery semantics worth knowing: ``crontab(minute, hour, day_of_week,
day_of_month, month_of_year)`` is NOT cron order, ``crontab.from_string`` IS
cron order (m h dom moy dow, single spaces), Sunday is 0, and when both
``day_of_week`` and ``day_of_month`` are restricted a day must match BOTH.
"""

from __future__ import annotations

import enum
import functools
import inspect
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DAY = 86400
WEEK = 7 * DAY
_WEEKDAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August")
_MONTH_NAMES += ("September", "October", "November", "December")
_COMPACT_TIMES = 4


class CronField(enum.Enum):
    """crontab() fields, in crontab()'s positional order (checked against Celery in tests)."""

    MINUTE = "minute"
    HOUR = "hour"
    DAY_OF_WEEK = "day_of_week"
    DAY_OF_MONTH = "day_of_month"
    MONTH_OF_YEAR = "month_of_year"


DAY_FIELDS = (CronField.DAY_OF_WEEK, CronField.DAY_OF_MONTH, CronField.MONTH_OF_YEAR)


@dataclass(frozen=True)
class CrontabResult:
    """A crontab as Celery sees it: expanded sets, or Celery's error.

    ``specs`` holds each field's source text (``'*/15'``, ``7``, ``[0, 30]``);
    ``given`` the fields the code wrote explicitly (defaults are ``'*'``).
    """

    specs: tuple[tuple[CronField, str], ...]
    given: frozenset[CronField]
    expanded: tuple[tuple[CronField, frozenset[int]], ...] = ()
    error: str | None = None
    error_field: CronField | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def error_message(self) -> str | None:
        """Celery's error, prefixed with the field it is about when that is known."""
        if self.error is None or self.error_field is None:
            return self.error
        return f"{self.error_field.value}={self.spec(self.error_field)} is invalid: {self.error}"

    def spec(self, field: CronField) -> str:
        return dict(self.specs).get(field, "'*'")

    def values(self, field: CronField) -> frozenset[int]:
        return dict(self.expanded).get(field, frozenset())

    def is_full(self, field: CronField) -> bool:
        """True when the field matches every value, whether written '*', '*/1' or '0-59'."""
        return self.ok and self.values(field) == _full_values()[field]


@functools.lru_cache(maxsize=1)
def _full_values() -> Mapping[CronField, frozenset[int]]:
    from celery.schedules import crontab

    everything = crontab()
    return {field: frozenset(getattr(everything, field.value)) for field in CronField}


def clear_caches() -> None:
    """Forget what was learnt from Celery's crontab (tests that patch Celery need this)."""
    _full_values.cache_clear()
    _from_string_order.cache_clear()


def _spec_text(value: Any) -> str:
    return repr(sorted(value)) if isinstance(value, (set, frozenset)) else repr(value)


def _construct(values: Mapping[CronField, Any]) -> Any:
    from celery.schedules import crontab

    return crontab(**{field.value: value for field, value in values.items()})


def _evaluate(values: Mapping[CronField, Any], given: Iterable[CronField]) -> CrontabResult:
    specs = tuple((field, _spec_text(value)) for field, value in values.items())
    try:
        built = _construct(values)
    except Exception as exc:  # noqa: BLE001 - Celery's parser raises ValueError, TypeError, ParseException...
        return CrontabResult(
            specs, frozenset(given), error=str(exc), error_field=_blame(values, exc)
        )
    expanded = tuple((field, frozenset(getattr(built, field.value))) for field in CronField)
    return CrontabResult(specs, frozenset(given), expanded)


def _blame(values: Mapping[CronField, Any], exc: Exception) -> CronField | None:
    """The field that alone raises Celery's error; None for cross-field errors (31 February)."""
    for field, value in values.items():
        try:
            _construct({field: value})
        except Exception as solo:  # noqa: BLE001 - same parser as above
            if str(solo) == str(exc):
                return field
    return None


def evaluate_crontab(
    minute: Any = "*",
    hour: Any = "*",
    day_of_week: Any = "*",
    day_of_month: Any = "*",
    month_of_year: Any = "*",
) -> CrontabResult:
    """Judge literal crontab values with Celery's parser. A ``'*'`` counts as not given."""
    values = dict(zip(CronField, (minute, hour, day_of_week, day_of_month, month_of_year)))
    return _evaluate(values, [field for field, value in values.items() if value != "*"])


def crontab_from_call(args: Sequence[Any], kwargs: Mapping[str, Any]) -> CrontabResult:
    """Judge ``crontab(*args, **kwargs)`` with literal arguments, binding them like Python would.

    The positional order is read from Celery's signature. ``nowfun``/``app``
    are accepted and ignored; any other keyword is an error Celery would raise.
    """
    from celery.schedules import crontab

    try:
        bound = inspect.signature(crontab).bind(*args, **kwargs)
    except TypeError as exc:
        return CrontabResult((), frozenset(), error=f"crontab(): {exc}")
    extra = dict(bound.arguments.pop("kwargs", {}))
    base_params = set(inspect.signature(crontab.__mro__[1].__init__).parameters) - {"self"}
    unexpected = sorted(set(extra) - base_params)
    if unexpected:
        from difflib import get_close_matches

        close = get_close_matches(unexpected[0], [f.value for f in CronField], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return CrontabResult(
            (),
            frozenset(),
            error=f"crontab() got an unexpected keyword argument {unexpected[0]!r}{hint}",
        )
    values = {field: bound.arguments.get(field.value, "*") for field in CronField}
    return _evaluate(values, [CronField(name) for name in bound.arguments])


@functools.lru_cache(maxsize=1)
def _from_string_order() -> tuple[CronField, ...]:
    """Which field each token of ``crontab.from_string`` feeds, learnt by asking Celery."""
    from celery.schedules import crontab

    probe = crontab.from_string("1 2 3 4 5")
    position = {frozenset(getattr(probe, f.value)): f for f in CronField}
    return tuple(position[frozenset({n})] for n in range(1, 6))


def crontab_from_string(text: str) -> CrontabResult:
    """Judge ``crontab.from_string(text)``: cron order, split on single spaces like Celery does.

    Celery unpacks ``text.split(" ")`` into five names, so '@daily' or a double
    space is a ValueError at import time; the token order is learnt from Celery.
    """
    tokens = text.split(" ")
    order = _from_string_order()
    if len(tokens) != len(order):
        fields = " ".join(field.value for field in order)
        error = (
            f"crontab.from_string() needs 5 fields separated by single spaces ({fields}); "
            f"{text!r} has {len(tokens)}"
        )
        return CrontabResult((), frozenset(), error=error)
    values = dict(zip(order, tokens))
    return _evaluate({field: values[field] for field in CronField}, CronField)


# -- readings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WildcardWarning:
    """A larger unit is pinned while a smaller one is left '*', so it fires far more often."""

    wildcard: CronField
    reading: str
    fix: str
    runs_per_day: int


def smaller_unit_wildcard(result: CrontabResult) -> WildcardWarning | None:
    """Catch ``crontab(hour=7)`` (60 runs) and ``crontab(day_of_week='sun')`` (1440 runs).

    Minute left '*' under any larger restriction is always reported. Hour left
    out (not written at all) under a day-of-month or month restriction is
    reported too; ``crontab(minute=0, day_of_week='mon-fri')`` (hourly on
    weekdays) is common on purpose and is not.
    """
    if not result.ok:
        return None
    days_restricted = not all(result.is_full(f) for f in DAY_FIELDS)
    on_days = f" on {_days_phrase(result)}" if days_restricted else ""
    hours = sorted(result.values(CronField.HOUR))
    if result.is_full(CronField.MINUTE) and not result.is_full(CronField.HOUR):
        runs = 60 * len(hours)
        if len(hours) <= 2:
            spans = ", ".join(f"{h:02}:00 and {h:02}:59" for h in hours)
            reading = f"runs {runs} times between {spans}{on_days}"
        else:
            reading = f"runs {runs} times a day, every minute of hours {_compact(hours)}{on_days}"
        return WildcardWarning(CronField.MINUTE, reading, "add minute=0", runs)
    if result.is_full(CronField.MINUTE) and days_restricted:
        reading = f"runs every minute of {_days_phrase(result)} (1440 runs)"
        return WildcardWarning(CronField.MINUTE, reading, "add minute=0, hour=0", 1440)
    pinned_days = not (
        result.is_full(CronField.DAY_OF_MONTH) and result.is_full(CronField.MONTH_OF_YEAR)
    )
    if result.is_full(CronField.HOUR) and CronField.HOUR not in result.given and pinned_days:
        runs = 24 * len(result.values(CronField.MINUTE))
        reading = f"runs {runs} times{on_days}, every hour"
        return WildcardWarning(CronField.HOUR, reading, "add hour=0", runs)
    return None


def runs_per_day(result: CrontabResult) -> int:
    """How many times it fires on each day it fires at all (minutes x hours)."""
    return len(result.values(CronField.MINUTE)) * len(result.values(CronField.HOUR))


def period_seconds(result: CrontabResult) -> int | None:
    """The fixed gap between runs, or None when the gaps vary (weekdays, 09:00 and 17:30...)."""
    if not result.ok:
        return None
    days_full = all(result.is_full(f) for f in DAY_FIELDS)
    hours, minutes = result.values(CronField.HOUR), result.values(CronField.MINUTE)
    times = sorted(h * 60 + m for h in hours for m in minutes)
    if days_full:
        gaps = {b - a for a, b in itertools.pairwise([*times, times[0] + 1440])}
        return gaps.pop() * 60 if len(gaps) == 1 else None
    only_weekday = result.is_full(CronField.DAY_OF_MONTH) and result.is_full(
        CronField.MONTH_OF_YEAR
    )
    if only_weekday and len(result.values(CronField.DAY_OF_WEEK)) == 1 and len(times) == 1:
        return WEEK
    return None


# -- descriptions ---------------------------------------------------------------------------


def _compact(values: Iterable[int]) -> str:
    """1,2,3,7 -> '1-3,7'."""
    ordered = sorted(values)
    runs: list[list[int]] = []
    for value in ordered:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return ",".join(f"{r[0]}-{r[-1]}" if len(r) >= 3 else ",".join(map(str, r)) for r in runs)


def _step(values: frozenset[int], full: frozenset[int]) -> int | None:
    """k when values are exactly '*/k' over the full range."""
    ordered = sorted(values)
    if len(ordered) < 2 or ordered[0] != min(full):
        return None
    step = ordered[1] - ordered[0]
    return step if ordered == sorted(full)[::step] and len(full) % step == 0 else None


def _names(values: Iterable[int], names: Sequence[str], offset: int) -> str:
    words = [names[v - offset] for v in sorted(values)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _days_phrase(result: CrontabResult) -> str:
    dow, dom, moy = (result.values(f) for f in DAY_FIELDS)
    months = (
        "every month" if result.is_full(CronField.MONTH_OF_YEAR) else _names(moy, _MONTH_NAMES, 1)
    )
    parts = []
    if not result.is_full(CronField.DAY_OF_MONTH):
        parts.append(f"day{'s' if len(dom) > 1 else ''} {_compact(dom)} of {months}")
    elif not result.is_full(CronField.MONTH_OF_YEAR):
        parts.append(f"every day in {months}")
    if not result.is_full(CronField.DAY_OF_WEEK):
        weekdays = _names(dow, _WEEKDAY_NAMES, 0)
        parts.append(f"only when it is a {weekdays}" if parts else weekdays)
    return ", ".join(parts) if parts else "every day"


def _times(result: CrontabResult) -> list[str]:
    return [
        f"{h:02}:{m:02}"
        for h in sorted(result.values(CronField.HOUR))
        for m in sorted(result.values(CronField.MINUTE))
    ]


def describe_crontab(result: CrontabResult, timezone: str = "UTC") -> str:
    """Plain words for a crontab, for messages and the inventory."""
    if not result.ok:
        return f"never (invalid crontab: {result.error_message})"
    full = _full_values()
    minutes, hours = result.values(CronField.MINUTE), result.values(CronField.HOUR)
    days_full = all(result.is_full(f) for f in DAY_FIELDS)
    times = _times(result)
    at_times = f"at {_names(range(len(times)), times, 0)} {timezone}"
    if days_full and result.is_full(CronField.HOUR):
        if result.is_full(CronField.MINUTE):
            return "every minute"
        if (step := _step(minutes, full[CronField.MINUTE])) is not None:
            return f"every {step} minutes"
        return f"hourly at minute{'s' if len(minutes) > 1 else ''} {_compact(minutes)}"
    if days_full and len(minutes) == 1 and (step := _step(hours, full[CronField.HOUR])):
        return f"every {step} hours at minute {min(minutes)}"
    if len(times) <= _COMPACT_TIMES:
        if days_full:
            return f"daily {at_times}"
        days = _day_words(result)
        return f"{days}{',' if 'only when' in days else ''} {at_times}"
    return _fallback(result, timezone)


def _day_words(result: CrontabResult) -> str:
    dow = result.values(CronField.DAY_OF_WEEK)
    if result.is_full(CronField.DAY_OF_MONTH) and result.is_full(CronField.MONTH_OF_YEAR):
        if dow == frozenset(range(1, 6)):
            return "every weekday"
        return _names(dow, [f"{n}s" for n in _WEEKDAY_NAMES], 0)
    phrase = _days_phrase(result)
    return phrase if phrase.startswith("every") else f"on {phrase}"


def _fallback(result: CrontabResult, timezone: str) -> str:
    minutes, hours = result.values(CronField.MINUTE), result.values(CronField.HOUR)
    text = "every minute" if result.is_full(CronField.MINUTE) else f"at minute {_compact(minutes)}"
    if not result.is_full(CronField.HOUR):
        joiner = " of" if result.is_full(CronField.MINUTE) else " past"
        text += f"{joiner} hour{'s' if len(hours) > 1 else ''} {_compact(hours)} {timezone}"
    if not all(result.is_full(f) for f in DAY_FIELDS):
        text += f" on {_days_phrase(result)}"
    return text
