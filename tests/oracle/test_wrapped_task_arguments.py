"""Oracle: a decorator between ``@app.task`` and the function sets the checked signature.

Proves the CEL304 doc's wrapper case with a real worker and Redis: the caller's
``.delay()`` is checked against the wrapper (``def wrapper(day)``), not the function
(``def daily_report(session, day)``). Passing the function's arguments raises TypeError
in the caller; passing the wrapper's runs the task, the wrapper supplying the session.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import MakeOracleProject, wait_until

pytestmark = pytest.mark.oracle

PROJECT = {
    "proj/__init__.py": "",
    "proj/celery.py": """
        import os

        from celery import Celery

        app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"], include=["proj.reports"])
    """,
    "proj/reports.py": """
        from pathlib import Path

        from proj.celery import app


        def with_session(func):
            def wrapper(day):
                return func("session", day)
            return wrapper


        @app.task
        @with_session
        def daily_report(session, day):
            Path("ran-report").write_text(f"{session} {day}")
    """,
    "nightly.py": """
        import json
        import sys

        from proj.reports import daily_report

        args = json.loads(sys.argv[1])
        try:
            daily_report.delay(*args)
        except TypeError as exc:
            print(json.dumps({"error": str(exc)}))
        else:
            print(json.dumps({"error": None}))
    """,
}


def test_wrapper_signature_is_the_one_checked_cel304(oracle_project: MakeOracleProject) -> None:
    project = oracle_project(PROJECT)
    project.start_worker("proj.celery", wait_ready=True)
    bad = project.run("nightly.py", json.dumps(["session", "2024-01-01"]))
    assert bad.returncode == 0, bad.stderr
    assert "takes 1 positional argument but 2 were given" in json.loads(bad.stdout)["error"]
    good = project.run("nightly.py", json.dumps(["2024-01-01"]))
    assert json.loads(good.stdout) == {"error": None}
    report = Path(project.root, "ran-report")
    assert wait_until(report.exists)
    assert report.read_text() == "session 2024-01-01"
