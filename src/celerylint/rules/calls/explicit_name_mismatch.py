"""CEL306: a reference uses a task's module path, but the task registered an explicit name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.celery.named_references import named_references
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.calls.task_names import explicit_name_for_path

if TYPE_CHECKING:
    from celerylint.project.model import Project


class ExplicitNameMismatch(ProjectRule):
    code = "CEL306"
    inputs = WHOLE_PROJECT
    name = "explicit-name-mismatch"
    severity = Severity.ERROR
    summary = "A reference uses a task's module path although the task has an explicit name=."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        defined = set(model.task_names)
        for reference in named_references(model):
            if reference.is_pattern or reference.name in defined:
                continue
            task = explicit_name_for_path(reference.name, model)
            if task is None:
                continue
            yield self.finding(
                reference.path, reference.span,
                f"{reference.label[0].upper()}{reference.label[1:]} names '{reference.name}', "
                f"but that task is registered as '{task.name}' (explicit name= at "
                f"{task.path}:{task.span.line}); the worker rejects the message as unregistered.",
                fix_hint=f"Use '{task.name}'.",
                subjects=(reference.name, task.name),
            )
