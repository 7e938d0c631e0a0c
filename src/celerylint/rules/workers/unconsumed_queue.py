"""CEL401: tasks are sent to a queue that no worker of the deployment consumes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery_model import celery_model
from celerylint.project.queue_traffic import queue_traffic
from celerylint.rules.base import ProjectRule
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project

MAX_LISTED = 3


class UnconsumedQueue(ProjectRule):
    code = "CEL401"
    name = "unconsumed-queue"
    severity = Severity.ERROR
    summary = "Tasks are routed to a queue that no worker in the deployment consumes."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        by_deployment: dict[str, list] = {}
        for worker in model.workers():
            by_deployment.setdefault(worker.deployment.path, []).append(worker)
        for app_id in sorted(model.apps):
            traffic = queue_traffic(model, app_id)
            for path, workers in sorted(by_deployment.items()):
                mine = [w for w in workers if w.app_id == app_id]
                if not mine or any(w.app_id is None for w in workers):
                    continue
                consumed = [model.queues_consumed_by(w) for w in mine]
                if any(c is None for c in consumed):
                    continue  # a worker's queues are unknown: stay silent
                all_consumed = set().union(*consumed)  # type: ignore[arg-type]
                for queue, producers in sorted(traffic.producers.items()):
                    if queue in all_consumed:
                        continue
                    yield self._report(path, mine[0], queue, producers, sorted(all_consumed))

    def _report(self, path: str, worker, queue: str, producers: list[str],  # type: ignore[no-untyped-def]
                consumed: list[str]) -> Finding:
        listed = ", ".join(producers[:MAX_LISTED])
        more = f" and {len(producers) - MAX_LISTED} more" if len(producers) > MAX_LISTED else ""
        command = worker.command
        return self.finding(
            path, Span(command.line, command.column, command.line, command.column),
            f"Queue '{queue}' receives {listed}{more}, but no worker in {path} consumes it "
            f"(its workers consume: {', '.join(consumed) or 'nothing'}); the messages pile up "
            "in Redis and never run.",
            fix_hint=f"Add '{queue}' to a worker's -Q list, or route those tasks to a consumed queue.",
            subjects=(queue,),
        )
