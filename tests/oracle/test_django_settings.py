"""Oracle: the settings celerylint composes statically are the ones Django loads.

For each fixture, celerylint (in this process, statically) composes the Django
settings module Celery's Django fixup loads; then Django itself loads the same
module in a subprocess (``django.conf.settings``, with ``DJANGO_SETTINGS_MODULE``
set, the way a worker started with that variable loads it). The two must agree on:

- every ``CELERY_*`` setting Celery reads: the same names, and the same values
  where the value is plain data;
- the beat schedule: the same entry names, each naming the same task;
- where each value comes from: the file and line celerylint cites assign that key
  (or write that entry), and when the fixture assigns a key with several literal
  values, the line cited is one that writes the value Django ends up with.

Layouts: star imports with re-assignment after them, one settings module per
environment picked through compose env files (each module celerylint analyses is
loaded), and django-split-settings ``include`` with globs, ``optional`` and names
shared between included files. django-configurations itself is not loaded (its
importer is not a test dependency); the same class layout (bases, a mixin, a
subclass overriding attributes) given to ``config_from_object`` is checked against
Celery's own loading instead.

Only the fixture is executed, never celerylint.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write_tree
from tests.project.test_settings_modules import TASKS

from celerylint.api import build_project
from celerylint.celery_knowledge.settings import lookup_setting
from celerylint.project.celery.celery_model import CeleryModel, celery_model
from celerylint.project.celery.settings_findings import project_under
from celerylint.project.evaluate import UNKNOWN
from celerylint.settings import Settings

pytestmark = pytest.mark.oracle

pytest.importorskip("django", reason="Django is a test dependency: pip install -e '.[test]'")

DJANGO_DUMP = """
import json

from django.conf import settings

names = sorted(n for n in dir(settings) if n.startswith("CELERY_"))
dumped = {n: json.loads(json.dumps(getattr(settings, n), default=repr)) for n in names}
schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", {})
tasks = {name: entry.get("task") for name, entry in schedule.items()}
print(json.dumps({"settings": dumped, "beat": tasks}))
"""
DEADLINE_S = 60


@dataclass(frozen=True)
class Place:
    path: str
    line: int


@dataclass(frozen=True)
class Composed:
    """What celerylint reads, by the name written in the settings module."""

    settings: dict[str, tuple[Any, Place]]
    beat: dict[str, tuple[str, Place]]


def django_settings(root: Path, module: str) -> dict[str, Any]:
    """``CELERY_*`` settings and beat task names as Django loads ``module``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY", "DJANGO"))}
    env.update({"DJANGO_SETTINGS_MODULE": module, "PYTHONPATH": str(root),
                "PYTHONDONTWRITEBYTECODE": "1"})
    done = subprocess.run([sys.executable, "-c", DJANGO_DUMP], cwd=root, env=env,
                          capture_output=True, text=True, timeout=DEADLINE_S, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def composed(model: CeleryModel) -> Composed:
    settings = model.settings_for(None)
    assert settings is not None
    values: dict[str, tuple[Any, Place]] = {}
    for name, entries in settings.by_name.items():
        entry = entries[-1]
        if entry.key.startswith("CELERY_"):
            values[entry.key] = (settings.value(name), Place(entry.path, entry.span.line))
    beat = {e.key: (e.task, Place(e.path, e.span.line)) for e in model.beat_entries}
    return Composed(values, beat)


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=repr))


def read_by_celery(name: str) -> bool:
    return lookup_setting(name, "CELERY", True).is_read


def assert_same(root: Path, ours: Composed, django: dict[str, Any]) -> None:
    theirs = {k: v for k, v in django["settings"].items() if read_by_celery(k)}
    assert sorted(ours.settings) == sorted(theirs)
    for key, (value, place) in ours.settings.items():
        if value is not UNKNOWN and as_json(value) == value:  # plain data: compare it
            assert value == theirs[key], (key, place)
        assert_writes(root, place, key, theirs[key])
    assert {name: task for name, (task, _) in ours.beat.items()} == django["beat"]
    for name, (_task, place) in ours.beat.items():
        assert f'"{name}"' in line_at(root, place), (name, place)


def line_at(root: Path, place: Place) -> str:
    return (root / place.path).read_text().splitlines()[place.line - 1]


def assert_writes(root: Path, place: Place, key: str, value: Any) -> None:
    """The cited line assigns ``key``; when the fixture writes the key with several
    string literals, the cited one is the value Django ended up with."""
    assert re.match(rf"\s*{key}\s*(\+|\|)?=", line_at(root, place)), (key, place)
    if isinstance(value, str):
        assigned = [line for path in root.rglob("*.py") for line in path.read_text().splitlines()
                    if re.match(rf"\s*{key}\s*=\s*[\"']", line)]
        if len(set(assigned)) > 1:
            assert f'"{value}"' in line_at(root, place), (key, place, value)


def model_of(root: Path) -> CeleryModel:
    return celery_model(build_project(Settings(root=root, paths=(root,), use_cache=False)))


CELERY_APP = """\
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{module}")

app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
"""


def celery_files(module: str) -> dict[str, str]:
    return {"proj/__init__.py": "", "proj/celery.py": CELERY_APP.format(module=module),
            "proj/tasks.py": TASKS}


# -- star imports, one settings module per environment ----------------------------------
STAR_FILES = {
    "proj/settings/__init__.py": "",
    "proj/settings/base.py": """\
        SECRET_KEY = "not-a-secret"
        CELERY_BROKER_URL = "redis://redis:6379/0"
        CELERY_TASK_DEFAULT_QUEUE = "base"
        CELERY_TASK_ACKS_LATE = False
        CELERY_TASK_ROUTES = {"proj.tasks.send_report": {"queue": "reports"}}
        CELERY_BEAT_SCHEDULE = {
            "clear-sessions": {"task": "proj.tasks.clear_sessions", "schedule": 3600.0},
        }
        """,
    "proj/settings/development.py": """\
        CELERY_TASK_ALWAYS_EAGER = False
        from .base import *  # noqa: F403

        CELERY_TASK_ALWAYS_EAGER = True
        """,
    "proj/settings/production.py": """\
        CELERY_TASK_DEFAULT_QUEUE = "overridden-by-the-star-import"
        from .base import *  # noqa: F403

        CELERY_TASK_DEFAULT_QUEUE = "production"
        CELERY_TASK_ACKS_LATE = True
        CELERY_BEAT_SCHEDULE = {
            **CELERY_BEAT_SCHEDULE,
            "nightly-report": {"task": "proj.tasks.send_report", "schedule": 86400.0},
        }
        """,
    "docker-compose.yml": """\
        services:
          worker:
            build: .
            command: celery -A proj worker
          beat:
            build: .
            command: celery -A proj beat
        """,
    "docker-compose.prod.yml": """\
        services:
          worker:
            build: .
            command: celery -A proj worker -Q base,reports
            env_file: .envs/.production/.django
          beat:
            build: .
            command: celery -A proj beat
            env_file: .envs/.production/.django
        """,
    ".envs/.production/.django": "DJANGO_SETTINGS_MODULE=proj.settings.production\n",
}


def test_each_settings_module_celerylint_analyses_is_what_django_loads(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "star", {**celery_files("proj.settings.development"),
                                          **STAR_FILES})
    project = build_project(Settings(root=root, paths=(root,), use_cache=False))
    variants = celery_model(project).settings_variants
    assert [v.module for v in variants] == ["proj.settings.development",
                                            "proj.settings.production"]
    for variant in variants:
        ours = composed(celery_model(project_under(project, variant)))
        assert_same(root, ours, django_settings(root, variant.module))


def test_star_import_then_reassignment_wins_as_in_django(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "star", {**celery_files("proj.settings.production"),
                                          **STAR_FILES})
    ours = composed(model_of(root))
    assert_same(root, ours, django_settings(root, "proj.settings.production"))
    assert ours.settings["CELERY_TASK_DEFAULT_QUEUE"] == (
        "production", Place("proj/settings/production.py", 4))


# -- django-split-settings ----------------------------------------------------------------
SPLIT_FILES = {
    "proj/settings/__init__.py": """\
        from split_settings.tools import include, optional

        include(
            "components/base.py",
            "components/*.py",
            optional("environments/local.py"),
        )
        """,
    "proj/settings/components/__init__.py": "",
    "proj/settings/components/base.py": """\
        SECRET_KEY = "not-a-secret"
        CELERY_BROKER_URL = "redis://redis:6379/0"
        CELERY_TASK_DEFAULT_QUEUE = "base"
        """,
    "proj/settings/components/celery.py": """\
        CELERY_RESULT_BACKEND = CELERY_BROKER_URL  # noqa: F821 (split-settings shares names)
        CELERY_TASK_DEFAULT_QUEUE = "components"
        CELERY_BEAT_SCHEDULE = {
            "clear-sessions": {"task": "proj.tasks.clear_sessions", "schedule": 3600.0},
        }
        """,
}
LOCAL = """\
CELERY_TASK_DEFAULT_QUEUE = "local"
CELERY_BEAT_SCHEDULE = {
    "send-report": {"task": "proj.tasks.send_report", "schedule": 60.0},
}
"""


@pytest.mark.parametrize("local", [False, True], ids=["without-local", "with-local"])
def test_split_settings_includes_compose_as_in_django(tmp_path: Path, local: bool) -> None:
    pytest.importorskip("split_settings", reason="pip install -e '.[test]'")
    files: dict[str, str] = {**celery_files("proj.settings"), **SPLIT_FILES}
    if local:
        files["proj/settings/environments/local.py"] = LOCAL
    root = write_tree(tmp_path / "split", files)
    ours = composed(model_of(root))
    assert_same(root, ours, django_settings(root, "proj.settings"))
    expected_queue = "local" if local else "components"
    assert ours.settings["CELERY_TASK_DEFAULT_QUEUE"][0] == expected_queue


def test_oracle_catches_a_composition_that_differs(tmp_path: Path) -> None:
    """The comparison is not vacuous: a value Django does not load is refused."""
    root = write_tree(tmp_path / "star", {**celery_files("proj.settings.production"),
                                          **STAR_FILES})
    ours = composed(model_of(root))
    wrong = Composed({**ours.settings, "CELERY_TASK_DEFAULT_QUEUE": (
        "base", Place("proj/settings/base.py", 3))}, ours.beat)
    with pytest.raises(AssertionError):
        assert_same(root, wrong, django_settings(root, "proj.settings.production"))


# -- settings classes (the django-configurations shape), as Celery loads them --------------
CELERY_DUMP = """
import json
import sys

from celery import Celery

app = Celery("proj", set_as_current=False)
app.config_from_object(sys.argv[1])
names = json.loads(sys.argv[2])
dumped = {n: json.loads(json.dumps(app.conf[n], default=repr)) for n in names}
schedule = app.conf.beat_schedule or {}
print(json.dumps({"settings": dumped, "beat": {k: e.get("task") for k, e in schedule.items()}}))
"""
CLASSES = """\
class Common:
    broker_url = "redis://redis:6379/0"
    task_default_queue = "common"
    task_acks_late = False
    beat_schedule = {
        "clear-sessions": {"task": "proj.tasks.clear_sessions", "schedule": 3600.0},
    }


class QueueMixin:
    task_default_queue = "mixin"


class Staging(QueueMixin, Common):
    task_acks_late = True


class Prod(Staging):
    beat_schedule = {
        "nightly-report": {"task": "proj.tasks.send_report", "schedule": 86400.0},
    }
"""
CLASS_APP = """\
from celery import Celery

app = Celery("proj")
app.config_from_object("proj.settings:{name}")
"""


def celery_settings(root: Path, target: str, names: list[str]) -> dict[str, Any]:
    """Settings and beat task names as Celery loads the settings class ``target``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY", "DJANGO"))}
    env.update({"PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"})
    done = subprocess.run([sys.executable, "-c", CELERY_DUMP, target, json.dumps(names)],
                          cwd=root, env=env, capture_output=True, text=True,
                          timeout=DEADLINE_S, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ["Common", "Staging", "Prod"])
def test_settings_class_attributes_compose_as_celery_loads_them(tmp_path: Path,
                                                                name: str) -> None:
    """Bases first, the leftmost mixin over later bases, the class's own attributes
    last: celerylint's values and the lines it cites are what Celery reads."""
    root = write_tree(tmp_path / "classes", {
        "proj/__init__.py": "", "proj/tasks.py": TASKS, "proj/settings.py": CLASSES,
        "proj/celery.py": CLASS_APP.format(name=name)})
    model = model_of(root)
    settings = model.settings_for(None)
    assert settings is not None
    ours = {n: (settings.value(n), settings.by_name[n][-1]) for n in settings.by_name}
    theirs = celery_settings(root, f"proj.settings:{name}", sorted(ours))
    assert sorted(ours) == ["beat_schedule", "broker_url", "task_acks_late",
                            "task_default_queue"]
    for setting, (value, entry) in ours.items():
        if value is not UNKNOWN and as_json(value) == value:
            assert value == theirs["settings"][setting], setting
        assert_writes(root, Place(entry.path, entry.span.line), entry.key,
                      theirs["settings"][setting])
    beat = {e.key: e.task for e in model.beat_entries}
    assert beat == theirs["beat"]
