"""Oracle: two tasks registered under one name in one app.

Proves the runtime claim of `duplicate-task-name` (CEL204) with the doc's project, in
process and with a real worker: Celery keeps the task registered first
(`Celery._task_from_fun` hands it back to the later decorator) and warns with
`DuplicateTaskNameWarning`; every message under that name runs that one function.

Which one a worker registers first is not fixed by the project: `@app.task` tasks are
registered at finalization by callbacks Celery keeps in a set
(`celery._state._on_app_finalizers`), so neither import order nor `include=` decides.
The worker test therefore reads the winner from the worker's own warning.
"""

from __future__ import annotations

import re
import warnings

import pytest
from celery import Celery
from celery.exceptions import DuplicateTaskNameWarning

from .conftest import MakeOracleProject, OracleProject, wait_until

pytestmark = pytest.mark.oracle

EXISTING = re.compile(r"^Existing: +proj\.(?P<module>\w+)\.(?P<function>\w+)$", re.MULTILINE)
#: What each function raises when it receives the other one's call.
TYPE_ERRORS = {
    "send_invoice": "send_invoice() missing 1 required positional argument: 'order_id'",
    "send_monthly_invoices": "send_monthly_invoices() takes 0 positional arguments but 1 was given",
}


def test_later_decorator_gets_the_first_task_and_a_warning_cel204() -> None:
    """`shared=False` keeps the tasks out of Celery's process-wide finalizers, so they are
    registered in declaration order and leak into no other test's app."""
    app = Celery("proj", set_as_current=False)

    def send_invoice(order_id: int) -> int:
        return order_id

    def send_monthly_invoices() -> str:
        return "all"

    first = app.task(name="send-invoice", shared=False)(send_invoice)
    later = app.task(name="send-invoice", shared=False)(send_monthly_invoices)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app.finalize()
    assert [type(w.message) for w in caught] == [DuplicateTaskNameWarning]
    assert "calls under this name reach the callable registered first" in str(caught[0].message)
    assert later.name == first.name == "send-invoice"
    assert later.run is first.run is app.tasks["send-invoice"].run
    assert later(7) == 7  # calling the later function runs the first one


def _project(*, distinct_names: bool) -> dict[str, str]:
    billing_name, reports_name = (
        ("billing.send-invoice", "reports.send-monthly-invoices")
        if distinct_names
        else ("send-invoice", "send-invoice")
    )
    return {
        "proj/__init__.py": "",
        "proj/celery.py": """
            import os

            from celery import Celery

            app = Celery(
                "proj", broker=os.environ["ORACLE_BROKER_URL"],
                include=["proj.billing", "proj.reports"],
            )
        """,
        "proj/billing.py": f"""
            from pathlib import Path

            from proj.celery import app


            @app.task(name={billing_name!r})
            def send_invoice(order_id):
                Path("ran-send_invoice").write_text(str(order_id))
        """,
        "proj/reports.py": f"""
            from pathlib import Path

            from proj.celery import app


            @app.task(name={reports_name!r})
            def send_monthly_invoices():
                Path("ran-send_monthly_invoices").write_text("all")
        """,
        # Two code paths of the web application, each importing only its own module.
        "checkout.py": """
            from proj.billing import send_invoice

            send_invoice.delay(7)
        """,
        "month_end.py": """
            from proj.reports import send_monthly_invoices

            send_monthly_invoices.delay()
        """,
    }


def _effects(project: OracleProject) -> list[str]:
    return sorted(path.name for path in project.root.glob("ran-*"))


def _send_from_both_code_paths(project: OracleProject) -> None:
    for script in ("checkout.py", "month_end.py"):
        called = project.run(script)
        assert called.returncode == 0, called.stderr


def test_bad_duplicate_name_runs_one_function_for_both_callers_cel204(
    oracle_project: MakeOracleProject,
) -> None:
    """Each caller's `.delay()` passes the argument check against its own function; the
    worker runs the function it registered first for both messages, so the other call
    fails with TypeError and the other function's code never runs."""
    project = oracle_project(_project(distinct_names=False))
    _send_from_both_code_paths(project)
    worker = project.start_worker("proj.celery", wait_ready=False)
    worker.wait_for_log("succeeded in")
    log = worker.wait_for_log("raised unexpected: TypeError")
    assert "DuplicateTaskNameWarning: Task name 'send-invoice'" in log
    kept = EXISTING.search(log)
    assert kept is not None, log
    assert TYPE_ERRORS[kept["function"]] in log
    assert _effects(project) == [f"ran-{kept['function']}"]


def test_good_distinct_names_each_run_cel204(oracle_project: MakeOracleProject) -> None:
    project = oracle_project(_project(distinct_names=True))
    _send_from_both_code_paths(project)
    worker = project.start_worker("proj.celery", wait_ready=False)
    assert wait_until(lambda: len(_effects(project)) == 2), worker.log()
    assert "DuplicateTaskNameWarning" not in worker.log()
    assert _effects(project) == ["ran-send_invoice", "ran-send_monthly_invoices"]
