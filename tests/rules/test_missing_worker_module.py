"""CEL307 on the ways projects name the modules a worker imports at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint import api
from celerylint.settings import Settings

DJANGO = {
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
    "shop/__init__.py": "from .celery import app as celery_app\n",
    "shop/celery.py": ("import os\nfrom celery import Celery\n\n"
                       "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n"
                       "app = Celery('shop')\n"
                       "app.config_from_object('django.conf:settings', namespace='CELERY')\n"),
    "shop/jobs.py": "",
    "shop/settings.py": "INSTALLED_APPS = ['django.contrib.admin']\n{imports}\n",
}


def findings(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int]]:
    root = write_tree(tmp_path / "p", files)
    result = api.run(Settings(root=root, paths=(root,), use_cache=False, select=("CEL307",)))
    return sorted((f.code, f.path, f.line) for f in result.findings)


@pytest.mark.parametrize("imports", [
    "CELERY_IMPORTS = 'shop.gone'",
    "CELERY_IMPORTS = ('shop.jobs', 'shop.gone')",
    "CELERY_IMPORTS = ['shop.jobs',\n                  'shop.gone']",
])
def test_django_celery_imports_naming_a_missing_module(tmp_path: Path, imports: str) -> None:
    files = {**DJANGO, "shop/settings.py": DJANGO["shop/settings.py"].format(imports=imports)}
    line = 2 + imports.count("\n")
    assert findings(tmp_path, files) == [("CEL307", "shop/settings.py", line)]
    fixed = {**files, "shop/settings.py": files["shop/settings.py"].replace("shop.gone",
                                                                          "shop.jobs")}
    assert findings(tmp_path / "fixed", fixed) == []


def test_a_third_party_module_is_not_judged(tmp_path: Path) -> None:
    files = {**DJANGO, "shop/settings.py": DJANGO["shop/settings.py"].format(
        imports="CELERY_IMPORTS = ('celery.contrib.testing.tasks', 'other_lib.tasks')")}
    assert findings(tmp_path, files) == []


def test_autodiscover_lambda_over_a_list(tmp_path: Path) -> None:
    files = {
        "proj/__init__.py": "", "proj/billing/__init__.py": "",
        "proj/celery.py": ("from celery import Celery\napp = Celery('proj')\n"
                           "app.autodiscover_tasks(lambda: ['proj.billing', 'proj.shipping'])\n"),
    }
    assert findings(tmp_path, files) == [("CEL307", "proj/celery.py", 3)]
