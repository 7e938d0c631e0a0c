"""Oracle: a dispatch in a comment is a task that never reaches Redis, and nothing says so.

Proves the runtime claim of `disabled-task-call` (CEL711) on the demo's story: the
scheduler job's `notify_admins.delay(...)` was commented out with the import of a
module that did not exist yet. The worker starts cleanly, the job runs and sends what
it still sends, and `notify_admins` is never sent: no message, no log line. Restoring
the block (once the module exists) sends it again.
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from celerylint import api
from celerylint.settings import Settings

from .conftest import MakeOracleProject, OracleProject, wait_until

pytestmark = pytest.mark.oracle

DISABLED = """
    # from proj.notifications import notify_admins  # until the module exists
    # notify_admins.delay("nightly run finished")
"""
JOBS = """


def welcome(user_ids):
    for user_id in user_ids:
        send_welcome_email.delay(user_id)
"""
RESTORED = """
    from proj.notifications import notify_admins
    notify_admins.delay("nightly run finished")
"""


def _project(block: str) -> dict[str, str]:
    return {
        "proj/__init__.py": "",
        "proj/celery.py": """
            import os

            from celery import Celery

            app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"],
                         include=["proj.tasks", "proj.jobs"])
        """,
        "proj/tasks.py": """
            from pathlib import Path

            from proj.celery import app


            @app.task
            def send_welcome_email(user_id):
                Path(f"ran-send_welcome_email-{user_id}").write_text("ok")
        """,
        "proj/notifications.py": """
            from pathlib import Path

            from proj.celery import app


            @app.task
            def notify_admins(text):
                Path("ran-notify_admins").write_text(text)
        """,
        "proj/jobs.py": "from proj.tasks import send_welcome_email\n" + textwrap.dedent(block)
        + JOBS,
        "run_jobs.py": """
            from proj.jobs import welcome

            welcome([1])
        """,
    }


def _effects(project: OracleProject) -> list[str]:
    return sorted(path.name for path in project.root.glob("ran-*"))


def _cel711(root: Path) -> list[int]:
    result = api.run(Settings(root=root, paths=(root,), select=("CEL711",), use_cache=False))
    return [f.line for f in result.findings if f.code == "CEL711" and f.path == "proj/jobs.py"]


def test_bad_commented_out_dispatch_never_reaches_redis_cel711(
    oracle_project: MakeOracleProject,
) -> None:
    files = _project(DISABLED)
    files.pop("proj/notifications.py")  # the module does not exist yet
    project = oracle_project(files)
    assert _cel711(project.root) == [3]
    worker = project.start_worker("proj.celery")
    sent = project.run("run_jobs.py")
    assert sent.returncode == 0, sent.stderr
    assert wait_until(lambda: "ran-send_welcome_email-1" in _effects(project)), worker.log()
    time.sleep(1)  # give a message that was never sent every chance to show up
    assert _effects(project) == ["ran-send_welcome_email-1"]
    assert project.broker.queue_length("celery") == 0
    after_ready = worker.log().split(" ready.", 1)[1]
    assert "notify_admins" not in after_ready
    assert "ERROR" not in after_ready and "WARNING" not in after_ready


def test_good_restored_dispatch_is_sent_and_runs_cel711(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(_project(RESTORED))
    assert _cel711(project.root) == []
    worker = project.start_worker("proj.celery")
    sent = project.run("run_jobs.py")
    assert sent.returncode == 0, sent.stderr
    assert wait_until(lambda: "ran-notify_admins" in _effects(project)), worker.log()
    assert (project.root / "ran-notify_admins").read_text() == "nightly run finished"
