"""CEL201: an ``async def`` task: Celery calls it and drops the coroutine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Applicability, Finding, Fix, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.model import Project


class AsyncTask(ProjectRule):
    code = "CEL201"
    inputs = WHOLE_PROJECT
    name = "async-task"
    severity = Severity.ERROR
    summary = "A task is an async def; the worker creates the coroutine and never awaits it."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for task in celery_model(project).tasks:
            if task.is_async:
                yield self.finding(
                    task.path, task.span,
                    f"Task '{task.name or task.function}' is declared 'async def': the worker "
                    "calls it, gets a coroutine that is never awaited, and the body never runs "
                    "(the task is logged as succeeded, or fails to store its coroutine result).",
                    fix_hint="Make it a plain def that calls asyncio.run(...) on the "
                    "coroutine, or move the async work out of Celery.",
                    subjects=(task.name or task.function,),
                    # No edits: the rewrite needs the syntax tree, so celerylint.fixes
                    # computes it when fixes are applied (DEFERRED_FIXERS).
                    fix=Fix("Run the coroutine with asyncio.run() from a sync task",
                            Applicability.UNSAFE),
                )
