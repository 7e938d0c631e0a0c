"""Mermaid flowchart text for a Diagram: renders on GitHub and GitLab as is.

Only a small, well-trodden subset of Mermaid is emitted (front-matter title,
``flowchart``, quoted labels, nested ``subgraph``, ``classDef``/``class``,
``linkStyle``), and every label goes through :func:`escape_label`, so no name
found in a project can break the syntax.  ``tests/diagram`` checks the subset
with a strict grammar.
"""

from __future__ import annotations

from celerylint.diagram.model import Cluster, Diagram, Edge, Node
from celerylint.diagram.style import PROBLEM_FILL, PROBLEM_STROKE, STYLES, WARNING_STROKE
from celerylint.printable import printable
from celerylint.secrets import mask_secrets_in_text

INDENT = "    "
_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "|": "#124;",
             "`": "#96;", "\\": "#92;"}


def escape_label(text: str) -> str:
    """Text safe inside ``"..."`` in Mermaid: entity codes for the characters it reads."""
    masked = mask_secrets_in_text(printable(text))
    return "".join(_ENTITIES.get(ch, ch) for ch in masked if ch >= " ")


def _label(lines: tuple[str, ...]) -> str:
    return "<br/>".join(escape_label(line) for line in lines)


def _class_of(node: Node) -> str:
    if node.problem:
        return "problem_dashed" if node.dashed else "problem"
    if node.dashed:
        return "dashed"
    return f"warn_{node.kind.value}" if node.warning else f"k_{node.kind.value}"


def _node_line(node: Node, depth: int) -> str:
    style = STYLES[node.kind]
    return f'{INDENT * depth}{node.id}{style.mermaid_open}"{_label(node.label)}"' \
        f"{style.mermaid_close}"


def _cluster_lines(diagram: Diagram, cluster: Cluster, depth: int) -> list[str]:
    lines = [f'{INDENT * depth}subgraph {cluster.id}["{escape_label(cluster.label)}"]']
    lines.extend(_node_line(n, depth + 1) for n in diagram.nodes_in(cluster.id))
    for child in diagram.child_clusters(cluster.id):
        lines.extend(_cluster_lines(diagram, child, depth + 1))
    lines.append(f"{INDENT * depth}end")
    return lines


def _edge_line(edge: Edge) -> str:
    arrow = "-.->" if edge.dashed else ("==>" if edge.weight > 1 else "-->")
    label = f'|"{escape_label(edge.display_label)}"|' if edge.display_label else ""
    return f"{INDENT}{edge.source} {arrow}{label} {edge.target}"


def _class_definitions() -> dict[str, str]:
    styles = {f"k_{kind.value}": f"fill:{style.fill},stroke:{style.stroke}"
              for kind, style in STYLES.items()}
    styles.update({f"warn_{kind.value}": f"fill:{style.fill},stroke:{WARNING_STROKE},"
                   "stroke-width:2px" for kind, style in STYLES.items()})
    styles["problem"] = f"fill:{PROBLEM_FILL},stroke:{PROBLEM_STROKE},stroke-width:2px"
    styles["dashed"] = f"fill:#ffffff,stroke:{PROBLEM_STROKE},stroke-width:2px," \
        "stroke-dasharray:5 4"
    styles["problem_dashed"] = f"fill:{PROBLEM_FILL},stroke:{PROBLEM_STROKE}," \
        "stroke-width:2px,stroke-dasharray:5 4"
    return styles


def _class_lines(diagram: Diagram) -> list[str]:
    """``classDef`` for the classes in use only, then one ``class`` line per class."""
    by_class: dict[str, list[str]] = {}
    for node in diagram.nodes:
        by_class.setdefault(_class_of(node), []).append(node.id)
    definitions = _class_definitions()
    lines = [f"{INDENT}classDef {name} {definitions[name]}" for name in sorted(by_class)]
    lines.extend(f"{INDENT}class {','.join(ids)} {name}" for name, ids in sorted(by_class.items()))
    return lines


def render_mermaid(diagram: Diagram) -> str:
    """The Mermaid source; identical input gives byte-identical output."""
    lines = ["---", f'title: "{escape_label(diagram.title)}"', "---",
             f"flowchart {diagram.direction}"]
    lines.extend(f"{INDENT}%% {escape_label(text)}" for text in (*diagram.notes, diagram.legend)
                 if text)
    lines.extend(_node_line(n, 1) for n in diagram.nodes_in(None))
    for cluster in diagram.child_clusters(None):
        lines.extend(_cluster_lines(diagram, cluster, 1))
    lines.extend(_edge_line(e) for e in diagram.edges)
    lines.extend(_class_lines(diagram))
    red = [str(i) for i, edge in enumerate(diagram.edges) if edge.problem]
    if red:
        lines.append(f"{INDENT}linkStyle {','.join(red)} stroke:{PROBLEM_STROKE},"
                     "stroke-width:2px")
    return "\n".join(lines) + "\n"


__all__ = ["escape_label", "render_mermaid"]
