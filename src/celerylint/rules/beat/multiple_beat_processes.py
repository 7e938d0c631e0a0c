"""CEL505: more than one beat process for one app in one deployment: every task runs twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.beat_processes import BeatProcess, beat_processes, schedulers_beside
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.deploy.deployment_groups import DeploymentGroup, deployment_groups
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.once_per_place import once_per_place
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project


class MultipleBeatProcesses(ProjectRule):
    code = "CEL505"
    inputs = WHOLE_PROJECT
    name = "multiple-beat-processes"
    severity = Severity.ERROR
    summary = "A deployment starts several beat schedulers for one app; periodic tasks run twice."
    preview = True  # below 95 % on the precision benchmark: see its doc's Known limits

    def check_project(self, project: Project) -> Iterator[Finding]:
        return once_per_place(self._findings(project))

    def _findings(self, project: Project) -> Iterator[Finding]:
        model = celery_model(project)
        for group in deployment_groups(project):
            by_app: dict[str, list[BeatProcess]] = {}
            for process in beat_processes(model, group, active_only=True):
                if process.app_id is not None and process.copies:
                    by_app.setdefault(process.app_id, []).append(process)
            for app_id, processes in sorted(by_app.items()):
                for process in processes:
                    together = schedulers_beside(process, processes)
                    total = sum(p.copies for p in together)
                    if total >= 2:
                        yield self._report(group, process, together, app_id, total)

    def _report(self, group: DeploymentGroup, process: BeatProcess,
                processes: list[BeatProcess], app_id: str, total: int) -> Finding:
        others = [p.describe() for p in processes if p is not process]
        also = f" besides {', '.join(others)}" if others else ""
        command = process.command
        return self.finding(
            process.deployment.path, Span(command.line, command.column, command.line,
                                          command.column),
            f"Service '{process.service.name}' runs {process.how} for app '{app_id}'{also}: "
            f"the deployment {group.name} starts {total} schedulers, each sends every "
            f"periodic task, so every scheduled run happens {total} times.",
            fix_hint="Run exactly one beat: a single `celery beat` service with one replica, "
            "and no -B on the workers.",
            subjects=(app_id,),
        )
