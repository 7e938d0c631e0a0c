"""Oracle: where a task's bind=True and its first parameter disagreeing makes calls fail.

Proves the runtime claims of `bound-task-without-self` (CEL202) and `self-without-bind`
(CEL203) with the docs' tasks. As for `task-arguments-mismatch` (CEL304): with Celery's
default `typing=True`, `.delay()` checks the arguments in the caller, which raises
TypeError and sends nothing; `send_task` by name skips the check, the broker accepts the
message and the worker fails with the same TypeError.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import MakeOracleProject, OracleProject

pytestmark = pytest.mark.oracle

TASK_FAILED = "raised unexpected: TypeError"

PROJECT = {
    "proj/__init__.py": "",
    "proj/celery.py": """
        import os

        from celery import Celery

        app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"], include=["proj.tasks"])
    """,
    "proj/tasks.py": """
        from pathlib import Path

        from proj.celery import app


        @app.task(bind=True)
        def sync_inventory():
            Path("ran-sync_inventory").write_text("synced")


        @app.task(bind=True)
        def sync_inventory_bound(self):
            Path("ran-sync_inventory_bound").write_text(self.request.id)


        class Unreachable(Exception):
            pass


        @app.task(max_retries=1)
        def deliver_webhook(self, url, payload):
            try:
                raise Unreachable(url)
            except Unreachable as exc:
                raise self.retry(exc=exc, countdown=0)


        @app.task(bind=True, max_retries=1)
        def deliver_webhook_bound(self, url, payload):
            if self.request.retries == 0:
                raise self.retry(exc=RuntimeError(url), countdown=0)
            Path("ran-deliver_webhook_bound").write_text(f"{url} {self.request.retries}")
    """,
    # Each caller script prints what the web request would have seen.
    "delay.py": """
        import json
        import sys

        from proj import tasks

        name, *arguments = sys.argv[1:]
        try:
            getattr(tasks, name).delay(*arguments)
            print(json.dumps({"sent": True}))
        except TypeError as error:
            print(json.dumps({"sent": False, "error": str(error)}))
    """,
    "send_task.py": """
        import sys

        from proj.celery import app

        name, *arguments = sys.argv[1:]
        app.send_task(f"proj.tasks.{name}", args=arguments)
    """,
}


def _delay(project: OracleProject, task: str, *arguments: str) -> dict[str, object]:
    called = project.run("delay.py", task, *arguments)
    assert called.returncode == 0, called.stderr
    return dict(json.loads(called.stdout.strip().splitlines()[-1]))


def _send_task(project: OracleProject, task: str, *arguments: str, expected_log: str) -> str:
    worker = project.start_worker("proj.celery", wait_ready=False)
    assert project.run("send_task.py", task, *arguments).returncode == 0
    return worker.wait_for_log(expected_log)


def _effects(project: OracleProject) -> list[str]:
    return sorted(path.name for path in project.root.glob("ran-*"))


# --- bound-task-without-self (CEL202) ----------------------------------------------


def test_bad_bound_task_without_self_fails_in_caller_on_delay_cel202(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(PROJECT)
    assert _delay(project, "sync_inventory") == {
        "sent": False,
        "error": "sync_inventory() takes 0 positional arguments but 1 was given",
    }
    assert project.broker.queue_length("celery") == 0


def test_bad_bound_task_without_self_fails_in_worker_on_send_task_cel202(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(PROJECT)
    log = _send_task(project, "sync_inventory", expected_log=TASK_FAILED)
    assert "sync_inventory() takes 0 positional arguments but 1 was given" in log
    assert _effects(project) == []


def test_good_bound_task_with_self_runs_cel202(oracle_project: MakeOracleProject) -> None:
    project = oracle_project(PROJECT)
    assert _delay(project, "sync_inventory_bound") == {"sent": True}
    project.start_worker("proj.celery", wait_ready=False).wait_for_log("succeeded in")
    assert _effects(project) == ["ran-sync_inventory_bound"]


# --- self-without-bind (CEL203) ----------------------------------------------------

WEBHOOK_SHORT = "deliver_webhook() missing 1 required positional argument: 'payload'"


def test_bad_self_without_bind_fails_in_caller_on_delay_cel203(
    oracle_project: MakeOracleProject,
) -> None:
    """Called the way its body intends, `.delay(url, payload)` is one argument short."""
    project = oracle_project(PROJECT)
    assert _delay(project, "deliver_webhook", "https://example.com/hook", "{}") == {
        "sent": False,
        "error": WEBHOOK_SHORT,
    }
    assert project.broker.queue_length("celery") == 0


def test_bad_self_without_bind_fails_in_worker_on_send_task_cel203(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(PROJECT)
    log = _send_task(
        project, "deliver_webhook", "https://example.com/hook", "{}", expected_log=TASK_FAILED
    )
    assert WEBHOOK_SHORT in log


def test_bad_self_without_bind_filled_by_caller_breaks_retry_cel203(
    oracle_project: MakeOracleProject,
) -> None:
    """A caller that passes a first argument for `self` gets past the check; the retry
    then fails on the error path, on the value the caller passed."""
    project = oracle_project(PROJECT)
    assert _delay(project, "deliver_webhook", "ignored", "https://example.com/hook", "{}") == {
        "sent": True
    }
    log = project.start_worker("proj.celery", wait_ready=False).wait_for_log(
        "raised unexpected: AttributeError"
    )
    assert "'str' object has no attribute 'retry'" in log


def test_good_bound_task_with_self_retries_cel203(oracle_project: MakeOracleProject) -> None:
    project = oracle_project(PROJECT)
    assert _delay(project, "deliver_webhook_bound", "https://example.com/hook", "{}") == {
        "sent": True
    }
    worker = project.start_worker("proj.celery", wait_ready=False)
    log = worker.wait_for_log("succeeded in")
    assert "retry: Retry in 0s" in log
    assert Path(project.root, "ran-deliver_webhook_bound").read_text() == (
        "https://example.com/hook 1"
    )
