"""The Celery model on small in-memory projects: the traps the rules depend on."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint.api import build_project
from celerylint.project.celery.celery_model import build_celery_model
from celerylint.project.evaluate import UNKNOWN
from celerylint.settings import Settings


def model_of(tmp_path: Path, files: dict[str, str]):
    root = write_tree(tmp_path / "p", files)
    project = build_project(Settings(root=root, paths=(root,)))
    return build_celery_model(project)


def test_explicit_name_and_generated_name(tmp_path: Path) -> None:
    model = model_of(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/celery.py": "from celery import Celery\napp = Celery('proj')\n",
            "proj/tasks.py": (
                "from proj.celery import app\n"
                "NAME = 'reports.' + 'send'\n"
                "@app.task(name=NAME)\ndef send(): pass\n"
                "@app.task\ndef plain(): pass\n"
            ),
        },
    )
    assert sorted(model.task_names) == ["proj.tasks.plain", "reports.send"]


def test_custom_decorator_and_partial(tmp_path: Path) -> None:
    model = model_of(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/deco.py": (
                "import functools\nfrom celery import shared_task\n"
                "def job(**kw):\n    return shared_task(queue='jobs', **kw)\n"
                "low = functools.partial(shared_task, queue='low')\n"
            ),
            "proj/tasks.py": (
                "from proj.deco import job, low\n"
                "@job(bind=True)\ndef a(self): pass\n"
                "@low\ndef b(): pass\n"
                "def not_a_task(): pass\n"
            ),
        },
    )
    tasks = {t.name: t for t in model.tasks}
    assert set(tasks) == {"proj.tasks.a", "proj.tasks.b"}
    assert tasks["proj.tasks.a"].options["queue"] == "jobs"
    assert tasks["proj.tasks.a"].bind is True
    assert tasks["proj.tasks.b"].options["queue"] == "low"


def test_registration_closure_follows_module_level_imports_only(tmp_path: Path) -> None:
    model = model_of(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/celery.py": "from celery import Celery\napp = Celery('proj', include=['proj.a'])\n",
            "proj/a.py": "import proj.b\ndef f():\n    import proj.c\n",
            "proj/b.py": "",
            "proj/c.py": "",
        },
    )
    closure = model.registration_closure("proj.celery:app")
    assert {"proj", "proj.celery", "proj.a", "proj.b"} <= closure.modules
    assert "proj.c" not in closure.modules
    assert closure.complete


def test_autodiscover_related_name_and_unknown_packages(tmp_path: Path) -> None:
    model = model_of(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/celery.py": (
                "from celery import Celery\napp = Celery('proj')\n"
                "app.autodiscover_tasks(['proj.billing'], related_name='jobs')\n"
            ),
            "proj/billing/__init__.py": "",
            "proj/billing/jobs.py": "",
            "other/__init__.py": "",
            "other/celery.py": (
                "from celery import Celery\nimport lib\napp = Celery('other')\n"
                "app.autodiscover_tasks(lib.packages())\n"
            ),
        },
    )
    closure = model.registration_closure("proj.celery:app")
    assert "proj.billing.jobs" in closure.modules and closure.complete
    assert model.registration_closure("other.celery:app").complete is False


def test_settings_namespace_class_attributes_and_conditionals(tmp_path: Path) -> None:
    model = model_of(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/config.py": (
                "QUEUE = 'imports'\n"
                "class Config:\n"
                "    CELERY_TASK_DEFAULT_QUEUE = QUEUE\n"
                "    TASK_TIME_LIMIT = 5\n"
                "    import os\n"
                "    if os.getenv('X'):\n"
                "        CELERY_TASK_ROUTES = {'a': {'queue': 'b'}}\n"
            ),
            "proj/celery.py": (
                "from celery import Celery\nfrom proj.config import Config\n"
                "app = Celery('proj')\napp.config_from_object(Config, namespace='CELERY')\n"
            ),
        },
    )
    settings = model.settings["proj.celery:app"]
    assert settings.value("task_default_queue") == "imports"
    assert not settings.is_set("task_time_limit")  # ignored under the namespace
    assert settings.value("task_routes") is UNKNOWN  # set only under an ``if``


def test_django_settings_via_setdefault(tmp_path: Path) -> None:
    model = model_of(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/settings.py": "INSTALLED_APPS = ['orders.apps.OrdersConfig']\nCELERY_TASK_DEFAULT_QUEUE = 'q'\n",
            "shop/celery.py": (
                "import os\nfrom celery import Celery\n"
                "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n"
                "app = Celery('shop')\n"
                "app.config_from_object('django.conf:settings', namespace='CELERY')\n"
                "app.autodiscover_tasks()\n"
            ),
            "orders/__init__.py": "",
            "orders/tasks.py": "from celery import shared_task\n@shared_task\ndef ship(): pass\n",
        },
    )
    settings = model.settings["shop.celery:app"]
    assert settings.value("task_default_queue") == "q"
    closure = model.registration_closure("shop.celery:app")
    assert "orders.tasks" in closure.modules and closure.complete


def test_call_resolution_never_by_bare_name(tmp_path: Path) -> None:
    model = model_of(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/celery.py": "from celery import Celery\napp = Celery('proj')\n",
            "proj/tasks.py": "from proj.celery import app\n@app.task\ndef send(): pass\n",
            "proj/views.py": (
                "from proj import tasks\nfrom proj.tasks import send as s\n"
                "def send():\n    pass\n"
                "def go(obj):\n    tasks.send.delay()\n    s.apply_async(queue='x')\n    obj.send.delay()\n"
            ),
        },
    )
    methods = sorted((c.method, c.queue) for c in model.calls)
    assert methods == [("apply_async", "x"), ("delay", None)]


def test_django_setup_imports_count_for_registration(tmp_path: Path) -> None:
    """Celery's Django fixup runs django.setup(): AppConfig.ready() imports register tasks."""
    model = model_of(tmp_path, {
        "shop/__init__.py": "",
        "shop/settings.py": "INSTALLED_APPS = ['orders.apps.OrdersConfig']\n",
        "shop/celery.py": (
            "import os\nfrom celery import Celery\n"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n"
            "app = Celery('shop')\n"
            "app.config_from_object('django.conf:settings', namespace='CELERY')\n"
        ),
        "orders/__init__.py": "",
        "orders/apps.py": (
            "from django.apps import AppConfig\n"
            "class OrdersConfig(AppConfig):\n"
            "    name = 'orders'\n"
            "    def ready(self):\n"
            "        from . import checks\n"
        ),
        "orders/checks.py": "",
        "orders/unused.py": "",
    })
    closure = model.registration_closure("shop.celery:app")
    assert closure.complete
    assert {"orders.apps", "orders.checks"} <= closure.modules
    assert "orders.unused" not in closure.modules


def test_task_name_follows_the_name_the_project_imports_the_module_by(tmp_path: Path) -> None:
    files = {
        "src/pkg/__init__.py": "",
        "src/pkg/celery.py": "from celery import Celery\napp = Celery('pkg')\n",
        "src/pkg/tasks.py": "from celery import shared_task\n@shared_task\ndef add(): pass\n",
        "web/views.py": "from src.pkg.tasks import add\n",
        "tests/test_tasks.py": "from pkg.tasks import add\n",
    }
    assert model_of(tmp_path, files).task_names == ["src.pkg.tasks.add"]
    files["web/views.py"] = "from pkg.tasks import add\n"
    assert model_of(tmp_path / "canonical", files).task_names == ["pkg.tasks.add"]


def test_tasks_of_a_main_module_are_named_after_the_app(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        "proj/__init__.py": "",
        "proj/__main__.py": ("from celery import Celery\napp = Celery('proj')\n"
                             "@app.task\ndef add(): pass\n"
                             "if __name__ == '__main__':\n    app.worker_main()\n"),
        "other/__init__.py": "",
        "other/__main__.py": ("from celery import Celery\napp = Celery()\n"
                              "@app.task\ndef sub(): pass\n"),
    })
    assert model.task_names == ["__main__.sub", "proj.add"]
