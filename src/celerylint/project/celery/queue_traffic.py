"""Which queues receive messages, and from what: the producer side of queue coverage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from celerylint.project.celery.celery_tasks import SHARED
from celerylint.project.celery.named_references import named_references
from celerylint.project.celery.task_references import ReferenceKind
from celerylint.project.evaluate import UNKNOWN

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel


@dataclass
class QueueTraffic:
    """Queue name -> what sends there; ``complete`` is False when some destination is unknown."""

    producers: dict[str, list[str]] = field(default_factory=dict)
    complete: bool = True
    # Producers only a beat process sends: they feed a queue only where beat runs.
    fed_by_beat: set[str] = field(default_factory=set)

    def fed_only_by_beat(self, queue: str) -> bool:
        return all(producer in self.fed_by_beat for producer in self.producers.get(queue, ()))

    def add(self, queue: object, producer: str) -> None:
        if isinstance(queue, str):
            self.producers.setdefault(queue, [])
            if producer not in self.producers[queue]:
                self.producers[queue].append(producer)
        elif queue is UNKNOWN:
            self.complete = False


def queue_traffic(model: "CeleryModel", app_id: str) -> QueueTraffic:
    traffic = QueueTraffic()
    references = named_references(model)
    scheduled = {r.name for r in references if r.kind is ReferenceKind.BEAT}
    sent = {call.task.name for call in model.calls} | {
        r.name for r in references if r.kind in (ReferenceKind.SEND_TASK, ReferenceKind.SIGNATURE)}
    for task in sorted(model.tasks, key=lambda t: t.name):
        if task.app_id not in (app_id, SHARED):
            continue
        label = f"task {task.name}"
        traffic.add(model.destination(task, app_id=app_id) if task.name else UNKNOWN, label)
        if task.name in scheduled and task.name not in sent:
            traffic.fed_by_beat.add(label)
    for call in model.calls:
        if call.queue is not None and call.task.app_id in (app_id, SHARED):
            traffic.add(call.queue, f"{call.task.name} via .{call.method}() at {call.path}:{call.span.line}")
    for reference in references:
        if reference.app_id in (app_id, "") and reference.queue is not None \
                and not reference.is_pattern and reference.kind is not ReferenceKind.ROUTE:
            label = f"{reference.label} ({reference.name})"
            traffic.add(reference.queue, label)
            if reference.kind is ReferenceKind.BEAT:
                traffic.fed_by_beat.add(label)
    return traffic
