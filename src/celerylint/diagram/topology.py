"""The runtime topology: who sends which task, to which queue, consumed by which worker.

Read left to right: beat entries and calling modules send tasks, tasks land
in queues, workers (grouped by the deployment file that starts them) consume
queues; each app points at its broker and result backend.  Problems the rules
found are drawn on the boxes they concern (finding subjects name the task or
queue): an unconsumed queue (CEL401) is red, a task no worker registers
(CEL302) is dashed, and every code appears in the label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from celerylint.diagram.labels import describe_schedule
from celerylint.diagram.model import Diagram, DiagramBuilder, EdgeKind, NodeKind
from celerylint.diagram.problems import (
    BEAT_FAMILIES,
    ProblemIndex,
)
from celerylint.diagram.topology_boxes import (
    app_boxes,
    named_task_box,
    queue_box,
    schedule_node,
    task_box,
)
from celerylint.diagram.topology_levels import draw_modules, draw_system
from celerylint.diagram.topology_processes import draw_processes
from celerylint.diagram.topology_view import (
    TopologyLevel,
    TopologyView,
    build_view,
    default_level,
    deployment_files,
    deployment_names,
    entry_id,
    task_id,
)
from celerylint.findings import Finding
from celerylint.project.celery.celery_model import CeleryModel, celery_model
from celerylint.project.celery.celery_tasks import SHARED, TaskDefinition
from celerylint.project.celery.task_references import ReferenceKind
from celerylint.project.evaluate import UNKNOWN, plain
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project

SEND_METHODS = ("delay", "apply_async")
BEAT_CLUSTER = "<beat>"
UNKNOWN_QUEUE = "(queue unknown)"
LEGEND = ("red: error found by a rule, orange border: warning (code in the box) - dashed task: "
          "no worker imports it (CEL302) - dashed arrow: queue chosen by the caller")

TaskKey = tuple[NodeKind, str]


def topology_diagram(project: Project, findings: Sequence[Finding] = (), *,
                     level: TopologyLevel | None = None,
                     deployment: str | None = None) -> Diagram:
    """The topology of ``project`` at ``level`` (chosen from its size when None), with
    ``findings`` drawn on the boxes they name; ``deployment`` narrows it to what that
    deployment runs. Raises UnknownDeploymentError for a name no deployment has."""
    model = celery_model(project)
    view = build_view(model, deployment)
    chosen = TopologyLevel.SYSTEM if deployment is not None else (level or default_level(model))
    if view.deployment is not None:  # another deployment's findings are not this one's
        mine = deployment_files(model, view.deployment)
        others = {file for name in deployment_names(model) if name != view.deployment
                  for file in deployment_files(model, name)} - mine
        findings = [f for f in findings if f.path not in others]
    problems = ProblemIndex(findings)
    title = f"Celery topology of {project.root.name}"
    builder = DiagramBuilder(f"{title}: {deployment}" if deployment else title, LEGEND)
    builder.code_names.update({f.code: f.name for f in findings})
    builder.notes.append(_level_note(chosen, view))
    app_boxes(builder, model, problems)
    if chosen is TopologyLevel.TASKS:
        for task in model.tasks:
            task_box(builder, task, problems)
            _task_queues(builder, model, task, problems)
        _calls(builder, model, problems)
        _beat(builder, model, problems)
    elif chosen is TopologyLevel.MODULES:
        draw_modules(builder, view, problems)
    else:
        draw_system(builder, view, problems)
    draw_processes(builder, view, problems)
    return builder.build()


def _level_note(level: TopologyLevel, view: TopologyView) -> str:
    if view.deployment is not None:
        return (f"deployment {view.deployment}: its beat, its workers, the queues they "
                "consume, and the tasks routed to queues it leaves unconsumed")
    others = ", ".join(f"--level {other.value}" for other in TopologyLevel if other is not level)
    return f"level: {level.value} ({others} for another zoom; --deployment NAME for one)"


def _task_queues(builder: DiagramBuilder, model: CeleryModel, task: TaskDefinition,
                 problems: ProblemIndex) -> None:
    apps = sorted(model.apps) if task.app_id == SHARED else [task.app_id]
    for app_id in apps or [None]:
        queue = model.destination(task, app_id=app_id) if task.name else UNKNOWN
        builder.edge((NodeKind.TASK, task_id(task)), queue_box(builder, queue, problems),
                     EdgeKind.ROUTES)


def _sender(builder: DiagramBuilder, model: CeleryModel, module: str, function: str,
            problems: ProblemIndex) -> TaskKey | tuple[NodeKind, str]:
    """The sending task when the call sits in a task's body, else the calling module."""
    task = model.task_for_function(module, function.split(".<locals>.")[0]) if function else None
    if task is not None:
        return task_box(builder, task, problems)
    builder.node(NodeKind.CALLER, module, [module, "(calls tasks)"])
    return (NodeKind.CALLER, module)


def _calls(builder: DiagramBuilder, model: CeleryModel, problems: ProblemIndex) -> None:
    for call in model.calls:
        if call.method not in SEND_METHODS:
            continue
        sender = _sender(builder, model, call.module, call.function, problems)
        target = task_box(builder, call.task, problems)
        builder.edge(sender, target, EdgeKind.SENDS, f".{call.method}()")
        if call.queue is not None:
            queue = model.destination(call.task, call.queue)
            builder.edge(target, queue_box(builder, queue, problems), EdgeKind.ROUTES,
                         "apply_async(queue=)", dashed=True)
    for reference in model.references:
        if reference.kind is not ReferenceKind.SEND_TASK:
            continue
        function = _function_around(model, reference.module, reference.span)
        sender = _sender(builder, model, reference.module, function, problems)
        target = named_task_box(builder, model, reference.name, problems)
        builder.edge(sender, target, EdgeKind.SENDS, "send_task()")
        if reference.queue is not None:
            builder.edge(target, queue_box(builder, reference.queue, problems), EdgeKind.ROUTES,
                         "send_task(queue=)", dashed=True)


def _function_around(model: CeleryModel, module: str, name_span: Span) -> str:
    """The function a ``send_task("name")`` stands in, found by its first argument's span."""
    facts = model.project.module(module)
    for call in facts.calls if facts is not None else ():
        if call.call.args and call.call.args[0].span == name_span:
            return call.function
    return ""


def _beat(builder: DiagramBuilder, model: CeleryModel, problems: ProblemIndex) -> None:
    """Every entry, in one cluster with its app's schedule box, which beat processes read."""
    if not model.beat_entries:
        return
    cluster = builder.cluster(BEAT_CLUSTER, "beat schedule")
    for entry in model.beat_entries:
        key = entry.key if isinstance(entry.key, str) else f"? at {entry.path}:{entry.span.line}"
        entry_node = (NodeKind.BEAT_ENTRY, entry_id(entry))
        last_line = max((span.end_line for _, span in entry.extra_keys),
                        default=entry.span.end_line)
        found = problems.located(entry.path, entry.span.line, last_line,
                                 subject=entry.key if isinstance(entry.key, str) else None,
                                 families=BEAT_FAMILIES)
        schedule_node(builder, model, entry.app_id, cluster)
        builder.node(*entry_node, [key, describe_schedule(model, entry)], cluster=cluster,
                     **found.as_style())
        if not isinstance(entry.task, str):
            continue
        target = named_task_box(builder, model, entry.task, problems)
        options = plain(entry.options)
        queue = plain(options.get("queue")) if isinstance(options, dict) else None
        builder.edge(entry_node, target, EdgeKind.SCHEDULES,
                     f"queue={queue}" if isinstance(queue, str) else "")
        if isinstance(queue, str):
            builder.edge(target, queue_box(builder, queue, problems), EdgeKind.ROUTES,
                         "beat options", dashed=True)


__all__ = ["topology_diagram"]
