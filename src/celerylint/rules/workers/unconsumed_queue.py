"""CEL401: tasks are sent to a queue that no worker of the deployment consumes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.beat_processes import runs_beat_for
from celerylint.project.celery.celery_model import Worker, celery_model
from celerylint.project.celery.queue_traffic import queue_traffic
from celerylint.project.deploy.broker_names import broker_name
from celerylint.project.deploy.deployment_groups import (
    DeploymentGroup,
    deployment_groups,
    group_workers,
)
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.once_per_place import once_per_place
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.model import Project

MAX_LISTED = 3


class UnconsumedQueue(ProjectRule):
    code = "CEL401"
    inputs = WHOLE_PROJECT
    name = "unconsumed-queue"
    severity = Severity.ERROR
    summary = "Tasks are routed to a queue that no worker in the deployment consumes."

    def check_project(self, project: Project) -> Iterator[Finding]:
        return once_per_place(self._findings(project))

    def _findings(self, project: Project) -> Iterator[Finding]:
        model = celery_model(project)
        for group in deployment_groups(project):
            workers = group_workers(model, group)
            if not workers or any(w.app_id is None for w in workers):
                continue  # a worker of an unknown app may consume anything
            for app_id in sorted({w.app_id for w in workers if w.app_id is not None}):
                yield from self._check_app(model, group, app_id,
                                           [w for w in workers if w.app_id == app_id])

    def _check_app(self, model: CeleryModel, group: DeploymentGroup, app_id: str,
                   workers: list[Worker]) -> Iterator[Finding]:
        consumed = [model.queues_consumed_by(w) for w in workers]
        if any(c is None for c in consumed):
            return  # a worker's queues are unknown: stay silent
        all_consumed = set().union(*consumed)  # type: ignore[arg-type]
        traffic = queue_traffic(model, app_id)
        beat_runs = runs_beat_for(model, group, app_id)
        for queue, producers in sorted(traffic.producers.items()):
            if queue in all_consumed or (not beat_runs and traffic.fed_only_by_beat(queue)):
                continue
            yield self._report(model, group, workers, app_id, queue, producers,
                               sorted(all_consumed))

    def _report(self, model: CeleryModel, group: DeploymentGroup, workers: list[Worker],
                app_id: str, queue: str, producers: list[str], consumed: list[str]) -> Finding:
        worker = workers[0]
        listed = ", ".join(producers[:MAX_LISTED])
        more = f" and {len(producers) - MAX_LISTED} more" if len(producers) > MAX_LISTED else ""
        command = worker.command
        origins = sorted({f" In {w.deployment.path}, {w.command.origin}." for w in workers
                          if w.command.origin})
        return self.finding(
            worker.deployment.path, Span(command.line, command.column, command.line,
                                         command.column),
            f"Queue '{queue}' receives {listed}{more}, but no worker in {group.name} consumes "
            f"it (its workers consume: {', '.join(consumed) or 'nothing'}); the messages pile "
            f"up in {broker_name(model.settings_for(app_id))} and never run.{''.join(origins)}",
            fix_hint=f"Add '{queue}' to a worker's -Q list, or route those tasks to a consumed queue.",
            subjects=(queue,),
        )
