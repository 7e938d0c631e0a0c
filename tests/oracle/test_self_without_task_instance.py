"""Oracle: ``self.retry`` in a task that has no ``self`` raises NameError (CEL208).

With a real worker and Redis, the doc's task: the error path runs ``self.retry(...)``,
which fails with ``NameError: name 'self' is not defined``; the task fails at once and
is not retried. The bound twin retries (and then gives up after max_retries=1).
"""

from __future__ import annotations

import pytest

from .conftest import MakeOracleProject

pytestmark = pytest.mark.oracle


def _project(bound: bool) -> dict[str, str]:
    options, first = ("bind=True, max_retries=1", "self, ") if bound else ("max_retries=1", "")
    return {
        "proj/__init__.py": "",
        "proj/celery.py": """
            import os

            from celery import Celery

            app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"], include=["proj.tasks"])
        """,
        "proj/tasks.py": f"""
            from proj.celery import app


            class Unreachable(Exception):
                pass


            @app.task({options})
            def deliver_webhook({first}url):
                try:
                    raise Unreachable(url)
                except Unreachable as exc:
                    raise self.retry(exc=exc, countdown=0)
        """,
        "send.py": """
            from proj.tasks import deliver_webhook

            deliver_webhook.delay("https://example.invalid/hook")
        """,
    }


def test_bad_self_retry_without_self_raises_name_error_cel208(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(_project(bound=False))
    worker = project.start_worker("proj.celery", wait_ready=True)
    assert project.run("send.py").returncode == 0
    log = worker.wait_for_log("raised unexpected")
    assert "NameError: name 'self' is not defined" in log
    assert "Retry in" not in log


def test_good_bound_task_retries_cel208(oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project(bound=True))
    worker = project.start_worker("proj.celery", wait_ready=True)
    assert project.run("send.py").returncode == 0
    log = worker.wait_for_log("raised unexpected: Unreachable")
    assert "Retry in" in log and "NameError" not in log
