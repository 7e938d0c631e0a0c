"""Golden files for every text format of both diagrams, on fixtures/demo and fixtures/clean.

Regenerate with ``CELERYLINT_UPDATE_GOLDEN=1`` after an intended change (a new
rule firing on the demo changes the topology labels, for instance).
"""

from __future__ import annotations

import os

import pydot
import pytest
from tests.diagram.mermaid_grammar import check_mermaid
from tests.golden.golden import (
    FIXTURE_NAMES,
    GOLDEN_DIR,
    UPDATE_VARIABLE,
    assert_matches_golden,
    fixture_result,
)

from celerylint.commands import check_file
from celerylint.diagram.imports_view import import_diagram
from celerylint.diagram.model import Diagram
from celerylint.diagram.render import DiagramFormat, render_diagram
from celerylint.diagram.topology import topology_diagram
from celerylint.diagram.topology_view import TopologyLevel

SUFFIX = {DiagramFormat.DOT: "dot", DiagramFormat.MERMAID: "mmd", DiagramFormat.JSON: "json"}


def _diagram(fixture: str, kind: str) -> Diagram:
    result = fixture_result(fixture)
    if kind == "topology":
        return topology_diagram(result.project, result.findings)
    return import_diagram(result.project)


@pytest.mark.parametrize("fixture", FIXTURE_NAMES)
@pytest.mark.parametrize("kind", ["topology", "imports"])
@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_diagram_matches_golden(fixture: str, kind: str, fmt: DiagramFormat) -> None:
    text = render_diagram(_diagram(fixture, kind), fmt).decode("utf-8")
    assert_matches_golden(f"{fixture}_{kind}.{SUFFIX[fmt]}", text)


# Each zoom level and the one-deployment view, pinned in the two committed text formats;
# the fixtures' default level (tasks, see test_topology_levels) is ``<fixture>_topology``.
VIEWS = {"system": {"level": TopologyLevel.SYSTEM}, "modules": {"level": TopologyLevel.MODULES},
         "deployment": {"deployment": "docker-compose.yml"}}


@pytest.mark.parametrize("fixture", FIXTURE_NAMES)
@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("fmt", [DiagramFormat.DOT, DiagramFormat.MERMAID])
def test_topology_views_match_golden(fixture: str, view: str, fmt: DiagramFormat) -> None:
    result = fixture_result(fixture)
    diagram = topology_diagram(result.project, result.findings, **VIEWS[view])  # type: ignore[arg-type]
    text = render_diagram(diagram, fmt).decode("utf-8")
    assert check_mermaid(text) == [] if fmt is DiagramFormat.MERMAID else text.startswith("digraph")
    assert_matches_golden(f"{fixture}_topology_{view}.{SUFFIX[fmt]}", text)


@pytest.mark.parametrize("fixture", FIXTURE_NAMES)
@pytest.mark.parametrize("kind", ["topology", "imports"])
def test_golden_diagrams_are_valid(fixture: str, kind: str) -> None:
    diagram = _diagram(fixture, kind)
    (graph,) = pydot.graph_from_dot_data(render_diagram(diagram, DiagramFormat.DOT).decode())
    assert len(graph.get_edges()) == len(diagram.edges)
    assert check_mermaid(render_diagram(diagram, DiagramFormat.MERMAID).decode()) == []


def test_demo_topology_shows_the_demo_problems() -> None:
    """What the demo is for: the unconsumed queue is drawn red with its code."""
    diagram = _diagram("demo", "topology")
    reports = diagram.node("queue_reports")
    assert reports is not None and reports.problem and "CEL401" in reports.codes
    assert not any(n.problem or n.dashed for n in _diagram("clean", "topology").nodes)


def test_committed_docs_topology_is_fresh() -> None:
    """docs/topology.mmd is what ``graph topology fixtures/demo --check`` guards in CI.

    The update run also redraws docs/topology.png (never compared: pixels
    depend on the Graphviz version).
    """
    docs = GOLDEN_DIR.parents[1] / "docs"
    diagram = _diagram("demo", "topology")
    fresh = render_diagram(diagram, DiagramFormat.MERMAID)
    if os.environ.get(UPDATE_VARIABLE) == "1":
        (docs / "topology.mmd").write_bytes(fresh)
        (docs / "topology.png").write_bytes(render_diagram(diagram, DiagramFormat.PNG))
    assert check_file(docs / "topology.mmd", fresh, False, "regenerate") == 0
