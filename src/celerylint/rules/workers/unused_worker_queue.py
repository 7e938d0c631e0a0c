"""CEL402: a worker consumes a queue nothing sends to and nothing declares (often a typo)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.celery.queue_traffic import queue_traffic
from celerylint.project.celery.routing import declared_queues, default_queue
from celerylint.project.deploy.deployment_groups import process_commands, process_groups
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.suggestions import closest_name
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project


class UnusedWorkerQueue(ProjectRule):
    code = "CEL402"
    inputs = WHOLE_PROJECT
    name = "unused-worker-queue"
    severity = Severity.WARNING
    summary = "A worker consumes a queue that no task is sent to and no setting declares."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        traffic = {app_id: queue_traffic(model, app_id) for app_id in model.apps}
        groups, as_run = process_groups(project), process_commands(project)
        for worker in model.workers():
            key = (worker.deployment.path, worker.service, worker.command.line,
                   worker.command.column)
            command = as_run.get(key, worker.command)  # as compose interpolates it
            app_id = model.app_for_target(command.app) if command.app_known else None
            if app_id is None or not command.queues_known or command.queues is None:
                continue
            known = traffic[app_id]
            settings = model.settings[app_id]
            declared = declared_queues(settings)
            if not known.complete or declared is None:
                continue
            expected = set(known.producers) | set(declared) | {default_queue(settings)}
            for queue in command.queues:
                if queue in expected:
                    continue
                suggestion = closest_name(queue, known.producers, cutoff=0.6)
                hint = f"did you mean '{suggestion}'?" if suggestion else \
                    "remove it, or route tasks to it"
                group = groups.get(key)
                where = group.name if group is not None else worker.deployment.path
                origin = f" In {worker.deployment.path}, {command.origin}." if command.origin else ""
                yield self.finding(
                    worker.deployment.path,
                    Span(command.line, command.column, command.line, command.column),
                    f"Worker '{worker.service}' of the deployment {where} consumes queue "
                    f"'{queue}', but no task is sent "
                    "there and task_queues does not declare it; the worker idles on it while "
                    f"the queue it was meant for may fill up.{origin}",
                    fix_hint=hint[0].upper() + hint[1:],
                    subjects=(queue,),
                )
