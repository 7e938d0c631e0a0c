"""Class-based tasks take part in the name and registration checks.

Names and registration were checked against Celery 5: ``app.register_task(X())``
registers ``X.name`` or the generated ``module.ClassName``, and a ``Task``
subclass that nobody registers is not in ``app.tasks``.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint import api
from celerylint.api import build_project
from celerylint.project.celery.celery_model import build_celery_model
from celerylint.settings import Settings

CELERY = (
    "from celery import Celery\n"
    "\n"
    "app = Celery('proj', include={include})\n"
    "app.conf.beat_schedule = {{\n"
    "    'cleanup': {{'task': '{cleanup}', 'schedule': 60.0}},\n"
    "    'report': {{'task': 'proj.reports.SendReport', 'schedule': 60.0}},\n"
    "}}\n"
)
TASKS = (
    "from proj.celery import app\n"
    "\n"
    "\n"
    "class Cleanup(app.Task):\n"
    "    name = 'proj.cleanup'\n"
    "    queue = 'maintenance'\n"
    "\n"
    "    def run(self, days=30):\n"
    "        return days\n"
    "\n"
    "\n"
    "app.register_task(Cleanup())\n"
)
REPORTS = (
    "from celery import Task\n"
    "\n"
    "from proj.celery import app\n"
    "\n"
    "\n"
    "class SendReport(Task):\n"
    "    def run(self):\n"
    "        return 1\n"
    "\n"
    "\n"
    "app.register_task(SendReport())\n"
)


def project(include: str = "['proj.tasks', 'proj.reports']", cleanup: str = "proj.cleanup",
            **extra: str) -> dict[str, str]:
    return {"proj/__init__.py": "", "proj/celery.py": CELERY.format(include=include,
                                                                      cleanup=cleanup),
            "proj/tasks.py": TASKS, "proj/reports.py": REPORTS, **extra}


def places(tmp_path: Path, files: dict[str, str], *codes: str) -> list[tuple[str, str, int]]:
    root = write_tree(tmp_path / "p", files)
    result = api.run(Settings(root=root, paths=(root,), select=codes, use_cache=False))
    assert not result.internal_errors, result.internal_errors
    return sorted((f.code, f.path, f.line) for f in result.findings)


def test_task_classes_are_tasks_of_the_model(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", project())
    model = build_celery_model(build_project(Settings(root=root, paths=(root,))))
    by_name = {t.name: t for t in model.tasks}
    assert set(by_name) == {"proj.cleanup", "proj.reports.SendReport"}
    cleanup = by_name["proj.cleanup"]
    assert cleanup.app_id == "proj.celery:app" and cleanup.options["queue"] == "maintenance"
    assert cleanup.qualname == "Cleanup.run" and cleanup.bind
    assert [p.name for p in cleanup.parameters] == ["self", "days"]
    assert by_name["proj.reports.SendReport"].registered_in == "proj.reports"


def test_a_clean_class_based_project_is_silent(tmp_path: Path) -> None:
    assert places(tmp_path, project(), "CEL204", "CEL301", "CEL302") == []


def test_unknown_name_next_to_a_task_class(tmp_path: Path) -> None:
    files = project(cleanup="proj.clenaup")
    assert places(tmp_path, files, "CEL301") == [("CEL301", "proj/celery.py", 5)]


def test_a_named_task_class_without_visible_registration_is_a_known_name(tmp_path: Path) -> None:
    files = project()
    files["proj/tasks.py"] = TASKS.replace("app.register_task(Cleanup())\n", "")
    assert places(tmp_path, files, "CEL301") == []


def test_register_task_in_a_module_the_worker_never_imports(tmp_path: Path) -> None:
    assert places(tmp_path, project(include="['proj.tasks']"), "CEL302") == [
        ("CEL302", "proj/reports.py", 6)]


def test_registration_counts_where_register_task_runs(tmp_path: Path) -> None:
    """The class is defined in an imported module, but registered in one nobody imports."""
    files = project(include="['proj.tasks', 'proj.reports']")
    files["proj/reports.py"] = REPORTS.replace("app.register_task(SendReport())\n", "")
    files["proj/registry.py"] = ("from proj.celery import app\nfrom proj.reports import SendReport\n"
                                 "app.register_task(SendReport())\n")
    assert places(tmp_path, files, "CEL302") == [("CEL302", "proj/reports.py", 6)]
    files["proj/celery.py"] = files["proj/celery.py"].replace("'proj.reports']",
                                                              "'proj.registry']")
    assert places(tmp_path / "fixed", files, "CEL302") == []


def test_duplicate_name_between_a_task_class_and_a_function(tmp_path: Path) -> None:
    twin = "from proj.celery import app\n\n\n@app.task(name='proj.cleanup')\ndef purge():\n    pass\n"
    files = project(include="['proj.tasks', 'proj.reports', 'proj.jobs']")
    files["proj/jobs.py"] = twin
    assert places(tmp_path, files, "CEL204") == [("CEL204", "proj/tasks.py", 4)]
    files["proj/jobs.py"] = twin.replace("'proj.cleanup'", "'proj.purge'")
    assert places(tmp_path / "fixed", files, "CEL204") == []


def test_an_unregistered_task_class_is_not_a_duplicate(tmp_path: Path) -> None:
    twin = "from proj.celery import app\n\n\n@app.task(name='proj.cleanup')\ndef purge():\n    pass\n"
    files = project(include="['proj.tasks', 'proj.reports', 'proj.jobs']", **{"proj/jobs.py": twin})
    files["proj/tasks.py"] = TASKS.replace("app.register_task(Cleanup())\n", "")
    assert places(tmp_path, files, "CEL204") == []


def test_abstract_and_unnamed_base_classes_are_not_tasks(tmp_path: Path) -> None:
    files = project()
    files["proj/base.py"] = ("from celery import Task\n\n\nclass LoggedTask(Task):\n"
                             "    abstract = True\n    name = 'proj.base'\n\n\n"
                             "class RetryingTask(Task):\n    max_retries = 3\n")
    root = write_tree(tmp_path / "p", files)
    model = build_celery_model(build_project(Settings(root=root, paths=(root,))))
    assert sorted(t.name for t in model.tasks) == ["proj.cleanup", "proj.reports.SendReport"]


# -- a named Task subclass used as ``base=``: its ``run`` is not its own ----------------
BASE_WITHOUT_RUN = {
    "proj/__init__.py": "",
    "proj/celery.py": "from celery import Celery\n\napp = Celery('proj', include=['proj.builds'])\n",
    "proj/builds.py": (
        "from celery import Task\n\nfrom proj.celery import app\n\n\n"
        "class SyncTask(Task):\n    name = __name__ + '.sync'\n    max_retries = 5\n\n"
        "    def execute(self):\n        return 1\n\n\n"
        "@app.task(base=SyncTask, bind=True)\ndef sync(self, version_id):\n"
        "    return self.execute()\n\n\n"
        "def start():\n    SyncTask().delay(1, 2, 3)\n    sync.delay(1)\n"),
    "Procfile": "worker: celery -A proj.celery worker\n",
}


def test_a_task_class_without_its_own_run_has_no_known_signature(tmp_path: Path) -> None:
    """readthedocs' ``SyncRepositoryTask``: a base class that names itself and defines
    ``execute``, not ``run``. Neither bound-task-without-self nor the argument check may
    judge a signature celerylint never saw."""
    root = write_tree(tmp_path / "p", BASE_WITHOUT_RUN)
    result = api.run(Settings(root=root, use_cache=False, select=("CEL202", "CEL304")))
    assert [(f.code, f.path, f.line) for f in result.findings] == []
    model = build_celery_model(build_project(Settings(root=root, use_cache=False)))
    base = next(t for t in model.tasks if t.function == "SyncTask")
    assert not base.signature_known
    assert next(t for t in model.tasks if t.function == "sync").signature_known
