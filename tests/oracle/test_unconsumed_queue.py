"""Oracle: a message routed to a queue no worker consumes waits in Redis forever.

Proves the runtime claim of `unconsumed-queue` (CEL401): `.delay()` succeeds, nothing is
logged, and the message stays in the Redis list named after the queue.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest

from .conftest import MakeOracleProject, OracleProject, wait_until

pytestmark = pytest.mark.oracle

PROJECT = {
    "proj/__init__.py": "",
    "proj/celery.py": """
        import os

        from celery import Celery

        REPORTS_QUEUE = "reports"

        app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"], include=["proj.tasks"])
        app.conf.task_default_queue = "default"
        app.conf.task_routes = {"proj.tasks.build_report": {"queue": REPORTS_QUEUE}}
    """,
    "proj/tasks.py": """
        from pathlib import Path

        from proj.celery import app


        @app.task
        def build_report(day):
            Path("ran-build_report").write_text(day)


        @app.task(queue="emails")
        def send_email(user_id):
            Path("ran-send_email").write_text(str(user_id))


        @app.task
        def cleanup():
            Path("ran-cleanup").write_text("ok")
    """,
    "send.py": """
        from proj.tasks import build_report, cleanup, send_email

        build_report.delay("2024-01-01")
        send_email.delay(7)
        cleanup.delay()
    """,
}


def _effects(project: OracleProject) -> list[str]:
    return sorted(path.name for path in project.root.glob("ran-*"))


def _run(project: OracleProject, queues: Sequence[str] | None) -> None:
    """Send the three tasks to a worker consuming queues; return once cleanup ran.

    `cleanup` goes to the default queue, which both workers consume: once it has run,
    the worker has been reading its queues, and anything still waiting was never read.
    """
    worker = project.start_worker("proj.celery", queues, wait_ready=False)
    sent = project.run("send.py")
    assert sent.returncode == 0, sent.stderr
    assert wait_until(lambda: "ran-cleanup" in _effects(project)), worker.log()


@pytest.mark.parametrize("queues", [["default"], None], ids=["-Q default", "no -Q"])
def test_bad_routed_queue_without_consumer_keeps_messages_cel401(
    oracle_project: MakeOracleProject, queues: list[str] | None
) -> None:
    """Without -Q, a worker consumes only task_default_queue ("default" here)."""
    project = oracle_project(PROJECT)
    _run(project, queues)
    time.sleep(2)  # give the worker every chance to pick up what it is never going to read
    assert project.broker.queue_length("reports") == 1
    assert project.broker.queue_length("emails") == 1
    assert _effects(project) == ["ran-cleanup"]
    # "nothing in any log": the worker reports no problem at all.
    after_ready = project.workers[0].log().split(" ready.", 1)[1]
    assert "ERROR" not in after_ready and "WARNING" not in after_ready


def test_good_every_routed_queue_consumed_cel401(oracle_project: MakeOracleProject) -> None:
    project = oracle_project(PROJECT)
    _run(project, ["default", "emails", "reports"])
    all_ran = ["ran-build_report", "ran-cleanup", "ran-send_email"]
    assert wait_until(lambda: _effects(project) == all_ran)
    assert project.broker.queue_length("reports") == 0
    assert project.broker.queue_length("emails") == 0
