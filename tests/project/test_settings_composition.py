"""Settings composed across files, as public Django + Celery projects write them.

Each layout has a project with a real mistake reached only through the
composition (reported in the file and line where it is written) and its fixed
twin (silent).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint import api
from celerylint.api import build_project
from celerylint.project.celery.celery_model import build_celery_model
from celerylint.settings import Settings

CELERY_MODULE = (
    "import os\n"
    "from celery import Celery\n"
    "{setdefault}"
    "app = Celery('server')\n"
    "app.config_from_object('django.conf:settings', namespace='CELERY')\n"
    "app.autodiscover_tasks()\n"
)
TASKS = "from celery import shared_task\n\n\n@shared_task\ndef send_report():\n    return 1\n"
APPS = "from django.apps import AppConfig\n\n\nclass OrdersConfig(AppConfig):\n    name = 'orders'\n"
BEAT = (
    "from celery.schedules import crontab\n"
    "\n"
    "CELERY_BEAT_SCHEDULE = {{\n"
    "    'nightly-report': {{\n"
    "        'task': '{task}',\n"
    "        'schedule': crontab(hour=3, minute=0),\n"
    "    }},\n"
    "}}\n"
)
MISSING, PRESENT = "orders.tasks.send_reprot", "orders.tasks.send_report"


def django_project(settings_files: dict[str, str], settings_module: str = "server.settings",
                   celery_env: str | None = None, extra: dict[str, str] | None = None
                   ) -> dict[str, str]:
    setdefault = celery_env if celery_env is not None else \
        f"os.environ.setdefault('DJANGO_SETTINGS_MODULE', '{settings_module}')\n"
    return {
        "server/__init__.py": "",
        "server/celery.py": CELERY_MODULE.format(setdefault=setdefault),
        "orders/__init__.py": "",
        "orders/apps.py": APPS,
        "orders/tasks.py": TASKS,
        **settings_files,
        **(extra or {}),
    }


def run(tmp_path: Path, files: dict[str, str], *codes: str) -> api.RunResult:
    root = write_tree(tmp_path / "p", files)
    result = api.run(Settings(root=root, paths=(root,), select=codes, use_cache=False))
    assert not result.internal_errors, result.internal_errors
    return result


def places(result: api.RunResult) -> list[tuple[str, str, int]]:
    return sorted((f.code, f.path, f.line) for f in result.findings)


def model_of(tmp_path: Path, files: dict[str, str]):
    root = write_tree(tmp_path / "p", files)
    return build_celery_model(build_project(Settings(root=root, paths=(root,))))


# -- django-split-settings ------------------------------------------------------------------
SPLIT_INIT = (
    "from os import environ\n"
    "\n"
    "from split_settings.tools import include, optional\n"
    "\n"
    "_ENV = environ.setdefault('DJANGO_ENV', 'development')\n"
    "\n"
    "_base_settings = (\n"
    "    'components/common.py',\n"
    "    'components/*.py',\n"
    "    'environments/{0}.py'.format(_ENV),\n"
    "    optional('environments/local.py'),\n"
    ")\n"
    "\n"
    "include(*_base_settings)\n"
)


def split_project(task: str, local: str | None = None) -> dict[str, str]:
    files = {
        "server/settings/__init__.py": SPLIT_INIT,
        "server/settings/components/__init__.py": "",
        "server/settings/components/common.py":
            "INSTALLED_APPS = ['django.contrib.auth', 'orders.apps.OrdersConfig']\n"
            "CELERY_TASK_DEFAULT_QUEUE = 'common'\n",
        "server/settings/components/celery.py": BEAT.format(task=task),
        "server/settings/environments/development.py": "DEBUG = True\n",
    }
    if local is not None:
        files["server/settings/environments/local.py"] = local
    return django_project(files)


def test_split_settings_beat_entry_in_a_component_naming_a_missing_task(tmp_path: Path) -> None:
    result = run(tmp_path, split_project(MISSING), "CEL301")
    assert places(result) == [("CEL301", "server/settings/components/celery.py", 5)]
    assert any("server/settings/__init__.py:14" in note and "run time" in note
               for note in result.notes)


def test_split_settings_fixed_twin_is_silent(tmp_path: Path) -> None:
    assert places(run(tmp_path, split_project(PRESENT), "CEL301")) == []


def test_split_settings_later_files_override_and_optional_files_count(tmp_path: Path) -> None:
    local = "CELERY_TASK_DEFAULT_QUEUE = 'local'\n" + BEAT.format(task=PRESENT)
    model = model_of(tmp_path, split_project(MISSING, local=local))
    settings = model.settings["server.celery:app"]
    assert settings.value("task_default_queue") == "local"
    entry = settings.entry("beat_schedule")
    assert entry is not None and entry.path == "server/settings/environments/local.py"
    # The components are included once although 'components/*.py' matches common.py again.
    queues = [e.path for e in settings.by_name["task_default_queue"]]
    assert queues == ["server/settings/components/common.py",
                      "server/settings/environments/local.py"]
    assert model.django_apps == ("django.contrib.auth", "orders")


def test_an_included_file_reads_names_of_the_files_included_before_it(tmp_path: Path) -> None:
    files = split_project(PRESENT)
    files["server/settings/components/common.py"] += "TIME_ZONE = 'Europe/Berlin'\n"
    files["server/settings/components/celery.py"] += "CELERY_TIMEZONE = TIME_ZONE\n"
    settings = model_of(tmp_path, files).settings["server.celery:app"]
    assert settings.value("timezone") == "Europe/Berlin"
    assert settings.entry("timezone").path == "server/settings/components/celery.py"


def test_split_settings_fixed_by_an_optional_local_file(tmp_path: Path) -> None:
    local = BEAT.format(task=PRESENT)
    assert places(run(tmp_path, split_project(MISSING, local=local), "CEL301")) == []


# -- star imports ---------------------------------------------------------------------------
def star_project(prod: str) -> dict[str, str]:
    return django_project({
        "server/settings/__init__.py": "",
        "server/settings/base.py":
            "INSTALLED_APPS = ['orders.apps.OrdersConfig']\n" + BEAT.format(task=MISSING),
        "server/settings/components/__init__.py": "",
        "server/settings/components/celery.py": "CELERY_TASK_ACK_LATE = True\n",
        "server/settings/prod.py": prod,
    }, settings_module="server.settings.prod")


def test_star_import_then_reassignment_overrides_the_base(tmp_path: Path) -> None:
    prod = "from .base import *\n\n" + BEAT.format(task=PRESENT)
    assert places(run(tmp_path, star_project(prod), "CEL301")) == []


EXTENDED = (
    "from .base import *\n"
    "\n"
    "CELERY_BEAT_SCHEDULE = {\n"
    "    **CELERY_BEAT_SCHEDULE,\n"
    "    'hourly-report': {'task': 'orders.tasks.send_report', 'schedule': 3600.0},\n"
    "}\n"
)


def test_a_schedule_that_unpacks_the_base_one_keeps_its_entries(tmp_path: Path) -> None:
    """``{**CELERY_BEAT_SCHEDULE, ...}`` extends the base schedule: its typo reaches beat."""
    assert places(run(tmp_path, star_project(EXTENDED), "CEL301")) == [
        ("CEL301", "server/settings/base.py", 6)]


def test_a_schedule_that_unpacks_another_dict_still_replaces_the_base(tmp_path: Path) -> None:
    prod = EXTENDED.replace("**CELERY_BEAT_SCHEDULE", "**EXTRA_SCHEDULE")
    prod = prod.replace("CELERY_BEAT_SCHEDULE = {", "EXTRA_SCHEDULE = {}\nCELERY_BEAT_SCHEDULE = {")
    assert places(run(tmp_path, star_project(prod), "CEL301")) == []


def test_assignment_before_a_star_import_is_overridden_by_it(tmp_path: Path) -> None:
    prod = BEAT.format(task=PRESENT) + "\nfrom .base import *\n"
    assert places(run(tmp_path, star_project(prod), "CEL301")) == [
        ("CEL301", "server/settings/base.py", 6)]


def test_relative_star_import_of_a_component_package(tmp_path: Path) -> None:
    prod = "from .base import *\nfrom .components.celery import *\n" + BEAT.format(task=PRESENT)
    result = run(tmp_path, star_project(prod), "CEL101", "CEL301")
    assert places(result) == [("CEL101", "server/settings/components/celery.py", 1)]


def test_installed_apps_extended_after_a_star_import(tmp_path: Path) -> None:
    prod = "from .base import *\n\nINSTALLED_APPS += ['billing']\n"
    model = model_of(tmp_path, star_project(prod))
    assert model.django_apps == ("orders", "billing")
    prod = "from .base import *\n\nif DEBUG:\n    INSTALLED_APPS += ['debug_toolbar']\n"
    assert model_of(tmp_path / "conditional", star_project(prod)).django_apps is None


def test_guarded_star_import_of_local_settings(tmp_path: Path) -> None:
    prod = ("from .base import *\n\ntry:\n    from .local import *\nexcept ImportError:\n"
            "    pass\n")
    files = star_project(prod)
    files["server/settings/local.py"] = BEAT.format(task=PRESENT)
    assert places(run(tmp_path, files, "CEL301")) == []


# -- class-based settings -------------------------------------------------------------------
CONFIGURATIONS = (
    "from configurations import Configuration\n"
    "\n"
    "\n"
    "class Common(Configuration):\n"
    "    INSTALLED_APPS = ['orders.apps.OrdersConfig']\n"
    "    CELERY_TASK_DEFAULT_QUEUE = 'common'\n"
    "\n"
    "\n"
    "class Dev(Common):\n"
    "    DEBUG = True\n"
    "\n"
    "\n"
    "class Prod(Common):\n"
    "    {prod}\n"
)
CONFIGURATION_ENV = (
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'server.settings')\n"
    "os.environ.setdefault('DJANGO_CONFIGURATION', 'Prod')\n"
    "import configurations\n"
    "configurations.setup()\n"
)


def configurations_project(prod: str) -> dict[str, str]:
    return django_project({"server/settings.py": CONFIGURATIONS.format(prod=prod)},
                          celery_env=CONFIGURATION_ENV)


def test_configuration_subclass_with_an_unknown_setting(tmp_path: Path) -> None:
    result = run(tmp_path, configurations_project("CELERY_TASK_ACK_LATE = True"), "CEL101")
    assert places(result) == [("CEL101", "server/settings.py", 14)]


def test_configuration_subclass_fixed_twin(tmp_path: Path) -> None:
    files = configurations_project("CELERY_TASK_ACKS_LATE = True")
    assert places(run(tmp_path, files, "CEL101")) == []
    model = model_of(tmp_path / "m", files)
    settings = model.settings["server.celery:app"]
    assert settings.value("task_default_queue") == "common"  # inherited from Common
    assert settings.value("task_acks_late") is True
    assert model.django_apps == ("orders",)


def test_configuration_not_chosen_is_not_judged(tmp_path: Path) -> None:
    files = configurations_project("CELERY_TASK_ACK_LATE = True")
    files["server/celery.py"] = files["server/celery.py"].replace("'Prod'", "'Dev'")
    assert places(run(tmp_path, files, "CEL101")) == []


def test_plain_settings_class_inherits_its_base(tmp_path: Path) -> None:
    files = {
        "proj/__init__.py": "",
        "proj/config.py": (
            "from celery.schedules import crontab\n"
            "\n"
            "\n"
            "class Base:\n"
            "    task_default_queue = 'base'\n"
            "    beat_schedule = {\n"
            "        'nightly': {'task': 'proj.tasks.sned', 'schedule': crontab(hour=3)},\n"
            "    }\n"
            "\n"
            "\n"
            "class Production(Base):\n"
            "    broker_url = 'redis://redis:6379/0'\n"
        ),
        "proj/celery.py": (
            "from celery import Celery\nfrom proj.config import Production\n"
            "app = Celery('proj', include=['proj.tasks'])\napp.config_from_object(Production)\n"
        ),
        "proj/tasks.py": "from proj.celery import app\n\n\n@app.task\ndef send():\n    pass\n",
    }
    assert places(run(tmp_path, files, "CEL301")) == [("CEL301", "proj/config.py", 7)]
    files["proj/config.py"] = files["proj/config.py"].replace("proj.tasks.sned", "proj.tasks.send")
    assert places(run(tmp_path / "fixed", files, "CEL301")) == []


# -- DJANGO_SETTINGS_MODULE set in several places ---------------------------------------------
def several_modules(celery_env: str, extra: dict[str, str]) -> dict[str, str]:
    return django_project({
        "server/settings/__init__.py": "",
        "server/settings/dev.py": "CELERY_TASK_ALWAYS_EAGERR = True\n",
        "server/settings/prod.py": "CELERY_TASK_ACK_LATE = True\n",
    }, celery_env=celery_env, extra={
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                     "'server.settings.dev')\n",
        **extra,
    })


def test_the_celery_app_module_setting_wins_and_the_others_are_noted(tmp_path: Path) -> None:
    files = several_modules(
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'server.settings.prod')\n", {})
    result = run(tmp_path, files, "CEL101")
    assert places(result) == [("CEL101", "server/settings/prod.py", 1)]
    note = next(n for n in result.notes if n.startswith("DJANGO_SETTINGS_MODULE"))
    assert "'server.settings.prod'" in note and "server/celery.py:3" in note
    assert "'server.settings.dev' at manage.py:2" in note


def test_the_worker_service_environment_wins_over_manage_py(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  web:\n"
        "    image: shop\n"
        "    command: python manage.py runserver\n"
        "  worker:\n"
        "    image: shop\n"
        "    command: celery -A server worker\n"
        "    environment:\n"
        "      DJANGO_SETTINGS_MODULE: server.settings.prod\n"
    )
    result = run(tmp_path, several_modules("", {"docker-compose.yml": compose}), "CEL101")
    assert places(result) == [("CEL101", "server/settings/prod.py", 1)]


def test_the_worker_env_file_wins_over_manage_py(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  worker:\n"
        "    image: shop\n"
        "    command: celery -A server worker\n"
        "    env_file: deploy/worker.env\n"
    )
    extra = {"docker-compose.yml": compose,
             "deploy/worker.env": "DJANGO_SETTINGS_MODULE=server.settings.prod\n"}
    result = run(tmp_path, several_modules("", extra), "CEL101")
    assert places(result) == [("CEL101", "server/settings/prod.py", 1)]


def test_two_values_at_the_same_distance_are_each_analysed_and_named(tmp_path: Path) -> None:
    """Neither the app module nor a Celery process sets it: the worker runs with what the
    shell exports, which manage.py and wsgi.py disagree on, so each is analysed."""
    extra = {"server/wsgi.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                               "'server.settings.prod')\n"}
    result = run(tmp_path, several_modules("", extra), "CEL101")
    assert places(result) == [("CEL101", "server/settings/dev.py", 1),
                              ("CEL101", "server/settings/prod.py", 1)]
    dev, prod = sorted(result.findings, key=lambda f: f.path)
    assert dev.message.endswith("Found under DJANGO_SETTINGS_MODULE=server.settings.dev "
                                "(set at manage.py:2); not under server.settings.prod.")
    assert prod.message.endswith("Found under DJANGO_SETTINGS_MODULE=server.settings.prod "
                                 "(set at server/wsgi.py:2); not under server.settings.dev.")
    note = next(n for n in result.notes if n.startswith("DJANGO_SETTINGS_MODULE"))
    assert "2 settings modules" in note and "server/wsgi.py:2" in note
