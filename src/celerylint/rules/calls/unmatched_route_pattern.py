"""CEL305: a task_routes glob or regex that matches no task."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.celery.named_references import named_references
from celerylint.project.celery.task_references import ReferenceKind
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.calls.task_names import pattern_matches

if TYPE_CHECKING:
    from celerylint.project.model import Project


class UnmatchedRoutePattern(ProjectRule):
    code = "CEL305"
    inputs = WHOLE_PROJECT
    name = "unmatched-route-pattern"
    severity = Severity.WARNING
    summary = "A task_routes glob or pattern matches none of the project's tasks."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        if any(not task.name for task in model.tasks) or not model.tasks:
            return
        names = model.task_names
        for reference in named_references(model):
            if reference.kind is not ReferenceKind.ROUTE or not reference.is_pattern:
                continue
            top = re.match(r"[A-Za-z_][A-Za-z0-9_]*", reference.name)
            if top is None or not project.is_first_party(top.group()):
                continue  # routes for another service's tasks
            if pattern_matches(reference, names):
                continue
            yield self.finding(
                reference.path, reference.span,
                f"Route pattern '{reference.name}' matches none of the project's "
                f"{len(names)} tasks, so its queue settings apply to nothing (often a "
                "renamed package).",
                fix_hint="Update the pattern to the tasks' current module path, or remove it.",
                subjects=(reference.name,),
            )
