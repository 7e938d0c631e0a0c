"""A worker whose start-up imports modules by computed name has an unknown closure:
CEL302 stays silent for it, and still reports when the dynamic import is not run."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint import api
from celerylint.settings import load_settings

FACTORY = """\
import importlib

from celery import Celery

INSTALLED = ["proj.reports"]


def load_apps():
    for name in INSTALLED:
        importlib.import_module(name)


def get_app():
    app = Celery("proj", broker="redis://redis:6379/0")
    load_apps()
    return app
"""
LAZY = FACTORY.replace("    load_apps()\n", "")


def _cel302(tmp_path: Path, factory: str) -> list[str]:
    root = write_tree(tmp_path / "p", {
        "proj/__init__.py": "",
        "proj/factory.py": factory,
        "proj/worker.py": "from proj.factory import get_app\n\napp = get_app()\n",
        "proj/reports.py": ("from celery import shared_task\n\n\n@shared_task\n"
                            "def build():\n    return 1\n"),
        "proj/views.py": "from proj.reports import build\n\n\ndef go():\n    build.delay()\n",
        "Procfile": "worker: celery -A proj.worker worker\n",
    })
    result = api.run(load_settings([root], None, {"use_cache": False}))
    return [f.message for f in result.findings if f.code == "CEL302"]


def test_a_factory_importing_apps_by_name_at_start_makes_cel302_silent(tmp_path: Path) -> None:
    assert _cel302(tmp_path, FACTORY) == []


def test_the_same_import_never_run_at_start_leaves_cel302_reporting(tmp_path: Path) -> None:
    assert len(_cel302(tmp_path, LAZY)) == 1
