"""Oracle: waiting for the result of a task that ignores its result.

Proves the runtime claim of `ignored-result-waited` (CEL115) with the doc's task, a real
worker, a real Redis broker and a Redis result backend: the task runs and returns a value,
yet `.delay(...).get()` gives `None` at once, and the same result looked up by id never
arrives (it stays PENDING until the timeout). Without `ignore_result` the value arrives.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import MakeOracleProject

pytestmark = pytest.mark.oracle


def _project(*, ignore_result: bool) -> dict[str, str]:
    options = "(ignore_result=True)" if ignore_result else ""
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


            @app.task{options}
            def thumbnail(image_id):
                Path("ran-thumbnail").write_text(str(image_id))
                return image_id * 10
        """,
        # The doc's caller, reporting what it saw both ways of waiting.
        "upload.py": """
            import json
            import time
            from pathlib import Path

            from celery.exceptions import TimeoutError

            from proj.celery import app
            from proj.tasks import thumbnail

            result = thumbnail.delay(7)
            started = time.monotonic()
            outcome = {"value": result.get(timeout=10)}
            outcome["seconds"] = time.monotonic() - started
            deadline = time.monotonic() + 10
            while not Path("ran-thumbnail").exists() and time.monotonic() < deadline:
                time.sleep(0.05)  # look the result up only once the task has run
            try:
                outcome["by_id"] = app.AsyncResult(result.id).get(timeout=2)
            except TimeoutError:
                outcome["by_id"] = "timeout"
            outcome["state"] = app.AsyncResult(result.id).state
            print(json.dumps(outcome))
        """,
    }


def _upload(project_files: dict[str, str], oracle_project: MakeOracleProject) -> dict[str, Any]:
    project = oracle_project(project_files)
    worker = project.start_worker("proj.celery", wait_ready=True)
    upload = project.run("upload.py")
    assert upload.returncode == 0, upload.stderr
    log = worker.wait_for_log("succeeded in")
    assert Path(project.root, "ran-thumbnail").read_text() == "7"  # the task did run
    assert re.search(r"succeeded in [0-9.]+s: 70$", log, re.M)  # and returned 70
    return dict(json.loads(upload.stdout.strip().splitlines()[-1]))


def test_bad_get_on_an_ignored_result_returns_none_and_by_id_never_arrives_cel115(
    oracle_project: MakeOracleProject,
) -> None:
    outcome = _upload(_project(ignore_result=True), oracle_project)
    assert outcome["value"] is None  # not 70: the caller carries on with None
    assert outcome["seconds"] < 2  # at once, without waiting for the worker
    assert outcome["by_id"] == "timeout"
    assert outcome["state"] == "PENDING"


def test_good_get_returns_the_value_cel115(oracle_project: MakeOracleProject) -> None:
    outcome = _upload(_project(ignore_result=False), oracle_project)
    assert outcome["value"] == 70
    assert outcome["by_id"] == 70
    assert outcome["state"] == "SUCCESS"
