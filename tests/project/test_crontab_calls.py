"""Every crontab a project builds is judged once: at its beat entry, or at the call."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint.api import build_project
from celerylint.project.celery.crontab_calls import crontab_calls
from celerylint.settings import Settings

APP = ("from celery import Celery\nfrom celery.schedules import crontab as cron\n\n"
       "app = Celery('proj', broker='redis://redis:6379/0')\n")


def calls_in(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, bool]]:
    root = write_tree(tmp_path / "p", {"proj/__init__.py": "", **files})
    project = build_project(Settings(root=root, paths=(root,)))
    return [(c.path, c.call.span.line, c.in_test) for c in crontab_calls(project)]


def test_a_beat_entrys_crontab_is_left_to_the_beat_rules(tmp_path: Path) -> None:
    found = calls_in(tmp_path, {"proj/celery.py": APP + (
        "app.conf.beat_schedule = {'a': {'task': 't', 'schedule': cron(hour=7)}}\n"
        "LATER = cron(hour=8)\n")})
    assert found == [("proj/celery.py", 6, False)]


def test_aliases_module_imports_and_function_level_imports(tmp_path: Path) -> None:
    found = calls_in(tmp_path, {
        "proj/celery.py": APP + (
            "@app.on_after_configure.connect\ndef setup(sender, **kw):\n"
            "    from celery.schedules import crontab\n"
            "    sender.add_periodic_task(crontab(hour=3), ping.s())\n"),
        "proj/periodic.py": ("import celery.schedules\n\n"
                             "X = celery.schedules.crontab.from_string('* 7 * * *')\n"),
        "proj/own.py": "def crontab(hour):\n    return hour\n\nY = crontab(hour=7)\n"})
    assert found == [("proj/celery.py", 8, False), ("proj/periodic.py", 3, False)]


def test_test_functions_are_marked(tmp_path: Path) -> None:
    found = calls_in(tmp_path, {"proj/tests/__init__.py": "", "proj/tests/test_s.py": (
        "from celery.schedules import crontab\n\ndef test_x():\n    crontab(minute=99)\n")})
    assert found == [("proj/tests/test_s.py", 4, True)]
