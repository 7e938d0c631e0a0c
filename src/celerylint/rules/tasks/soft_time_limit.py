"""CEL205: a soft time limit that is not below the hard limit never fires."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class SoftTimeLimitNotBelowHard(ProjectRule):
    code = "CEL205"
    inputs = WHOLE_PROJECT
    name = "soft-time-limit-not-below-hard"
    severity = Severity.WARNING
    summary = "soft_time_limit is not lower than time_limit, so SoftTimeLimitExceeded never fires."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        for task in model.tasks:
            soft = _number(task.options.get("soft_time_limit"))
            hard = _number(task.options.get("time_limit"))
            if soft is not None and hard is not None and soft >= hard:
                span = task.option_spans.get("soft_time_limit", task.span)
                yield self._report(task.path, span, f"Task '{task.name or task.function}'",
                                   soft, hard)
        for app_id, settings in sorted(model.settings.items()):
            soft_entry, hard_entry = (settings.entry("task_soft_time_limit"),
                                      settings.entry("task_time_limit"))
            soft, hard = _number(settings.value("task_soft_time_limit")), \
                _number(settings.value("task_time_limit"))
            if soft_entry and hard_entry and soft is not None and hard is not None and soft >= hard:
                yield self._report(soft_entry.path, soft_entry.span,
                                   f"The settings of app '{app_id}'", soft, hard)

    def _report(self, path: str, span: Span, what: str, soft: float, hard: float) -> Finding:
        return self.finding(
            path, span,
            f"{what} set soft_time_limit={soft:g}s, which is not below time_limit={hard:g}s: "
            "the hard limit kills the process first, so the task never gets "
            "SoftTimeLimitExceeded to clean up.",
            fix_hint="Make soft_time_limit lower than time_limit.",
        )
