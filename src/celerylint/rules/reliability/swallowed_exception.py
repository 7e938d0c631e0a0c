"""CEL212: a task body that catches every exception and does nothing about it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery_model import celery_model
from celerylint.rules.base import ProjectRule

if TYPE_CHECKING:
    from celerylint.project.model import Project


class SwallowedTaskException(ProjectRule):
    code = "CEL212"
    name = "swallowed-task-exception"
    severity = Severity.WARNING
    summary = "A task catches every exception and neither re-raises, retries nor logs it."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for task in celery_model(project).tasks:
            facts = project.module(task.module)
            if facts is None:
                continue
            function = next((f for f in facts.functions if f.qualname == task.qualname), None)
            if function is None:
                continue
            # Own-line comments just above or inside, or trailing ones inside the body.
            explained = {c.line for c in facts.comments if c.own_line}
            for handler in function.broad_handlers:
                if handler.reraises or handler.calls:
                    continue  # anything called is some handling: logging, retry, cleanup
                lines = range(handler.span.line - 2, handler.span.end_line + 1)
                trailing = {c.line for c in facts.comments if not c.own_line
                            and handler.span.line < c.line <= handler.span.end_line}
                if any(line in explained or line in trailing for line in lines):
                    continue  # a comment explains the deliberate swallow
                caught = handler.catches or "every exception (bare except)"
                yield self.finding(
                    facts.path, handler.span,
                    f"Task '{task.name}' catches {caught} and drops it: the task reports "
                    "SUCCESS, no retry happens, and nothing reaches the logs or error tracker.",
                    fix_hint="Log it (logger.exception), retry, or re-raise.",
                    subjects=(task.name,),
                )
