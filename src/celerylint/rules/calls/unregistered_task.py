"""CEL302: a task that is used, but whose module no worker imports at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery_model import Closure, celery_model
from celerylint.project.named_references import named_references
from celerylint.rules.base import ProjectRule

if TYPE_CHECKING:
    from celerylint.project.celery_model import CeleryModel
    from celerylint.project.celery_tasks import TaskDefinition
    from celerylint.project.model import Project


def used_tasks(model: "CeleryModel") -> dict[tuple[str, str], tuple["TaskDefinition", str]]:
    """Tasks referenced by name or called by object, with a description of the first use."""
    used: dict[tuple[str, str], tuple[TaskDefinition, str]] = {}
    for call in sorted(model.calls, key=lambda c: (c.path, c.span.line)):
        used.setdefault(call.task.key, (call.task, f".{call.method}() at {call.path}:{call.span.line}"))
    for reference in named_references(model):
        if reference.is_pattern:
            continue
        for task in model.tasks_named(reference.name):
            used.setdefault(task.key, (task, f"{reference.label} at {reference.path}:{reference.span.line}"))
    return used


def worker_closures(model: "CeleryModel", task: "TaskDefinition") -> list[Closure] | None:
    """Closures of every worker that could run ``task``; None when any is unknowable."""
    apps = model.apps_of(task)
    workers = model.workers()
    if any(w.command.app_known and w.app_id is None for w in workers):
        return None  # a worker whose app we cannot resolve might register it
    if any(not w.command.app_known for w in workers):
        return None
    relevant = [w for w in workers if w.app_id in apps]
    if relevant:
        return [model.registration_closure(w.app_id, model.target_module(w.command.app))
                for w in relevant if w.app_id]
    return [model.registration_closure(app_id) for app_id in apps]


class UnregisteredTask(ProjectRule):
    code = "CEL302"
    name = "unregistered-task"
    severity = Severity.ERROR
    summary = "A task is used but no worker imports its module, so workers reject it as unregistered."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        for task, first_use in sorted(used_tasks(model).values(), key=lambda v: v[0].key):
            closures = worker_closures(model, task)
            if not closures or any(not c.complete for c in closures):
                continue
            module = task.registered_in or task.module
            if any(module in c.modules for c in closures):
                continue
            how = "; ".join(sorted({s for c in closures for s in c.sources}))
            yield self.finding(
                task.path, task.span,
                f"Task '{task.name}' is used ({first_use}) but its module '{module}' is "
                f"never imported when the worker starts (modules come from: {how}); the "
                "worker logs \"Received unregistered task\" and drops the message.",
                fix_hint=f"Add '{module}' to the app's include=, or import it from a "
                "module the worker loads, or fix autodiscover_tasks(related_name=...).",
                subjects=(task.name,),
            )
