"""Oracle: which task classes Celery registers, and under which names.

Proves what celerylint's model says about task classes (CEL204, CEL301, CEL302) with
Celery's own registry: the fixture project is imported in a subprocess, the app is
finalized, and ``app.tasks`` is compared with the tasks celerylint sees as registered.
No broker is needed: registration happens at import time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint.api import build_project
from celerylint.project.celery.celery_model import build_celery_model
from celerylint.settings import Settings

pytestmark = pytest.mark.oracle

FILES = {
    "proj/__init__.py": "",
    "proj/celery.py": "from celery import Celery\n\napp = Celery('proj')\n",
    "proj/tasks.py": (
        "from celery import Task\n"
        "\n"
        "from proj.celery import app\n"
        "\n"
        "\n"
        "class Cleanup(app.Task):\n"
        "    name = 'proj.cleanup'\n"
        "\n"
        "    def run(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "class SendReport(Task):\n"
        "    def run(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "class NeverRegistered(Task):\n"
        "    name = 'proj.never'\n"
        "\n"
        "    def run(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "app.register_task(Cleanup())\n"
        "app.register_task(SendReport())\n"
        "\n"
        "\n"
        "@app.task\n"
        "def plain():\n"
        "    pass\n"
    ),
}
LIST_TASKS = (
    "import json, proj.tasks\n"
    "from proj.celery import app\n"
    "app.finalize()\n"
    "print(json.dumps(sorted(n for n in app.tasks if not n.startswith('celery.'))))\n"
)


def test_registered_task_classes_match_celerys_registry(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", FILES)
    ran = subprocess.run([sys.executable, "-c", LIST_TASKS], cwd=root, capture_output=True,
                         check=False, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert ran.returncode == 0, ran.stderr
    registered = json.loads(ran.stdout)
    model = build_celery_model(build_project(Settings(root=root, paths=(root,))))
    seen = sorted(t.name for t in model.tasks if t.visibly_registered)
    assert seen == registered == ["proj.cleanup", "proj.tasks.SendReport", "proj.tasks.plain"]
    # A named class nobody registers is a known name for CEL301, not a registered task.
    assert "proj.never" in model.task_names and "proj.never" not in registered
