"""unregistered-task claims only what the evidence supports: each false-finding class
seen on the precision benchmark, silent, beside its true twin, still reported."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint import api
from celerylint.settings import Settings


def cel302(tmp_path: Path, files: dict[str, str], verbose: bool = False) -> api.RunResult:
    root = write_tree(tmp_path, files)
    return api.run(Settings(root=root, paths=(root,), use_cache=False, select=("CEL302",),
                            verbose=verbose))


def where(result: api.RunResult) -> list[tuple[str, int]]:
    return sorted((f.path, f.line) for f in result.findings)


# -- the app's configuration object cannot be read -------------------------------------
CONFIGURED_BY_FACTORY = {
    "proj/__init__.py": "",
    "proj/celery_app.py": (
        "from celery import Celery\n\n"
        "celery = Celery(__name__)\n\n\n"
        "def init_celery(flask_app):\n"
        "    celery.config_from_object(flask_app.config, namespace='CELERY')\n"),
    "proj/publish.py": ("from proj.celery_app import celery\n\n\n"
                        "@celery.task\ndef transmit(item_id):\n    return item_id\n"),
    "proj/views.py": "from proj.publish import transmit\n\n\ndef go():\n    transmit.delay(1)\n",
}


def test_settings_from_an_unreadable_object_may_hold_imports(tmp_path: Path) -> None:
    """``config_from_object(flask_app.config)``: the object may set imports/include."""
    assert where(cel302(tmp_path, CONFIGURED_BY_FACTORY)) == []


def test_settings_from_a_readable_object_without_imports_still_report(tmp_path: Path) -> None:
    files = {**CONFIGURED_BY_FACTORY,
             "proj/celeryconfig.py": "broker_url = 'redis://redis:6379/0'\n",
             "proj/celery_app.py": CONFIGURED_BY_FACTORY["proj/celery_app.py"].replace(
                 "flask_app.config", "'proj.celeryconfig'")}
    assert where(cel302(tmp_path, files)) == [("proj/publish.py", 5)]
