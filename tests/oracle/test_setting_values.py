"""Oracle: a setting value of the wrong type is kept as written, and acts on its truthiness.

Proves the runtime claim of `setting-value-type` (CEL105): `app.conf` does not convert
`"False"` or `"300"`, every task picks the string up, and a worker treats
`task_acks_late="False"` as acks-late switched on. Kombu's Redis transport keeps a
delivered message in the `unacked` hash until the worker acknowledges it, so a message
still there while its task runs was acknowledged late.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from celery import Celery

from .conftest import MakeOracleProject, WorkerPool, wait_until

pytestmark = pytest.mark.oracle

UNACKED = "unacked"  # kombu.transport.redis.Channel.unacked_key
#: An early acknowledgement lands within milliseconds; a late one not before release.
ACK_WAIT_S = 3.0


def _task_options(**settings: Any) -> tuple[Any, Any]:
    """(acks_late, time_limit) of a task, as the app hands them to the worker."""
    app = Celery("proj", set_as_current=False)
    app.conf.update(**settings)

    @app.task(shared=False)
    def render(page_id: int) -> int:
        return page_id

    return render.acks_late, render.time_limit


def test_bad_string_values_are_kept_as_written_cel105() -> None:
    """The doc's Bad values: neither app.conf nor the task converts them."""
    acks_late, time_limit = _task_options(task_acks_late="False", task_time_limit="300")
    assert (acks_late, time_limit) == ("False", "300")
    assert bool(acks_late) is True


def test_good_typed_values_are_kept_as_written_cel105() -> None:
    assert _task_options(task_acks_late=False, task_time_limit=300) == (False, 300)


def _acks_late_project(value: str) -> dict[str, str]:
    """A task that holds its message until the test releases it."""
    return {
        "proj/__init__.py": "",
        "proj/celery.py": f"""
            import os

            from celery import Celery

            app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"], include=["proj.tasks"])
            app.conf.update(task_acks_late={value})
        """,
        "proj/tasks.py": """
            import time
            from pathlib import Path

            from proj.celery import app


            @app.task
            def render(page_id):
                Path("started").write_text(str(page_id))
                deadline = time.monotonic() + 15
                while not Path("release").exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
        """,
        "send.py": """
            from proj.tasks import render

            render.delay(7)
        """,
    }


def _acked_while_running(value: str, oracle_project: MakeOracleProject) -> bool:
    """Whether the worker acknowledges the message before the task has returned.

    A `threads` worker: under `solo` the task blocks the event loop, which then sends
    even an early acknowledgement only once the task has returned.
    """
    project = oracle_project(_acks_late_project(value))
    worker = project.start_worker("proj.celery", wait_ready=False, pool=WorkerPool.THREADS)
    assert project.run("send.py").returncode == 0
    assert wait_until(lambda: Path(project.root, "started").exists()), worker.log()
    acked = wait_until(lambda: project.broker.client.hlen(UNACKED) == 0, timeout=ACK_WAIT_S)
    Path(project.root, "release").write_text("")
    worker.wait_for_log("succeeded in")
    return bool(acked)


def test_bad_string_false_turns_acks_late_on_in_the_worker_cel105(
    oracle_project: MakeOracleProject,
) -> None:
    assert not _acked_while_running('"False"', oracle_project)


def test_good_boolean_false_acks_before_the_task_returns_cel105(
    oracle_project: MakeOracleProject,
) -> None:
    assert _acked_while_running("False", oracle_project)
