"""The module import graph and the questions rules ask of it.

Nodes are dotted module names. First-party modules carry ``kind="module"``;
imported names that resolve nowhere in the project are ``"external"``
(third-party or stdlib) or ``"missing"`` (under a first-party package but absent).
Edges carry the file, line and whether the import runs at load time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from celerylint.source.facts import ImportContext, ImportFact, ModuleFacts

if TYPE_CHECKING:
    import networkx as nx

LOAD_TIME = (ImportContext.MODULE, ImportContext.GUARDED)


@dataclass(frozen=True)
class ImportEdge:
    path: str
    line: int
    context: ImportContext


def parent_packages(module: str) -> list[str]:
    """``a.b.c`` -> ["a", "a.b"]: the ``__init__`` modules Python runs first."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


class ImportGraph:
    """The import graph with queries named as questions.

    Rules only walk successors, which plain dictionaries answer; the networkx graph
    (diagrams, cycles, paths) is built on first use, so a lint run never imports
    networkx, the largest import of a warm run.
    """

    def __init__(
        self,
        modules: Mapping[str, ModuleFacts],
        first_party_tops: frozenset[str],
        canonical: Callable[[str], str] = lambda name: name,
    ) -> None:
        self._modules = modules
        self._canonical = canonical
        self._kinds: dict[str, str] = {name: "module" for name in modules}
        self._edges: dict[str, dict[str, ImportEdge]] = {name: {} for name in modules}
        for name, facts in sorted(modules.items()):
            for fact in facts.imports:
                target = self.target_module(fact)
                if not target or target == name:
                    continue
                if target not in self._kinds:
                    kind = "missing" if target.split(".")[0] in first_party_tops else "external"
                    self._kinds[target] = kind
                    self._edges[target] = {}
                existing = self._edges[name].get(target)
                edge = ImportEdge(facts.path, fact.span.line, fact.context)
                if existing is None or (
                    existing.context not in LOAD_TIME and fact.context in LOAD_TIME
                ):
                    self._edges[name][target] = edge

    @cached_property
    def graph(self) -> "nx.DiGraph":
        """Nodes carry ``kind``, edges carry ``edge`` (an ``ImportEdge``)."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from((name, {"kind": kind}) for name, kind in self._kinds.items())
        graph.add_edges_from((source, target, {"edge": edge})
                             for source, targets in self._edges.items()
                             for target, edge in targets.items())
        return graph

    def target_module(self, fact: ImportFact) -> str:
        """The module an import loads: ``from a import b`` loads ``a.b`` when that is a module."""
        if fact.name and fact.name != "*":
            candidate = self._canonical(f"{fact.module}.{fact.name}" if fact.module else fact.name)
            if candidate in self._modules:
                return candidate
        return self._canonical(fact.module)

    # -- questions ---------------------------------------------------------------
    def is_first_party(self, module: str) -> bool:
        return module in self._modules

    def imports_at_load_time(self, module: str) -> Iterator[str]:
        """First-party modules executed when ``module`` is imported (direct step only)."""
        for target, edge in self._edges.get(module, {}).items():
            if edge.context in LOAD_TIME:
                for name in (*parent_packages(target), target):
                    if name in self._modules:
                        yield name

    def load_closure(self, roots: Iterable[str]) -> set[str]:
        """Every first-party module that runs when ``roots`` are imported, parents included."""
        return set(self.load_closure_parents(roots))

    def load_closure_parents(self, roots: Iterable[str]) -> dict[str, str]:
        """``load_closure`` with, for each module, the module whose import first ran it
        ("" for a root or a root's parent package): the chain that explains a registration."""
        parents: dict[str, str] = {}
        queue: deque[str] = deque()
        for root in roots:
            for name in (*parent_packages(root), root):
                if name in self._modules and name not in parents:
                    parents[name] = ""
                    queue.append(name)
        while queue:
            current = queue.popleft()
            for nxt in self.imports_at_load_time(current):
                if nxt not in parents:
                    parents[nxt] = current
                    queue.append(nxt)
        return parents

    def shortest_chain(self, source: str, target: str) -> list[str] | None:
        import networkx as nx

        try:
            return list(nx.shortest_path(self.graph, source, target))
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None

    def find_cycles(self) -> list[list[str]]:
        """Groups of two or more first-party modules that import each other at load time
        (function-level and TYPE_CHECKING imports do not run then), sorted."""
        import networkx as nx

        first_party = self.graph.subgraph(n for n, d in self.graph.nodes(data=True)
                                          if d.get("kind") == "module")
        load_time = nx.DiGraph()
        load_time.add_nodes_from(first_party.nodes)
        load_time.add_edges_from((a, b) for a, b, data in first_party.edges(data=True)
                                 if data["edge"].context in LOAD_TIME)
        groups = [sorted(c) for c in nx.strongly_connected_components(load_time) if len(c) > 1]
        return sorted(groups)

    def upstream_modules(self, module: str) -> set[str]:
        """Modules that import ``module`` directly or indirectly."""
        import networkx as nx

        if module not in self._kinds:
            return set()
        return set(nx.ancestors(self.graph, module))
