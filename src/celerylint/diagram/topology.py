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
from typing import TYPE_CHECKING, Any

from celerylint.diagram.labels import connection_lines, connection_text, describe_schedule
from celerylint.diagram.model import Diagram, DiagramBuilder, EdgeKind, NodeKind
from celerylint.diagram.problems import (
    APP_FAMILIES,
    BEAT_FAMILIES,
    QUEUE_FAMILIES,
    TASK_FAMILIES,
    ProblemIndex,
)
from celerylint.findings import Finding
from celerylint.project.celery_model import CeleryModel, Worker, celery_model
from celerylint.project.celery_tasks import SHARED, TaskDefinition
from celerylint.project.deployment_groups import process_groups
from celerylint.project.evaluate import UNKNOWN, plain
from celerylint.project.task_references import ReferenceKind
from celerylint.project.worker_command import ProcessKind
from celerylint.secrets import mask_secrets_in_text
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project

SEND_METHODS = ("delay", "apply_async")
BEAT_CLUSTER = "<beat>"
UNKNOWN_QUEUE = "(queue unknown)"
LEGEND = ("red: error found by a rule, orange border: warning (code in the box) - dashed task: "
          "no worker imports it (CEL302) - dashed arrow: queue chosen by the caller")

TaskKey = tuple[NodeKind, str]


def topology_diagram(project: Project, findings: Sequence[Finding] = ()) -> Diagram:
    """The topology of ``project``, with ``findings`` drawn on the boxes they name."""
    model = celery_model(project)
    problems = ProblemIndex(findings)
    builder = DiagramBuilder(f"Celery topology of {project.root.name}", LEGEND)
    builder.code_names.update({f.code: f.name for f in findings})
    _apps(builder, model, problems)
    for task in model.tasks:
        _task_node(builder, task, problems)
        _task_queues(builder, model, task, problems)
    _calls(builder, model, problems)
    _beat(builder, model, problems)
    _processes(builder, model, problems)
    return builder.build()


def _task_id(task: TaskDefinition) -> str:
    return task.name or f"{task.module}.{task.qualname}"


def _task_node(builder: DiagramBuilder, task: TaskDefinition, problems: ProblemIndex) -> TaskKey:
    name = _task_id(task)
    if task.name == f"{task.module}.{task.function}":
        label = [task.function, task.module]
    else:
        label = [task.name or "(name unknown)", f"{task.module}.{task.qualname}"]
    builder.node(NodeKind.TASK, name, label, **problems.named(name, TASK_FAMILIES).as_style())
    return (NodeKind.TASK, name)


def _named_task(builder: DiagramBuilder, model: CeleryModel, name: str,
                problems: ProblemIndex) -> TaskKey:
    """A task named by string: its definition, or a box saying none was found."""
    defined = model.tasks_named(name)
    if defined:
        return _task_node(builder, defined[0], problems)
    style = problems.named(name, TASK_FAMILIES).as_style()
    style["dashed"] = True
    builder.node(NodeKind.TASK, name, [name, "(not defined in this project)"], **style)
    return (NodeKind.TASK, name)


def _queue(builder: DiagramBuilder, queue: Any, problems: ProblemIndex) -> tuple[NodeKind, str]:
    name = queue if isinstance(queue, str) else UNKNOWN_QUEUE
    builder.node(NodeKind.QUEUE, name, [name], **problems.named(name, QUEUE_FAMILIES).as_style())
    return (NodeKind.QUEUE, name)


def _task_queues(builder: DiagramBuilder, model: CeleryModel, task: TaskDefinition,
                 problems: ProblemIndex) -> None:
    apps = sorted(model.apps) if task.app_id == SHARED else [task.app_id]
    for app_id in apps or [None]:
        queue = model.destination(task, app_id=app_id) if task.name else UNKNOWN
        builder.edge((NodeKind.TASK, _task_id(task)), _queue(builder, queue, problems),
                     EdgeKind.ROUTES)


def _apps(builder: DiagramBuilder, model: CeleryModel, problems: ProblemIndex) -> None:
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


def _sender(builder: DiagramBuilder, model: CeleryModel, module: str, function: str,
            problems: ProblemIndex) -> TaskKey | tuple[NodeKind, str]:
    """The sending task when the call sits in a task's body, else the calling module."""
    task = model.task_for_function(module, function.split(".<locals>.")[0]) if function else None
    if task is not None:
        return _task_node(builder, task, problems)
    builder.node(NodeKind.CALLER, module, [module, "(calls tasks)"])
    return (NodeKind.CALLER, module)


def _calls(builder: DiagramBuilder, model: CeleryModel, problems: ProblemIndex) -> None:
    for call in model.calls:
        if call.method not in SEND_METHODS:
            continue
        sender = _sender(builder, model, call.module, call.function, problems)
        target = _task_node(builder, call.task, problems)
        builder.edge(sender, target, EdgeKind.SENDS, f".{call.method}()")
        if call.queue is not None:
            queue = model.destination(call.task, call.queue)
            builder.edge(target, _queue(builder, queue, problems), EdgeKind.ROUTES,
                         "apply_async(queue=)", dashed=True)
    for reference in model.references:
        if reference.kind is not ReferenceKind.SEND_TASK:
            continue
        function = _function_around(model, reference.module, reference.span)
        sender = _sender(builder, model, reference.module, function, problems)
        target = _named_task(builder, model, reference.name, problems)
        builder.edge(sender, target, EdgeKind.SENDS, "send_task()")
        if reference.queue is not None:
            builder.edge(target, _queue(builder, reference.queue, problems), EdgeKind.ROUTES,
                         "send_task(queue=)", dashed=True)


def _function_around(model: CeleryModel, module: str, name_span: Span) -> str:
    """The function a ``send_task("name")`` stands in, found by its first argument's span."""
    facts = model.project.module(module)
    for call in facts.calls if facts is not None else ():
        if call.call.args and call.call.args[0].span == name_span:
            return call.function
    return ""


def _beat(builder: DiagramBuilder, model: CeleryModel, problems: ProblemIndex) -> None:
    if not model.beat_entries:
        return
    cluster = builder.cluster(BEAT_CLUSTER, "beat schedule")
    for entry in model.beat_entries:
        key = entry.key if isinstance(entry.key, str) else f"? at {entry.path}:{entry.span.line}"
        entry_node = (NodeKind.BEAT_ENTRY, f"{entry.app_id}/{key}")
        last_line = max((span.end_line for _, span in entry.extra_keys),
                        default=entry.span.end_line)
        found = problems.located(entry.path, entry.span.line, last_line,
                                 subject=entry.key if isinstance(entry.key, str) else None,
                                 families=BEAT_FAMILIES)
        builder.node(*entry_node, [key, describe_schedule(model, entry)], cluster=cluster,
                     **found.as_style())
        for runner in _beat_runners(model, entry.app_id):
            builder.edge(runner, entry_node, EdgeKind.SCHEDULES, dashed=True)
        if not isinstance(entry.task, str):
            continue
        target = _named_task(builder, model, entry.task, problems)
        options = plain(entry.options)
        queue = plain(options.get("queue")) if isinstance(options, dict) else None
        builder.edge(entry_node, target, EdgeKind.SCHEDULES,
                     f"queue={queue}" if isinstance(queue, str) else "")
        if isinstance(queue, str):
            builder.edge(target, _queue(builder, queue, problems), EdgeKind.ROUTES,
                         "beat options", dashed=True)


def _beat_runners(model: CeleryModel, app_id: str) -> list[tuple[NodeKind, str]]:
    """Beat processes (and -B workers) of an app, or of unknown app: they may run it."""
    runners = []
    for deployment in model.deployments:
        for service in deployment.services:
            for command in service.commands:
                if command.kind is not ProcessKind.BEAT:
                    continue
                app = model.app_for_target(command.app) if command.app_known else None
                if app in (None, app_id):
                    runners.append((NodeKind.BEAT_PROCESS, _process_name(deployment.path,
                                                                         service.name, command)))
    return runners


def _process_name(path: str, service: str, command: Any) -> str:
    return f"{path}:{service}:{command.line}:{command.column}"


def _worker_label(worker_kind: str, service: str, command: Any, queues: Any) -> list[str]:
    label = [f"{worker_kind}: {service}"]
    if command.app:
        label.append(f"-A {command.app}")
    if worker_kind == "worker":
        label.append("queues: " + (", ".join(sorted(queues)) if queues is not None
                                   else "unknown"))
        if command.concurrency is not None:
            label.append(f"concurrency {command.concurrency}")
        if command.embedded_beat:
            label.append("+ embedded beat (-B)")
    return [mask_secrets_in_text(line) for line in label]


def _processes(builder: DiagramBuilder, model: CeleryModel, problems: ProblemIndex) -> None:
    """Workers, one cluster per deployment (files that run together); beat processes stand left, beside the schedule.

    A beat process has no queue edge, so inside the workers' cluster it would
    stretch that box across the whole picture.
    """
    workers: dict[tuple[str, str, int, int], Worker] = {
        (w.deployment.path, w.service, w.command.line, w.command.column): w
        for w in model.workers()}
    groups = process_groups(model.project)
    for deployment in sorted(model.deployments, key=lambda d: d.path):
        for service in deployment.services:
            for command in service.commands:
                worker = workers.get((deployment.path, service.name, command.line,
                                      command.column))
                if command.kind is ProcessKind.BEAT:
                    label = _worker_label("beat", service.name, command, None)
                    _process_node(builder, problems, NodeKind.BEAT_PROCESS, deployment,
                                  service, command, [*label, deployment.path], None)
                if worker is None:
                    continue
                queues = model.queues_consumed_by(worker)
                name = _process_name(deployment.path, service.name, command)
                for queue in sorted(queues or ()):
                    builder.edge(_queue(builder, queue, problems), (NodeKind.WORKER, name),
                                 EdgeKind.CONSUMES)
                group = groups.get((deployment.path, service.name, command.line,
                                    command.column))
                where = group.name if group is not None else deployment.path
                cluster = builder.cluster(f"deploy:{where}", f"{where} ({deployment.kind.value})")
                _process_node(builder, problems, NodeKind.WORKER, deployment, service, command,
                              _worker_label("worker", service.name, command, queues), cluster)


def _process_node(builder: DiagramBuilder, problems: ProblemIndex, kind: NodeKind,
                  deployment: Any, service: Any, command: Any, label: list[str],
                  cluster: str | None) -> None:
    """A worker or beat box, with the findings reported on its service's lines."""
    found = problems.located(deployment.path, min(service.line, command.line), command.line,
                             drawn_on=(builder.names(NodeKind.QUEUE), QUEUE_FAMILIES))
    builder.node(kind, _process_name(deployment.path, service.name, command), label,
                 cluster=cluster, **found.as_style())


__all__ = ["topology_diagram"]
