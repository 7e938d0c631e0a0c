"""The import graph diagram: clusters, cycles, missing modules, scope, and collapsing."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from celerylint.api import build_project
from celerylint.diagram.dot import render_dot
from celerylint.diagram.imports_view import ImportViewOptions, ScopeError, import_diagram
from celerylint.diagram.model import Diagram, NodeKind
from celerylint.discovery import FileInventory, PythonFile
from celerylint.project.model import Project
from celerylint.settings import Settings
from celerylint.source.facts import ImportContext, ImportFact, ModuleFacts, Span

MakeProject = Callable[[Mapping[str, str]], Path]

PROJECT = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/a.py": "from app.core import b\nimport requests\n",
    "app/core/b.py": "from app.core import a\n",
    "app/jobs/__init__.py": "",
    "app/jobs/run.py": "from app.core import a\nfrom app.jobs.gone import thing\n\n"
                       "def later():\n    from app.web import views\n",
    "app/web/__init__.py": "",
    "app/web/views.py": "x = 1\n",
    "app/web/unrelated.py": "from app.web import views\n",
}


def _diagram(make_project: MakeProject, options: ImportViewOptions | None = None,
             files: Mapping[str, str] = PROJECT) -> Diagram:
    root = make_project(files)
    project = build_project(Settings(root=root, paths=(root,), use_cache=False))
    return import_diagram(project, options)


def _node(diagram: Diagram, title: str, kind: NodeKind | None = None):  # type: ignore[no-untyped-def]
    for node in diagram.nodes:
        if node.id.endswith(title) and (kind is None or node.kind is kind):
            return node
    raise AssertionError(f"no node {title}: {[n.id for n in diagram.nodes]}")


def test_modules_sit_in_their_package_cluster(make_project: MakeProject) -> None:
    diagram = _diagram(make_project)
    clusters = {c.id: c for c in diagram.clusters}
    a = _node(diagram, "app_core_a")
    assert clusters[a.cluster].label == "app.core"  # type: ignore[index]
    assert clusters[clusters[a.cluster].parent].label == "app"  # type: ignore[index]
    assert a.label == ("a",)


def test_cycle_edges_and_modules_are_red(make_project: MakeProject) -> None:
    diagram = _diagram(make_project)
    a, b = _node(diagram, "app_core_a"), _node(diagram, "app_core_b")
    assert a.problem and b.problem
    cycle = {(e.source, e.target) for e in diagram.edges if e.problem}
    assert cycle == {(a.id, b.id), (b.id, a.id)}
    run = _node(diagram, "app_jobs_run")
    assert not run.problem


def test_missing_module_is_a_dashed_node(make_project: MakeProject) -> None:
    gone = _node(_diagram(make_project), "app_jobs_gone")
    assert gone.kind is NodeKind.MISSING and gone.dashed
    assert gone.label == ("gone", "(missing)")


def test_function_level_import_is_a_dashed_edge(make_project: MakeProject) -> None:
    diagram = _diagram(make_project)
    run, views = _node(diagram, "app_jobs_run"), _node(diagram, "app_web_views")
    (edge,) = [e for e in diagram.edges if (e.source, e.target) == (run.id, views.id)]
    assert edge.dashed and not edge.problem


def test_external_modules_only_on_request_and_by_top_level_name(make_project: MakeProject) -> None:
    assert not any(n.kind is NodeKind.EXTERNAL for n in _diagram(make_project).nodes)
    diagram = _diagram(make_project, ImportViewOptions(include_external=True))
    assert [n.label for n in diagram.nodes if n.kind is NodeKind.EXTERNAL] == [("requests",)]


def test_idle_package_inits_are_left_to_their_cluster(make_project: MakeProject) -> None:
    names = {n.id for n in _diagram(make_project).nodes}
    assert "mod_app_core" not in names and "mod_app" not in names


def test_scope_keeps_the_package_and_its_direct_neighbours(make_project: MakeProject) -> None:
    diagram = _diagram(make_project, ImportViewOptions(scope=("app.jobs",)))
    names = {n.id for n in diagram.nodes}
    assert {"mod_app_jobs_run", "miss_app_jobs_gone", "mod_app_core_a",
            "mod_app_web_views"} <= names
    assert "mod_app_core_b" not in names and "mod_app_web_unrelated" not in names
    assert "scope: app.jobs" in diagram.title


def test_scope_matching_nothing_is_an_error(make_project: MakeProject) -> None:
    with pytest.raises(ScopeError, match="nope"):
        _diagram(make_project, ImportViewOptions(scope=("nope",)))


def test_explicit_depth_collapses_to_packages_with_counts(make_project: MakeProject) -> None:
    diagram = _diagram(make_project, ImportViewOptions(depth=2))
    core = _node(diagram, "app_core", NodeKind.PACKAGE)
    assert core.label == ("core", "3 modules") and core.problem  # holds a cycle
    jobs = _node(diagram, "app_jobs", NodeKind.PACKAGE)
    assert jobs.label == ("jobs", "3 modules, 1 missing")
    assert diagram.notes and "package depth 2" in diagram.notes[0]
    assert not any(e.source == e.target for e in diagram.edges)


# -- a large synthetic project --------------------------------------------------------------
def _synthetic_project(tmp_path: Path, packages: int = 12, subpackages: int = 10,
                       modules: int = 10) -> Project:
    """1,200 modules (big.pNN.sMM.mKK) importing three others each, plus one cycle."""
    rng = random.Random(1200)
    names = [f"big.p{p:02}.s{s:02}.m{m:02}" for p in range(packages)
             for s in range(subpackages) for m in range(modules)]
    span = Span(1, 1, 1, 10)
    facts: dict[str, ModuleFacts] = {}
    for index, name in enumerate(names):
        targets = rng.sample(names, 3)
        if index == 0:
            targets.append(names[-1])
        if index == len(names) - 1:
            targets.append(names[0])
        imports = tuple(ImportFact(t, None, t.split(".")[0], span, ImportContext.MODULE)
                        for t in targets if t != name)
        path = name.replace(".", "/") + ".py"
        facts[path] = ModuleFacts(path=path, module=name, is_package=False, imports=imports)
    python = [PythonFile(path, facts[path].module, False) for path in sorted(facts)]
    inventory = FileInventory(tmp_path, sorted(facts), python, [""])
    return Project(Settings(root=tmp_path, use_cache=False), inventory, facts)


def test_a_1200_module_graph_collapses_to_at_most_80_boxes(tmp_path: Path) -> None:
    project = _synthetic_project(tmp_path)
    assert len(project.modules) == 1200
    diagram = import_diagram(project)
    assert 1 < len(diagram.nodes) <= 80
    assert all(n.kind is NodeKind.PACKAGE for n in diagram.nodes)
    assert sum(e.weight for e in diagram.edges) > len(diagram.edges)  # bundled imports
    assert "1200 modules collapsed" in diagram.notes[0]
    dot = render_dot(diagram)
    assert dot.count("shape=folder") == len(diagram.nodes)  # every box drawn, nothing else


def test_depth_expands_package_levels_of_the_large_graph(tmp_path: Path) -> None:
    project = _synthetic_project(tmp_path)
    assert len(import_diagram(project, ImportViewOptions(depth=1)).nodes) == 1
    assert len(import_diagram(project, ImportViewOptions(depth=2)).nodes) == 12
    assert len(import_diagram(project, ImportViewOptions(depth=3)).nodes) == 120


def test_scope_on_the_large_graph_stays_small(tmp_path: Path) -> None:
    diagram = import_diagram(_synthetic_project(tmp_path),
                             ImportViewOptions(scope=("big.p03.s04",)))
    assert 10 < len(diagram.nodes) <= 80
    assert all(n.kind is NodeKind.MODULE for n in diagram.nodes)
