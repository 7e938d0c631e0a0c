"""Oracle: a misspelt task option is accepted silently and does nothing (CEL206).

With a real worker, a real Redis broker and a Redis result backend: a task declared
``@app.task(ignore_results=True)`` still stores its result, exactly as without the
option (Celery's default), and the attribute is on the task class, unread. Spelt
``ignore_result=True``, the result is not stored.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import MakeOracleProject

pytestmark = pytest.mark.oracle


def _project(option: str) -> dict[str, str]:
    return {
        "proj/__init__.py": "",
        "proj/celery.py": """
            import os

            from celery import Celery

            app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"],
                         backend=os.environ["ORACLE_BROKER_URL"], include=["proj.tasks"])
        """,
        "proj/tasks.py": f"""
            from pathlib import Path

            from proj.celery import app


            @app.task({option}=True)
            def ping():
                Path("ran-ping").touch()
                return "pong"
        """,
        "caller.py": """
            import json
            import time
            from pathlib import Path

            from proj.celery import app
            from proj.tasks import ping

            result = ping.delay()
            deadline = time.monotonic() + 10
            while not Path("ran-ping").exists() and time.monotonic() < deadline:
                time.sleep(0.05)  # the task has run; its result, if stored, follows at once
            deadline = time.monotonic() + 3
            while app.AsyncResult(result.id).state == "PENDING" and time.monotonic() < deadline:
                time.sleep(0.1)
            print(json.dumps({"state": app.AsyncResult(result.id).state,
                              "ignore_result": ping.ignore_result,
                              "has_typo": hasattr(ping, "ignore_results")}))
        """,
    }


def _call(option: str, oracle_project: MakeOracleProject) -> dict[str, Any]:
    project = oracle_project(_project(option))
    worker = project.start_worker("proj.celery", wait_ready=True)
    caller = project.run("caller.py")
    assert caller.returncode == 0, caller.stderr
    worker.wait_for_log("succeeded in")
    return dict(json.loads(caller.stdout.strip().splitlines()[-1]))


def test_bad_ignore_results_is_ignored_and_the_result_stored_cel206(
    oracle_project: MakeOracleProject,
) -> None:
    outcome = _call("ignore_results", oracle_project)
    assert outcome == {"state": "SUCCESS", "ignore_result": False, "has_typo": True}


def test_good_ignore_result_stores_nothing_cel206(oracle_project: MakeOracleProject) -> None:
    outcome = _call("ignore_result", oracle_project)
    assert outcome["state"] == "PENDING" and outcome["ignore_result"] is True
