"""Stated frequencies in entry names and comments, against real schedules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from celerylint.celery_knowledge.schedules import evaluate_crontab
from celerylint.celery_knowledge.stated import (
    StatedFrequency,
    frequency_disagrees,
    stated_frequency,
)


@pytest.mark.parametrize(
    ("text", "period", "time_of_day"),
    [
        ("every-30-minutes", 1800, None),
        ("every 10 minutes", 600, None),
        ("every_5_min", 300, None),
        ("cleanup-every-5m", 300, None),
        ("sync_every_2_hours", 7200, None),
        ("hourly", 3600, None),
        ("hourly-digest", 3600, None),
        ("half-hourly", 1800, None),
        ("daily at 2 AM", 86400, (2, 0)),
        ("daily at 2:30pm", 86400, (14, 30)),
        ("daily", 86400, None),
        ("nightly-backup", 86400, None),
        ("nightly at midnight", 86400, (0, 0)),
        ("weekly", 604800, None),
        ("every hour", 3600, None),
        ("every day at 02:00", 86400, (2, 0)),
        ("once a day", 86400, None),
        ("sendReportEveryFiveMinutes", 300, None),
        ("every 30 seconds", 30, None),
        ("# Runs every 15 minutes", 900, None),
    ],
)
def test_stated_frequency(text: str, period: int, time_of_day: tuple[int, int] | None) -> None:
    stated = stated_frequency(text)
    assert stated is not None
    assert (stated.period_seconds, stated.time_of_day) == (period, time_of_day)


@pytest.mark.parametrize(
    "text",
    [
        "twice daily",
        "every other day",
        "weekdays at 9",
        "hourly or daily",
        "monthly report",
        "send_report",
        "cleanup",
        "every 0 minutes",
        "hourly at 14:00",
        "daily at 9am and 5pm",
        "report at 2am",
        "",
        "bi-weekly",
        "daily except sundays",
        "every monday",
    ],
)
def test_stated_frequency_is_conservative(text: str) -> None:
    assert stated_frequency(text) is None


def _stated(text: str) -> StatedFrequency:
    stated = stated_frequency(text)
    assert stated is not None
    return stated


@pytest.mark.parametrize(
    ("text", "kwargs", "fragment"),
    [
        ("every 30 minutes", {"minute": 30}, "runs hourly at minute 30"),
        ("every 10 minutes", {"minute": "*/5"}, "runs every 5 minutes"),
        ("hourly", {"minute": 0, "hour": 0}, "runs daily at 00:00 UTC"),
        ("daily", {"minute": 0}, "runs hourly at minute 0"),
        ("daily", {"hour": 2}, "every minute of hour 2"),
        ("daily at 2 AM", {"minute": 0, "hour": 3}, "runs at 03:00, not 02:00"),
        ("nightly", {"minute": 0, "hour": 1, "day_of_week": "sun"}, "Sundays at 01:00 UTC"),
        ("weekly", {"minute": 0, "hour": 0}, "runs daily at 00:00 UTC"),
        ("weekly", {"minute": 0, "hour": 0, "day_of_week": "mon,thu"}, "Mondays and Thursdays"),
        ("every 12 hours", {"minute": 0, "hour": 0}, "daily at 00:00"),
    ],
)
def test_crontab_disagrees(text: str, kwargs: dict[str, Any], fragment: str) -> None:
    message = frequency_disagrees(_stated(text), evaluate_crontab(**kwargs))
    assert message is not None and fragment in message, message
    assert message.startswith("says ")


@pytest.mark.parametrize(
    ("text", "kwargs"),
    [
        ("every 30 minutes", {"minute": "*/30"}),
        ("every 30 minutes", {"minute": "15,45"}),
        ("every 10 minutes", {"minute": "*/10"}),
        ("hourly", {"minute": 0}),
        ("every 2 hours", {"minute": 0, "hour": "*/2"}),
        ("daily", {"minute": 0, "hour": 2}),
        ("daily at 2 AM", {"minute": 0, "hour": 2}),
        ("nightly", {"minute": 30, "hour": 23}),
        ("daily", {"minute": 0, "hour": 6, "day_of_week": "mon-fri"}),
        ("weekly", {"minute": 0, "hour": 6, "day_of_week": "mon"}),
        ("hourly", {"minute": 0, "day_of_week": "mon"}),
        ("daily", {"minute": 0, "hour": 0, "day_of_month": 1}),
        ("every 7 minutes", {"minute": "*/7"}),
        # Right count, uneven gaps: could be loose wording, so no verdict.
        ("every 12 hours", {"minute": 0, "hour": "1,2"}),
        ("daily", {"day_of_week": 9}),
    ],
)
def test_crontab_agrees_or_unsure(text: str, kwargs: dict[str, Any]) -> None:
    assert frequency_disagrees(_stated(text), evaluate_crontab(**kwargs)) is None


@pytest.mark.parametrize(
    ("text", "seconds", "fragment"),
    [
        ("every 30 minutes", 600, "runs every 10 minutes"),
        ("hourly", timedelta(hours=2), "runs every 2 hours"),
        ("daily at 2 AM", 86400, "not at a time of day; use crontab()"),
    ],
)
def test_interval_disagrees(text: str, seconds: float | timedelta, fragment: str) -> None:
    message = frequency_disagrees(_stated(text), seconds)
    assert message is not None and fragment in message


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("every 30 minutes", 1800),
        ("hourly", timedelta(hours=1)),
        ("daily", 86400.0),
        ("every 30 seconds", 30.0),
        ("every 10 minutes", 0),
    ],
)
def test_interval_agrees(text: str, seconds: float | timedelta) -> None:
    assert frequency_disagrees(_stated(text), seconds) is None
