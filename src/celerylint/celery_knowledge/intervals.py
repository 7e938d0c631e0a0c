"""``run_every`` intervals and ``solar`` schedules: put into words and judged the way
Celery judges them (a crontab is :mod:`schedules`' business)."""

from __future__ import annotations

from datetime import timedelta

from celerylint.celery_knowledge.schedules import DAY, WEEK


def describe_interval(seconds: float | timedelta) -> str:
    """Plain words for a ``run_every`` interval."""
    total = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
    named = {60: "every minute", 3600: "hourly", DAY: "daily", WEEK: "weekly", 1: "every second"}
    if total in named:
        return named[total]
    for size, unit in ((WEEK, "week"), (DAY, "day"), (3600, "hour"), (60, "minute")):
        if total > size and total % size == 0:
            return f"every {int(total // size)} {unit}s"
    amount = int(total) if total == int(total) else total
    return f"every {amount} seconds"


def validate_interval(seconds: float | timedelta) -> str | None:
    """Zero or negative ``run_every``: Celery's ``schedule`` is then always due and rechecks at once."""
    total = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
    if total > 0:
        return None
    return (
        f"run_every of {total:g} seconds is not positive: celery beat treats the entry as always "
        "due and sends the task on every tick of its loop"
    )


def validate_solar(event: str, lat: float, lon: float) -> str | None:
    """Celery's own ``solar()`` checks and messages, without needing ``ephem`` installed.

    ``solar.__init__`` imports ephem before validating, so it cannot be called
    here; the checks run in its order on its event set and message templates.
    """
    from celery import schedules

    if event not in schedules.solar._all_events:
        all_events = ", ".join(sorted(schedules.solar._all_events))
        return schedules.SOLAR_INVALID_EVENT.format(event=event, all_events=all_events)
    if lat < -90 or lat > 90:
        return schedules.SOLAR_INVALID_LATITUDE.format(lat=lat)
    if lon < -180 or lon > 180:
        return schedules.SOLAR_INVALID_LONGITUDE.format(lon=lon)
    return None


__all__ = ["describe_interval", "validate_interval", "validate_solar"]
