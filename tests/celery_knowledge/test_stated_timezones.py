"""Times of day stated in a named timezone, read on the app's clock."""

from __future__ import annotations

from datetime import timedelta

from celerylint.celery_knowledge.stated_timezones import named_zone, times_in_zone


def test_abbreviations_and_iana_names_come_from_the_timezone_database() -> None:
    assert named_zone("daily at 2 AM EST") == ("EST", frozenset({timedelta(hours=-5)}))
    assert named_zone("at 02:00 UTC") == ("UTC", frozenset({timedelta(0)}))
    name, offsets = named_zone("nightly at 3am Europe/Berlin") or ("", frozenset())
    assert name == "Europe/Berlin" and offsets == {timedelta(hours=1), timedelta(hours=2)}
    assert named_zone("TODO: daily at 2 AM") is None  # not a zone: the app's clock


def test_a_time_reads_on_the_apps_clock_each_way_daylight_saving_falls() -> None:
    est = frozenset({timedelta(hours=-5)})
    assert times_in_zone((2, 0), est, "UTC") == {(7, 0)}
    assert times_in_zone((2, 0), est, "Europe/Paris") == {(8, 0), (9, 0)}
    assert times_in_zone((23, 30), frozenset({timedelta(0)}), "Europe/Paris") == {(0, 30), (1, 30)}
    assert times_in_zone((2, 0), est, "local time") is None
