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


def filled(files: dict[str, str], path: str, **fields: str) -> dict[str, str]:
    """``files`` with the template at ``path`` filled in."""
    return {**files, path: files[path].format(**fields)}


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


# -- ``-A module`` whose Celery instance is imported, not defined there ----------------
IMPORTED_APP = {
    "backend/app/app/__init__.py": "",
    "backend/app/app/core/__init__.py": "",
    "backend/app/app/core/celery_app.py": (
        "from celery import Celery\n\n"
        "celery_app = Celery('worker', broker='amqp://guest@queue//')\n"),
    "backend/app/app/worker.py": ("from app.core.celery_app import celery_app\n\n\n"
                                  "@celery_app.task\ndef test_celery(word):\n    return word\n"),
    "backend/app/app/api.py": ("from app.core.celery_app import celery_app\n\n\n"
                               "def view():\n"
                               "    celery_app.send_task('app.worker.test_celery', args=['x'])\n"),
    "backend/app/worker-start.sh": "#! /usr/bin/env bash\ncelery worker -A {target} -l info\n",
}


def test_a_worker_module_importing_the_app_is_the_workers_app(tmp_path: Path) -> None:
    """Celery's ``find_app`` falls back to any Celery instance among the module's globals:
    ``-A app.worker`` runs the imported ``celery_app`` and imports app.worker itself."""
    files = filled(IMPORTED_APP, "backend/app/worker-start.sh", target="app.worker")
    assert where(cel302(tmp_path, files)) == []


def test_a_worker_started_on_the_apps_own_module_misses_the_task(tmp_path: Path) -> None:
    files = filled(IMPORTED_APP, "backend/app/worker-start.sh", target="app.core.celery_app")
    assert where(cel302(tmp_path, files)) == [("backend/app/app/worker.py", 5)]


def test_a_worker_whose_app_is_unknown_may_run_any_app(tmp_path: Path) -> None:
    """Two imported apps: Celery takes the first, celerylint cannot tell which; the task's
    app is then not known to run elsewhere, and the rule stays silent."""
    files = {**IMPORTED_APP,
             "backend/app/app/core/other.py": "from celery import Celery\n\nother = Celery('o')\n",
             "backend/app/app/worker.py": "from app.core.other import other\n"
             + IMPORTED_APP["backend/app/app/worker.py"],
             "backend/app/app/jobs.py": ("from app.core.celery_app import celery_app\n\n\n"
                                         "@celery_app.task(shared=False)\n"
                                         "def job():\n    return 1\n"),
             "backend/app/app/api.py": ("from app.jobs import job\n\n\n"
                                        "def view():\n    job.delay()\n")}
    files = filled(files, "backend/app/worker-start.sh", target="app.worker")
    assert where(cel302(tmp_path, files)) == []


# -- a shared task of a sibling project that has no app of its own ---------------------
SIBLING_EXAMPLES = {
    "shop/__init__.py": "",
    "shop/celery.py": ("from celery import Celery\n\n"
                       "app = Celery('shop', broker='redis://r:6379/0', include=['shop.tasks'])\n"),
    "shop/tasks.py": "from shop.celery import app\n\n\n@app.task\ndef ship():\n    return 1\n",
    "blog/__init__.py": "",
    "blog/app.py": "from celery import Celery\n\napp = Celery('blog', include=['blog.jobs'])\n",
    "graph/tasks.py": ("from celery import group, shared_task\n\n\n@shared_task\n"
                       "def node(i):\n    return i\n\n\n"
                       "def fan_out():\n    return group(node.s(i) for i in range(3))()\n"),
    "Procfile": "worker: celery -A shop.celery worker\n",
}


def test_a_shared_task_of_a_package_without_an_app_is_not_judged(tmp_path: Path) -> None:
    """graph/ has no app and no worker: shop's worker is not its worker."""
    result = cel302(tmp_path, SIBLING_EXAMPLES, verbose=True)
    assert where(result) == []
    assert any("'graph'" in note and "unregistered-task" in note for note in result.notes)
    assert where(cel302(tmp_path / "no-worker", {
        k: v for k, v in SIBLING_EXAMPLES.items() if k != "Procfile"})) == []


def test_a_shared_task_beside_its_app_is_still_judged(tmp_path: Path) -> None:
    files = {**SIBLING_EXAMPLES,
             "shop/extra.py": "from celery import shared_task\n\n\n@shared_task\ndef pack():\n"
                              "    return 1\n",
             "shop/views.py": "from shop.extra import pack\n\n\ndef go():\n    pack.delay()\n"}
    assert where(cel302(tmp_path, files)) == [("shop/extra.py", 5)]
    files.pop("Procfile")
    assert where(cel302(tmp_path / "no-worker", files)) == [("shop/extra.py", 5)]


# -- a config's module names, in a folder run as the current directory ------------------
FOLDER_RUN_AS_CWD = {
    "svc/app.py": "from celery import Celery\n\napp = Celery('svc')\napp.config_from_object('celeryconfig')\n",
    "svc/celeryconfig.py": "broker_url = 'redis://r:6379/0'\nimports = ({imports!r},)\n",
    "svc/webcrawler.py": ("from celery import shared_task\n\n\n@shared_task\n"
                          "def crawl(url):\n    return crawl.s(url)\n"),
    "svc/other.py": "",
}


def test_config_names_resolve_beside_a_folder_run_as_cwd(tmp_path: Path) -> None:
    """``imports = ('webcrawler',)`` in svc/celeryconfig.py names svc/webcrawler.py."""
    files = filled(FOLDER_RUN_AS_CWD, "svc/celeryconfig.py", imports="webcrawler")
    assert where(cel302(tmp_path, files)) == []


def test_a_folder_config_that_names_another_module_still_reports(tmp_path: Path) -> None:
    files = filled(FOLDER_RUN_AS_CWD, "svc/celeryconfig.py", imports="other")
    assert where(cel302(tmp_path, files)) == [("svc/webcrawler.py", 5)]


# -- a sender that nothing loads, where modules of its kind are wired --------------------
def _importer(name: str) -> dict[str, str]:
    return {
        f"proj/importers/{name}/__init__.py": "",
        f"proj/importers/{name}/tasks.py": ("from proj.celery import app\n\n\n"
                                            "@app.task\ndef import_project(pk):\n    return pk\n"),
        f"proj/importers/{name}/api.py": ("from .tasks import import_project\n\n\n"
                                          "def start(pk):\n    import_project.delay(pk)\n"),
    }


IMPORTERS = {
    "proj/__init__.py": "", "proj/importers/__init__.py": "",
    "proj/celery.py": ("from celery import Celery\n\napp = Celery('proj', include=[\n"
                       "    'proj.importers.trello.tasks', 'proj.importers.jira.tasks'])\n"),
    **_importer("trello"), **_importer("jira"), **_importer("pivotal"),
    "proj/routers.py": ("from proj.importers.jira.api import start as jira\n"
                        "from proj.importers.trello.api import start as trello\n"),
    "Procfile": "worker: celery -A proj.celery worker\n",
}


def test_a_sender_no_module_loads_is_no_evidence(tmp_path: Path) -> None:
    """The router wires the trello and jira views; the pivotal view is wired nowhere."""
    assert where(cel302(tmp_path, IMPORTERS)) == []


def test_the_same_sender_once_wired_is_evidence(tmp_path: Path) -> None:
    files = {**IMPORTERS, "proj/routers.py": IMPORTERS["proj/routers.py"]
             + "from proj.importers.pivotal.api import start as pivotal\n"}
    assert where(cel302(tmp_path, files)) == [("proj/importers/pivotal/tasks.py", 5)]
    named = {**IMPORTERS, "proj/urls.py": "VIEWS = ['proj.importers.pivotal.api.start']\n"}
    assert where(cel302(tmp_path / "named", named)) == [("proj/importers/pivotal/tasks.py", 5)]
    script = {**IMPORTERS, "proj/importers/pivotal/api.py": IMPORTERS[
        "proj/importers/pivotal/api.py"] + "\n\nif __name__ == '__main__':\n    start(1)\n"}
    assert where(cel302(tmp_path / "script", script)) == [("proj/importers/pivotal/tasks.py", 5)]


def test_a_sender_in_a_project_that_wires_no_module_of_its_kind_is_evidence(
        tmp_path: Path) -> None:
    files = {k: v for k, v in IMPORTERS.items() if k != "proj/routers.py"}
    assert where(cel302(tmp_path, files)) == [("proj/importers/pivotal/tasks.py", 5)]


# -- ``-A`` in a script, relative to the script's folder ---------------------------------
SCRIPT_FOLDER = {
    "services/api/worker.py": ("from celery import Celery\n\n"
                               "app = Celery('api', broker='redis://r:6379/0')\n\n\n"
                               "@app.task\ndef ping():\n    return 1\n\n\n"
                               "def later():\n    ping.delay()\n"),
    "services/api/jobs.py": ("from celery import shared_task\n\n\n@shared_task\n"
                             "def pong():\n    return 2\n\n\ndef later():\n    pong.delay()\n"),
    "services/api/start-worker.sh": "#!/bin/sh\ncd \"$(dirname \"$0\")\"\ncelery -A worker worker\n",
}


def test_a_scripts_dash_a_resolves_in_the_scripts_folder(tmp_path: Path) -> None:
    """``celery -A worker`` in services/api/start-worker.sh is services/api/worker.py: its
    own task is registered, the task of a module it never imports is reported."""
    result = cel302(tmp_path, SCRIPT_FOLDER)
    assert where(result) == [("services/api/jobs.py", 5)]
    assert "start-worker.sh" in result.findings[0].message


# -- the app is configured by a function that a factory calls ---------------------------
FACTORY_SETUP = {
    "proj/__init__.py": "",
    "proj/celery_app.py": ("from celery import Celery\n\ncelery = Celery(__name__)\n\n\n"
                           "def init_celery(flask_app):\n"
                           "    celery.config_from_object('proj.celeryconfig')\n"),
    "proj/celeryconfig.py": "broker_url = 'redis://redis:6379/0'\n",
    "proj/factory.py": ("import importlib\n\nfrom proj.celery_app import init_celery\n\n"
                        "CORE_APPS = ['proj.publish']\n\n\n"
                        "def get_app(config=None):\n    init_celery(config)\n"
                        "{install}    return config\n"),
    "proj/publish.py": ("from proj.celery_app import celery\n\n\n"
                        "@celery.task\ndef transmit(item_id):\n    return item_id\n"),
    "proj/views.py": "from proj.publish import transmit\n\n\ndef go():\n    transmit.delay(1)\n",
}
INSTALL_APPS = ("    for name in CORE_APPS:\n"
                "        importlib.import_module(name)\n")


def test_a_factory_that_configures_the_app_and_imports_apps_by_name(tmp_path: Path) -> None:
    """get_app() runs init_celery(), so a worker of this app runs the factory, whose
    import_module() over its apps registers tasks no import names."""
    files = filled(FACTORY_SETUP, "proj/factory.py", install=INSTALL_APPS)
    assert where(cel302(tmp_path, files)) == []


def test_a_factory_that_configures_the_app_and_imports_nothing(tmp_path: Path) -> None:
    files = filled(FACTORY_SETUP, "proj/factory.py", install="")
    result = cel302(tmp_path, files)
    assert where(result) == [("proj/publish.py", 5)]
    assert "init_celery() called in proj.factory" in result.findings[0].message
