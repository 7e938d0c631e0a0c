"""CEL204: two tasks registered under one name in one app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.celery.celery_tasks import SHARED
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.model import Project


class DuplicateTaskName(ProjectRule):
    code = "CEL204"
    inputs = WHOLE_PROJECT
    name = "duplicate-task-name"
    severity = Severity.ERROR
    summary = "Two tasks are registered under one name; only the first registered ever runs."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        seen: dict[tuple[str, str], object] = {}
        ordered = sorted(model.tasks, key=lambda t: (t.path, t.span.line))
        for task in ordered:
            if not task.name or not task.visibly_registered:
                continue
            # Two apps' own tasks clash only in a process importing both modules, which
            # per-worker-type apps avoid: judge ``@app.task`` tasks within their app.
            for app_id in (model.apps_of(task) if task.app_id == SHARED else [task.app_id]):
                first = seen.get((app_id, task.name))
                if first is None:
                    seen[(app_id, task.name)] = task
                    continue
                if first is task:
                    continue
                yield self.finding(
                    task.path, task.span,
                    f"Task name '{task.name}' is also registered by "
                    f"{first.path}:{first.span.line}; Celery keeps whichever of the two it "  # type: ignore[attr-defined]
                    "registers first, in an order the project does not control, and only emits "
                    "DuplicateTaskNameWarning, so every call under this name runs that one and "
                    "the other's code never runs.",
                    fix_hint="Give one of them a distinct name=.",
                    subjects=(task.name,),
                )
                break
