"""Oracle: a Redis visibility timeout shorter than a late-acked task redelivers it.

Proves the runtime claim of `visibility-timeout-exceeded` (CEL113): Redis hands a
message that was not acknowledged within the visibility timeout to another worker, so a
late-acked task that runs longer, or a message held for a longer countdown, runs twice.

kombu restores such messages when a consumer starts (before it logs "ready") and on a
periodic sweep (every 100 s by default). A second worker started once the timeout has
passed is how redelivery shows up in production, with several workers or a restarted
one, and it keeps these tests short and deterministic.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .conftest import CeleryProcess, MakeOracleProject, OracleProject, wait_until

pytestmark = pytest.mark.oracle

VISIBILITY_TIMEOUT = 2
# Long enough for a second worker to boot on a loaded machine before the ETA.
COUNTDOWN = 12


def _project(visibility_timeout: int) -> dict[str, str]:
    return {
        "proj/__init__.py": "",
        "proj/celery.py": f"""
            import os

            from celery import Celery

            app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"], include=["proj.tasks"])
            app.conf.task_acks_late = True
            app.conf.broker_transport_options = {{"visibility_timeout": {visibility_timeout}}}
        """,
        "proj/tasks.py": """
            import time
            from pathlib import Path

            from proj.celery import app


            def record(log_name, line):
                with Path(log_name).open("a") as log:
                    log.write(line + "\\n")


            @app.task
            def export(day):
                record("exports.log", day)
                # A long export: it runs until the test releases it (30 s at most), so a
                # slow machine cannot turn it into a short one.
                deadline = time.monotonic() + 30
                while not Path("release").exists() and time.monotonic() < deadline:
                    time.sleep(0.1)
                return day


            @app.task
            def remind(user_id):
                record("reminders.log", user_id)
        """,
        "send.py": f"""
            import sys

            from proj.tasks import export, remind

            if "export" in sys.argv:
                export.delay("2024-01-01")
            if "remind" in sys.argv:
                remind.apply_async(args=["u1"], countdown={COUNTDOWN})
        """,
    }


def _runs(project: OracleProject, log_name: str) -> list[str]:
    path = Path(project.root, log_name)
    return path.read_text().splitlines() if path.exists() else []


def _second_worker_after_timeout(
    project: OracleProject, *sent: str
) -> tuple[CeleryProcess, CeleryProcess]:
    """Send tasks to a first worker; start a second one once the timeout has passed."""
    first = project.start_worker("proj.celery")
    sending = project.run("send.py", *sent)
    assert sending.returncode == 0, sending.stderr
    first.wait_for_log(" received")
    time.sleep(VISIBILITY_TIMEOUT + 1)
    return first, project.start_worker("proj.celery")


def test_bad_task_longer_than_visibility_timeout_runs_twice_cel113(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(_project(VISIBILITY_TIMEOUT))
    _second_worker_after_timeout(project, "export")
    wait_until(lambda: len(_runs(project, "exports.log")) >= 2, timeout=5)
    Path(project.root, "release").touch()
    assert _runs(project, "exports.log") == ["2024-01-01", "2024-01-01"]


def test_bad_countdown_longer_than_visibility_timeout_runs_twice_cel113(
    oracle_project: MakeOracleProject,
) -> None:
    """Either worker may win the restored message; the reminder is sent twice anyway."""
    project = oracle_project(_project(VISIBILITY_TIMEOUT))
    _second_worker_after_timeout(project, "remind")
    wait_until(lambda: len(_runs(project, "reminders.log")) >= 2, timeout=COUNTDOWN + 5)
    assert _runs(project, "reminders.log") == ["u1", "u1"]


def _succeeded(workers: list[CeleryProcess]) -> int:
    return sum(worker.log().count(" succeeded in ") for worker in workers)


def test_good_visibility_timeout_longer_than_work_runs_it_once_cel113(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(_project(3600))
    _second_worker_after_timeout(project, "export", "remind")
    time.sleep(3)  # the same window in which the Bad case redelivers
    Path(project.root, "release").touch()
    # Once both messages are acknowledged there is nothing left to redeliver.
    assert wait_until(lambda: _succeeded(project.workers) == 2, timeout=COUNTDOWN + 5)
    assert _runs(project, "exports.log") == ["2024-01-01"]
    assert _runs(project, "reminders.log") == ["u1"]
