"""Oracle: `crontab(hour=7)` fires every minute of the hour, as beat would run it.

Proves the claim behind CEL502 with Celery's own `crontab.is_due`, driven minute by
minute over fixed datetimes the way beat's scheduler calls it; no worker is needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from celery import Celery
from celery.schedules import crontab

pytestmark = pytest.mark.oracle

START = datetime(2024, 5, 6, 6, 0, tzinfo=timezone.utc)


def _fired_minutes(**crontab_fields: Any) -> list[str]:
    """Walk from 06:00 to 08:59 one minute at a time; record when beat would send."""
    app = Celery("oracle", set_as_current=False)
    app.conf.timezone = "UTC"
    last_run_at = START - timedelta(minutes=1)
    fired: list[str] = []
    for minute in range(3 * 60):
        now = START + timedelta(minutes=minute)
        schedule = crontab(app=app, nowfun=lambda now=now: now, **crontab_fields)
        is_due, _next_check = schedule.is_due(last_run_at)
        if is_due:
            fired.append(now.strftime("%H:%M"))
            last_run_at = now
    return fired


def test_bad_crontab_hour_only_fires_every_minute_of_the_hour_cel502() -> None:
    fired = _fired_minutes(hour=7)
    assert fired == [f"07:{minute:02d}" for minute in range(60)]


def test_good_crontab_minute_and_hour_fires_once_cel502() -> None:
    assert _fired_minutes(minute=0, hour=7) == ["07:00"]
