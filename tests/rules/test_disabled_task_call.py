"""CEL711 on whole projects: which commented-out blocks disable Celery work.

Each pattern that is not Celery work (silent) sits beside the twin that is (reported),
so silence cannot come from a rule that stopped looking.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint import api
from celerylint.findings import Finding
from celerylint.settings import Settings

CODE = "CEL711"
APP = ("from celery import Celery\n\n"
       "app = Celery('proj', broker='redis://redis:6379/0', include=['proj.tasks'])\n")
TASKS = ("from proj.celery import app\n\n\n"
         "@app.task\ndef send_report(order_id):\n    return order_id\n\n\n"
         "@app.task\ndef fetch(url):\n    return url\n")


def findings(root: Path, **settings: object) -> list[Finding]:
    options = {"scope": "project", **settings}
    result = api.run(Settings(root=root, paths=(root,), select=(CODE,), use_cache=False,
                              **options))  # type: ignore[arg-type]
    assert not result.internal_errors
    return [f for f in result.findings if f.code == CODE]


def lines(tmp_path: Path, jobs: str, **extra: str) -> list[int]:
    files = {"proj/__init__.py": "", "proj/celery.py": APP, "proj/tasks.py": TASKS,
             "proj/jobs.py": jobs, **extra}
    return [f.line for f in findings(write_tree(tmp_path / "p", files))]


def test_the_seed_case_a_reason_does_not_excuse_an_import_of_a_missing_module(
    tmp_path: Path,
) -> None:
    jobs = ("# Commented out until the notifications module exists:\n"
            "# from proj.notifications import notify_admins\n"
            "# notify_admins.delay('nightly run finished')\n")
    root = write_tree(tmp_path / "p", {"proj/__init__.py": "", "proj/jobs.py": jobs})
    [finding] = findings(root)
    assert (finding.line, finding.end_line) == (2, 3)
    assert finding.message.startswith(
        "Task 'proj.notifications.notify_admins' is never sent: its dispatch "
        "(`notify_admins.delay('nightly run finished')`) is commented out, together with "
        "the import of 'proj.notifications', a module that does not exist")
    assert "Create 'proj.notifications' and restore the block" in finding.message


def test_a_reason_excuses_a_dispatch_whose_module_exists(tmp_path: Path) -> None:
    jobs = ("from proj.tasks import send_report\n\n\n"
            "def close(order_id):\n"
            "    # TODO(#412): re-enable once the mail provider is back\n"
            "    # send_report.delay(order_id)\n"
            "    return order_id\n\n\n"
            "def reopen(order_id):\n"
            "    # send_report.delay(order_id)\n"
            "    return order_id\n")
    assert lines(tmp_path, jobs) == [11]


@pytest.mark.parametrize("receiver", ["scheduler", "self.mailer", "send_report.retry"])
def test_delay_on_something_that_is_not_a_task_is_not_celery_work(
    tmp_path: Path, receiver: str
) -> None:
    jobs = f"def close(order_id, scheduler):\n    # {receiver}.delay(order_id)\n    return 1\n"
    assert lines(tmp_path, jobs) == []


def test_a_task_whose_import_went_away_with_the_call_is_found_by_its_name(
    tmp_path: Path,
) -> None:
    jobs = "def close(order_id):\n    # send_report.delay(order_id)\n    return 1\n"
    assert lines(tmp_path, jobs) == [2]


def test_a_name_two_tasks_share_is_not_guessed(tmp_path: Path) -> None:
    jobs = "def close(order_id):\n    # send_report.delay(order_id)\n    return 1\n"
    other = ("from proj.celery import app\n\n\n"
             "@app.task\ndef send_report(order_id):\n    return order_id\n")
    assert lines(tmp_path, jobs, **{"proj/other.py": other}) == []


def test_send_task_names_a_task_of_the_project_or_is_left_alone(tmp_path: Path) -> None:
    jobs = ("from proj.celery import app\n\n\n"
            "def close(order_id):\n"
            "    # app.send_task('proj.tasks.send_report', args=[order_id])\n"
            "    return 1\n\n\n"
            "def charge(order_id):\n"
            "    # app.send_task('billing.charge', args=[order_id])\n"
            "    return 1\n")
    assert lines(tmp_path, jobs) == [5]


def test_a_signature_counts_inside_a_canvas_only(tmp_path: Path) -> None:
    jobs = ("from celery import chain, group\n\n"
            "from proj.tasks import fetch, send_report\n\n\n"
            "def crawl(urls):\n"
            "    # group(fetch.s(url) for url in urls).apply_async()\n"
            "    pass\n"
            "    # (fetch.s(urls[0]) | send_report.s()).delay()\n"
            "    pass\n"
            "    # signature = fetch.s(urls[0])\n"
            "    return chain\n")
    assert lines(tmp_path, jobs) == [7, 9]


def test_an_await_of_a_call_is_reported_and_a_bare_await_expression_is_not_code(
    tmp_path: Path,
) -> None:
    jobs = ("async def run(executor, task):\n"
            "    # result = await executor.run(task)\n"
            "    # await it\n"
            "    return task\n")
    assert lines(tmp_path, jobs) == [2]


def test_imports_of_existing_or_third_party_modules_are_not_celery_work(tmp_path: Path) -> None:
    jobs = ("# from proj.tasks import send_report\n"
            "# from celery.task.control import revoke\n"
            "# import requests\n"
            "VALUE = 1\n\n\n"
            "# from proj.gone import helper\n"
            "OTHER = 2\n")
    assert lines(tmp_path, jobs) == [7]


def test_by_default_only_what_a_worker_loads_is_judged_and_the_chain_is_named(
    tmp_path: Path,
) -> None:
    disabled = "# from proj.gone import helper\n# helper.delay()\nVALUE = 1\n"
    files = {"proj/__init__.py": "", "proj/celery.py": APP.replace("'proj.tasks'",
                                                                   "'proj.tasks', 'proj.jobs'"),
             "proj/tasks.py": TASKS, "proj/jobs.py": disabled, "proj/cli.py": disabled,
             "docker-compose.yml": "services:\n  worker:\n    command: celery -A proj.celery "
                                   "worker\n"}
    root = write_tree(tmp_path / "p", files)
    [finding] = findings(root, scope="celery")
    assert finding.path == "proj/jobs.py"
    assert finding.message.endswith(
        "`celery -A proj.celery worker` in docker-compose.yml imports proj.jobs: the worker "
        "runs this module without it.")
    assert sorted(f.path for f in findings(root)) == ["proj/cli.py", "proj/jobs.py"]
