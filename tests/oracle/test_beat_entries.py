"""Oracle: what `celery beat` does with a beat entry it cannot build or run.

Proves the runtime claims of `invalid-schedule` (CEL501) and `unknown-beat-entry-key`
(CEL504) with a real beat process against a real Redis. Beat builds every entry of
`beat_schedule` as `ScheduleEntry(**entry, name=..., app=...)` while it sets up its
scheduler, before the first tick: an entry that raises there stops beat, and with it
every periodic task. The tasks named here need not exist: beat only sends messages, so
the message count in the queue's Redis list is the measure of what beat did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from .conftest import CeleryProcess, MakeOracleProject, OracleProject, wait_until

pytestmark = pytest.mark.oracle

BEAT_RAISED = "beat raised exception <class '{error}'>"


def _beat_project(entries: Mapping[str, Mapping[str, Any]] | str) -> dict[str, str]:
    """An app whose beat_schedule is `entries` (a dict, or Python source for one)."""
    schedule = entries if isinstance(entries, str) else repr(dict(entries))
    return {
        "proj/__init__.py": "",
        "proj/celery.py": f"""
            import os
            from datetime import timedelta

            from celery import Celery
            from celery.schedules import crontab

            app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"])
            app.conf.beat_schedule = {schedule}
        """,
    }


def _beat_stops(project: OracleProject, error: str) -> str:
    """Start beat, return its log once it has died of `error`; fail if it survives."""
    beat = project.start_beat("proj.celery")
    log = beat.wait_for_log(BEAT_RAISED.format(error=error))
    assert beat.process.wait(timeout=20) != 0, log
    return log


def _beat_keeps_sending(project: OracleProject, queue: str, task: str) -> CeleryProcess:
    """Start beat and wait until it has sent `task` to `queue` twice, still running."""
    beat = project.start_beat("proj.celery")
    beat.wait_for_log(f"Sending due task {task}")
    assert wait_until(lambda: project.broker.queue_length(queue) >= 2), beat.log()
    assert beat.process.poll() is None, beat.log()
    return beat


# --- unknown-beat-entry-key (CEL504) -----------------------------------------------


def test_bad_unknown_entry_key_stops_beat_at_start_up_cel504(
    oracle_project: MakeOracleProject,
) -> None:
    """The doc's Bad entry ("queue" at the top level), due every second: beat never
    sends it, nor any other entry, because it exits while building the schedule."""
    project = oracle_project(_beat_project({
        "nightly-report": {"task": "proj.tasks.build_report", "schedule": 1.0,
                           "queue": "reports"},
        "sync": {"task": "proj.tasks.sync", "schedule": 1.0},
    }))  # fmt: skip
    log = _beat_stops(project, "TypeError")
    assert "ScheduleEntry.__init__() got an unexpected keyword argument 'queue'" in log
    assert "Sending due task" not in log
    assert project.broker.queue_length("reports") == project.broker.queue_length("celery") == 0


def test_good_sending_options_under_options_are_used_cel504(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(_beat_project({
        "nightly-report": {"task": "proj.tasks.build_report", "schedule": 1.0,
                           "options": {"queue": "reports", "expires": 3600}},
    }))  # fmt: skip
    _beat_keeps_sending(project, "reports", "nightly-report")
    assert project.broker.queue_length("celery") == 0


# --- invalid-schedule (CEL501) -----------------------------------------------------


def test_bad_string_schedule_stops_beat_with_attribute_error_cel501(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(_beat_project({
        "poll-feeds": {"task": "proj.tasks.poll_feeds", "schedule": "*/5 * * * *"},
    }))  # fmt: skip
    log = _beat_stops(project, "AttributeError")
    assert "'str' object has no attribute 'app'" in log
    assert "Sending due task" not in log


def test_bad_entry_without_schedule_stops_beat_with_attribute_error_cel501(
    oracle_project: MakeOracleProject,
) -> None:
    """Beat builds the entry with schedule=None, then fails at its first tick."""
    project = oracle_project(_beat_project({
        "sync-inventory": {"task": "proj.tasks.sync"},
        "poll-feeds": {"task": "proj.tasks.poll_feeds", "schedule": 1.0},
    }))  # fmt: skip
    log = _beat_stops(project, "AttributeError")
    assert "'NoneType' object has no attribute" in log
    assert project.broker.queue_length("celery") == 0


def test_bad_zero_interval_is_sent_on_every_tick_cel501(
    oracle_project: MakeOracleProject,
) -> None:
    """'schedule': 0, often meant as "disabled": beat sends it in a busy loop."""
    project = oracle_project(_beat_project({
        "sync-inventory": {"task": "proj.tasks.sync", "schedule": 0},
    }))  # fmt: skip
    beat = project.start_beat("proj.celery")
    assert wait_until(lambda: project.broker.queue_length("celery") >= 200), beat.log()
    assert beat.process.poll() is None


def test_good_schedules_celery_accepts_run_cel501(oracle_project: MakeOracleProject) -> None:
    """The doc's Good shapes: cron text through crontab.from_string, a timedelta."""
    project = oracle_project(_beat_project("""{
                "poll-feeds": {
                    "task": "proj.tasks.poll_feeds",
                    "schedule": crontab.from_string("*/5 * * * *"),
                },
                "sync-inventory": {"task": "proj.tasks.sync", "schedule": timedelta(seconds=1)},
            }"""))  # fmt: skip
    _beat_keeps_sending(project, "celery", "sync-inventory")
    # One message a second: nothing like the zero interval's flood.
    assert project.broker.queue_length("celery") <= 5
