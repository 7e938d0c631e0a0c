"""One settings module per environment, each one analysed and named in its findings.

The project is laid out as public Django + Celery projects lay it out (the
cookiecutter-django shape): ``settings/base.py`` star-imported by
``development.py`` and ``production.py``, the Celery app module defaulting to the
development settings, and one compose file per environment whose worker and beat
load an env file that picks the production settings. A bug only in the production
settings is reported, naming production; the fixed twin is silent.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint import api
from celerylint.api import build_project
from celerylint.project.celery.celery_model import build_celery_model
from celerylint.settings import Settings

CELERY_APP = """\
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.development")

app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
"""
TASKS = """\
from celery import shared_task


@shared_task
def send_report():
    return 1


@shared_task
def clear_sessions():
    return 2
"""
BASE = """\
INSTALLED_APPS = ["django.contrib.auth", "reports.apps.ReportsConfig"]
CELERY_BROKER_URL = "redis://redis:6379/0"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_BEAT_SCHEDULE = {
    "clear-sessions": {"task": "reports.tasks.clear_sessions", "schedule": 3600.0},
}
"""
DEVELOPMENT = """\
from .base import *  # noqa: F403

DEBUG = True
CELERY_TASK_ALWAYS_EAGER = False
"""
PRODUCTION = """\
from .base import *  # noqa: F403

DEBUG = False
CELERY_TASK_SERIALIZER = "{serializer}"
CELERY_TASK_ROUTES = {{"reports.tasks.send_report": {{"queue": "{queue}"}}}}
CELERY_BEAT_SCHEDULE = {{
    **CELERY_BEAT_SCHEDULE,
    "nightly-report": {{"task": "{task}", "schedule": 86400.0}},
}}
"""
COMPOSE = """\
services:
  redis:
    image: redis:7
  worker:
    build: .
    command: celery -A proj worker -Q celery{queues}
    env_file: {env_file}
    depends_on: [redis]
  beat:
    build: .
    command: celery -A proj beat
    env_file: {env_file}
    depends_on: [redis]
"""
BUGS = {"serializer": "pickle", "queue": "reports", "task": "reports.tasks.send_reprot"}
FIXED = {"serializer": "json", "queue": "reports", "task": "reports.tasks.send_report"}
PRODUCTION_LABEL = ("DJANGO_SETTINGS_MODULE=proj.settings.production "
                    "(worker, beat in docker-compose.prod.yml)")


def environments_project(production: dict[str, str], prod_queues: str = ",reports",
                         base_extra: str = "") -> dict[str, str]:
    return {
        "proj/__init__.py": "",
        "proj/celery.py": CELERY_APP,
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": BASE + base_extra,
        "proj/settings/development.py": DEVELOPMENT,
        "proj/settings/production.py": PRODUCTION.format(**production),
        "reports/__init__.py": "",
        "reports/apps.py": "from django.apps import AppConfig\n\n\n"
                           "class ReportsConfig(AppConfig):\n    name = 'reports'\n",
        "reports/tasks.py": TASKS,
        "docker-compose.yml": COMPOSE.format(queues="", env_file=".envs/.local/.django"),
        "docker-compose.prod.yml": COMPOSE.format(queues=prod_queues,
                                                  env_file=".envs/.production/.django"),
        ".envs/.local/.django": "USE_DOCKER=yes\n",
        ".envs/.production/.django": "DJANGO_SETTINGS_MODULE=proj.settings.production\n",
    }


def run(tmp_path: Path, files: dict[str, str], *codes: str) -> api.RunResult:
    root = write_tree(tmp_path / "p", files)
    result = api.run(Settings(root=root, paths=(root,), select=codes, use_cache=False))
    assert not result.internal_errors, result.internal_errors
    return result


CODES = ("CEL101", "CEL107", "CEL301", "CEL401")


def test_both_settings_modules_are_found_with_the_processes_that_use_them(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", environments_project(FIXED))
    model = build_celery_model(build_project(Settings(root=root, paths=(root,))))
    development = ("DJANGO_SETTINGS_MODULE=proj.settings.development (the default in "
                   "proj/celery.py:5; worker, beat in docker-compose.yml)")
    assert [v.label for v in model.settings_variants] == [development, PRODUCTION_LABEL]


def test_bugs_only_in_production_settings_are_reported_and_name_production(
        tmp_path: Path) -> None:
    result = run(tmp_path, environments_project(BUGS), *CODES)
    found = sorted((f.code, f.path, f.line) for f in result.findings)
    assert found == [
        ("CEL107", "proj/settings/production.py", 4),
        ("CEL301", "proj/settings/production.py", 8),
    ]
    for finding in result.findings:
        assert finding.message.endswith(
            f" Found under {PRODUCTION_LABEL}; not under proj.settings.development."), \
            finding.message


def test_fixed_twin_is_silent(tmp_path: Path) -> None:
    assert run(tmp_path, environments_project(FIXED), *CODES).findings == []


def test_a_route_only_production_uses_is_judged_against_the_production_workers(
        tmp_path: Path) -> None:
    """The production worker does not consume 'reports'; the development worker does
    not either, but it never runs with the production routes, so only the production
    deployment is named."""
    result = run(tmp_path, environments_project(FIXED, prod_queues=""), *CODES)
    assert [(f.code, f.path) for f in result.findings] == [("CEL401", "docker-compose.prod.yml")]
    message = result.findings[0].message
    assert "no worker in docker-compose.prod.yml consumes it" in message
    assert message.endswith(f"Found under {PRODUCTION_LABEL}; not under "
                            "proj.settings.development.")


def test_a_finding_under_every_settings_module_is_reported_once_without_names(
        tmp_path: Path) -> None:
    files = environments_project(FIXED, base_extra="CELERY_TASK_ACK_LATE = True\n")
    result = run(tmp_path, files, *CODES)
    assert [(f.code, f.path, f.line) for f in result.findings] == [
        ("CEL101", "proj/settings/base.py", 8)]
    assert "DJANGO_SETTINGS_MODULE" not in result.findings[0].message


def test_output_is_the_same_on_every_run(tmp_path: Path) -> None:
    files = environments_project(BUGS, prod_queues="")
    first = run(tmp_path / "a", files, *CODES).findings
    assert first == run(tmp_path / "b", files, *CODES).findings
    assert len(first) == 3


def test_one_settings_module_adds_no_names(tmp_path: Path) -> None:
    """Without the production env file every process runs with the development
    settings: nothing is analysed twice and messages stay as they were."""
    files = environments_project(BUGS)
    files[".envs/.production/.django"] = "USE_DOCKER=yes\n"
    result = run(tmp_path, files, *CODES)
    assert result.findings == []  # the bugs are in a module no process loads
    assert not any(n.startswith("DJANGO_SETTINGS_MODULE") for n in result.notes)


def test_notes_cover_every_settings_module_and_name_them_once(tmp_path: Path) -> None:
    files = environments_project(FIXED)
    files["proj/settings/production.py"] += (
        "\nfrom split_settings.tools import include\n\n"
        "include('components/{}.py'.format(DEBUG))\n")
    result = run(tmp_path, files, *CODES)
    expected = (
        "DJANGO_SETTINGS_MODULE: Celery processes can run with 2 settings modules, and each "
        "is analysed: DJANGO_SETTINGS_MODULE=proj.settings.development (the default in "
        f"proj/celery.py:5; worker, beat in docker-compose.yml); {PRODUCTION_LABEL}. A finding "
        "that holds under only some of them names them; the inventory and diagrams show "
        "proj.settings.development.")
    assert [n for n in result.notes if n.startswith("DJANGO_SETTINGS_MODULE")] == [expected]
    assert any(n.startswith("include() at proj/settings/production.py:13") for n in result.notes)


CONFIGURATIONS = """\
from configurations import Configuration


class Common(Configuration):
    INSTALLED_APPS = ["django.contrib.auth", "reports.apps.ReportsConfig"]
    CELERY_BROKER_URL = "redis://redis:6379/0"


class Dev(Common):
    DEBUG = True


class Prod(Common):
    CELERY_BEAT_SCHEDULE = {{
        "nightly-report": {{"task": "{task}", "schedule": 86400.0}},
    }}
"""
CONFIGURATIONS_APP = CELERY_APP.replace(
    '"proj.settings.development")\n',
    '"proj.settings")\nos.environ.setdefault("DJANGO_CONFIGURATION", "Dev")\n'
    "import configurations\n\nconfigurations.setup()\n")


def configurations_project(task: str) -> dict[str, str]:
    files = environments_project(FIXED)
    for name in ("base", "development", "production", "__init__"):
        del files[f"proj/settings/{name}.py"]
    files["proj/settings.py"] = CONFIGURATIONS.format(task=task)
    files["proj/celery.py"] = CONFIGURATIONS_APP
    files[".envs/.production/.django"] = "DJANGO_CONFIGURATION=Prod\n"
    return files


def test_a_configuration_class_chosen_by_the_production_env_file(tmp_path: Path) -> None:
    result = run(tmp_path, configurations_project(BUGS["task"]), *CODES)
    assert [(f.code, f.path, f.line) for f in result.findings] == [
        ("CEL301", "proj/settings.py", 15)]
    assert result.findings[0].message.endswith(
        "Found under DJANGO_SETTINGS_MODULE=proj.settings with DJANGO_CONFIGURATION=Prod "
        "(worker, beat in docker-compose.prod.yml); not under proj.settings with "
        "DJANGO_CONFIGURATION=Dev.")
    fixed = run(tmp_path / "fixed", configurations_project(FIXED["task"]), *CODES)
    assert fixed.findings == []


def test_a_systemd_worker_environment_picks_the_production_settings(tmp_path: Path) -> None:
    files = environments_project(BUGS)
    del files["docker-compose.prod.yml"]
    files["deploy/systemd/celery-worker.service"] = (
        "[Service]\n"
        "Environment=DJANGO_SETTINGS_MODULE=proj.settings.production\n"
        "ExecStart=/srv/venv/bin/celery -A proj worker -Q celery,reports\n")
    result = run(tmp_path, files, "CEL107")
    assert [(f.code, f.path, f.line) for f in result.findings] == [
        ("CEL107", "proj/settings/production.py", 4)]
    assert ("Found under DJANGO_SETTINGS_MODULE=proj.settings.production (worker in "
            "deploy/systemd/celery-worker.service)") in result.findings[0].message


def test_a_script_run_by_a_compose_service_has_that_service_env_file(tmp_path: Path) -> None:
    """The worker's compose ``command:`` is an entrypoint script holding the celery
    command line (as in safe-relay-service): the script runs with the service's env."""
    files = environments_project(BUGS)
    files["docker-compose.prod.yml"] = (
        "services:\n"
        "  worker:\n"
        "    build: .\n"
        "    env_file: .envs/.production/.django\n"
        "    command: docker/celery/worker/run.sh\n")
    files["docker/celery/worker/run.sh"] = (
        "#!/bin/bash\nset -euo pipefail\nexec celery -A proj worker -Q celery,reports\n")
    result = run(tmp_path, files, "CEL107")
    assert [(f.code, f.path) for f in result.findings] == [
        ("CEL107", "proj/settings/production.py")]
    assert ("Found under DJANGO_SETTINGS_MODULE=proj.settings.production (worker in "
            "docker-compose.prod.yml)") in result.findings[0].message


def test_a_kubernetes_worker_env_picks_the_production_settings(tmp_path: Path) -> None:
    files = environments_project(BUGS)
    del files["docker-compose.prod.yml"]
    files["k8s/worker.yaml"] = (
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: worker\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: worker\n"
        "          image: shop:latest\n"
        "          command: [celery, -A, proj, worker, -Q, 'celery,reports']\n"
        "          env:\n"
        "            - name: DJANGO_SETTINGS_MODULE\n"
        "              value: proj.settings.production\n")
    result = run(tmp_path, files, "CEL107", "CEL301")
    assert sorted((f.code, f.path) for f in result.findings) == [
        ("CEL107", "proj/settings/production.py"), ("CEL301", "proj/settings/production.py")]
    assert all("Found under DJANGO_SETTINGS_MODULE=proj.settings.production (worker in k8s/"
               in f.message for f in result.findings), result.findings[0].message
