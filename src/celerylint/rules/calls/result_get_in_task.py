"""CEL303: waiting for another task's result inside a task."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.celery.result_waits import result_waits
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.model import Project


class ResultGetInTask(ProjectRule):
    code = "CEL303"
    inputs = WHOLE_PROJECT
    name = "result-get-in-task"
    severity = Severity.ERROR
    summary = "A task waits for another task's result (.get/.wait/.join), which Celery forbids."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        tasks = {(t.module, t.qualname): t for t in model.tasks}
        for wait in result_waits(model):
            task = tasks.get((wait.module, wait.function))
            if task is None:
                continue
            method = wait.call.func.rsplit(".", 1)[-1]
            yield self.finding(
                wait.path, wait.call.span,
                f"Task '{task.name or task.function}' calls {wait.receiver}.{method}() on "
                "another task's result: Celery raises RuntimeError(\"Never call "
                "result.get() within a task!\"), and with disable_sync_subtasks=False the "
                "worker pool can deadlock waiting on itself.",
                fix_hint="Chain the tasks (chain/chord with a callback) instead of waiting.",
                subjects=(task.name or task.function,),
            )
