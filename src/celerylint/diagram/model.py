"""A renderer-neutral description of one diagram, built from the project model.

The builders (``imports_view``, ``topology``) decide *what* is drawn; the
renderers (``dot``, ``mermaid``) only decide *how*.  Everything here is sorted
and identified by name, never by memory address or discovery order, so the
same project always yields byte-identical output and a committed diagram can
be checked with ``--check`` in CI.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from celerylint.secrets import mask_secrets_in_text


class NodeKind(str, enum.Enum):
    """What a box stands for; renderers pick its shape and colour from this."""

    MODULE = "module"
    PACKAGE = "package"  # several modules collapsed into one box
    MISSING = "missing"  # imported under a first-party package, but absent
    EXTERNAL = "external"  # third-party or standard library
    APP = "app"
    BROKER = "broker"
    BACKEND = "backend"
    BEAT_ENTRY = "beat_entry"
    SCHEDULE = "schedule"  # one app's beat schedule: what a beat process reads
    TASK = "task"
    QUEUE = "queue"
    WORKER = "worker"
    BEAT_PROCESS = "beat_process"
    CALLER = "caller"


class EdgeKind(str, enum.Enum):
    IMPORT = "import"
    CONNECTS = "connects"  # app -> broker / result backend
    SCHEDULES = "schedules"  # beat -> schedule, schedule or beat entry -> task
    SENDS = "sends"  # caller module -> task, task -> task
    ROUTES = "routes"  # task -> queue
    CONSUMES = "consumes"  # queue -> worker


# Short, letter-first prefixes: a Mermaid id must not start with "o" or "x"
# (read as circle/cross arrow heads) nor be a keyword such as "end".
_ID_PREFIX = {
    NodeKind.MODULE: "mod", NodeKind.PACKAGE: "pkg", NodeKind.MISSING: "miss",
    NodeKind.EXTERNAL: "ext", NodeKind.APP: "app", NodeKind.BROKER: "broker",
    NodeKind.BACKEND: "backend", NodeKind.BEAT_ENTRY: "beat", NodeKind.SCHEDULE: "sched",
    NodeKind.TASK: "task",
    NodeKind.QUEUE: "queue", NodeKind.WORKER: "worker", NodeKind.BEAT_PROCESS: "beatproc",
    NodeKind.CALLER: "caller",
}  # fmt: skip
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


@dataclass(frozen=True)
class Node:
    id: str
    kind: NodeKind
    label: tuple[str, ...]  # lines, first one is the title
    cluster: str | None = None
    problem: bool = False  # drawn red: a rule found an error here
    dashed: bool = False
    codes: tuple[str, ...] = ()  # finding codes, shown in the label
    warning: bool = False  # orange border: only warnings or info here


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    label: str = ""
    weight: int = 1  # how many underlying relations the edge stands for
    problem: bool = False  # drawn red (import cycle)
    dashed: bool = False  # lazy import, or a relation that may not happen

    @property
    def display_label(self) -> str:
        """The label drawn: a bundled edge shows how many relations it stands for."""
        if self.weight > 1:
            return f"{self.label} x{self.weight}" if self.label else str(self.weight)
        return self.label


@dataclass(frozen=True)
class Cluster:
    id: str
    label: str
    parent: str | None = None


@dataclass(frozen=True)
class Diagram:
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...] = ()
    legend: str = ""
    notes: tuple[str, ...] = ()  # e.g. how a large graph was collapsed
    direction: str = "LR"

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def nodes_in(self, cluster: str | None) -> list[Node]:
        return [n for n in self.nodes if n.cluster == cluster]

    def child_clusters(self, parent: str | None) -> list[Cluster]:
        return [c for c in self.clusters if c.parent == parent]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, in the same deterministic order as the renderers."""
        return {
            "title": self.title,
            "direction": self.direction,
            "legend": self.legend,
            "notes": list(self.notes),
            "clusters": [{"id": c.id, "label": c.label, "parent": c.parent}
                         for c in self.clusters],
            "nodes": [{"id": n.id, "kind": n.kind.value, "label": list(n.label),
                       "cluster": n.cluster, "problem": n.problem, "warning": n.warning,
                       "dashed": n.dashed, "codes": list(n.codes)} for n in self.nodes],
            "edges": [{"source": e.source, "target": e.target, "kind": e.kind.value,
                       "label": e.label, "weight": e.weight, "problem": e.problem,
                       "dashed": e.dashed} for e in self.edges],
        }


def stable_ids(prefix: str, names: Iterable[str]) -> dict[str, str]:
    """Readable ids derived from names only: ``acme.tasks`` -> ``mod_acme_tasks``.

    Names that sanitize to the same id (``a.b`` and ``a_b``) all get a short
    hash of the name appended, so the result never depends on input order.
    """
    wanted = sorted(set(names))
    base = {name: f"{prefix}_{_UNSAFE.sub('_', mask_secrets_in_text(name)).strip('_') or 'x'}"
            for name in wanted}  # masked: an id must not spell out a password either
    counts: dict[str, int] = {}
    for candidate in base.values():
        counts[candidate] = counts.get(candidate, 0) + 1
    return {name: candidate if counts[candidate] == 1 else f"{candidate}_{_digest(name)}"
            for name, candidate in base.items()}


def _digest(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]


@dataclass
class _NodeDraft:
    kind: NodeKind
    name: str
    label: tuple[str, ...]
    cluster: str | None
    problem: bool
    dashed: bool
    codes: set[str] = field(default_factory=set)
    warning: bool = False


@dataclass
class _EdgeDraft:
    kind: EdgeKind
    label: str
    weight: int
    problem: bool
    dashed: bool


class DiagramBuilder:
    """Collects nodes and edges by (kind, name) and hands out a sorted Diagram.

    Adding the same node or edge twice merges them (codes are united, edge
    weights added), so builders can walk the model in any order.
    """

    def __init__(self, title: str, legend: str = "", direction: str = "LR") -> None:
        self.title, self.legend, self.direction = title, legend, direction
        self._nodes: dict[tuple[NodeKind, str], _NodeDraft] = {}
        self._edges: dict[tuple[tuple[NodeKind, str], tuple[NodeKind, str], str], _EdgeDraft] = {}
        self._clusters: dict[str, tuple[str, str | None]] = {}
        self.notes: list[str] = []
        self.code_names: dict[str, str] = {}  # "CEL401" -> "unconsumed-queue", for labels

    def cluster(self, name: str, label: str, parent: str | None = None) -> str:
        """Register a cluster by name; returns the name to pass as ``cluster=``."""
        self._clusters.setdefault(name, (label, parent))
        return name

    def node(self, kind: NodeKind, name: str, label: Iterable[str], *, cluster: str | None = None,
             problem: bool = False, dashed: bool = False, codes: Iterable[str] = (),
             warning: bool = False) -> None:
        key = (kind, name)
        draft = self._nodes.get(key)
        if draft is None:
            self._nodes[key] = _NodeDraft(kind, name, tuple(label), cluster, problem, dashed,
                                          set(codes), warning)
            return
        draft.problem |= problem
        draft.dashed |= dashed
        draft.warning |= warning
        draft.codes.update(codes)

    def has_node(self, kind: NodeKind, name: str) -> bool:
        return (kind, name) in self._nodes

    def names(self, kind: NodeKind) -> frozenset[str]:
        """Names of the nodes of one kind added so far."""
        return frozenset(name for k, name in self._nodes if k is kind)

    def edge(self, source: tuple[NodeKind, str], target: tuple[NodeKind, str], kind: EdgeKind,
             label: str = "", *, weight: int = 1, problem: bool = False,
             dashed: bool = False) -> None:
        key = (source, target, label)
        draft = self._edges.get(key)
        if draft is None:
            self._edges[key] = _EdgeDraft(kind, label, weight, problem, dashed)
            return
        draft.weight += weight
        draft.problem |= problem
        draft.dashed &= dashed

    def build(self) -> Diagram:
        node_ids = self._node_ids()
        cluster_ids = stable_ids("cl", self._clusters)
        nodes = sorted((self._finish_node(d, node_ids, cluster_ids) for d in self._nodes.values()),
                       key=lambda n: n.id)
        edges = sorted(
            (Edge(node_ids[s], node_ids[t], d.kind, d.label, d.weight, d.problem, d.dashed)
             for (s, t, _), d in self._edges.items() if s in node_ids and t in node_ids),
            key=lambda e: (e.source, e.target, e.label))
        clusters = sorted((Cluster(cluster_ids[name], label,
                                   cluster_ids.get(parent) if parent else None)
                           for name, (label, parent) in self._clusters.items()),
                          key=lambda c: c.id)
        return Diagram(self.title, tuple(nodes), tuple(edges), tuple(clusters), self.legend,
                       tuple(self.notes), self.direction)

    def _node_ids(self) -> dict[tuple[NodeKind, str], str]:
        ids: dict[tuple[NodeKind, str], str] = {}
        for kind in NodeKind:
            names = [name for (k, name) in self._nodes if k is kind]
            ids.update({(kind, name): node_id
                        for name, node_id in stable_ids(_ID_PREFIX[kind], names).items()})
        return ids

    def _finish_node(self, draft: _NodeDraft, ids: dict[tuple[NodeKind, str], str],
                     cluster_ids: dict[str, str]) -> Node:
        codes = tuple(sorted(draft.codes))
        named = [f"{code} {self.code_names[code]}" if code in self.code_names else code
                 for code in codes]
        label = draft.label + tuple(named)
        cluster = cluster_ids.get(draft.cluster) if draft.cluster else None
        return Node(ids[(draft.kind, draft.name)], draft.kind, label, cluster, draft.problem,
                    draft.dashed, codes, draft.warning and not draft.problem)


__all__ = ["Cluster", "Diagram", "DiagramBuilder", "Edge", "EdgeKind", "Node", "NodeKind",
           "stable_ids"]
