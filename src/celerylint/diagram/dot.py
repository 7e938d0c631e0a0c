"""Graphviz DOT text for a Diagram, written with pydot.

Labels are HTML-like (title line bold, details smaller) so boxes stay compact
when rendered; every label line is masked for secrets once more here, the
last place text passes before it is written to a file.
"""

from __future__ import annotations

import html
import math

import pydot

from celerylint.diagram.model import Cluster, Diagram, Edge, Node
from celerylint.diagram.style import (
    CLUSTER_FILL,
    CLUSTER_STROKE,
    EDGE_COLOR,
    FONT,
    PROBLEM_FILL,
    PROBLEM_STROKE,
    STYLES,
    WARNING_STROKE,
)
from celerylint.printable import printable
from celerylint.secrets import mask_secrets_in_text

DETAIL_COLOR = "#455a64"


def _escape(text: str) -> str:
    return html.escape(mask_secrets_in_text(printable(text)), quote=True)


def html_label(lines: tuple[str, ...] | list[str]) -> str:
    """``<<b>title</b><br/><font ...>detail</font>>``: DOT's HTML-like label syntax."""
    if not lines:
        return '""'
    parts = [f"<b>{_escape(lines[0])}</b>"]
    parts.extend(f'<font point-size="9" color="{DETAIL_COLOR}">{_escape(line)}</font>'
                 for line in lines[1:])
    return "<" + "<br/>".join(parts) + ">"


def _graph_label(diagram: Diagram) -> str:
    lines = [f'<font point-size="14"><b>{_escape(diagram.title)}</b></font>']
    lines.extend(f'<font point-size="9">{_escape(note)}</font>' for note in diagram.notes)
    if diagram.legend:
        lines.append(f'<font point-size="9" color="{DETAIL_COLOR}">{_escape(diagram.legend)}'
                     "</font>")
    return "<" + "<br/>".join(lines) + ">"


def _stroke(node: Node, normal: str) -> str:
    if node.problem or node.dashed:
        return PROBLEM_STROKE
    return WARNING_STROKE if node.warning else normal


def _node(node: Node) -> pydot.Node:
    kind = STYLES[node.kind]
    style = ["rounded" if kind.dot_shape == "box" else "", "filled",
             "dashed" if node.dashed else ""]
    attributes = {
        "label": html_label(node.label),
        "shape": kind.dot_shape,
        "style": ",".join(s for s in style if s),
        "fillcolor": PROBLEM_FILL if node.problem else kind.fill,
        "color": _stroke(node, kind.stroke),
        "penwidth": "2" if node.problem or node.dashed or node.warning else "1",
    }
    return pydot.Node(node.id, **attributes)


def _edge(edge: Edge) -> pydot.Edge:
    attributes: dict[str, str] = {"color": PROBLEM_STROKE if edge.problem else EDGE_COLOR}
    if edge.display_label:
        label = mask_secrets_in_text(printable(edge.display_label))
        attributes["label"] = label.replace("\\", "\\\\")
    width = 2.0 if edge.problem else 1.0 + min(3.0, math.log2(edge.weight))
    if width != 1.0:
        attributes["penwidth"] = f"{width:g}"
    if edge.dashed:
        attributes["style"] = "dashed"
    return pydot.Edge(edge.source, edge.target, **attributes)


def _cluster(diagram: Diagram, cluster: Cluster) -> pydot.Cluster:
    subgraph = pydot.Cluster(cluster.id, label=_escape(cluster.label), style="rounded,filled",
                             fillcolor=CLUSTER_FILL, color=CLUSTER_STROKE, fontname=FONT,
                             fontsize="10", labeljust="l")
    for node in diagram.nodes_in(cluster.id):
        subgraph.add_node(_node(node))
    for child in diagram.child_clusters(cluster.id):
        subgraph.add_subgraph(_cluster(diagram, child))
    return subgraph


def render_dot(diagram: Diagram) -> str:
    """The DOT source; identical input gives byte-identical output."""
    graph = pydot.Dot("celerylint", graph_type="digraph", rankdir=diagram.direction,
                      label=_graph_label(diagram), labelloc="t", fontname=FONT,
                      nodesep="0.3", ranksep="0.6", newrank="true")
    graph.set_node_defaults(fontname=FONT, fontsize="10", margin="0.12,0.06")
    graph.set_edge_defaults(fontname=FONT, fontsize="9", arrowsize="0.7",
                            fontcolor=DETAIL_COLOR)
    for node in diagram.nodes_in(None):
        graph.add_node(_node(node))
    for cluster in diagram.child_clusters(None):
        graph.add_subgraph(_cluster(diagram, cluster))
    for edge in diagram.edges:
        graph.add_edge(_edge(edge))
    return str(graph.to_string())


__all__ = ["html_label", "render_dot"]
