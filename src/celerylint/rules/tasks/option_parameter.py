"""CEL207: a task option written as a parameter of the task function.

``def fetch(self, url, max_retries=5)`` does not configure the task: Celery reads
options from the decorator (or a base class), so ``max_retries`` here is one more
argument callers may pass, and ``self.retry`` still stops at the class's value. Only
compound option names (``max_retries``, ``default_retry_delay``, ``autoretry_for``) with
a default are reported: single words (``name``, ``queue``, ``priority``) are too often
genuine arguments.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.celery_knowledge.task_options import task_setting_attributes
from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import ParamKind, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project

_NAMED = (ParamKind.POSITIONAL_OR_KEYWORD, ParamKind.KEYWORD_ONLY)


class TaskOptionAsParameter(ProjectRule):
    code = "CEL207"
    inputs = WHOLE_PROJECT
    name = "task-option-as-parameter"
    severity = Severity.WARNING
    summary = "A task option is written as a function parameter, where Celery never reads it."
    preview = True  # runs with --preview until the precision benchmark measures it

    def check_project(self, project: Project) -> Iterator[Finding]:
        options = {name for name in task_setting_attributes() if "_" in name.strip("_")}
        for task in celery_model(project).tasks:
            for parameter in task.parameters:
                if (parameter.name in options and parameter.has_default
                        and parameter.kind in _NAMED and parameter.name not in task.options):
                    yield self._finding(task.name or task.function, task.path, task.span,
                                        parameter.name)

    def _finding(self, label: str, path: str, span: Span, option: str) -> Finding:
        from celery.app.task import Task

        default = getattr(Task, option, None)
        return self.finding(
            path, span,
            f"Task '{label}' takes '{option}' as a parameter, but Celery reads task options "
            "from the decorator, not from the function's signature: this is only an argument "
            "callers may pass, and the task keeps the value its decorator, base class or the "
            f"app's settings give it (Celery's default is {option}={default!r}).",
            fix_hint=f"Move it to the decorator: @app.task({option}=...), and remove the "
            "parameter.", subjects=(label, option))
