"""The diagram description: stable ids, merging, and order independence."""

from __future__ import annotations

from celerylint.diagram.model import DiagramBuilder, Edge, EdgeKind, NodeKind, stable_ids


def test_ids_come_from_names_and_colliding_names_get_a_hash() -> None:
    ids = stable_ids("mod", ["a.b", "a_b", "acme.tasks"])
    assert ids["acme.tasks"] == "mod_acme_tasks"
    assert ids["a.b"] != ids["a_b"]
    assert ids["a.b"].startswith("mod_a_b_") and ids["a_b"].startswith("mod_a_b_")
    assert stable_ids("mod", ["a_b", "acme.tasks", "a.b"]) == ids  # order does not matter


def _build(order: list[int]) -> DiagramBuilder:
    builder = DiagramBuilder("t")
    steps = [
        lambda: builder.node(NodeKind.TASK, "t1", ["t1"]),
        lambda: builder.node(NodeKind.QUEUE, "q", ["q"], codes=["CEL401"], problem=True),
        lambda: builder.edge((NodeKind.TASK, "t1"), (NodeKind.QUEUE, "q"), EdgeKind.ROUTES),
        lambda: builder.edge((NodeKind.TASK, "t1"), (NodeKind.QUEUE, "q"), EdgeKind.ROUTES),
        lambda: builder.node(NodeKind.TASK, "t0", ["t0"], cluster=builder.cluster("c", "C")),
    ]
    for index in order:
        steps[index]()
    return builder


def test_the_diagram_does_not_depend_on_insertion_order() -> None:
    first = _build([0, 1, 2, 3, 4]).build()
    second = _build([4, 3, 1, 0, 2]).build()
    assert first == second
    assert [n.id for n in first.nodes] == sorted(n.id for n in first.nodes)


def test_repeated_edges_merge_into_one_with_a_weight() -> None:
    diagram = _build([0, 1, 2, 3]).build()
    (edge,) = diagram.edges
    assert edge.weight == 2 and edge.display_label == "2"


def test_codes_are_shown_with_rule_names_in_the_label() -> None:
    builder = _build([0, 1])
    builder.code_names["CEL401"] = "unconsumed-queue"
    queue = next(n for n in builder.build().nodes if n.kind is NodeKind.QUEUE)
    assert queue.label == ("q", "CEL401 unconsumed-queue")
    assert queue.codes == ("CEL401",) and queue.problem


def test_edges_to_nodes_never_added_are_dropped() -> None:
    builder = DiagramBuilder("t")
    builder.node(NodeKind.TASK, "a", ["a"])
    builder.edge((NodeKind.TASK, "a"), (NodeKind.QUEUE, "nowhere"), EdgeKind.ROUTES)
    assert builder.build().edges == ()


def test_display_label_of_a_labelled_bundle() -> None:
    assert Edge("a", "b", EdgeKind.SENDS, ".delay()", weight=3).display_label == ".delay() x3"
    assert Edge("a", "b", EdgeKind.SENDS, ".delay()").display_label == ".delay()"
