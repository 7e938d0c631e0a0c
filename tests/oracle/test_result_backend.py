"""Oracle: waiting for a task's result when the app configures no result backend.

Proves the runtime claim of `result-backend-missing` (CEL114) with the doc's project, a
real worker and a real Redis broker: the task runs, but the caller's `.get()` raises
`NotImplementedError` at once, without waiting for it; with a backend it returns.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import MakeOracleProject

pytestmark = pytest.mark.oracle


def _project(*, result_backend: bool) -> dict[str, str]:
    backend = ', backend=os.environ["ORACLE_BROKER_URL"]' if result_backend else ""
    return {
        "proj/__init__.py": "",
        "proj/celery.py": f"""
            import os

            from celery import Celery

            app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"]{backend},
                         include=["proj.tasks"])
        """,
        "proj/tasks.py": """
            from pathlib import Path

            from proj.celery import app


            @app.task
            def render(page_id):
                Path("ran-render").write_text(str(page_id))
                return page_id
        """,
        # The doc's view, reporting what the web request would have seen.
        "view.py": """
            import json
            import time

            from proj.tasks import render

            started = time.monotonic()
            try:
                outcome = {"value": render.delay(7).get(timeout=10)}
            except Exception as error:
                outcome = {"error": f"{type(error).__name__}: {error}"}
            outcome["seconds"] = time.monotonic() - started
            print(json.dumps(outcome))
        """,
    }


def _view(project_files: dict[str, str], oracle_project: MakeOracleProject) -> dict[str, Any]:
    project = oracle_project(project_files)
    worker = project.start_worker("proj.celery", wait_ready=False)
    view = project.run("view.py")
    assert view.returncode == 0, view.stderr
    worker.wait_for_log("succeeded in")
    assert Path(project.root, "ran-render").read_text() == "7"
    return dict(json.loads(view.stdout.strip().splitlines()[-1]))


def test_bad_get_without_result_backend_raises_not_implemented_error_cel114(
    oracle_project: MakeOracleProject,
) -> None:
    outcome = _view(_project(result_backend=False), oracle_project)
    assert outcome["error"].startswith("NotImplementedError: No result backend is configured.")
    assert outcome["seconds"] < 5  # raised at once, not after the 10 s timeout


def test_good_get_with_result_backend_returns_the_result_cel114(
    oracle_project: MakeOracleProject,
) -> None:
    outcome = _view(_project(result_backend=True), oracle_project)
    assert outcome["value"] == 7


def test_good_get_in_eager_mode_needs_no_backend_cel114(
    oracle_project: MakeOracleProject,
) -> None:
    """Test settings with task_always_eager=True: the task runs in the caller, no worker
    and no backend, and .get() returns its value."""
    files = _project(result_backend=False)
    files["view.py"] = files["view.py"].replace(
        "from proj.tasks import render\n",
        "from proj.celery import app\n            from proj.tasks import render\n\n"
        "            app.conf.task_always_eager = True\n")
    project = oracle_project(files)
    view = project.run("view.py")
    assert view.returncode == 0, view.stderr
    outcome = json.loads(view.stdout.strip().splitlines()[-1])
    assert outcome["value"] == 7, outcome
    assert Path(project.root, "ran-render").read_text() == "7"  # here, in the caller
