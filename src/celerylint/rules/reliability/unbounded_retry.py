"""CEL211: retries without an upper bound."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import Const

if TYPE_CHECKING:
    from celerylint.project.model import Project

_MESSAGE = ("retries forever when the failure is permanent (a bad payload, a deleted row): the "
            "message never leaves the queue, it occupies a worker slot on every retry and "
            "buries the real error.")


class UnboundedRetry(ProjectRule):
    code = "CEL211"
    inputs = WHOLE_PROJECT
    name = "unbounded-retry"
    severity = Severity.WARNING
    summary = "A task retries without a bound (max_retries=None)."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        for task in model.tasks:
            retry_kwargs = task.options.get("retry_kwargs")
            unbounded = ("max_retries" in task.options and task.options["max_retries"] is None) \
                or (isinstance(retry_kwargs, dict) and "max_retries" in retry_kwargs
                    and retry_kwargs["max_retries"] is None)
            if unbounded and task.options.get("autoretry_for"):
                span = task.option_spans.get("max_retries") or task.option_spans.get(
                    "retry_kwargs", task.span)
                yield self.finding(task.path, span,
                                   f"Task '{task.name}' autoretries with max_retries=None: it "
                                   + _MESSAGE, fix_hint="Set max_retries to a number.",
                                   subjects=(task.name,))
            facts = project.module(task.module)
            for call in facts.calls if facts else ():
                if call.function != task.qualname or not call.func.endswith(".retry"):
                    continue
                value = call.call.keyword("max_retries")
                if isinstance(value, Const) and value.value is None:
                    yield self.finding(facts.path, call.span,  # type: ignore[union-attr]
                                       f"self.retry(max_retries=None) in task '{task.name}' "
                                       + _MESSAGE, fix_hint="Pass a number, or omit it to "
                                       "use the task's max_retries (3 by default).",
                                       subjects=(task.name,))
