"""Oracle: a worker whose task modules import a missing module or name never starts.

Proves the runtime claims of `missing-module` (CEL701: the import raises
ModuleNotFoundError when the module loads, so a worker that imports it fails at
start-up) and `missing-imported-name` (CEL702: the from-import raises ImportError),
and that celerylint reports exactly the bad twin of each pair. The worker imports
`proj.tasks` eagerly because the app lists it in `include=`, as most projects do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from celerylint import api
from celerylint.settings import Settings

from .conftest import MakeOracleProject, OracleProject

pytestmark = pytest.mark.oracle

WORKER_APP = """
    import os

    from celery import Celery

    app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"], include=["proj.tasks"])
"""

TASKS = """
    {import_line}

    from proj.celery import app


    @app.task
    def archive(order_id):
        return archive_order(order_id)
"""

HELPERS = """
    def {name}(order_id):
        return order_id
"""


def _project(import_line: str, helpers_defines: str | None) -> dict[str, str]:
    files = {
        "proj/__init__.py": "",
        "proj/celery.py": WORKER_APP,
        "proj/tasks.py": TASKS.format(import_line=import_line),
        "Procfile": "worker: celery -A proj.celery worker -l info\n",
    }
    if helpers_defines is not None:
        files["proj/helpers.py"] = HELPERS.format(name=helpers_defines)
    return files


def _codes(project: OracleProject, code: str) -> list[str]:
    result = api.run(Settings(root=project.root, paths=(project.root,), use_cache=False,
                              select=(code,)))
    return [finding.code for finding in result.findings]


def _worker_fails_with(project: OracleProject, error: str) -> str:
    worker = project.start_worker("proj.celery", wait_ready=False)
    log = worker.wait_for_log(error)
    assert worker.process.wait(timeout=30) != 0, log
    assert " ready." not in log
    return log


def test_bad_import_of_a_missing_module_stops_the_worker_cel701(
        oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project("from proj.archive import archive_order", None))
    assert _codes(project, "CEL701") == ["CEL701"]
    log = _worker_fails_with(project, "ModuleNotFoundError")
    assert "proj.archive" in log


def test_good_import_of_an_existing_module_starts_the_worker_cel701(
        oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project("from proj.helpers import archive_order", "archive_order"))
    assert _codes(project, "CEL701") == []
    project.start_worker("proj.celery")


def test_bad_import_of_a_missing_name_stops_the_worker_cel702(
        oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project("from proj.helpers import archive_order", "archive"))
    assert _codes(project, "CEL702") == ["CEL702"]
    log = _worker_fails_with(project, "ImportError")
    assert "cannot import name 'archive_order'" in log


def test_good_import_of_a_defined_name_starts_the_worker_cel702(
        oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project("from proj.helpers import archive_order", "archive_order"))
    assert _codes(project, "CEL702") == []
    worker = project.start_worker("proj.celery")
    assert Path(project.root, "proj/helpers.py").exists()
    assert "ImportError" not in worker.log()
