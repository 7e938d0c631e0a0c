"""CEL308: a worker consumes a queue that receives a task its app never registers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.celery.celery_tasks import SHARED
from celerylint.project.celery.named_references import named_references
from celerylint.project.celery.routing import destination_queue
from celerylint.project.celery.task_references import ReferenceKind
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.calls.unregistered_task import unregistered_reasons
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel, Worker
    from celerylint.project.celery.celery_tasks import TaskDefinition
    from celerylint.project.model import Project


@dataclass(frozen=True)
class Delivery:
    """A task's messages reaching a queue, and the line that sends them there."""

    task: "TaskDefinition"
    queue: str
    path: str
    span: Span
    how: str


def deliveries(model: "CeleryModel") -> Iterator[Delivery]:
    """Where each used task's messages land: its own route (task_routes, decorator
    ``queue=``) for calls on the task object, an explicit ``queue=`` at the call, and
    for ``send_task`` by name the routes or the default queue (the decorator's ``queue=``
    is not read there: the producer never sees the task)."""
    routes = {(r.name, r.app_id): r for r in named_references(model)
              if r.kind is ReferenceKind.ROUTE and not r.is_pattern}
    for call in model.calls:
        queue = model.destination(call.task, call.queue)
        route = routes.get((call.task.name, call.task.app_id)) or next(
            (r for (name, _app), r in sorted(routes.items()) if name == call.task.name), None)
        if call.queue is None and "queue" not in call.task.options and route is not None:
            yield from _one(call.task, queue, route.path, route.span, "task_routes")
        elif call.queue is None:
            yield from _one(call.task, queue, call.task.path, call.task.span,
                            "the task's queue=" if "queue" in call.task.options
                            else "the default queue")
        else:
            yield from _one(call.task, queue, call.path, call.span,
                            f".{call.method}(queue=...)")
    for reference in named_references(model):
        if reference.is_pattern or reference.kind not in (ReferenceKind.SEND_TASK,
                                                          ReferenceKind.BEAT):
            continue
        targets = model.tasks_named(reference.name)
        if len(targets) != 1:
            continue
        task = targets[0]
        queue: Any = reference.queue
        if queue is None and reference.kind is ReferenceKind.SEND_TASK:
            settings = model.settings_for(reference.app_id or
                                          (None if task.app_id == SHARED else task.app_id))
            queue = destination_queue(None, None, task.name, settings) if settings else None
        yield from _one(task, queue, reference.path, reference.span, reference.label)


def _one(task: "TaskDefinition", queue: Any, path: str, span: Span,
         how: str) -> Iterator[Delivery]:
    if isinstance(queue, str) and task.name:
        yield Delivery(task, queue, path, span, how)


def consumers_lacking(model: "CeleryModel", delivery: Delivery) -> list["Worker"] | None:
    """Consumers of the queue that do not register the task; None when unknowable."""
    lacking: list[Worker] = []
    for worker in model.workers():
        consumed = model.queues_consumed_by(worker)
        if consumed is None:
            return None  # this worker may consume the queue too
        if delivery.queue not in consumed:
            continue
        registered = model.registration(worker, delivery.task).registered
        if registered is None:
            return None
        if not registered:
            lacking.append(worker)
    return lacking


class QueueConsumerLacksTask(ProjectRule):
    code = "CEL308"
    inputs = WHOLE_PROJECT
    name = "queue-consumer-lacks-task"
    severity = Severity.ERROR
    preview = True  # runs with --preview until the precision benchmark measures it
    summary = ("A worker consumes a queue that receives a task its app never registers, so "
               "it drops those messages as unregistered.")

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        seen: set[tuple[str, int, str, str]] = set()
        for delivery in sorted(deliveries(model), key=lambda d: (d.path, d.span.line)):
            key = (delivery.path, delivery.span.line, delivery.queue, delivery.task.name)
            if key in seen:
                continue
            seen.add(key)
            lacking = consumers_lacking(model, delivery)
            if not lacking or unregistered_reasons(model, delivery.task) is not None:
                continue  # nobody lacks it, or nobody has it (unregistered-task says so)
            names = ", ".join(sorted(f"{w.service} ({w.deployment.path})" for w in lacking))
            yield self.finding(
                delivery.path, delivery.span,
                f"Task '{delivery.task.name}' is sent to queue '{delivery.queue}' "
                f"({delivery.how}), which {names} consume{'s' if len(lacking) == 1 else ''}, "
                f"but their app never imports '{delivery.task.module}'; each message such a "
                "worker takes is logged as \"Received unregistered task\" and dropped.",
                fix_hint=f"Stop consuming '{delivery.queue}' there, route the task to a queue "
                "only its own workers consume, or load its module in that app (include=).",
                subjects=(delivery.task.name,),
            )
