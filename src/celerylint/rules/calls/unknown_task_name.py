"""CEL301: a task referenced by a name that no module of the project defines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.celery.named_references import named_references
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.calls.task_names import explicit_name_for_path, is_ours
from celerylint.rules.suggestions import did_you_mean

if TYPE_CHECKING:
    from celerylint.project.model import Project


class UnknownTaskName(ProjectRule):
    code = "CEL301"
    inputs = WHOLE_PROJECT
    name = "unknown-task-name"
    severity = Severity.ERROR
    summary = "A beat entry, route, send_task or signature names a task no module defines."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        if any(not task.name for task in model.tasks):
            return  # some task names are computed at run time: any name might exist
        defined = set(model.task_names)
        for reference in named_references(model):
            if reference.is_pattern or reference.name in defined:
                continue
            if not is_ours(reference.name, model) or explicit_name_for_path(reference.name, model):
                continue
            hint = did_you_mean(reference.name, defined) or "."
            plain_function = _plain_function(project, reference.name)
            what = (f"'{reference.name}', a plain function without a task decorator, so no "
                    f"worker registers it{hint}" if plain_function else
                    f"task '{reference.name}', which no module defines{hint}")
            yield self.finding(
                reference.path, reference.span,
                f"{reference.label[0].upper()}{reference.label[1:]} names {what} The worker "
                "rejects the message with \"Received unregistered task\".",
                fix_hint="Decorate the function with @app.task or @shared_task." if
                plain_function else "Use the task's registered name (module path plus "
                "function name, or its explicit name=).",
                subjects=(reference.name,),
            )


def _plain_function(project: "Project", name: str) -> bool:
    """``module.function`` where the module defines that function, undecorated as a task."""
    module, _, function = name.rpartition(".")
    facts = project.module(module) if module else None
    return facts is not None and any(f.qualname == function for f in facts.functions)
