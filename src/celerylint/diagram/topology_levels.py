"""The two zoomed-out topology levels: tasks grouped by module, and the whole system.

A real system has dozens of tasks and beat entries; one box each makes a picture
nobody can read. These levels keep every queue, worker and beat process and fold
tasks into counts: per module (``modules``) or per queue (``system``). The findings
of the folded tasks are still drawn, on the box that stands for them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from celerylint.diagram.model import DiagramBuilder, EdgeKind, NodeKind
from celerylint.diagram.problems import TASK_FAMILIES, ProblemIndex, merged
from celerylint.diagram.topology_boxes import named_task_box, queue_box, schedule_node
from celerylint.diagram.topology_view import TopologyView, entry_id, task_id

if TYPE_CHECKING:
    from celerylint.project.celery.celery_tasks import TaskDefinition


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def _queue_details(view: TopologyView, queue: str) -> tuple[str, ...]:
    tasks, entries = len(view.tasks_on(queue)), len(view.entries_on(queue))
    parts = [plural(tasks, "task")] + ([plural(entries, "beat entry", "beat entries")]
                                       if entries else [])
    return (", ".join(parts),)


def _queues(builder: DiagramBuilder, view: TopologyView, problems: ProblemIndex) -> None:
    for queue in view.queues():
        queue_box(builder, queue, problems, _queue_details(view, queue))


def _schedule_edges(builder: DiagramBuilder, view: TopologyView,
                    target_of: dict[str, tuple[NodeKind, str]]) -> None:
    """Schedule -> whatever stands for each entry's task, one edge per pair with a count."""
    model = view.model
    entries: dict[tuple[str, tuple[NodeKind, str]], set[str]] = defaultdict(set)
    for entry in model.beat_entries:  # a key given twice is one entry, as in the dict
        target = target_of.get(entry_id(entry))
        if target is not None:
            entries[(entry.app_id, target)].add(entry_id(entry))
    for (app_id, target), ids in sorted(entries.items()):
        count = len(ids)
        builder.edge(schedule_node(builder, model, app_id), target, EdgeKind.SCHEDULES,
                     plural(count, "entry", "entries"))


def draw_system(builder: DiagramBuilder, view: TopologyView, problems: ProblemIndex) -> None:
    """Apps send to queues (with task counts), schedules feed queues (with entry counts).

    In the one-deployment view, the tasks routed to a queue the deployment leaves
    unconsumed are drawn one by one: they are the messages that pile up.
    """
    model = view.model
    _queues(builder, view, problems)
    shown = set(view.queues())
    routed: Counter[tuple[str, str]] = Counter()
    for task in model.tasks:
        for queue in view.task_queues.get(task_id(task), ()):
            if queue in shown:
                for app_id in model.apps_of(task) or sorted(model.apps):
                    routed[(app_id, queue)] += 1
    for (app_id, queue), count in sorted(routed.items()):
        if (NodeKind.APP, app_id) in _app_keys(builder):
            builder.edge((NodeKind.APP, app_id), (NodeKind.QUEUE, queue), EdgeKind.ROUTES,
                         plural(count, "task"))
    targets = {entry: (NodeKind.QUEUE, queue) for entry, queues in view.entry_queues.items()
               for queue in sorted(queues) if queue in shown}
    _schedule_edges(builder, view, targets)
    for task in model.tasks:
        if view.deployment is not None and view.shows_task(task_id(task)):
            key = named_task_box(builder, model, task_id(task), problems)
            for queue in sorted(view.task_queues[task_id(task)] & view.unconsumed):
                builder.edge(key, (NodeKind.QUEUE, queue), EdgeKind.ROUTES)


def _app_keys(builder: DiagramBuilder) -> set[tuple[NodeKind, str]]:
    return {(NodeKind.APP, name) for name in builder.names(NodeKind.APP)}


def draw_modules(builder: DiagramBuilder, view: TopologyView, problems: ProblemIndex) -> None:
    """One box per module that defines tasks, one edge per module and queue."""
    model = view.model
    _queues(builder, view, problems)
    by_module: dict[str, list[TaskDefinition]] = defaultdict(list)
    for task in model.tasks:
        by_module[task.module].append(task)
    module_of_task: dict[str, tuple[NodeKind, str]] = {}
    for module, tasks in sorted(by_module.items()):
        found = merged([problems.named(task_id(t), TASK_FAMILIES) for t in tasks])
        builder.node(NodeKind.MODULE, module, [module, plural(len(tasks), "task")],
                     **found.as_style())
        routed: Counter[str] = Counter()
        for task in tasks:
            module_of_task[task_id(task)] = (NodeKind.MODULE, module)
            routed.update(view.task_queues.get(task_id(task), ()))
        for queue, count in sorted(routed.items()):
            builder.edge((NodeKind.MODULE, module), queue_box(builder, queue, problems),
                         EdgeKind.ROUTES, plural(count, "task"))
    targets: dict[str, tuple[NodeKind, str]] = {}
    for entry in model.beat_entries:
        if not isinstance(entry.task, str):
            continue
        defined = model.tasks_named(entry.task)
        targets[entry_id(entry)] = (module_of_task[task_id(defined[0])] if defined
                                    else named_task_box(builder, model, entry.task, problems))
    _schedule_edges(builder, view, targets)


__all__ = ["draw_modules", "draw_system", "plural"]
