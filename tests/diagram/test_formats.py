"""Every format is valid: DOT parses with pydot, Mermaid passes the strict grammar,
SVG is XML Graphviz drew, PNG is a PNG; hostile names cannot break any of them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pydot
import pytest
from tests.conftest import require_program
from tests.diagram.mermaid_grammar import check_mermaid

from celerylint.diagram import render as render_module
from celerylint.diagram.dot import render_dot
from celerylint.diagram.mermaid import escape_label, render_mermaid
from celerylint.diagram.model import Diagram, DiagramBuilder, EdgeKind, NodeKind
from celerylint.diagram.render import (
    DiagramFormat,
    GraphvizError,
    format_for_path,
    render_diagram,
)

HOSTILE = ['a "quoted" name', "pipe | and <b>tag</b>", "hash #1; semi", "back\\slash `tick`",
           "end", "x--o y", "redis://:pa55word@h:6379/0", "new\nline", "ünïcødé ✓"]
SVG = "{http://www.w3.org/2000/svg}"


def _hostile_diagram() -> Diagram:
    builder = DiagramBuilder('title "with" quotes', legend="legend | with <pipes>")
    cluster = builder.cluster("c", 'cluster "label" | x')
    for index, text in enumerate(HOSTILE):
        builder.node(NodeKind.TASK, text, [text, f"detail {text}"], cluster=cluster if index % 2
                     else None, problem=index == 1, dashed=index == 2, warning=index == 3)
        builder.node(NodeKind.QUEUE, text, [text])
        builder.edge((NodeKind.TASK, text), (NodeKind.QUEUE, text), EdgeKind.ROUTES, text,
                     problem=index == 4, dashed=index == 5)
    builder.edge((NodeKind.TASK, "end"), (NodeKind.QUEUE, "end"), EdgeKind.ROUTES, "end")
    builder.notes.append("note: # | <>")
    return builder.build()


def test_hostile_names_give_valid_dot() -> None:
    diagram = _hostile_diagram()
    (graph,) = pydot.graph_from_dot_data(render_dot(diagram))
    nodes = [n for sub in [graph, *graph.get_subgraphs()] for n in sub.get_nodes()
             if n.get_name() not in ("node", "edge", "graph")]
    assert len(nodes) == len(diagram.nodes)
    assert len(graph.get_edges()) == len(diagram.edges)


def test_hostile_names_give_valid_mermaid() -> None:
    text = render_mermaid(_hostile_diagram())
    assert check_mermaid(text) == []
    assert "pa55word" not in text


def test_escape_label_leaves_no_mermaid_syntax_character() -> None:
    escaped = escape_label('"<>|#`\\ plain')
    assert not set('"<>|`\\') & set(escaped.replace("#", ""))
    assert escaped.endswith(" plain")


@pytest.mark.parametrize("broken", [
    'flowchart LR\n    a["x"]\n',  # no front matter
    '---\ntitle: "t"\n---\nflowchart LR\n    a["x"]\n    a --> b\n',  # undeclared node
    '---\ntitle: "t"\n---\nflowchart LR\n    a["say "hi""]\n',  # raw quote
    '---\ntitle: "t"\n---\nflowchart LR\n    subgraph c["c"]\n    a["x"]\n',  # unbalanced
    '---\ntitle: "t"\n---\nflowchart LR\n    end["x"]\n',  # keyword id
    '---\ntitle: "t"\n---\nflowchart LR\n    a["x"]\n    linkStyle 0 stroke:#f00\n',
    '---\ntitle: "t"\n---\nflowchart LR\n    a["x"]\n    class a nope\n',
])
def test_the_grammar_rejects_what_mermaid_would_misread(broken: str) -> None:
    assert check_mermaid(broken) != []


def test_graphviz_draws_svg_that_parses_as_xml() -> None:
    require_program("dot", "graphviz")
    diagram = _hostile_diagram()
    root = ET.fromstring(render_diagram(diagram, DiagramFormat.SVG))
    assert root.tag == f"{SVG}svg"
    titles = {t.text for t in root.iter(f"{SVG}title")}
    assert {n.id for n in diagram.nodes} <= titles
    assert "pa55word" not in ET.tostring(root, encoding="unicode")


def test_graphviz_draws_png() -> None:
    require_program("dot", "graphviz")
    data = render_diagram(_hostile_diagram(), DiagramFormat.PNG)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000


def test_missing_graphviz_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_module.shutil, "which", lambda program: None)
    with pytest.raises(GraphvizError, match=r"install graphviz \(apt-get install graphviz\)"):
        render_diagram(_hostile_diagram(), DiagramFormat.PNG)
    assert render_diagram(_hostile_diagram(), DiagramFormat.DOT)  # text formats need nothing


def test_json_holds_the_whole_description() -> None:
    diagram = _hostile_diagram()
    document = json.loads(render_diagram(diagram, DiagramFormat.JSON))
    assert [n["id"] for n in document["nodes"]] == [n.id for n in diagram.nodes]
    assert {e["kind"] for e in document["edges"]} == {"routes"}
    assert document["clusters"][0]["label"] == 'cluster "label" | x'


def test_format_follows_the_file_name() -> None:
    from pathlib import Path

    assert format_for_path(Path("docs/topology.mmd")) is DiagramFormat.MERMAID
    assert format_for_path(Path("a.PNG")) is DiagramFormat.PNG
    assert format_for_path(Path("a.txt")) is DiagramFormat.DOT
    assert format_for_path(None) is DiagramFormat.DOT
