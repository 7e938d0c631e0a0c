"""CEL506: beat entries exist, workers are deployed, but nothing runs beat."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.beat_processes import beat_processes, beat_scope
from celerylint.project.celery_model import Worker, celery_model
from celerylint.rules.base import ProjectRule
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.beat import BeatEntry
    from celerylint.project.celery_model import CeleryModel
    from celerylint.project.deployment_facts import DeploymentFacts
    from celerylint.project.model import Project


class BeatEntriesWithoutBeat(ProjectRule):
    code = "CEL506"
    name = "beat-entries-without-beat"
    severity = Severity.INFO
    summary = "Beat entries are defined, but the deployment that runs the workers starts no beat."

    def check_project(self, project: Project) -> Iterator[Finding]:
        model = celery_model(project)
        entries: dict[str, list[BeatEntry]] = {}
        for entry in model.beat_entries:
            entries.setdefault(entry.app_id, []).append(entry)
        all_workers = model.workers()
        for deployment in model.deployments:
            workers: dict[str, Worker] = {}
            for worker in all_workers:
                if worker.deployment is deployment and worker.app_id in entries:
                    workers.setdefault(worker.app_id, worker)
            for app_id, worker in sorted(workers.items()):
                if not _beat_may_run(model, deployment, app_id):
                    yield self._report(deployment, worker, app_id, entries[app_id])

    def _report(self, deployment: DeploymentFacts, worker: Worker, app_id: str,
                entries: list[BeatEntry]) -> Finding:
        first = entries[0]
        example = f"'{first.key}'" if isinstance(first.key, str) else "one"
        command = worker.command
        count = f"{len(entries)} beat entr{'y' if len(entries) == 1 else 'ies'}"
        return self.finding(
            deployment.path, Span(command.line, command.column, command.line, command.column),
            f"App '{app_id}' has {count} ({example} in {first.path}:{first.span.line}), and "
            f"{deployment.path} starts its workers (service '{worker.service}') but no beat "
            "process: nothing sends the periodic tasks, so they never run.",
            fix_hint=f"Add one service running `celery -A {command.app or '<app>'} beat`, or "
            "suppress this if beat runs from another deployment.",
            subjects=(app_id,),
        )


def _beat_may_run(model: CeleryModel, deployment: DeploymentFacts, app_id: str) -> bool:
    """True when a file of the same stack starts beat for the app, or for an unknown app."""
    for member in beat_scope(model, deployment):
        for process in beat_processes(model, member):
            if process.app_id in (app_id, None):
                return True
    return False
