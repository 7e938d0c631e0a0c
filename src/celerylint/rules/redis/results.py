"""CEL114/CEL115: waiting for results that are never stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery_model import celery_model
from celerylint.project.evaluate import UNKNOWN
from celerylint.project.result_waits import result_waits
from celerylint.rules.base import ProjectRule

if TYPE_CHECKING:
    from celerylint.project.model import Project


class ResultBackendMissing(ProjectRule):
    code = "CEL114"
    name = "result-backend-missing"
    severity = Severity.ERROR
    summary = "Code waits for task results but no result_backend is configured."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        if len(model.apps) != 1:
            return  # which app's backend applies is not knowable here
        settings = next(iter(model.settings.values()))
        if settings.is_set("result_backend") or settings.value("result_backend") is UNKNOWN:
            return
        if settings.value("result_backend") not in (None, "disabled"):
            return
        for wait in result_waits(model):
            method = wait.call.func.rsplit(".", 1)[-1]
            yield self.finding(
                wait.path, wait.call.span,
                f"{wait.receiver}.{method}() waits for a result, but no result_backend is "
                "configured: Celery raises NotImplementedError (\"No result backend is "
                "configured\") here.",
                fix_hint="Set result_backend (e.g. the Redis URL with another db) or stop "
                "waiting for the result.",
            )


class IgnoredResultWaited(ProjectRule):
    code = "CEL115"
    name = "ignored-result-waited"
    severity = Severity.ERROR
    summary = ("Code waits for the result of a task that ignores its result: it gets None, "
               "never the value.")

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        for wait in result_waits(model):
            task = wait.task
            if task is None:
                continue
            settings = model.settings_for(task.app_id if task.app_id != "<shared>" else None)
            ignored = task.options.get("ignore_result")
            if ignored is None and settings is not None:
                ignored = settings.value("task_ignore_result")
            if ignored is not True:
                continue
            method = wait.call.func.rsplit(".", 1)[-1]
            yield self.finding(
                wait.path, wait.call.span,
                f"{wait.receiver}.{method}() waits for task '{task.name}', which ignores its "
                "result (ignore_result): .get() on what .delay()/.apply_async() returned gives "
                "None at once instead of the task's return value, and a result looked up by id "
                "never arrives (PENDING until the timeout).",
                fix_hint="Set ignore_result=False on that task, or do not wait for it.",
                subjects=(task.name,),
            )
