"""The import graph: what runs when a module is imported, and where imports go in circles."""

from __future__ import annotations

import textwrap

from celerylint.project.imports import ImportEdge, ImportGraph, parent_packages
from celerylint.source.extract import extract_module_facts
from celerylint.source.facts import ImportContext, ModuleFacts


def graph_of(sources: dict[str, str]) -> ImportGraph:
    """Module name (``pkg/__init__`` style keys mark packages) -> source."""
    modules: dict[str, ModuleFacts] = {}
    for key, source in sources.items():
        is_package = key.endswith("/")
        name = key.rstrip("/")
        path = name.replace(".", "/") + ("/__init__.py" if is_package else ".py")
        facts = extract_module_facts(path, name, is_package, textwrap.dedent(source).encode())
        assert facts.parse_failure is None
        modules[name] = facts
    tops = frozenset(name.split(".")[0] for name in modules)
    return ImportGraph(modules, tops)


PROJECT = {
    "proj/": "",
    "proj.app": """\
        from proj.tasks import send
        import proj.routes
    """,
    "proj.tasks": """\
        from typing import TYPE_CHECKING
        from celery import shared_task
        from . import helpers
        if TYPE_CHECKING:
            from proj.models import Model
        try:
            from proj.speedups import fast
        except ImportError:
            fast = None

        @shared_task
        def send():
            from proj.reports import build
            return build()
    """,
    "proj.helpers": "",
    "proj.models": "",
    "proj.speedups": "",
    "proj.reports": "import proj.heavy\n",
    "proj.heavy": "",
    "proj.routes/": "from .table import ROUTES\n",
    "proj.routes.table": "ROUTES = {}\n",
    "proj.deep/": "",
    "proj.deep.sub/": "",
    "proj.deep.sub.leaf": "",
    "other": "from proj.deep.sub import leaf\n",
}


def test_parent_packages() -> None:
    assert parent_packages("a.b.c") == ["a", "a.b"]
    assert parent_packages("a") == []


def test_load_closure_follows_only_load_time_imports() -> None:
    graph = graph_of(PROJECT)
    assert graph.load_closure(["proj.app"]) == {
        "proj", "proj.app", "proj.tasks", "proj.helpers", "proj.speedups",
        "proj.routes", "proj.routes.table",
    }  # not models (TYPE_CHECKING), not reports or heavy (inside a function)


def test_load_closure_includes_every_parent_package() -> None:
    graph = graph_of(PROJECT)
    assert graph.load_closure(["proj.deep.sub.leaf"]) == {
        "proj", "proj.deep", "proj.deep.sub", "proj.deep.sub.leaf"}
    assert graph.load_closure(["other"]) == {
        "other", "proj", "proj.deep", "proj.deep.sub", "proj.deep.sub.leaf"}


def test_load_closure_of_unknown_roots_is_empty() -> None:
    assert graph_of(PROJECT).load_closure(["nowhere", "celery"]) == set()


def test_imports_at_load_time_is_one_step() -> None:
    graph = graph_of(PROJECT)
    assert set(graph.imports_at_load_time("proj.app")) == {
        "proj", "proj.tasks", "proj.routes"}


def test_from_import_of_a_submodule_targets_the_submodule() -> None:
    graph = graph_of(PROJECT)
    assert graph.graph.has_edge("proj.tasks", "proj.helpers")  # from . import helpers
    assert graph.graph.has_edge("other", "proj.deep.sub.leaf")
    assert not graph.graph.has_edge("proj.app", "proj")  # send is a name, not a module


def test_edges_remember_where_and_how() -> None:
    graph = graph_of(PROJECT)
    edge: ImportEdge = graph.graph.edges["proj.tasks", "proj.reports"]["edge"]
    assert (edge.path, edge.line, edge.context) == ("proj/tasks.py", 13,
                                                    ImportContext.FUNCTION)
    guarded = graph.graph.edges["proj.tasks", "proj.speedups"]["edge"]
    assert guarded.context is ImportContext.GUARDED


def test_a_load_time_import_outranks_a_lazy_one_of_the_same_module() -> None:
    graph = graph_of({"a": "def f():\n    import b\n\nimport b\n", "b": ""})
    assert graph.graph.edges["a", "b"]["edge"].context is ImportContext.MODULE
    assert graph.load_closure(["a"]) == {"a", "b"}


def test_external_and_missing_nodes() -> None:
    graph = graph_of(PROJECT)
    assert graph.graph.nodes["celery"]["kind"] == "external"
    assert graph.graph.nodes["typing"]["kind"] == "external"
    assert graph.graph.nodes["proj.tasks"]["kind"] == "module"
    missing = graph_of({"pkg/": "", "pkg.a": "import pkg.gone\n"})
    assert missing.graph.nodes["pkg.gone"]["kind"] == "missing"
    assert missing.is_first_party("pkg.a")
    assert not missing.is_first_party("pkg.gone")


def test_cycles_are_found() -> None:
    graph = graph_of({
        "a": "import b\n", "b": "from c import x\n", "c": "import a\nx = 1\n",
        "d": "import e\n", "e": "import d\n",
        "f": "import a\n",  # reaches the cycle but is not part of it
        "g": "import g\n",  # a self-import is not a cycle of modules
    })
    assert graph.find_cycles() == [["a", "b", "c"], ["d", "e"]]


def test_no_cycles_in_a_tree() -> None:
    assert graph_of(PROJECT).find_cycles() == []


def test_shortest_chain_and_upstream() -> None:
    graph = graph_of(PROJECT)
    assert graph.shortest_chain("proj.app", "proj.routes.table") == [
        "proj.app", "proj.routes", "proj.routes.table"]
    assert graph.shortest_chain("proj.heavy", "proj.app") is None
    assert graph.shortest_chain("nowhere", "proj.app") is None
    assert graph.upstream_modules("proj.heavy") == {"proj.reports", "proj.tasks", "proj.app"}
    assert graph.upstream_modules("nowhere") == set()
