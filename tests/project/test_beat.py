"""Beat entries are found wherever a project declares them, and feed the task/queue rules."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint import api
from celerylint.api import build_project
from celerylint.project.celery.celery_model import CeleryModel, build_celery_model
from celerylint.project.evaluate import UNKNOWN, StaticCall
from celerylint.settings import Settings

APP = "from celery import Celery\nfrom celery.schedules import crontab\napp = Celery('proj')\n"
DJANGO_CELERY = (
    "import os\nfrom celery import Celery\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n"
    "app = Celery('shop')\napp.config_from_object('django.conf:settings', namespace='CELERY')\n"
)


def model_of(tmp_path: Path, files: dict[str, str]) -> CeleryModel:
    root = write_tree(tmp_path / "p", files)
    return build_celery_model(build_project(Settings(root=root, paths=(root,))))


def entries_of(tmp_path: Path, files: dict[str, str]) -> dict[object, tuple[object, str, int]]:
    """key -> (task, path, line) of every beat entry."""
    model = model_of(tmp_path, files)
    return {e.key: (e.task, e.path, e.span.line) for e in model.beat_entries}


def test_conf_update_keyword_and_dict_forms(tmp_path: Path) -> None:
    found = entries_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": APP + (
            "app.conf.update(beat_schedule={'a': {'task': 't.a', 'schedule': 10}})\n"
            "app.conf.update({'beat_schedule': {'b': {'task': 't.b', 'schedule': 20}}})\n"),
    })
    # Every written entry is checked, even one a later update replaces.
    assert found == {"a": ("t.a", "proj/celery.py", 4), "b": ("t.b", "proj/celery.py", 5)}


def test_attribute_assignment_under_if(tmp_path: Path) -> None:
    found = entries_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": APP + (
            "import os\nif os.getenv('BEAT'):\n"
            "    app.conf.beat_schedule = {'a': {'task': 't.a', 'schedule': crontab(hour=7)}}\n"),
    })
    assert found == {"a": ("t.a", "proj/celery.py", 6)}


def test_old_name_in_celeryconfig_with_if_else_branches(tmp_path: Path) -> None:
    found = entries_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/celeryconfig.py": (
            "import os\nif os.getenv('PROD'):\n"
            "    CELERYBEAT_SCHEDULE = {'prod': {'task': 't.p', 'schedule': 60}}\n"
            "else:\n    CELERYBEAT_SCHEDULE = {'dev': {'task': 't.d', 'schedule': 5}}\n"),
        "proj/celery.py": APP + "app.config_from_object('proj.celeryconfig')\n",
    })
    assert found == {"prod": ("t.p", "proj/celeryconfig.py", 3),
                     "dev": ("t.d", "proj/celeryconfig.py", 5)}


def test_django_settings_with_namespace_items_and_update(tmp_path: Path) -> None:
    found = entries_of(tmp_path, {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
        "shop/__init__.py": "",
        "shop/settings.py": (
            "CELERY_BEAT_SCHEDULE = {'a': {'task': 't.a', 'schedule': 60}}\n"
            "CELERY_BEAT_SCHEDULE['b'] = {'task': 't.b', 'schedule': 60}\n"
            "DEBUG = False\nif not DEBUG:\n"
            "    CELERY_BEAT_SCHEDULE.update({'c': {'task': 't.c', 'schedule': 60}})\n"
            "OTHER = {}\nOTHER['d'] = {'task': 't.d', 'schedule': 60}\n"),
        "shop/celery.py": DJANGO_CELERY,
    })
    assert found == {"a": ("t.a", "shop/settings.py", 1), "b": ("t.b", "shop/settings.py", 2),
                     "c": ("t.c", "shop/settings.py", 5)}


def test_django_split_settings_star_import(tmp_path: Path) -> None:
    found = entries_of(tmp_path, {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings.prod')\n",
        "shop/__init__.py": "",
        "shop/settings/__init__.py": "",
        "shop/settings/base.py": "CELERY_BEAT_SCHEDULE = {'a': {'task': 't.a', 'schedule': 60}}\n",
        "shop/settings/prod.py": (
            "from .base import *\nCELERY_BEAT_SCHEDULE['p'] = {'task': 't.p', 'schedule': 9}\n"),
        "shop/celery.py": DJANGO_CELERY.replace("shop.settings'", "shop.settings.prod'"),
    })
    assert found == {"a": ("t.a", "shop/settings/base.py", 1),
                     "p": ("t.p", "shop/settings/prod.py", 2)}


def test_config_class_attribute_by_object_and_by_string(tmp_path: Path) -> None:
    config = ("class Config:\n"
              "    beat_schedule = {'a': {'task': 't.a', 'schedule': 60}}\n")
    by_object = entries_of(tmp_path / "1", {
        "proj/__init__.py": "", "proj/config.py": config,
        "proj/celery.py": APP + "from proj.config import Config\napp.config_from_object(Config)\n",
    })
    by_string = entries_of(tmp_path / "2", {
        "proj/__init__.py": "", "proj/config.py": config,
        "proj/celery.py": APP + "app.config_from_object('proj.config:Config')\n",
    })
    assert by_object == by_string == {"a": ("t.a", "proj/config.py", 2)}


def test_schedule_dict_imported_from_another_module_keeps_its_file(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/scheduler/__init__.py": "",
        "proj/scheduler/beat.py": (
            "from celery.schedules import crontab\nNIGHTLY = crontab(minute=0, hour=3)\n"
            "SCHEDULE = {\n    'nightly': {'task': 't.n', 'schedule': NIGHTLY},\n}\n"),
        "proj/celery.py": APP + (
            "from proj.scheduler.beat import SCHEDULE\napp.conf.beat_schedule = SCHEDULE\n"),
    })
    (entry,) = model.beat_entries
    assert (entry.key, entry.path, entry.span.line) == ("nightly", "proj/scheduler/beat.py", 4)
    schedule = model.evaluator.evaluate(entry.schedule, entry.module)
    assert isinstance(schedule, StaticCall) and schedule.qualified == "celery.schedules.crontab"


def test_items_added_on_app_conf(tmp_path: Path) -> None:
    found = entries_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": APP + (
            "app.conf.beat_schedule = {}\n"
            "app.conf.beat_schedule['x'] = {'task': 't.x', 'schedule': 60}\n"
            "app.conf.beat_schedule.update({'y': {'task': 't.y', 'schedule': 60}})\n"),
    })
    assert found == {"x": ("t.x", "proj/celery.py", 5), "y": ("t.y", "proj/celery.py", 6)}


def test_add_periodic_task_forms(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": APP + (
            "@app.on_after_finalize.connect\n"
            "def setup(sender, **kwargs):\n"
            "    sender.add_periodic_task(10.0, ping.s('hi'), name='ping-10s')\n"
            "    sender.add_periodic_task(schedule=60, sig=ping.s('kw'), name='kw')\n"
            "    if True:\n"
            "        sender.add_periodic_task(30, ping, args=('x',), name='plain', queue='low')\n"
            "@app.task\ndef ping(word):\n    return word\n"),
    })
    entries = {e.key: e for e in model.beat_entries}
    assert set(entries) == {"ping-10s", "kw", "plain"}
    assert {e.task for e in entries.values()} == {"proj.celery.ping"}
    assert entries["ping-10s"].args == ("hi",)
    assert entries["plain"].args == ("x",) and entries["plain"].options == {"queue": "low"}
    assert all(e.source == "add_periodic_task" for e in entries.values())


def test_entry_with_unpacking_is_marked_incomplete(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": APP + (
            "BASE = {'schedule': 60}\n"
            "app.conf.beat_schedule = {'a': {**BASE, 'task': 't.a'}, 'b': {'task': 't.b'}}\n"),
    })
    completeness = {e.key: e.complete for e in model.beat_entries}
    assert completeness == {"a": False, "b": True}
    assert {e.key: e.schedule for e in model.beat_entries}["a"] is None


def test_computed_key_stays_unknown(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": APP + (
            "import os\nNAME = os.environ['JOB']\n"
            "app.conf.beat_schedule = {NAME: {'task': 't.a', 'schedule': 60}}\n"),
    })
    (entry,) = model.beat_entries
    assert entry.key is UNKNOWN and entry.task == "t.a"


def _codes(tmp_path: Path, files: dict[str, str], codes: tuple[str, ...]) -> list[tuple[str, int]]:
    root = write_tree(tmp_path / "p", files)
    result = api.run(Settings(root=root, paths=(root,), select=codes, use_cache=False))
    assert not result.internal_errors
    return sorted((f.code, f.line) for f in result.findings)


def test_misspelt_beat_task_is_an_unknown_task_name(tmp_path: Path) -> None:
    files = {
        "proj/__init__.py": "",
        "proj/celery.py": APP.replace("Celery('proj')", "Celery('proj', include=['proj.tasks'])") + (
            "app.conf.beat_schedule = {\n"
            "    'cleanup': {'task': 'proj.tasks.clean_up', 'schedule': 60},\n}\n"),
        "proj/tasks.py": "from proj.celery import app\n@app.task\ndef cleanup():\n    pass\n",
    }
    assert _codes(tmp_path, files, ("CEL301",)) == [("CEL301", 5)]


def test_beat_queue_nobody_consumes_is_an_unconsumed_queue(tmp_path: Path) -> None:
    files = {
        "proj/__init__.py": "",
        "proj/celery.py": APP.replace("Celery('proj')", "Celery('proj', include=['proj.tasks'])") + (
            "app.conf.beat_schedule = {\n"
            "    'cleanup': {'task': 'proj.tasks.cleanup', 'schedule': 60,\n"
            "                'options': {'queue': 'maintenance'}},\n}\n"),
        "proj/tasks.py": "from proj.celery import app\n@app.task\ndef cleanup():\n    pass\n",
        "docker-compose.yml": (
            "services:\n  worker:\n    command: celery -A proj.celery worker -Q celery\n"
            "  beat:\n    command: celery -A proj.celery beat\n"),
    }
    root = write_tree(tmp_path / "p", files)
    result = api.run(Settings(root=root, paths=(root,), select=("CEL401",), use_cache=False))
    (finding,) = result.findings
    assert "'maintenance'" in finding.message and "beat entry 'cleanup'" in finding.message
