"""CEL213: no time limit anywhere (opt-in)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.model import Project


class MissingTimeLimit(ProjectRule):
    code = "CEL213"
    inputs = WHOLE_PROJECT
    name = "missing-time-limit"
    severity = Severity.INFO
    summary = "A task has no time limit and the project sets none globally (opt-in rule)."
    default_enabled = False

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        for task in model.tasks:
            settings = model.settings_for(task.app_id if task.app_id != "<shared>" else None)
            if settings is None:
                continue
            if settings.is_set("task_time_limit") or settings.is_set("task_soft_time_limit"):
                continue
            if "time_limit" in task.options or "soft_time_limit" in task.options:
                continue
            yield self.finding(
                task.path, task.span,
                f"Task '{task.name}' has no time limit and the project sets no "
                "task_time_limit: one hung call (a socket without timeout) holds a worker "
                "slot forever.",
                fix_hint="Set time_limit/soft_time_limit on the task or task_time_limit globally.",
                subjects=(task.name,),
            )
