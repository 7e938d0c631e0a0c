"""Zoom levels and the one-deployment view on a system of realistic size.

The default picture of 100 tasks, 40 beat entries, 8 queues and 3 deployments must be
one a reader can take in: no box per task, beat pointing at the schedule, and a PNG no
larger than a screen or two, drawn at full scale so its text stays legible.
"""

from __future__ import annotations

import struct
from collections import Counter
from pathlib import Path

import pydot
import pytest
from tests.conftest import FIXTURES, require_program
from tests.diagram.generated_system import (
    BEAT_ENTRIES,
    DEPLOYMENTS,
    MODULES,
    QUEUES,
    write_generated_system,
)

from celerylint import api
from celerylint.api import RunResult
from celerylint.diagram.model import Diagram, EdgeKind, NodeKind
from celerylint.diagram.render import DiagramFormat, render_diagram
from celerylint.diagram.topology import topology_diagram
from celerylint.diagram.topology_view import TopologyLevel, UnknownDeploymentError, default_level
from celerylint.project.celery.celery_model import celery_model
from celerylint.settings import load_settings

MAX_PNG_SIDE = 2400


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    root = write_generated_system(tmp_path_factory.mktemp("generated") / "system")
    return api.run(load_settings([root], None, {"cache": False}))


def _draw(result: RunResult, **options: object) -> Diagram:
    return topology_diagram(result.project, result.findings, **options)  # type: ignore[arg-type]


def _kinds(diagram: Diagram) -> Counter[NodeKind]:
    return Counter(node.kind for node in diagram.nodes)


def _label(diagram: Diagram, kind: NodeKind, title: str) -> tuple[str, ...]:
    (node,) = [n for n in diagram.nodes if n.kind is kind and n.label[0] == title]
    return node.label


def test_the_default_level_follows_the_size_of_the_system(generated: RunResult) -> None:
    assert default_level(celery_model(generated.project)) is not TopologyLevel.TASKS
    demo = api.run(load_settings([FIXTURES / "demo"], None, {"cache": False}))
    assert default_level(celery_model(demo.project)) is TopologyLevel.TASKS


def test_system_level_folds_tasks_into_queue_counts(generated: RunResult) -> None:
    diagram = _draw(generated, level=TopologyLevel.SYSTEM)
    kinds = _kinds(diagram)
    assert kinds[NodeKind.TASK] == kinds[NodeKind.MODULE] == kinds[NodeKind.BEAT_ENTRY] == 0
    assert kinds[NodeKind.QUEUE] == len(QUEUES)
    assert kinds[NodeKind.BEAT_PROCESS] == len(DEPLOYMENTS)  # one beat per deployment
    assert _label(diagram, NodeKind.QUEUE, "default") == ("default", "20 tasks, 8 beat entries")
    assert _label(diagram, NodeKind.SCHEDULE, "beat schedule")[2] == f"{BEAT_ENTRIES} entries"


def test_modules_level_draws_one_edge_per_module_and_queue(generated: RunResult) -> None:
    diagram = _draw(generated, level=TopologyLevel.MODULES)
    assert _kinds(diagram)[NodeKind.MODULE] == MODULES
    assert _kinds(diagram)[NodeKind.TASK] == 0
    routes = [e for e in diagram.edges if e.kind is EdgeKind.ROUTES]
    assert len(routes) == MODULES and {e.label for e in routes} == {"10 tasks"}
    assert _label(diagram, NodeKind.MODULE, "proj.jobs3") == ("proj.jobs3", "10 tasks")


@pytest.mark.parametrize("level", list(TopologyLevel))
def test_beat_points_at_the_schedule_not_at_each_entry(generated: RunResult,
                                                       level: TopologyLevel) -> None:
    diagram = _draw(generated, level=level)
    beats = {n.id for n in diagram.nodes if n.kind is NodeKind.BEAT_PROCESS}
    from_beat = [e for e in diagram.edges if e.source in beats]
    assert len(from_beat) == len(DEPLOYMENTS)
    assert all(e.target.startswith("sched_") for e in from_beat)


def test_one_deployment_shows_what_it_runs_and_what_it_leaves_behind(
        generated: RunResult) -> None:
    diagram = _draw(generated, deployment="docker-compose.prod.yml")
    workers = [n for n in diagram.nodes if n.kind is NodeKind.WORKER]
    assert workers and all(n.id.startswith("worker_docker_compose_prod_yml") for n in workers)
    assert [n.label[1] for n in diagram.nodes if n.kind is NodeKind.BEAT_PROCESS] == [
        "docker-compose.prod.yml"]
    exports = diagram.node("queue_exports")
    assert exports is not None and exports.problem and "CEL401" in exports.codes
    tasks = [n for n in diagram.nodes if n.kind is NodeKind.TASK]
    assert len(tasks) == 10  # proj.jobs7, the one module routed to 'exports'
    assert {e.target for e in diagram.edges if e.kind is EdgeKind.ROUTES
            and e.source.startswith("task_")} == {"queue_exports"}


def test_a_deployment_that_consumes_everything_draws_no_task(generated: RunResult) -> None:
    diagram = _draw(generated, deployment="docker-compose.dev.yml")
    assert _kinds(diagram)[NodeKind.TASK] == 0
    assert not any(n.problem for n in diagram.nodes if n.kind is NodeKind.QUEUE)


@pytest.mark.parametrize("name", ["nope.yml", "docker-compose"])
def test_an_unknown_deployment_lists_the_known_ones(generated: RunResult, name: str) -> None:
    with pytest.raises(UnknownDeploymentError, match="docker-compose.dev.yml"):
        _draw(generated, deployment=name)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("system", ["generated", "demo"])
def test_the_default_png_fits_on_a_screen_at_full_scale(generated: RunResult,
                                                         system: str) -> None:
    require_program("dot", "graphviz")
    result = generated if system == "generated" else api.run(
        load_settings([FIXTURES / "demo"], None, {"cache": False}))
    diagram = _draw(result)
    dot_source = render_diagram(diagram, DiagramFormat.DOT).decode()
    graph = pydot.graph_from_dot_data(dot_source)[0]
    assert graph.get("size") is None and graph.get("ratio") is None  # never scaled down
    width, height = _png_size(render_diagram(diagram, DiagramFormat.PNG))
    assert max(width, height) <= MAX_PNG_SIDE, (width, height)


def test_the_cli_draws_levels_and_deployments(generated: RunResult, tmp_path: Path) -> None:
    from celerylint.cli import main

    root = str(generated.project.root)
    out = tmp_path / "prod.mmd"
    assert main(["graph", "topology", root, "--deployment", "docker-compose.prod.yml",
                 "-o", str(out)]) == 0
    assert "exports" in out.read_text(encoding="utf-8")
    assert main(["graph", "topology", root, "--level", "system", "-o", str(out)]) == 0
    assert "job_0_0" not in out.read_text(encoding="utf-8")
    assert main(["graph", "topology", root, "--deployment", "missing.yml"]) == 2


def test_the_report_draws_each_deployment_at_the_system_level(generated: RunResult) -> None:
    from celerylint.report_markdown import render_report

    report = render_report(generated)
    section = report.split("### Each deployment", 1)[1].split("## Imports", 1)[0]
    assert [line for line in section.splitlines() if line.startswith("#### ")] == [
        f"#### `{name}`" for name in sorted(DEPLOYMENTS)]
    assert section.count("```mermaid") == len(DEPLOYMENTS)
    assert "job_0_0" not in section  # system level: counts, not a box per task
