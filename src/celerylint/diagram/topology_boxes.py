"""The boxes every topology level shares: apps with their broker and backend, tasks,
queues and beat schedules, each with the findings that concern it.

Boxes are keyed by (kind, name), so a level may ask for the same queue or task many
times and the builder draws it once.
"""

from __future__ import annotations

from typing import Any

from celerylint.diagram.labels import connection_lines, connection_text
from celerylint.diagram.model import DiagramBuilder, EdgeKind, NodeKind
from celerylint.diagram.problems import APP_FAMILIES, QUEUE_FAMILIES, TASK_FAMILIES, ProblemIndex
from celerylint.diagram.topology_view import entry_id, task_id
from celerylint.project.celery.celery_model import CeleryModel
from celerylint.project.celery.celery_tasks import TaskDefinition

UNKNOWN_QUEUE = "(queue unknown)"
TaskKey = tuple[NodeKind, str]


def task_box(builder: DiagramBuilder, task: TaskDefinition, problems: ProblemIndex) -> TaskKey:
    name = task_id(task)
    if task.name == f"{task.module}.{task.function}":
        label = [task.function, task.module]
    else:
        label = [task.name or "(name unknown)", f"{task.module}.{task.qualname}"]
    builder.node(NodeKind.TASK, name, label, **problems.named(name, TASK_FAMILIES).as_style())
    return (NodeKind.TASK, name)


def named_task_box(builder: DiagramBuilder, model: CeleryModel, name: str,
                   problems: ProblemIndex) -> TaskKey:
    """A task named by string: its definition, or a box saying none was found."""
    defined = model.tasks_named(name)
    if defined:
        return task_box(builder, defined[0], problems)
    style = problems.named(name, TASK_FAMILIES).as_style()
    style["dashed"] = True
    builder.node(NodeKind.TASK, name, [name, "(not defined in this project)"], **style)
    return (NodeKind.TASK, name)


def queue_box(builder: DiagramBuilder, queue: Any, problems: ProblemIndex,
              details: tuple[str, ...] = ()) -> tuple[NodeKind, str]:
    """A queue; ``details`` (counts) label it where it is first drawn."""
    name = queue if isinstance(queue, str) else UNKNOWN_QUEUE
    builder.node(NodeKind.QUEUE, name, [name, *details],
                 **problems.named(name, QUEUE_FAMILIES).as_style())
    return (NodeKind.QUEUE, name)


def app_boxes(builder: DiagramBuilder, model: CeleryModel, problems: ProblemIndex) -> None:
    for app_id in sorted(model.apps):
        builder.node(NodeKind.APP, app_id, ["Celery app", app_id],
                     **problems.named(app_id, APP_FAMILIES).as_style())
        settings = model.settings[app_id]
        for kind, setting, label in ((NodeKind.BROKER, "broker_url", "broker"),
                                     (NodeKind.BACKEND, "result_backend", "results")):
            raw = settings.raw(setting)
            if raw is None and kind is NodeKind.BACKEND:
                continue  # no result backend: nothing to draw
            text = connection_text(raw)
            builder.node(kind, text, [label, *connection_lines(raw)])
            builder.edge((NodeKind.APP, app_id), (kind, text), EdgeKind.CONNECTS, label)


def schedule_node(builder: DiagramBuilder, model: CeleryModel, app_id: str,
                  cluster: str | None = None) -> TaskKey:
    """One app's beat schedule: the box beat processes point at, not each entry."""
    count = len({entry_id(entry) for entry in model.beat_entries if entry.app_id == app_id})
    builder.node(NodeKind.SCHEDULE, app_id,
                 ["beat schedule", app_id, f"{count} {'entry' if count == 1 else 'entries'}"],
                 cluster=cluster)
    return (NodeKind.SCHEDULE, app_id)


__all__ = ["UNKNOWN_QUEUE", "TaskKey", "app_boxes", "named_task_box", "queue_box",
           "schedule_node", "task_box"]
