"""Oracle: a message for a task the worker never registered is logged and discarded.

Proves the runtime claims of `unknown-task-name` (CEL301), `unregistered-task` (CEL302)
and `explicit-name-mismatch` (CEL306) with a real worker and a real Redis.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import MakeOracleProject, OracleProject, wait_until

pytestmark = pytest.mark.oracle

UNREGISTERED = "Received unregistered task of type {name!r}"

CELERY_PY = """
    import os

    from celery import Celery

    app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"], include={include!r})
    {extra}
"""

# Each task leaves a file behind: the effect that proves it really ran.
REPORTS_PY = """
    from pathlib import Path

    from proj.celery import app


    @app.task{options}
    def send_report(day):
        Path("ran-send_report").write_text(day)
"""


def _effects(project: OracleProject) -> list[str]:
    return sorted(path.name for path in project.root.glob("ran-*"))


def _send_and_wait(project: OracleProject, expected_log: str) -> str:
    worker = project.start_worker("proj.celery", wait_ready=False)
    sent = project.run("send.py")
    assert sent.returncode == 0, sent.stderr
    return worker.wait_for_log(expected_log)


def _unknown_name_project(sent_name: str) -> dict[str, str]:
    return {
        "proj/__init__.py": "",
        "proj/celery.py": CELERY_PY.format(include=["proj.reports"], extra=""),
        "proj/reports.py": REPORTS_PY.format(options=""),
        "send.py": f"""
            from proj.celery import app

            app.send_task({sent_name!r}, args=["2024-01-01"])
        """,
    }


def test_bad_send_task_with_misspelled_name_is_unregistered_cel301(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(_unknown_name_project("proj.reports.sned_report"))
    _send_and_wait(project, UNREGISTERED.format(name="proj.reports.sned_report"))
    assert _effects(project) == []


def test_good_send_task_with_defined_name_runs_cel301(oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_unknown_name_project("proj.reports.send_report"))
    log = _send_and_wait(project, "succeeded")
    assert "unregistered" not in log
    assert Path(project.root, "ran-send_report").read_text() == "2024-01-01"


def _unregistered_project(*, registered: bool) -> dict[str, str]:
    """The CEL302 doc's shapes: a task module only imported inside a task body, and
    `autodiscover_tasks` looking for `tasks.py` while the tasks live in `jobs.py`."""
    orders_import = "from proj.reports import build_report" if registered else ""
    autodiscover = 'related_name="jobs"' if registered else ""
    return {
        "proj/__init__.py": "",
        "proj/celery.py": CELERY_PY.format(
            include=["proj.orders"],
            extra=f'app.autodiscover_tasks(["proj.billing"], {autodiscover})',
        ),
        "proj/orders.py": f"""
            from proj.celery import app
            {orders_import}


            @app.task
            def place_order(order_id):
                from proj.reports import build_report

                build_report.delay(order_id)
        """,
        "proj/reports.py": """
            from pathlib import Path

            from proj.celery import app


            @app.task
            def build_report(order_id):
                Path("ran-build_report").write_text(str(order_id))
        """,
        "proj/billing/__init__.py": "",
        "proj/billing/jobs.py": """
            from pathlib import Path

            from proj.celery import app


            @app.task
            def charge(order_id):
                Path("ran-charge").write_text(str(order_id))
        """,
        "send.py": """
            from proj.billing.jobs import charge
            from proj.orders import place_order

            place_order.delay(7)
            charge.delay(7)
        """,
    }


def test_bad_task_module_not_imported_by_worker_is_unregistered_cel302(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(_unregistered_project(registered=False))
    _send_and_wait(project, UNREGISTERED.format(name="proj.billing.jobs.charge"))
    worker = project.workers[0]
    # place_order itself is registered and runs; the task it sends is not.
    worker.wait_for_log(UNREGISTERED.format(name="proj.reports.build_report"))
    assert _effects(project) == []


def test_good_task_module_imported_by_worker_runs_cel302(oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_unregistered_project(registered=True))
    worker = project.start_worker("proj.celery", wait_ready=False)
    assert project.run("send.py").returncode == 0
    assert wait_until(lambda: _effects(project) == ["ran-build_report", "ran-charge"])
    assert "unregistered" not in worker.log()


def _explicit_name_project(sent_name: str) -> dict[str, str]:
    return {
        "proj/__init__.py": "",
        "proj/celery.py": CELERY_PY.format(include=["proj.reports"], extra=""),
        "proj/reports.py": REPORTS_PY.format(options='(name="reports.send")'),
        "send.py": f"""
            from proj.celery import app

            app.send_task({sent_name!r}, args=["2024-01-01"])
        """,
    }


def test_bad_module_path_of_explicitly_named_task_is_unregistered_cel306(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(_explicit_name_project("proj.reports.send_report"))
    _send_and_wait(project, UNREGISTERED.format(name="proj.reports.send_report"))
    assert _effects(project) == []


def test_good_explicit_name_runs_cel306(oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_explicit_name_project("reports.send"))
    log = _send_and_wait(project, "succeeded")
    assert "unregistered" not in log
    assert _effects(project) == ["ran-send_report"]
