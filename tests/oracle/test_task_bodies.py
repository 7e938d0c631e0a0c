"""Oracle: what the worker does with an `async def` task and with `result.get()` in a task.

Proves the runtime claims of `async-task` (CEL201) and `result-get-in-task` (CEL303).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from .conftest import MakeOracleProject, OracleProject

pytestmark = pytest.mark.oracle

NEVER_AWAITED = "RuntimeWarning: coroutine 'refresh_prices' was never awaited"
NEVER_GET = "Never call result.get() within a task!"


def _celery_py(*, result_backend: bool) -> str:
    backend = ', backend=os.environ["ORACLE_BROKER_URL"]' if result_backend else ""
    return f"""
        import os

        from celery import Celery

        app = Celery("proj", broker=os.environ["ORACLE_BROKER_URL"]{backend}, include=["proj.tasks"])
    """


# Prints what the result backend recorded, for the test to read.
REPORT_RESULT = textwrap.dedent("""
    import json

    result = {call}
    value = result.get(timeout=15, propagate=False)
    print(json.dumps({{"state": result.state, "value": repr(value)}}))
""")


def _recorded(project: OracleProject) -> dict[str, str]:
    sent = project.run("send.py")
    assert sent.returncode == 0, sent.stderr
    return dict(json.loads(sent.stdout.strip().splitlines()[-1]))


def _async_project(*, result_backend: bool) -> dict[str, str]:
    return {
        "proj/__init__.py": "",
        "proj/celery.py": _celery_py(result_backend=result_backend),
        "proj/tasks.py": """
            from pathlib import Path

            from proj.celery import app


            @app.task
            async def refresh_prices(product_id):
                Path("ran-refresh_prices").write_text(str(product_id))
        """,
        "send.py": "from proj.tasks import refresh_prices\n"
        + (
            REPORT_RESULT.format(call="refresh_prices.delay(42)")
            if result_backend
            else "refresh_prices.delay(42)\n"
        ),
    }


def test_bad_async_task_body_never_runs_yet_worker_logs_success_cel201(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(_async_project(result_backend=False))
    worker = project.start_worker("proj.celery", wait_ready=False)
    assert project.run("send.py").returncode == 0
    log = worker.wait_for_log(NEVER_AWAITED)
    assert "Task proj.tasks.refresh_prices[" in log
    assert "succeeded in" in log and "<coroutine object refresh_prices" in log
    assert not Path(project.root, "ran-refresh_prices").exists()


def test_bad_async_task_with_json_result_backend_is_recorded_as_failure_cel201(
    oracle_project: MakeOracleProject,
) -> None:
    """With a result backend the coroutine object cannot be stored as JSON: the state is
    FAILURE (EncodeError), not SUCCESS. The body still never runs."""
    project = oracle_project(_async_project(result_backend=True))
    project.start_worker("proj.celery", wait_ready=False)
    recorded = _recorded(project)
    assert recorded["state"] == "FAILURE"
    assert "Object of type coroutine is not JSON serializable" in recorded["value"]
    assert not Path(project.root, "ran-refresh_prices").exists()


def test_good_sync_task_running_its_coroutine_does_the_work_cel201(
    oracle_project: MakeOracleProject,
) -> None:
    files = _async_project(result_backend=False)
    files["proj/tasks.py"] = """
        import asyncio
        from pathlib import Path

        from proj.celery import app


        async def _refresh(product_id):
            Path("ran-refresh_prices").write_text(str(product_id))


        @app.task
        def refresh_prices(product_id):
            asyncio.run(_refresh(product_id))
    """
    project = oracle_project(files)
    worker = project.start_worker("proj.celery", wait_ready=False)
    assert project.run("send.py").returncode == 0
    log = worker.wait_for_log("succeeded in")
    assert "never awaited" not in log
    assert Path(project.root, "ran-refresh_prices").read_text() == "42"


def _result_get_project(publish_body: str, call: str) -> dict[str, str]:
    return {
        "proj/__init__.py": "",
        "proj/celery.py": _celery_py(result_backend=True),
        "proj/tasks.py": f"""
            from celery import chain

            from proj.celery import app


            @app.task
            def resize(image_id):
                return image_id * 10


            @app.task
            def announce(size):
                settings = {{"size": size}}
                return settings.get("size")


            @app.task
            def publish(image_id):
                {publish_body}
        """,
        "send.py": "from celery import chain\n\nfrom proj.tasks import announce, publish, resize\n"
        + REPORT_RESULT.format(call=call),
    }


def test_bad_result_get_inside_task_raises_runtime_error_cel303(
    oracle_project: MakeOracleProject,
) -> None:
    files = _result_get_project("return resize.delay(image_id).get(timeout=30)", "publish.delay(4)")
    project = oracle_project(files)
    worker = project.start_worker("proj.celery", wait_ready=False)
    recorded = _recorded(project)
    assert recorded["state"] == "FAILURE"
    assert recorded["value"].startswith("RuntimeError(") and NEVER_GET in recorded["value"]
    assert f"raised unexpected: RuntimeError('{NEVER_GET}" in worker.log()


def test_bad_result_get_with_sync_subtasks_allowed_deadlocks_a_busy_pool_cel303(
    oracle_project: MakeOracleProject,
) -> None:
    """disable_sync_subtasks=False: the waiting task holds the only slot (-P solo), so the
    subtask cannot start until the wait gives up."""
    body = "return resize.delay(image_id).get(timeout=3, disable_sync_subtasks=False)"
    project = oracle_project(_result_get_project(body, "publish.delay(4)"))
    project.start_worker("proj.celery", wait_ready=False)
    recorded = _recorded(project)
    assert recorded["state"] == "FAILURE"
    assert recorded["value"].startswith("TimeoutError(")


def test_good_chain_instead_of_result_get_cel303(oracle_project: MakeOracleProject) -> None:
    call = "chain(resize.s(4), announce.s()).apply_async()"
    project = oracle_project(_result_get_project("return image_id", call))
    worker = project.start_worker("proj.celery", wait_ready=False)
    assert _recorded(project) == {"state": "SUCCESS", "value": "40"}
    assert "RuntimeError" not in worker.log()
