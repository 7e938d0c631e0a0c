"""`graph imports` on a tree too big for one picture: what the Celery processes load."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from celerylint.api import build_project
from celerylint.diagram.imports_view import ImportViewOptions, import_diagram
from celerylint.diagram.model import Diagram, NodeKind
from celerylint.settings import load_settings

WEB_MODULES = 120  # well past the 80 boxes one picture holds


def _tree() -> dict[str, str]:
    files = {
        "proj/__init__.py": "",
        "proj/celery_app.py": ('from celery import Celery\n'
                               'app = Celery("proj", include=["proj.tasks"])\n'),
        "proj/tasks.py": ("from proj.celery_app import app\nfrom proj import helpers\n"
                          "from proj.gone import thing\n\n@app.task\ndef t():\n"
                          "    return helpers.VALUE, thing\n"),
        "proj/helpers.py": "VALUE = 1\n",
        "Procfile": "worker: celery -A proj.celery_app worker\n",
        "web/__init__.py": "",
    }
    for index in range(WEB_MODULES):
        files[f"web/views/page{index}.py"] = f"from web.views import page{(index + 1) % 5}\n"
    files["web/views/__init__.py"] = ""
    return files


@pytest.fixture
def big_tree(make_project: Callable[[Mapping[str, str]], Path]) -> Path:
    return make_project(_tree())


def _draw(root: Path, **options: object) -> Diagram:
    project = build_project(load_settings([root], None, {"cache": False}))
    return import_diagram(project, ImportViewOptions(**options))  # type: ignore[arg-type]


def _labels(diagram: Diagram) -> set[str]:
    return {node.label[0] for node in diagram.nodes}


def test_a_big_tree_shows_what_the_worker_loads_and_what_it_misses(big_tree: Path) -> None:
    diagram = _draw(big_tree)
    assert {"tasks", "helpers", "celery_app", "gone"} <= _labels(diagram)
    assert not [n for n in diagram.nodes if n.label[0].startswith("page")]
    (gone,) = [n for n in diagram.nodes if n.label[0] == "gone"]
    assert gone.kind is NodeKind.MISSING and gone.dashed
    assert any("Celery processes load" in note for note in diagram.notes)


def test_scope_project_widens_to_every_module(big_tree: Path) -> None:
    diagram = _draw(big_tree, scope=("project",))
    assert not any("Celery processes load" in note for note in diagram.notes)
    assert any(n.kind is NodeKind.PACKAGE and n.label[0] == "views" for n in diagram.nodes)


def test_scope_package_zooms_elsewhere(big_tree: Path) -> None:
    diagram = _draw(big_tree, scope=("web",))
    assert "tasks" not in _labels(diagram)


def test_a_small_tree_is_drawn_whole(make_project: Callable[[Mapping[str, str]], Path]) -> None:
    files = {k: v for k, v in _tree().items() if not k.startswith("web/views/page")}
    files["web/views/page0.py"] = "X = 1\n"
    diagram = _draw(make_project(files))
    assert "page0" in _labels(diagram)
