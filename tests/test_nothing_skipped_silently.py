"""Every file discovery selects but cannot read gives a CEL001 finding naming it and why,
and the run goes on with the other files."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint import api
from celerylint.settings import load_settings

TASKS = "from celery import shared_task\n\n\n@shared_task\nasync def ping():\n    return 1\n"


def _cel001(root: Path) -> dict[str, str]:
    result = api.run(load_settings([root], None, {"use_cache": False}))
    assert not result.internal_errors
    assert any(f.code == "CEL201" for f in result.findings)  # the rest was still analysed
    return {f.path: f.message for f in result.findings if f.code == "CEL001"}


def test_unreadable_deployment_and_dependency_files_are_reported(tmp_path: Path) -> None:
    huge = "services:\n  worker:\n    command: celery -A proj worker\n" + "# pad\n" * 400_000
    root = write_tree(tmp_path / "p", {
        "proj/__init__.py": "", "proj/tasks.py": TASKS,
        "docker-compose.yml": huge,
        "Procfile": b"worker: celery -A proj worker\x00\x01\n",
        "k8s/worker.yaml": "kind: Deployment\nspec:\n  containers:\n   - a\n  - b\n",
        "pyproject.toml": '[project]\nname = "proj"\ndependencies = [\n',
    })
    found = _cel001(root)
    assert "larger than 2 MB" in found["docker-compose.yml"]
    assert "NUL bytes" in found["Procfile"]
    assert "not valid YAML" in found["k8s/worker.yaml"]
    assert "not valid TOML" in found["pyproject.toml"]


def test_readable_twins_give_no_cel001(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "proj/__init__.py": "", "proj/tasks.py": TASKS,
        "docker-compose.yml": "services:\n  worker:\n    command: celery -A proj worker\n",
        "Procfile": "worker: celery -A proj worker\n",
        "k8s/worker.yaml": "kind: Deployment\nspec:\n  containers:\n    - name: a\n",
        "pyproject.toml": '[project]\nname = "proj"\ndependencies = ["celery"]\n',
    })
    assert _cel001(root) == {}
