"""Oracle: a Redis visibility timeout shorter than a late-acked task redelivers it.

No rule doc exists for this claim yet; these tests pin down the runtime behaviour a
future visibility-timeout rule will describe.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .conftest import OracleProject, wait_until

pytestmark = pytest.mark.oracle

VISIBILITY_TIMEOUT = 2


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
        "proj/tasks.py": f"""
            import time
            from pathlib import Path

            from proj.celery import app


            @app.task
            def export(day):
                with Path("starts.log").open("a") as starts:
                    starts.write(day + "\\n")
                # A long export: it runs until the test releases it (30 s at most).
                deadline = time.monotonic() + 30
                while not Path("release").exists() and time.monotonic() < deadline:
                    time.sleep(0.1)
                return day
        """,
        "send.py": """
            from proj.tasks import export

            export.delay("2024-01-01")
        """,
    }


def _starts(project: OracleProject) -> list[str]:
    path = Path(project.root, "starts.log")
    return path.read_text().splitlines() if path.exists() else []


def _second_consumer_after_timeout(project: OracleProject) -> list[str]:
    """One worker starts the task; once the timeout has passed, a second worker starts.

    kombu restores unacked messages older than the visibility timeout when a consumer
    starts (before it logs "ready") and on a periodic sweep: a second worker is how
    redelivery shows up in production, with several workers or a restarted one. The
    first run is held until the second worker had its chance, so a slow machine cannot
    turn the long task into a short one.
    """
    first = project.start_worker("proj.celery")
    assert project.run("send.py").returncode == 0
    assert wait_until(lambda: len(_starts(project)) >= 1), "first worker never started the task"
    time.sleep(VISIBILITY_TIMEOUT + 1)
    project.start_worker("proj.celery")
    wait_until(lambda: len(_starts(project)) >= 2, timeout=3)
    Path(project.root, "release").touch()
    first.wait_for_log("succeeded")
    return _starts(project)


def test_bad_visibility_timeout_shorter_than_task_runs_it_twice(
    oracle_project: OracleProject,
) -> None:
    project = oracle_project(_project(VISIBILITY_TIMEOUT))
    assert _second_consumer_after_timeout(project) == ["2024-01-01", "2024-01-01"]


def test_good_visibility_timeout_longer_than_task_runs_it_once(
    oracle_project: OracleProject,
) -> None:
    project = oracle_project(_project(3600))
    assert _second_consumer_after_timeout(project) == ["2024-01-01"]
