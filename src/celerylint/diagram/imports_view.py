"""The module import graph as a diagram: clustered by package, cycles and gaps in red.

Read from ``project.import_graph`` (the graph CEL701 and the registration
closures use), never from a second parse.  A large project is collapsed to
packages so the picture stays legible: each box then stands for every module
under a package, and an edge's weight is the number of imports it bundles.
On a tree too large for one picture, the default is what the Celery processes
load (the registration closures of the workers, or of every app when no worker
command is found) and the modules they fail to find; ``--scope PKG`` or
``--scope project`` widens it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from celerylint.diagram.model import Diagram, DiagramBuilder, EdgeKind, NodeKind
from celerylint.project.imports import LOAD_TIME, ImportEdge

if TYPE_CHECKING:
    from celerylint.project.model import Project

MAX_NODES = 80  # beyond this, modules are collapsed into packages
EXTERNAL_CLUSTER = "<external>"
LEGEND = ("red: import cycle - dashed red: missing module - dashed arrow: import inside a "
          "function (not at load time)")


class ScopeError(ValueError):
    """``--scope`` names packages that hold no module of the project."""


WHOLE_PROJECT = "project"  # ``--scope project``: every first-party module


@dataclass(frozen=True)
class ImportViewOptions:
    scope: tuple[str, ...] = ()  # packages to show, with their direct neighbours
    include_external: bool = False
    depth: int | None = None  # package levels to keep; None: automatic when too large
    max_nodes: int = MAX_NODES


@dataclass(frozen=True)
class _Group:
    """What one drawn box stands for."""

    name: str
    kind: NodeKind
    members: int = 1
    missing: int = 0
    in_cycle: bool = False
    is_package: bool = False


def import_diagram(project: Project, options: ImportViewOptions | None = None) -> Diagram:
    """The import graph of ``project`` as a Diagram, following ``options``."""
    options = options or ImportViewOptions()
    graph: nx.DiGraph = project.import_graph.graph
    kinds = {name: data.get("kind", "module") for name, data in graph.nodes(data=True)}
    shown = _shown_modules(graph, kinds, options)
    celery_only = not options.scope and _box_count(shown, kinds, None) > options.max_nodes
    if celery_only:
        loaded = celery_loaded_modules(project)
        celery_only = bool(loaded)
        if loaded:
            shown = _with_missing_imports(graph, loaded, set(shown))
    cycles = {m: i for i, group in enumerate(project.import_graph.find_cycles()) for m in group}
    packages = {m for m in shown if (facts := project.module(m)) is not None and facts.is_package}
    depth = _collapse_depth(shown, kinds, options)
    if depth is None:
        shown = _without_idle_inits(graph, shown, packages)
    mapping = {m: _group_name(m, kinds[m], depth) for m in shown}
    groups = _groups(mapping, kinds, cycles, packages, depth)
    builder = DiagramBuilder(_title(project, options), LEGEND)
    if celery_only:
        builder.notes.append(f"the {len(shown)} modules the Celery processes load (of "
                             f"{len(kinds)}); --scope PKG or --scope project to widen")
    if depth is not None:
        builder.notes.append(f"{len(shown)} modules collapsed into {len(groups)} boxes "
                             f"(package depth {depth}); use --depth N to choose the level, "
                             "--scope PKG to zoom in")
    for group in sorted(groups.values(), key=lambda g: g.name):
        _add_group(builder, group)
    _add_edges(builder, graph, mapping, groups, cycles)
    return builder.build()


def _add_edges(builder: DiagramBuilder, graph: nx.DiGraph, mapping: dict[str, str],
               groups: dict[str, _Group], cycles: dict[str, int]) -> None:
    """One edge per pair of boxes; imports bundled into it add up as its weight."""
    for source, target in sorted(graph.edges):
        if source not in mapping or target not in mapping:
            continue
        head, tail = mapping[source], mapping[target]
        if head == tail:
            continue
        edge: ImportEdge = graph.edges[source, target]["edge"]
        in_cycle = source in cycles and cycles.get(target) == cycles[source]
        builder.edge((groups[head].kind, head), (groups[tail].kind, tail), EdgeKind.IMPORT,
                     problem=in_cycle, dashed=edge.context not in LOAD_TIME)


def _shown_modules(graph: nx.DiGraph, kinds: dict[str, str],
                   options: ImportViewOptions) -> list[str]:
    """First-party and missing modules (externals on request), narrowed to the scope."""
    allowed = {"module", "missing"} | ({"external"} if options.include_external else set())
    candidates = {n for n in graph.nodes if kinds[n] in allowed}
    if not options.scope or options.scope == (WHOLE_PROJECT,) and not any(
            _under(n, WHOLE_PROJECT) for n in candidates):
        return sorted(candidates)
    core = {n for n in candidates if any(_under(n, pkg) for pkg in options.scope)}
    if not core:
        raise ScopeError(f"--scope {','.join(options.scope)} matches no module of the project")
    neighbours = {other for n in core
                  for other in (*graph.successors(n), *graph.predecessors(n))}
    return sorted(core | (neighbours & candidates))


def celery_loaded_modules(project: Project) -> set[str]:
    """What the workers and beat (or, without their commands, the apps) load: the same
    process scope the hygiene rules judge. Empty when that scope is the whole project."""
    scope = project.process_scope()
    return set() if scope.whole_project else set(scope.modules)


def _with_missing_imports(graph: nx.DiGraph, loaded: set[str], shown: set[str]) -> list[str]:
    """The loaded modules, plus what they import that is shown but loads nothing itself:
    missing modules (and externals, when asked for)."""
    kept = loaded & shown
    imported = {target for module in kept for target in graph.successors(module)
                if target in shown and target not in loaded}
    return sorted(kept | {m for m in imported if graph.nodes[m].get("kind") != "module"})


def _without_idle_inits(graph: nx.DiGraph, shown: list[str], packages: set[str]) -> list[str]:
    """Drop ``__init__`` modules that import nothing and are imported by nothing shown.

    Their package is already drawn as a cluster; an idle box per package is noise.
    """
    visible = set(shown)

    def idle(module: str) -> bool:
        return not any(n in visible for n in (*graph.successors(module),
                                              *graph.predecessors(module)))

    return [m for m in shown if m not in packages or not idle(m)]


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _external_top(name: str) -> str:
    return name.split(".")[0]


def _group_name(module: str, kind: str, depth: int | None) -> str:
    if kind == "external":
        return _external_top(module)
    if depth is None:
        return module
    return ".".join(module.split(".")[:depth])


def _collapse_depth(shown: list[str], kinds: dict[str, str],
                    options: ImportViewOptions) -> int | None:
    """The package depth to draw: asked for, or the deepest one that fits the limit."""
    if options.depth is not None:
        return max(1, options.depth)
    if _box_count(shown, kinds, None) <= options.max_nodes:
        return None
    deepest = max((m.count(".") + 1 for m in shown if kinds[m] != "external"), default=1)
    best = 1
    for depth in range(1, deepest + 1):
        if _box_count(shown, kinds, depth) <= options.max_nodes:
            best = depth
    return best


def _box_count(shown: Iterable[str], kinds: dict[str, str], depth: int | None) -> int:
    return len({_group_name(m, kinds[m], depth) for m in shown})


def _groups(mapping: dict[str, str], kinds: dict[str, str], cycles: dict[str, int],
            packages: set[str], depth: int | None) -> dict[str, _Group]:
    members: dict[str, list[str]] = {}
    for module, group in mapping.items():
        members.setdefault(group, []).append(module)
    groups: dict[str, _Group] = {}
    for name, modules in members.items():
        module_kinds = {kinds[m] for m in modules}
        missing = sum(1 for m in modules if kinds[m] == "missing")
        if module_kinds == {"external"}:
            kind = NodeKind.EXTERNAL
        elif depth is not None and (len(modules) > 1 or modules[0] != name):
            kind = NodeKind.PACKAGE
        else:
            kind = NodeKind.MISSING if module_kinds == {"missing"} else NodeKind.MODULE
        groups[name] = _Group(name, kind, len(modules), missing,
                              any(m in cycles for m in modules),
                              name in packages or kind is NodeKind.PACKAGE)
    return groups


def _cluster_of(builder: DiagramBuilder, group: _Group) -> str | None:
    """The package cluster a box sits in (None at top level); parents nest the clusters."""
    if group.kind is NodeKind.EXTERNAL:
        return builder.cluster(EXTERNAL_CLUSTER, "third-party and standard library")
    parts = group.name.split(".")
    package = parts if group.is_package and group.kind is not NodeKind.PACKAGE else parts[:-1]
    parent: str | None = None
    for index in range(1, len(package) + 1):
        name = ".".join(package[:index])
        parent = builder.cluster(name, name, parent)
    return parent


def _add_group(builder: DiagramBuilder, group: _Group) -> None:
    cluster = _cluster_of(builder, group)
    short = group.name.rsplit(".", 1)[-1]
    if group.kind is NodeKind.MODULE and group.is_package and cluster == group.name:
        short = "__init__"
    label = [group.name if group.kind is NodeKind.EXTERNAL else short]
    if group.kind is NodeKind.PACKAGE:
        count = f"{group.members} module{'s' if group.members != 1 else ''}"
        label.append(count + (f", {group.missing} missing" if group.missing else ""))
    elif group.kind is NodeKind.MISSING:
        label.append("(missing)")
    missing_inside = group.missing > 0 and group.kind is not NodeKind.MISSING
    builder.node(group.kind, group.name, label, cluster=cluster,
                 problem=group.in_cycle or missing_inside,
                 dashed=group.kind is NodeKind.MISSING)


def _title(project: Project, options: ImportViewOptions) -> str:
    scope = f" (scope: {', '.join(options.scope)})" if options.scope else ""
    return f"Imports of {project.root.name}{scope}"


__all__ = ["MAX_NODES", "WHOLE_PROJECT", "ImportViewOptions", "ScopeError",
           "celery_loaded_modules", "import_diagram"]
