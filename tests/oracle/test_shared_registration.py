"""Oracle: registration as Celery does it, and modules a worker must import.

Proves the runtime claims behind `unregistered-task` (CEL302: `@app.task` is shared by
default, so a task declared on a second app instance registers on the worker's app,
unless `shared=False`) and `missing-worker-module` (CEL307: a module named by `imports`
that does not exist stops the worker at start-up), and that celerylint agrees.
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
    {extra}
"""

SECOND_APP_TASKS = """
    from pathlib import Path

    from celery import Celery

    app = Celery("tasks")


    @app.task{options}
    def sync(item):
        Path("ran-sync").write_text(item)
"""

SEND = """
    from proj.celery import app

    app.send_task("proj.tasks.sync", args=["ok"])
"""


def _project(options: str = "", extra: str = "") -> dict[str, str]:
    return {
        "proj/__init__.py": "",
        "proj/celery.py": WORKER_APP.format(extra=extra),
        "proj/tasks.py": SECOND_APP_TASKS.format(options=options),
        "send.py": SEND,
        "Procfile": "worker: celery -A proj.celery worker -l info\n",
    }


def _celerylint_codes(project: OracleProject, *codes: str) -> list[str]:
    result = api.run(Settings(root=project.root, paths=(project.root,), use_cache=False,
                              select=codes))
    return [f.code for f in result.findings]


def _send(project: OracleProject, expected_log: str) -> str:
    worker = project.start_worker("proj.celery", wait_ready=False)
    sent = project.run("send.py")
    assert sent.returncode == 0, sent.stderr
    return worker.wait_for_log(expected_log)


def test_good_task_on_a_second_app_runs_on_the_workers_app_cel302(
        oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project())
    assert _celerylint_codes(project, "CEL302") == []
    log = _send(project, "succeeded")
    assert "unregistered" not in log
    assert Path(project.root, "ran-sync").read_text() == "ok"


def test_bad_shared_false_task_on_a_second_app_is_unregistered_cel302(
        oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project(options="(shared=False)"))
    assert _celerylint_codes(project, "CEL302") == ["CEL302"]
    _send(project, "Received unregistered task of type 'proj.tasks.sync'")
    assert not Path(project.root, "ran-sync").exists()


def test_bad_missing_imports_module_stops_the_worker_cel307(
        oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project(extra='app.conf.imports = ("proj.retired",)'))
    assert _celerylint_codes(project, "CEL307") == ["CEL307"]
    worker = project.start_worker("proj.celery", wait_ready=False)
    log = worker.wait_for_log("ModuleNotFoundError")
    assert "proj.retired" in log
    assert worker.process.wait(timeout=30) != 0


def test_good_existing_imports_module_starts_the_worker_cel307(
        oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project(extra='app.conf.imports = ("proj.tasks",)'))
    assert _celerylint_codes(project, "CEL307") == []
    project.start_worker("proj.celery")


def _per_worker_apps(sent_queue: str) -> dict[str, str]:
    app = """
        import os

        from celery import Celery

        app = Celery("{name}", broker=os.environ["ORACLE_BROKER_URL"], include=["proj.{name}"])
    """
    return {
        "proj/__init__.py": "",
        "proj/emails_app.py": app.format(name="emails"),
        "proj/reports_app.py": app.format(name="reports"),
        "proj/emails.py": "from proj.emails_app import app\n",
        "proj/reports.py": """
            from pathlib import Path

            from proj.reports_app import app


            @app.task
            def build(item):
                Path("ran-build").write_text(item)
        """,
        "send.py": f"""
            from proj.reports import build

            build.apply_async(args=["ok"], queue={sent_queue!r})
        """,
        "docker-compose.yml": """
            services:
              emails-worker:
                command: celery -A proj.emails_app worker -Q emails
              reports-worker:
                command: celery -A proj.reports_app worker -Q reports
        """,
    }


def test_bad_task_sent_to_a_queue_whose_consumer_lacks_it_is_dropped_cel308(
        oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_per_worker_apps("emails"))
    assert _celerylint_codes(project, "CEL308") == ["CEL308"]
    worker = project.start_worker("proj.emails_app", ["emails"], wait_ready=False)
    assert project.run("send.py").returncode == 0
    worker.wait_for_log("Received unregistered task of type 'proj.reports.build'")
    assert not Path(project.root, "ran-build").exists()


def test_good_task_sent_to_its_own_workers_queue_runs_cel308(
        oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_per_worker_apps("reports"))
    assert _celerylint_codes(project, "CEL308") == []
    worker = project.start_worker("proj.reports_app", ["reports"], wait_ready=False)
    assert project.run("send.py").returncode == 0
    worker.wait_for_log("succeeded")
    assert Path(project.root, "ran-build").read_text() == "ok"


def test_good_send_task_by_name_lands_on_the_default_queue_cel308(
        oracle_project: MakeOracleProject) -> None:
    """The decorator's queue= lives on the task object, which send_task never sees."""
    files = _per_worker_apps("reports")
    files["proj/reports.py"] = files["proj/reports.py"].replace("@app.task",
                                                                "@app.task(queue='reports')")
    files["send.py"] = """
        from proj.emails_app import app

        app.send_task("proj.reports.build", args=["ok"])
    """
    project = oracle_project(files)
    worker = project.start_worker("proj.reports_app", ["celery"], wait_ready=False)
    assert project.run("send.py").returncode == 0
    worker.wait_for_log("succeeded")
    assert Path(project.root, "ran-build").read_text() == "ok"
