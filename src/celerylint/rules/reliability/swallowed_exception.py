"""CEL212: a task body that catches every exception and does nothing about it.

A silent handler is a best-effort guard, not a swallowed failure, when the task still
logs or marks the failure: it sits inside a handler that handles it (logs, marks the
job failed, re-raises), or it guards only a short side write (``cache.set``,
``obj.save``, ``notify``) in a task whose other handler logs or marks the failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import CallFact, ExceptHandlerFact

if TYPE_CHECKING:
    from celerylint.project.model import Project


# Words of method names that write somewhere on the side (a cache, a row, a notification).
_SIDE_WRITE = frozenset(
    "set save delete send publish incr decr write put update add notify expire hset push "
    "append post emit track capture record store cache invalidate touch".split())
# Callees that log or mark a failure.
_MARKS_FAILURE = re.compile(
    r"(^|\.)(exception|error|warning|warn|critical|log|fail\w*|mark\w*|capture\w*|"
    r"update_state|retry|save)$")
_TRY_BODY_LINES = 2  # how far above ``except`` a best-effort write may stand


def _handles(handler: ExceptHandlerFact) -> bool:
    return handler.reraises or any(_MARKS_FAILURE.search(call) for call in handler.calls)


def _best_effort(silent: ExceptHandlerFact, handlers: Sequence[ExceptHandlerFact],
                 calls: Sequence[CallFact]) -> bool:
    others = [h for h in handlers if h is not silent and _handles(h)]
    if any(h.span.line <= silent.span.line and silent.span.end_line <= h.span.end_line
           for h in others):
        return True  # a guard inside the failure handling itself
    if not others:
        return False
    guarded = [c for c in calls
               if silent.span.line - _TRY_BODY_LINES <= c.span.line < silent.span.line]
    return bool(guarded) and all("." in c.func and _is_side_write(c.func) for c in guarded)


def _is_side_write(func: str) -> bool:
    """``cache.set``, ``report.notify_owner``, ``stats.incr``: a word of the method says so."""
    return any(word in _SIDE_WRITE for word in func.rsplit(".", 1)[-1].lower().split("_"))


class SwallowedTaskException(ProjectRule):
    code = "CEL212"
    inputs = WHOLE_PROJECT
    name = "swallowed-task-exception"
    severity = Severity.WARNING
    summary = "A task catches every exception and neither re-raises, retries nor logs it."

    def check_project(self, project: Project) -> Iterator[Finding]:
        for task in celery_model(project).tasks:
            facts = project.module(task.module)
            if facts is None:
                continue
            function = next((f for f in facts.functions if f.qualname == task.qualname), None)
            if function is None:
                continue
            # Own-line comments just above or inside, or trailing ones inside the body.
            explained = {c.line for c in facts.comments if c.own_line}
            calls = [c for c in facts.calls if c.function == task.qualname]
            for handler in function.broad_handlers:
                if handler.reraises or handler.calls:
                    continue  # anything called is some handling: logging, retry, cleanup
                if _best_effort(handler, function.broad_handlers, calls):
                    continue
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
