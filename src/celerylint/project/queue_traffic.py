"""Which queues receive messages, and from what: the producer side of queue coverage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from celerylint.project.celery_tasks import SHARED
from celerylint.project.evaluate import UNKNOWN
from celerylint.project.named_references import named_references

if TYPE_CHECKING:
    from celerylint.project.celery_model import CeleryModel


@dataclass
class QueueTraffic:
    """Queue name -> what sends there; ``complete`` is False when some destination is unknown."""

    producers: dict[str, list[str]] = field(default_factory=dict)
    complete: bool = True

    def add(self, queue: object, producer: str) -> None:
        if isinstance(queue, str):
            self.producers.setdefault(queue, [])
            if producer not in self.producers[queue]:
                self.producers[queue].append(producer)
        elif queue is UNKNOWN:
            self.complete = False


def queue_traffic(model: "CeleryModel", app_id: str) -> QueueTraffic:
    traffic = QueueTraffic()
    for task in sorted(model.tasks, key=lambda t: t.name):
        if task.app_id not in (app_id, SHARED):
            continue
        traffic.add(model.destination(task, app_id=app_id) if task.name else UNKNOWN,
                    f"task {task.name}")
    for call in model.calls:
        if call.queue is not None and call.task.app_id in (app_id, SHARED):
            traffic.add(call.queue, f"{call.task.name} via .{call.method}() at {call.path}:{call.span.line}")
    for reference in named_references(model):
        if reference.app_id in (app_id, "") and reference.queue is not None \
                and not reference.is_pattern and reference.kind.value != "task_routes":
            traffic.add(reference.queue, f"{reference.label} ({reference.name})")
    return traffic
