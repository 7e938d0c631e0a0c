"""Colours and shapes per node kind, shared by the DOT and Mermaid renderers.

Kept in one table so a queue looks like a queue in the PNG, the SVG and the
Markdown report alike.  Colours are light fills with dark text: readable when
printed, and red stays reserved for problems.
"""

from __future__ import annotations

from dataclasses import dataclass

from celerylint.diagram.model import NodeKind

PROBLEM_FILL = "#ffcdd2"
PROBLEM_STROKE = "#c62828"
WARNING_STROKE = "#ef6c00"
EDGE_COLOR = "#546e7a"
CLUSTER_FILL = "#f7f9fa"
CLUSTER_STROKE = "#90a4ae"
FONT = "Helvetica"


@dataclass(frozen=True)
class KindStyle:
    fill: str
    stroke: str
    dot_shape: str
    mermaid_open: str  # Mermaid shape brackets around the quoted label
    mermaid_close: str


STYLES: dict[NodeKind, KindStyle] = {
    NodeKind.MODULE: KindStyle("#e3f2fd", "#1e88e5", "box", "[", "]"),
    NodeKind.PACKAGE: KindStyle("#bbdefb", "#1565c0", "folder", "[[", "]]"),
    NodeKind.MISSING: KindStyle("#ffffff", PROBLEM_STROKE, "box", "[", "]"),
    NodeKind.EXTERNAL: KindStyle("#eeeeee", "#757575", "box", "([", "])"),
    NodeKind.APP: KindStyle("#ede7f6", "#5e35b1", "hexagon", "{{", "}}"),
    NodeKind.BROKER: KindStyle("#ffe0b2", "#ef6c00", "cylinder", "[(", ")]"),
    NodeKind.BACKEND: KindStyle("#ffe0b2", "#ef6c00", "cylinder", "[(", ")]"),
    NodeKind.BEAT_ENTRY: KindStyle("#e8f5e9", "#43a047", "box", "([", "])"),
    NodeKind.SCHEDULE: KindStyle("#e8f5e9", "#2e7d32", "tab", "[/", "/]"),
    NodeKind.TASK: KindStyle("#e3f2fd", "#1e88e5", "box", "[", "]"),
    NodeKind.QUEUE: KindStyle("#fff9c4", "#f9a825", "cylinder", "[(", ")]"),
    NodeKind.WORKER: KindStyle("#e0f2f1", "#00897b", "component", "[[", "]]"),
    NodeKind.BEAT_PROCESS: KindStyle("#f1f8e9", "#689f38", "component", "[[", "]]"),
    NodeKind.CALLER: KindStyle("#f5f5f5", "#616161", "note", ">", "]"),
}

__all__ = ["STYLES", "KindStyle"]
