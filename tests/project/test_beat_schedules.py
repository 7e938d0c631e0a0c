"""Schedules judged by Celery's own parsers, and described in the app's timezone."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint.api import build_project
from celerylint.project.celery.beat_schedules import (
    ScheduleKind,
    evaluate_schedule,
    schedule_from_value,
    with_timezone,
)
from celerylint.project.celery.celery_model import CeleryModel, build_celery_model
from celerylint.project.evaluate import UNKNOWN, EnvValue, StaticCall
from celerylint.settings import Settings

CRONTAB = "celery.schedules.crontab"


def call(qualified: str, *args: object, **kwargs: object) -> StaticCall:
    return StaticCall(qualified, args, tuple(kwargs.items()))


def test_positional_crontab_is_minute_hour_day_of_week() -> None:
    info = schedule_from_value(call(CRONTAB, 30, 2, "mon"))
    assert info.kind is ScheduleKind.CRONTAB and info.error is None
    assert info.description == "Mondays at 02:30 UTC"


def test_keyword_crontab_described_in_given_timezone() -> None:
    info = schedule_from_value(call(CRONTAB, minute=0, hour=2), "Europe/Paris")
    assert info.description == "daily at 02:00 Europe/Paris"


@pytest.mark.parametrize(("value", "fragment"), [
    (call(CRONTAB, day_of_week=7), "Valid range is 0-6"),
    (call(CRONTAB, minute="*/0"), "step"),
    (call(CRONTAB, minute=60), "0-59"),
    (call(CRONTAB, minutes=5), "did you mean 'minute'"),
    (call("celery.schedules.crontab.from_string", "0 2 * *"), "5 fields"),
    (call("celery.schedules.solar", "sun_set", 48.8, 2.3), "sunset"),
    (call("celery.schedules.solar", "sunset", 95, 2.3), "95"),
    (0, "not positive"),
    (call("datetime.timedelta", minutes=-5), "-300"),
    (call("celery.schedules.schedule", run_every=call("datetime.timedelta", seconds=0)), "0"),
    ("*/5 * * * *", "crontab.from_string"),
])
def test_celery_rejects(value: object, fragment: str) -> None:
    info = schedule_from_value(value)
    assert info.error is not None and fragment in info.error


@pytest.mark.parametrize(("value", "seconds", "description"), [
    (30, 30.0, "every 30 seconds"),
    (call("datetime.timedelta", hours=1), 3600.0, "hourly"),
    (call("celery.schedules.schedule", 600), 600.0, "every 10 minutes"),
    (EnvValue("BEAT_SECONDS", 120, True), 120.0, "every 2 minutes"),
])
def test_intervals(value: object, seconds: float, description: str) -> None:
    info = schedule_from_value(value)
    assert (info.kind, info.seconds, info.description) == (ScheduleKind.INTERVAL, seconds,
                                                            description)


@pytest.mark.parametrize("value", [
    UNKNOWN,
    True,
    EnvValue("BEAT_SECONDS", UNKNOWN, False),
    call(CRONTAB, minute=UNKNOWN),
    call(CRONTAB, hour=call("builtins.range", 0, 24, 2)),
    call("myproject.schedules.business_hours"),
    StaticCall(CRONTAB, (), (("hour", 7),), has_star=True),
])
def test_computed_schedules_stay_unknown(value: object) -> None:
    info = schedule_from_value(value)
    assert info.kind is ScheduleKind.UNKNOWN and info.error is None


def test_crontab_plumbing_keywords_are_ignored() -> None:
    info = schedule_from_value(call(CRONTAB, minute=0, hour=3, nowfun=UNKNOWN))
    assert info.kind is ScheduleKind.CRONTAB and info.error is None


def test_solar_is_checked_without_ephem() -> None:
    info = schedule_from_value(call("celery.schedules.solar", "sunset", 48.8, 2.3))
    assert info.kind is ScheduleKind.SOLAR and info.error is None


def test_with_timezone_places_the_zone_after_times_only() -> None:
    assert with_timezone("runs 60 times between 07:00 and 07:59", "UTC").endswith("07:59 UTC")
    assert with_timezone("runs every minute of Sunday (1440 runs)", "UTC").endswith("(UTC)")


def model_of(tmp_path: Path, files: dict[str, str]) -> CeleryModel:
    root = write_tree(tmp_path / "p", files)
    return build_celery_model(build_project(Settings(root=root, paths=(root,))))


@pytest.mark.parametrize(("settings", "zone"), [
    ("", "UTC"),
    ("app.conf.timezone = 'Europe/Paris'\n", "Europe/Paris"),
    ("app.conf.enable_utc = False\n", "local time"),
    ("import os\napp.conf.timezone = os.environ['TZ']\n", "in the app's timezone"),
])
def test_timezone_follows_celery_settings(tmp_path: Path, settings: str, zone: str) -> None:
    model = model_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": (
            "from celery import Celery\nfrom celery.schedules import crontab\n"
            "app = Celery('proj')\n" + settings +
            "app.conf.beat_schedule = {'a': {'task': 't', 'schedule': crontab(minute=0, hour=2)}}\n"),
    })
    (entry,) = model.beat_entries
    info = evaluate_schedule(entry, model)
    assert info.timezone == zone
    assert info.description == f"daily at 02:00 {zone}"


def test_schedule_constant_is_followed_to_its_call(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": (
            "from celery import Celery\nfrom celery.schedules import crontab\n"
            "MORNING = crontab(hour=7)\napp = Celery('proj')\n"
            "app.conf.beat_schedule = {'a': {'task': 't', 'schedule': MORNING}}\n"),
    })
    (entry,) = model.beat_entries
    info = evaluate_schedule(entry, model)
    assert info.call is not None and info.call.span.line == 3
    assert info.call_module == "proj.celery"


def test_missing_schedule_only_when_the_entry_is_fully_written(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": (
            "from celery import Celery\nBASE = {'schedule': 60}\napp = Celery('proj')\n"
            "app.conf.beat_schedule = {'a': {'task': 't'}, 'b': {**BASE, 'task': 't'}}\n"),
    })
    kinds = {e.key: evaluate_schedule(e, model).kind for e in model.beat_entries}
    assert kinds == {"a": ScheduleKind.MISSING, "b": ScheduleKind.UNKNOWN}
