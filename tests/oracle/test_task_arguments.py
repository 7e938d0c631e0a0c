"""Oracle: where call arguments that do not fit a task's signature fail.

Proves, and partly corrects, the runtime claim of `task-arguments-mismatch` (CEL304):
"the message is accepted by the broker and fails only in the worker with TypeError".
That holds for `send_task` (the caller does not know the signature). With Celery 5's
default `typing=True`, `.delay()` / `.apply_async()` on a task object check the
arguments in the caller and raise TypeError there: nothing is sent. Beat does the same
check for tasks its app registered: the entry fails in beat's log, every time it is due.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import MakeOracleProject, wait_until

pytestmark = pytest.mark.oracle

PURGE_KWARGS_ERROR = "purge() got an unexpected keyword argument 'older_than_days'"


def _project(purge_kwargs: dict[str, int]) -> dict[str, str]:
    """The doc's project; the beat entry is due every second instead of at 03:00."""
    return {
        "proj/__init__.py": "",
        "proj/celery.py": f"""
            import os

            from celery import Celery

            app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"], include=["proj.tasks"])
            app.conf.beat_schedule = {{
                "purge": {{"task": "proj.tasks.purge", "schedule": 1.0, "kwargs": {purge_kwargs!r}}},
            }}
        """,
        "proj/tasks.py": """
            from pathlib import Path

            from proj.celery import app


            @app.task(bind=True)
            def send_invoice(self, order_id, *, resend=False):
                return order_id


            @app.task
            def purge(days):
                Path("ran-purge").write_text(str(days))
        """,
        "send_task.py": f"""
            from proj.celery import app

            app.send_task("proj.tasks.purge", kwargs={purge_kwargs!r})
        """,
        "checkout.py": """
            import json

            from proj.tasks import send_invoice

            calls = {
                "missing": lambda: send_invoice.delay(),
                "too many": lambda: send_invoice.delay(1, "a@example.com"),
                "unexpected keyword": lambda: send_invoice.apply_async(
                    args=[1], kwargs={"force": True}
                ),
            }
            errors = {}
            for label, call in calls.items():
                try:
                    call()
                except TypeError as error:
                    errors[label] = str(error)
            print(json.dumps(errors))
        """,
    }


def test_bad_send_task_with_unfitting_kwargs_fails_in_worker_cel304(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(_project({"older_than_days": 30}))
    worker = project.start_worker("proj.celery", wait_ready=False)
    assert project.run("send_task.py").returncode == 0
    log = worker.wait_for_log("raised unexpected: TypeError")
    assert PURGE_KWARGS_ERROR in log
    assert not Path(project.root, "ran-purge").exists()


def test_good_send_task_with_fitting_kwargs_runs_cel304(oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project({"days": 30}))
    worker = project.start_worker("proj.celery", wait_ready=False)
    assert project.run("send_task.py").returncode == 0
    worker.wait_for_log("succeeded in")
    assert Path(project.root, "ran-purge").read_text() == "30"


def test_delay_with_unfitting_arguments_fails_in_caller_not_worker_cel304(
    oracle_project: MakeOracleProject,
) -> None:
    """Contradicts the doc for `.delay()`: TypeError in the caller, no message sent."""
    project = oracle_project(_project({"days": 30}))
    checkout = project.run("checkout.py")
    assert checkout.returncode == 0, checkout.stderr
    assert json.loads(checkout.stdout) == {
        "missing": "send_invoice() missing 1 required positional argument: 'order_id'",
        "too many": "send_invoice() takes 2 positional arguments but 3 were given",
        "unexpected keyword": "send_invoice() got an unexpected keyword argument 'force'",
    }
    assert project.broker.queue_length("celery") == 0


def test_bad_beat_entry_with_unfitting_kwargs_fails_in_beat_cel304(
    oracle_project: MakeOracleProject,
) -> None:
    """The doc's beat example: beat imports the app's `include=` modules, checks the
    arguments and logs the error itself; no message reaches the worker's queue."""
    project = oracle_project(_project({"older_than_days": 30}))
    beat = project.start_beat("proj.celery")
    log = beat.wait_for_log(PURGE_KWARGS_ERROR)
    assert "Couldn't apply scheduled task purge" in log
    assert project.broker.queue_length("celery") == 0


def test_good_beat_entry_with_fitting_kwargs_runs_cel304(oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project({"days": 30}))
    project.start_beat("proj.celery")
    project.start_worker("proj.celery", wait_ready=False)
    assert wait_until(lambda: Path(project.root, "ran-purge").exists())
    assert Path(project.root, "ran-purge").read_text() == "30"
