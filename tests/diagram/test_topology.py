"""The topology diagram of a small shop: every relation, every problem, no secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.diagram.shop_project import SECRETS, shop_result

from celerylint.diagram.model import Diagram, EdgeKind, Node, NodeKind
from celerylint.diagram.render import DiagramFormat, render_diagram
from celerylint.diagram.topology import topology_diagram


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Diagram:
    result = shop_result(tmp_path_factory.mktemp("topology"))
    return topology_diagram(result.project, result.findings)


def _node(diagram: Diagram, node_id: str) -> Node:
    found = diagram.node(node_id)
    assert found is not None, [n.id for n in diagram.nodes]
    return found


def _edges(diagram: Diagram, kind: EdgeKind) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.label) for e in diagram.edges if e.kind is kind}


def test_beat_entries_say_their_schedule_in_words_and_point_at_tasks(shop: Diagram) -> None:
    nightly = _node(shop, "beat_shop_celery_app_app_nightly_invoices")
    assert nightly.label == ("nightly-invoices", "daily at 02:00 UTC")
    assert _node(shop, "beat_shop_celery_app_app_refresh_stock").label[1] == "every 5 minutes"
    assert ("beat_shop_celery_app_app_refresh_stock", "task_shop_orders_tasks_refresh_stock",
            "queue=stock") in _edges(shop, EdgeKind.SCHEDULES)
    schedule = "sched_shop_celery_app_app"
    assert ("beatproc_docker_compose_yml", schedule, "") in _edges(shop, EdgeKind.SCHEDULES)
    assert _node(shop, schedule).label == ("beat schedule", "shop.celery_app:app", "2 entries")
    # the beat process points at the schedule, never at each entry
    assert not [e for e in _edges(shop, EdgeKind.SCHEDULES) if e[1].startswith("beat_")]


def test_callers_and_tasks_calling_tasks(shop: Diagram) -> None:
    sends = _edges(shop, EdgeKind.SENDS)
    assert ("caller_shop_views", "task_shop_orders_tasks_place_order", ".delay()") in sends
    assert ("task_shop_orders_tasks_place_order", "task_shop_billing_tasks_send_invoices",
            ".delay()") in sends
    assert ("task_shop_orders_tasks_place_order", "task_shop_orders_tasks_charge",
            ".apply_async()") in sends
    assert ("task_shop_orders_tasks_refresh_stock", "task_shop_orders_tasks_charge",
            "send_task()") in sends  # send_task inside a task body is drawn from that task
    assert "caller_shop_orders_tasks" not in {n.id for n in shop.nodes}


def test_tasks_route_to_queues_and_queues_feed_workers(shop: Diagram) -> None:
    routes = _edges(shop, EdgeKind.ROUTES)
    assert ("task_shop_billing_tasks_send_invoices", "queue_billing", "") in routes
    assert ("task_shop_orders_tasks_charge", "queue_payments", "apply_async(queue=)") in routes
    consumes = _edges(shop, EdgeKind.CONSUMES)
    assert ("queue_billing", "worker_docker_compose_yml_worker_5_14", "") in consumes
    assert ("queue_payments", "worker_docker_compose_yml_payments_8_14", "") in consumes


def test_workers_are_grouped_by_deployment_file(shop: Diagram) -> None:
    worker = _node(shop, "worker_docker_compose_yml_worker_5_14")
    assert worker.label[:4] == ("worker: worker", "-A shop.celery_app",
                                "queues: billing, default", "concurrency 4")
    cluster = next(c for c in shop.clusters if c.id == worker.cluster)
    assert cluster.label == "docker-compose.yml (compose)"
    assert _node(shop, "worker_docker_compose_yml_payments_8_14").cluster == cluster.id


def test_unconsumed_queue_is_red_with_its_code(shop: Diagram) -> None:
    stock = _node(shop, "queue_stock")
    assert stock.problem and stock.codes == ("CEL401",)
    assert stock.label == ("stock", "CEL401 unconsumed-queue")
    assert not _node(shop, "queue_billing").problem


def test_unregistered_task_is_dashed_with_its_code(shop: Diagram) -> None:
    report = _node(shop, "task_shop_billing_reports_monthly_report")
    assert report.dashed and not report.problem
    assert report.label[-1] == "CEL302 unregistered-task"


def test_a_service_named_like_a_queue_does_not_lend_it_its_findings(shop: Diagram) -> None:
    # CEL610 names the compose service "payments"; the queue "payments" stays clean.
    assert _node(shop, "queue_payments").codes == ()
    assert "CEL610" in _node(shop, "worker_docker_compose_yml_payments_8_14").codes


def test_app_points_at_broker_and_backend_with_masked_urls(shop: Diagram) -> None:
    connects = _edges(shop, EdgeKind.CONNECTS)
    brokers = [n for n in shop.nodes if n.kind is NodeKind.BROKER]
    assert [b.label for b in brokers] == [
        ("broker", "$CELERY_BROKER_URL", "default redis://:****@redis:6379/0")]
    assert ("app_shop_celery_app_app", brokers[0].id, "broker") in connects
    assert ("app_shop_celery_app_app", "backend_redis_redis_6379_1", "results") in connects


@pytest.mark.parametrize("fmt", [DiagramFormat.DOT, DiagramFormat.MERMAID, DiagramFormat.JSON])
def test_no_secret_in_any_format(shop: Diagram, fmt: DiagramFormat) -> None:
    text = render_diagram(shop, fmt).decode("utf-8")
    assert "****" in text
    assert not [secret for secret in SECRETS if secret in text]


def test_same_project_same_bytes(tmp_path: Path, shop: Diagram) -> None:
    result = shop_result(tmp_path)
    again = topology_diagram(result.project, result.findings)
    for fmt in (DiagramFormat.DOT, DiagramFormat.MERMAID, DiagramFormat.JSON):
        assert render_diagram(again, fmt) == render_diagram(shop, fmt)


def test_a_project_without_celery_gives_an_empty_but_valid_diagram(tmp_path: Path) -> None:
    from tests.conftest import write_tree
    from tests.diagram.mermaid_grammar import check_mermaid

    from celerylint.api import build_project
    from celerylint.settings import Settings

    root = write_tree(tmp_path / "plain", {"lib/__init__.py": "", "lib/a.py": "x = 1\n"})
    diagram = topology_diagram(build_project(Settings(root=root, paths=(root,), use_cache=False)))
    assert diagram.nodes == () and diagram.edges == ()
    assert check_mermaid(render_diagram(diagram, DiagramFormat.MERMAID).decode()) == []
