"""CEL202/CEL203: ``bind=True`` without a first parameter, and ``self`` without ``bind=True``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import ParamKind

if TYPE_CHECKING:
    from celerylint.project.model import Project

POSITIONAL = (ParamKind.POSITIONAL_ONLY, ParamKind.POSITIONAL_OR_KEYWORD, ParamKind.VAR_POSITIONAL)


class BoundTaskWithoutSelf(ProjectRule):
    code = "CEL202"
    inputs = WHOLE_PROJECT
    name = "bound-task-without-self"
    severity = Severity.ERROR
    summary = "A bind=True task has no first parameter to receive the task instance."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for task in celery_model(project).tasks:
            if not task.bind or task.custom_decorator or not task.signature_known:
                continue
            if task.parameters and task.parameters[0].kind in POSITIONAL:
                continue
            yield self.finding(
                task.path, task.span,
                f"Task '{task.name or task.function}' has bind=True but no first positional "
                "parameter: Celery passes the task instance as the first argument, so no call "
                "can succeed (.delay() and .apply_async() raise TypeError in the caller; "
                "send_task and beat entries fail with TypeError in the worker or in beat).",
                fix_hint="Add 'self' as the first parameter.",
                subjects=(task.name or task.function,),
            )


class SelfWithoutBind(ProjectRule):
    code = "CEL203"
    inputs = WHOLE_PROJECT
    name = "self-without-bind"
    severity = Severity.ERROR
    summary = "A task takes 'self' but is not bind=True, so 'self' receives the first argument."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for task in celery_model(project).tasks:
            if task.bind or task.custom_decorator or "bind" in task.options:
                continue
            if "." in task.qualname.replace(".<locals>.", ""):
                continue  # a method: ``self`` is the instance, not the task
            if not task.parameters or task.parameters[0].name != "self":
                continue
            yield self.finding(
                task.path, task.span,
                f"Task '{task.name or task.function}' takes 'self' but is not declared with "
                "bind=True: 'self' receives the caller's first argument, so a call with the "
                "task's real arguments raises TypeError (.delay() in the caller, send_task in "
                "the worker), and one that fills 'self' makes self.retry(...) or self.request "
                "raise AttributeError.",
                fix_hint="Declare the task with bind=True.",
                subjects=(task.name or task.function,),
            )
