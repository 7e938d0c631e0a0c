"""Registration as Celery does it: shared tasks, second app instances, factories."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint import api
from celerylint.settings import Settings

WORKER_APP = {
    "proj/__init__.py": "",
    "proj/celery.py": ("from celery import Celery\n"
                       "app = Celery('proj', broker='redis://redis:6379/0',\n"
                       "             include=['proj.tasks'])\n"),
    "docker-compose.yml": ("services:\n  worker:\n    image: proj\n"
                           "    command: celery -A proj.celery worker -l info\n"),
}
SECOND_APP_TASKS = """\
from celery import Celery

app = Celery("tasks")


@app.task{options}
def sync(item_id):
    return item_id
"""
CALLER = {"proj/views.py": "from proj.tasks import sync\n\n\ndef view():\n    sync.delay(1)\n"}


def run(tmp_path: Path, files: dict[str, str], *codes: str) -> api.RunResult:
    root = write_tree(tmp_path / "p", files)
    return api.run(Settings(root=root, paths=(root,), use_cache=False,
                            select=codes or ("CEL302",)))


def codes_at(result: api.RunResult) -> list[tuple[str, str, int]]:
    return sorted((f.code, f.path, f.line) for f in result.findings)


def test_tasks_on_a_second_app_register_on_the_workers_app(tmp_path: Path) -> None:
    files = {**WORKER_APP, **CALLER, "proj/tasks.py": SECOND_APP_TASKS.format(options="")}
    assert codes_at(run(tmp_path, files)) == []


def test_the_shared_false_twin_is_reported(tmp_path: Path) -> None:
    files = {**WORKER_APP, **CALLER,
             "proj/tasks.py": SECOND_APP_TASKS.format(options="(shared=False)")}
    result = run(tmp_path, files)
    assert codes_at(result) == [("CEL302", "proj/tasks.py", 7)]
    assert "shared=False" in result.findings[0].message


FACTORY = {
    "proj/__init__.py": "",
    "proj/factory.py": ("from flask import Flask\nfrom flask_celery_ext import make_celery\n"
                        "flask_app = Flask(__name__)\ncelery = make_celery(flask_app)\n"),
    "proj/tasks.py": ("from celery import shared_task\n\n\n@shared_task\n"
                      "def sync(item_id):\n    return item_id\n"),
    **CALLER,
    "Procfile": "worker: celery -A proj.factory worker -l info\n",
}


def test_an_app_from_an_unfollowed_factory_silences_the_rule_with_a_note(
        tmp_path: Path) -> None:
    result = run(tmp_path, FACTORY)
    assert codes_at(result) == []
    assert any("make_celery()" in note and "cannot follow" in note for note in result.notes)


def test_a_project_factory_is_followed(tmp_path: Path) -> None:
    files = {**FACTORY, "proj/factory.py": (
        "from celery import Celery\n\n\n"
        "def make_celery(flask_app):\n"
        "    celery = Celery(flask_app.import_name, include=['proj.jobs'])\n"
        "    return celery\n\n\n"
        "celery = make_celery(object())\n")}
    result = run(tmp_path, files)
    assert codes_at(result) == [("CEL302", "proj/tasks.py", 5)]
    assert not any("cannot follow" in note for note in result.notes)


PER_WORKER_APPS = {
    "proj/__init__.py": "",
    "proj/emails_app.py": ("from celery import Celery\n"
                           "app = Celery('emails', broker='redis://redis:6379/0',\n"
                           "             include=['proj.emails'])\n"),
    "proj/reports_app.py": ("from celery import Celery\n"
                            "app = Celery('reports', broker='redis://redis:6379/0',\n"
                            "             include=['proj.reports'])\n"),
    "proj/emails.py": ("from proj.emails_app import app\n\n\n@app.task\n"
                       "def welcome(user_id):\n    return user_id\n"),
    "proj/reports.py": ("from proj.reports_app import app\n\n\n@app.task(queue='reports')\n"
                        "def build(report_id):\n    return report_id\n"),
    "docker-compose.yml": (
        "services:\n  emails-worker:\n    image: proj\n"
        "    command: celery -A proj.emails_app worker -Q celery\n"
        "  reports-worker:\n    image: proj\n"
        "    command: celery -A proj.reports_app worker -Q reports\n"),
}


def test_send_task_by_name_lands_on_the_default_queue_not_the_decorators(
        tmp_path: Path) -> None:
    files = {**PER_WORKER_APPS, "proj/views.py": (
        "from proj.emails_app import app\n\n\ndef view():\n"
        "    app.send_task('proj.reports.build', args=(1,))\n")}
    result = run(tmp_path, files, "CEL308")
    assert codes_at(result) == [("CEL308", "proj/views.py", 5)]
    assert "'celery'" in result.findings[0].message
    assert "emails-worker" in result.findings[0].message


def test_send_task_with_the_queue_reaches_the_workers_that_have_it(tmp_path: Path) -> None:
    files = {**PER_WORKER_APPS, "proj/views.py": (
        "from proj.emails_app import app\n\n\ndef view():\n"
        "    app.send_task('proj.reports.build', args=(1,), queue='reports')\n")}
    assert codes_at(run(tmp_path, files, "CEL308")) == []


def test_a_beat_entry_naming_a_plain_function_is_unregistered(tmp_path: Path) -> None:
    files = {
        "proj/__init__.py": "",
        "proj/celery.py": ("from celery import Celery\n"
                           "app = Celery('proj', broker='redis://r:6379/0', include=['proj.jobs'])\n"
                           "app.conf.beat_schedule = {\n"
                           "    'plain': {'task': 'proj.jobs.not_a_task', 'schedule': 60.0},\n"
                           "    'real': {'task': 'proj.jobs.real', 'schedule': 60.0},\n"
                           "}\n"),
        "proj/jobs.py": ("from proj.celery import app\n\n\ndef not_a_task():\n    return 1\n\n\n"
                         "@app.task\ndef real():\n    return 2\n"),
        "Procfile": "worker: celery -A proj.celery worker\nbeat: celery -A proj.celery beat\n",
    }
    result = run(tmp_path, files, "CEL301", "CEL302")
    assert codes_at(result) == [("CEL301", "proj/celery.py", 4)]
    assert "plain function without a task decorator" in result.findings[0].message


def test_create_app_returning_a_celery_built_inside_is_followed(tmp_path: Path) -> None:
    files = {
        "proj/__init__.py": "",
        "proj/factory.py": ("from celery import Celery\nfrom flask import Flask\n\n\n"
                            "def create_app():\n    flask_app = Flask(__name__)\n"
                            "    celery = Celery(flask_app.import_name, include=['proj.jobs'])\n"
                            "    celery.conf.update(flask_app.config)\n    return celery\n\n\n"
                            "app = create_app()\n"),
        "proj/jobs.py": "from celery import shared_task\n\n\n@shared_task\ndef real():\n    return 2\n",
        "proj/other.py": ("from celery import shared_task\n\n\n@shared_task\n"
                          "def orphan():\n    return 2\n"),
        "proj/views.py": ("from proj.jobs import real\nfrom proj.other import orphan\n\n\n"
                          "def view():\n    real.delay()\n    orphan.delay()\n"),
        "Procfile": "worker: celery -A proj.factory worker\n",
    }
    assert codes_at(run(tmp_path, files)) == [("CEL302", "proj/other.py", 5)]


def test_signatures_in_a_migration_canvas_count_as_uses(tmp_path: Path) -> None:
    files = {
        "proj/__init__.py": "", "proj/migrations/__init__.py": "",
        "proj/celery.py": ("from celery import Celery\n"
                           "app = Celery('proj', broker='redis://r:6379/0', include=['proj.jobs'])\n"),
        "proj/jobs.py": "from proj.celery import app\n\n\n@app.task\ndef a():\n    return 1\n",
        "proj/more.py": ("from proj.celery import app\n\n\n@app.task\ndef b():\n    return 1\n\n\n"
                         "@app.task\ndef c():\n    return 1\n"),
        "proj/migrations/0002_go.py": ("from celery import chain, group\n"
                                       "from proj.more import b, c\n\n\n"
                                       "def run(apps, schema_editor):\n"
                                       "    chain(group(b.s()), c.si()).apply_async()\n"),
        "Procfile": "worker: celery -A proj.celery worker\n",
    }
    result = run(tmp_path, files)
    assert codes_at(result) == [("CEL302", "proj/more.py", 5), ("CEL302", "proj/more.py", 10)]
    assert all("proj/migrations/0002_go.py:6" in f.message for f in result.findings)
    files["proj/celery.py"] = files["proj/celery.py"].replace("['proj.jobs']",
                                                              "['proj.jobs', 'proj.more']")
    assert codes_at(run(tmp_path / "fixed", files)) == []


def test_same_task_name_on_two_per_worker_apps_is_no_duplicate(tmp_path: Path) -> None:
    files = {**PER_WORKER_APPS,
             "proj/emails.py": ("from proj.emails_app import app\n\n\n@app.task(name='cleanup')\n"
                                "def cleanup():\n    return 1\n"),
             "proj/reports.py": ("from proj.reports_app import app\n\n\n@app.task(name='cleanup')\n"
                                 "def cleanup():\n    return 2\n")}
    assert codes_at(run(tmp_path, files, "CEL204")) == []
    files["proj/reports.py"] = files["proj/reports.py"].replace("reports_app", "emails_app")
    assert codes_at(run(tmp_path / "same_app", files, "CEL204")) != []


def test_a_task_routes_entry_is_reported_at_the_route(tmp_path: Path) -> None:
    files = {**PER_WORKER_APPS,
             "proj/reports.py": ("from proj.reports_app import app\n\n\n@app.task\n"
                                 "def build(report_id):\n    return report_id\n"),
             "proj/emails_app.py": PER_WORKER_APPS["proj/emails_app.py"]
             + "app.conf.task_routes = {'proj.reports.build': {'queue': 'celery'}}\n",
             "proj/reports_app.py": PER_WORKER_APPS["proj/reports_app.py"]
             + "app.conf.task_routes = {'proj.reports.build': {'queue': 'celery'}}\n",
             "proj/views.py": "from proj.reports import build\n\n\ndef view():\n    build.delay(1)\n"}
    files["docker-compose.yml"] = files["docker-compose.yml"].replace("-Q reports", "-Q celery")
    result = run(tmp_path, files, "CEL308")
    assert {(f.code, f.path) for f in result.findings} == {("CEL308", "proj/reports_app.py")}
    assert "task_routes" in result.findings[0].message


def test_a_task_whose_app_runs_in_no_worker_found_is_judged_by_its_app(
        tmp_path: Path) -> None:
    """Its workers are deployed where celerylint does not look: no new finding."""
    files = {**PER_WORKER_APPS, "proj/views.py": (
        "from proj.reports import build\n\n\ndef view():\n    build.delay(1)\n")}
    files["docker-compose.yml"] = ("services:\n  emails-worker:\n    image: proj\n"
                                   "    command: celery -A proj.emails_app worker -Q celery\n")
    assert codes_at(run(tmp_path, files)) == []
    files["proj/reports_app.py"] = files["proj/reports_app.py"].replace(
        "include=['proj.reports']", "include=[]")
    assert codes_at(run(tmp_path / "twin", files)) == [("CEL302", "proj/reports.py", 5)]
