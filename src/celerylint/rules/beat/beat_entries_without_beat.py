"""CEL506: beat entries exist, workers are deployed, but nothing runs beat."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.beat_processes import runs_beat_for
from celerylint.project.celery.celery_model import Worker, celery_model
from celerylint.project.deploy.deployment_groups import (
    DeploymentGroup,
    deployment_groups,
    group_workers,
)
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.once_per_place import once_per_place
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.celery.beat import BeatEntry
    from celerylint.project.model import Project


class BeatEntriesWithoutBeat(ProjectRule):
    code = "CEL506"
    inputs = WHOLE_PROJECT
    name = "beat-entries-without-beat"
    severity = Severity.INFO
    summary = "Beat entries are defined, but the deployment that runs the workers starts no beat."

    def check_project(self, project: Project) -> Iterator[Finding]:
        return once_per_place(self._findings(project))

    def _findings(self, project: Project) -> Iterator[Finding]:
        model = celery_model(project)
        entries: dict[str, list[BeatEntry]] = {}
        for entry in model.beat_entries:
            entries.setdefault(entry.app_id, []).append(entry)
        groups = deployment_groups(project)
        for group in groups:
            workers: dict[str, Worker] = {}
            for worker in group_workers(model, group):
                if worker.app_id in entries:
                    workers.setdefault(worker.app_id, worker)
            # A mode without beat is often one container of several started from one script
            # (beat in one, workers in the others): beat in any mode of it counts.
            modes = [g for g in groups if (g.kind, g.files) == (group.kind, group.files)]
            for app_id, worker in sorted(workers.items()):
                if not any(runs_beat_for(model, mode, app_id) for mode in modes):
                    yield self._report(group, worker, app_id, entries[app_id])

    def _report(self, group: DeploymentGroup, worker: Worker, app_id: str,
                entries: list[BeatEntry]) -> Finding:
        first = entries[0]
        example = f"'{first.key}'" if isinstance(first.key, str) else "one"
        command = worker.command
        count = f"{len(entries)} beat entr{'y' if len(entries) == 1 else 'ies'}"
        return self.finding(
            worker.deployment.path, Span(command.line, command.column, command.line,
                                         command.column),
            f"App '{app_id}' has {count} ({example} in {first.path}:{first.span.line}), and "
            f"the deployment {group.name} starts its workers (service '{worker.service}') but "
            "no beat process: nothing sends the periodic tasks, so they never run.",
            fix_hint=f"Add one service running `celery -A {command.app or '<app>'} beat`, or "
            "suppress this if beat runs from another deployment.",
            subjects=(app_id,),
        )
