"""Beat schedule knowledge, checked against Celery's own crontab clock where it can be."""

from __future__ import annotations

import inspect
import itertools
import sys
import types
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from celery import Celery
from celery import schedules as celery_schedules

from celerylint.celery_knowledge.intervals import (
    describe_interval,
    validate_interval,
    validate_solar,
)
from celerylint.celery_knowledge.schedules import (
    CronField,
    CrontabResult,
    crontab_from_call,
    crontab_from_string,
    describe_crontab,
    evaluate_crontab,
    period_seconds,
    runs_per_day,
    smaller_unit_wildcard,
)

SUNDAY = datetime(2024, 1, 7, tzinfo=timezone.utc)


def celery_run_times(kwargs: dict[str, Any], start: datetime, end: datetime) -> list[datetime]:
    """Every run Celery's crontab schedules in [start, end), by following remaining_estimate."""
    app = Celery(set_as_current=False)
    app.conf.timezone = "UTC"
    now = [start - timedelta(minutes=1)]
    cron = celery_schedules.crontab(**kwargs, app=app, nowfun=lambda: now[0])
    runs: list[datetime] = []
    while True:
        now[0] = now[0] + cron.remaining_estimate(now[0])
        if now[0] >= end:
            return runs
        runs.append(now[0])


# -- validity comes from Celery -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"day_of_week": 7}, CronField.DAY_OF_WEEK, "Valid range is 0-6"),
        ({"day_of_week": "7"}, CronField.DAY_OF_WEEK, "7 > 6"),
        ({"minute": 60}, CronField.MINUTE, "Valid range is 0-59"),
        ({"hour": 24}, CronField.HOUR, "Valid range is 0-23"),
        ({"minute": "*/0"}, CronField.MINUTE, "step cannot be zero"),
        ({"minute": "*/x"}, CronField.MINUTE, "invalid literal"),
        ({"minute": "*/"}, CronField.MINUTE, "empty filter"),
        ({"day_of_week": "funday"}, CronField.DAY_OF_WEEK, "funday"),
        ({"day_of_month": 0}, CronField.DAY_OF_MONTH, "Valid range is 1-31"),
        ({"month_of_year": 13}, CronField.MONTH_OF_YEAR, "Valid range is 1-12"),
        ({"minute": None}, CronField.MINUTE, "NoneType"),
        ({"day_of_month": 31, "month_of_year": 2}, None, "never occurs"),
    ],
)
def test_invalid_crontab_reports_celerys_error(
    kwargs: dict[str, Any], field: CronField | None, fragment: str
) -> None:
    result = evaluate_crontab(**kwargs)
    assert not result.ok
    assert result.error_field is field
    assert fragment in (result.error or "")
    with pytest.raises(Exception) as raised:
        celery_schedules.crontab(**kwargs)
    assert result.error == str(raised.value)
    if field is not None:
        assert (result.error_message or "").startswith(f"{field.value}=")


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"minute": 0, "hour": 2},
        {"day_of_week": "sun"},
        {"day_of_week": "mon-fri"},
        {"minute": "1,13,30-45,50-59/2"},
        {"hour": "0,8-17/2"},
        {"month_of_year": "*/3"},
        {"minute": [0, 30]},
        {"minute": {5, 10}},
        {"day_of_month": "2-30/2"},
    ],
)
def test_expanded_sets_equal_celerys(kwargs: dict[str, Any]) -> None:
    result = evaluate_crontab(**kwargs)
    built = celery_schedules.crontab(**kwargs)
    assert result.ok
    for field in CronField:
        assert result.values(field) == frozenset(getattr(built, field.value))


def test_field_order_matches_celerys_signature() -> None:
    parameters = list(inspect.signature(celery_schedules.crontab).parameters)
    assert parameters[:5] == [field.value for field in CronField]


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((0, 2), {}, {CronField.MINUTE: {0}, CronField.HOUR: {2}}),
        ((0, 2, "mon"), {}, {CronField.DAY_OF_WEEK: {1}}),
        ((0, 2, "*", 15), {}, {CronField.DAY_OF_MONTH: {15}}),
        (
            (0,),
            {"hour": 3, "month_of_year": 6},
            {CronField.HOUR: {3}, CronField.MONTH_OF_YEAR: {6}},
        ),
        ((), {"minute": 5, "nowfun": None}, {CronField.MINUTE: {5}}),
    ],
)
def test_crontab_from_call_binds_like_celery(
    args: tuple[Any, ...], kwargs: dict[str, Any], expected: dict[CronField, set[int]]
) -> None:
    result = crontab_from_call(args, kwargs)
    built = celery_schedules.crontab(*args, **kwargs)
    assert result.ok
    for field in CronField:
        assert result.values(field) == frozenset(getattr(built, field.value))
    for field, values in expected.items():
        assert result.values(field) == frozenset(values)


def test_crontab_from_call_records_given_fields() -> None:
    assert crontab_from_call((0,), {"day_of_month": 1}).given == {
        CronField.MINUTE,
        CronField.DAY_OF_MONTH,
    }


@pytest.mark.parametrize(
    ("args", "kwargs", "fragment"),
    [
        ((), {"minutes": 0}, "unexpected keyword argument 'minutes'; did you mean 'minute'?"),
        ((0,), {"minute": 5}, "multiple values for argument 'minute'"),
        ((1, 2, 3, 4, 5, 6), {}, "too many positional arguments"),
        ((0, 25), {}, "hour=25 is invalid"),
    ],
)
def test_crontab_from_call_errors(
    args: tuple[Any, ...], kwargs: dict[str, Any], fragment: str
) -> None:
    result = crontab_from_call(args, kwargs)
    assert not result.ok
    assert fragment in (result.error_message or "")
    with pytest.raises(TypeError if "hour" not in fragment else ValueError):
        celery_schedules.crontab(*args, **kwargs)


@pytest.mark.parametrize("text", ["0 2 * * *", "*/15 * * * 1-5", "30 4 1 * *", "0 0 * 6 sun"])
def test_crontab_from_string_uses_cron_order(text: str) -> None:
    result = crontab_from_string(text)
    built = celery_schedules.crontab.from_string(text)
    assert result.ok
    for field in CronField:
        assert result.values(field) == frozenset(getattr(built, field.value))


def test_crontab_from_string_day_of_week_is_last() -> None:
    result = crontab_from_string("0 2 * * 1")
    assert result.values(CronField.DAY_OF_WEEK) == {1}
    assert result.is_full(CronField.DAY_OF_MONTH)
    assert describe_crontab(result) == "Mondays at 02:00 UTC"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0 2 * *", "needs 5 fields"),
        ("0  2 * * *", "needs 5 fields"),
        ("@daily", "needs 5 fields"),
        ("0 2 * * 7", "day_of_week='7' is invalid"),
        ("60 * * * *", "minute='60' is invalid"),
    ],
)
def test_crontab_from_string_errors(text: str, fragment: str) -> None:
    result = crontab_from_string(text)
    assert not result.ok
    assert fragment in (result.error_message or "")
    with pytest.raises(ValueError):
        celery_schedules.crontab.from_string(text)


# -- runs, periods, wildcards (against Celery's clock) -----------------------------------------

CLOCK_CASES = [
    {},
    {"minute": 30},
    {"minute": "*/10"},
    {"minute": 0, "hour": 2},
    {"hour": 7},
    {"minute": 0, "hour": "*/2"},
    {"minute": 0, "hour": "9,17"},
    {"minute": "*/7"},
    {"minute": "0,30", "hour": 8},
    {"minute": 15, "hour": "*/6"},
]


@pytest.mark.parametrize("kwargs", CLOCK_CASES)
def test_runs_per_day_matches_celerys_clock(kwargs: dict[str, Any]) -> None:
    runs = celery_run_times(kwargs, SUNDAY, SUNDAY + timedelta(days=1))
    assert runs_per_day(evaluate_crontab(**kwargs)) == len(runs)


@pytest.mark.parametrize("kwargs", CLOCK_CASES)
def test_period_matches_celerys_gaps(kwargs: dict[str, Any]) -> None:
    runs = celery_run_times(kwargs, SUNDAY, SUNDAY + timedelta(days=2))
    gaps = {int((b - a).total_seconds()) for a, b in itertools.pairwise(runs)}
    expected = gaps.pop() if len(gaps) == 1 else None
    assert period_seconds(evaluate_crontab(**kwargs)) == expected


def test_weekly_period_matches_celerys_gaps() -> None:
    kwargs = {"minute": 0, "hour": 6, "day_of_week": "mon"}
    runs = celery_run_times(kwargs, SUNDAY, SUNDAY + timedelta(weeks=3))
    assert {b - a for a, b in itertools.pairwise(runs)} == {timedelta(weeks=1)}
    assert period_seconds(evaluate_crontab(**kwargs)) == 7 * 86400


@pytest.mark.parametrize(
    ("kwargs", "wildcard", "reading", "fix", "runs"),
    [
        (
            {"hour": 7},
            CronField.MINUTE,
            "runs 60 times between 07:00 and 07:59",
            "add minute=0",
            60,
        ),
        (
            {"hour": "7,19"},
            CronField.MINUTE,
            "runs 120 times between 07:00 and 07:59, 19:00 and 19:59",
            "add minute=0",
            120,
        ),
        (
            {"hour": "*/2"},
            CronField.MINUTE,
            "runs 720 times a day, every minute of hours 0,2,4,6,8,10,12,14,16,18,20,22",
            "add minute=0",
            720,
        ),
        (
            {"day_of_week": "sun"},
            CronField.MINUTE,
            "runs every minute of Sunday (1440 runs)",
            "add minute=0, hour=0",
            1440,
        ),
        (
            {"hour": 3, "day_of_week": "mon"},
            CronField.MINUTE,
            "runs 60 times between 03:00 and 03:59 on Monday",
            "add minute=0",
            60,
        ),
        (
            {"minute": 0, "day_of_month": 1},
            CronField.HOUR,
            "runs 24 times on day 1 of every month, every hour",
            "add hour=0",
            24,
        ),
    ],
)
def test_smaller_unit_wildcard(
    kwargs: dict[str, Any], wildcard: CronField, reading: str, fix: str, runs: int
) -> None:
    warning = smaller_unit_wildcard(evaluate_crontab(**kwargs))
    assert warning is not None
    assert (warning.wildcard, warning.reading, warning.fix, warning.runs_per_day) == (
        wildcard,
        reading,
        fix,
        runs,
    )


def test_wildcard_run_count_matches_celerys_clock() -> None:
    runs = celery_run_times({"day_of_week": "sun"}, SUNDAY, SUNDAY + timedelta(days=7))
    assert len(runs) == smaller_unit_wildcard(evaluate_crontab(day_of_week="sun")).runs_per_day


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"minute": 0},
        {"minute": "*/5", "hour": 7},
        {"minute": 0, "hour": 2},
        {"minute": 0, "day_of_week": "mon-fri"},
        {"day_of_week": 7},
    ],
)
def test_no_wildcard_warning(kwargs: dict[str, Any]) -> None:
    assert smaller_unit_wildcard(evaluate_crontab(**kwargs)) is None


def test_explicit_hour_star_is_taken_as_meant() -> None:
    assert (
        smaller_unit_wildcard(crontab_from_call((), {"minute": 0, "hour": "*", "day_of_month": 1}))
        is None
    )
    assert smaller_unit_wildcard(crontab_from_call((), {"minute": 0, "day_of_month": 1}))


# -- words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({}, "every minute"),
        ({"minute": "*/10"}, "every 10 minutes"),
        ({"minute": 30}, "hourly at minute 30"),
        ({"minute": "15,45"}, "hourly at minutes 15,45"),
        ({"minute": 0, "hour": 2}, "daily at 02:00 UTC"),
        ({"minute": 0, "hour": "9,17"}, "daily at 09:00 and 17:00 UTC"),
        ({"minute": 0, "hour": "*/2"}, "every 2 hours at minute 0"),
        ({"minute": 0, "hour": 6, "day_of_week": "mon"}, "Mondays at 06:00 UTC"),
        ({"minute": 30, "hour": 9, "day_of_week": "mon-fri"}, "every weekday at 09:30 UTC"),
        ({"minute": 0, "hour": 0, "day_of_month": 1}, "on day 1 of every month at 00:00 UTC"),
        (
            {"minute": 0, "hour": 0, "day_of_month": 1, "month_of_year": 1},
            "on day 1 of January at 00:00 UTC",
        ),
        (
            {"minute": 0, "hour": 0, "month_of_year": "1,7"},
            "every day in January and July at 00:00 UTC",
        ),
        (
            {"minute": 0, "hour": 0, "day_of_month": "1-7", "day_of_week": 1},
            "on days 1-7 of every month, only when it is a Monday, at 00:00 UTC",
        ),
        (
            {"minute": "0,15", "hour": "1,2,3", "day_of_week": "mon,wed"},
            "at minute 0,15 past hours 1-3 UTC on Monday and Wednesday",
        ),
        ({"hour": 7}, "every minute of hour 7 UTC"),
        (
            {"day_of_week": 7},
            (
                "never (invalid crontab: day_of_week=7 is invalid: Invalid crontab pattern.  "
                "Valid range is 0-6. '7' was found.)"
            ),
        ),
    ],
)
def test_describe_crontab(kwargs: dict[str, Any], words: str) -> None:
    assert describe_crontab(evaluate_crontab(**kwargs)) == words


def test_describe_crontab_names_the_timezone() -> None:
    result = evaluate_crontab(minute=0, hour=2)
    assert describe_crontab(result, "Europe/Paris") == "daily at 02:00 Europe/Paris"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (30, "every 30 seconds"),
        (1, "every second"),
        (0.5, "every 0.5 seconds"),
        (60, "every minute"),
        (90, "every 90 seconds"),
        (600, "every 10 minutes"),
        (3600, "hourly"),
        (5400, "every 90 minutes"),
        (7200, "every 2 hours"),
        (86400, "daily"),
        (172800, "every 2 days"),
        (604800, "weekly"),
        (timedelta(minutes=5), "every 5 minutes"),
    ],
)
def test_describe_interval(seconds: float | timedelta, words: str) -> None:
    assert describe_interval(seconds) == words


@pytest.mark.parametrize("seconds", [0, -5, timedelta(0), timedelta(seconds=-1)])
def test_non_positive_interval_is_reported(seconds: float | timedelta) -> None:
    message = validate_interval(seconds)
    assert message is not None and "not positive" in message


def test_non_positive_interval_is_always_due_in_celery() -> None:
    app = Celery(set_as_current=False)
    moment = datetime(2024, 1, 1, tzinfo=timezone.utc)
    state = celery_schedules.schedule(0, app=app, nowfun=lambda: moment).is_due(moment)
    assert (state.is_due, state.next) == (True, 0)


@pytest.mark.parametrize("seconds", [1, 0.5, 3600, timedelta(minutes=1)])
def test_positive_interval_is_fine(seconds: float | timedelta) -> None:
    assert validate_interval(seconds) is None


# -- solar -----------------------------------------------------------------------------------

SOLAR_CASES = [
    ("sunrise", 48.8, 2.3),
    ("sunset", -33.9, 151.2),
    ("sun_rise", 0, 0),
    ("dawn_civil", 91, 0),
    ("dusk_nautical", -90.5, 0),
    ("solar_noon", 0, 181),
    ("solar_noon", 0, -180),
    ("sunset", 90, 180),
]


@pytest.mark.parametrize(("event", "lat", "lon"), SOLAR_CASES)
def test_validate_solar_matches_celerys_constructor(
    event: str, lat: float, lon: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_ephem = types.ModuleType("ephem")
    fake_ephem.Observer = types.SimpleNamespace  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ephem", fake_ephem)
    try:
        celery_schedules.solar(event, lat, lon)
        celery_message = None
    except ValueError as exc:
        celery_message = str(exc)
    assert validate_solar(event, lat, lon) == celery_message


def test_validate_solar_messages() -> None:
    assert "sun_rise" in (validate_solar("sun_rise", 0, 0) or "")
    assert "latitude 91" in (validate_solar("sunrise", 91, 0) or "")
    assert "longitude 181" in (validate_solar("sunrise", 0, 181) or "")


def test_clear_caches_relearns_from_celery() -> None:
    from celerylint.celery_knowledge import clear_caches

    before = crontab_from_string("0 2 * * 1")
    clear_caches()
    assert crontab_from_string("0 2 * * 1") == before


def test_result_is_frozen_and_hashable() -> None:
    result = evaluate_crontab(minute=[0, 30])
    assert isinstance(result, CrontabResult)
    assert hash(result) == hash(evaluate_crontab(minute=[0, 30]))
    with pytest.raises(AttributeError):
        result.error = "x"  # type: ignore[misc]
