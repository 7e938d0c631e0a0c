"""CEL302: a task that is used, but whose module no worker imports at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import Closure, celery_model
from celerylint.project.celery.celery_tasks import SHARED
from celerylint.project.celery.named_references import named_references
from celerylint.project.celery.unwired_modules import unwired_modules
from celerylint.rules.base import WITH_PYTHON_TEXT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel, Worker
    from celerylint.project.celery.celery_tasks import TaskDefinition
    from celerylint.project.model import Project


class TaskUse(NamedTuple):
    """One place that sends or names a task, in words for the message."""

    path: str
    label: str


def task_uses(model: "CeleryModel") -> dict[tuple[str, str], tuple["TaskDefinition", list[TaskUse]]]:
    """Tasks referenced by name or called by object, each with its uses (calls first)."""
    used: dict[tuple[str, str], tuple[TaskDefinition, list[TaskUse]]] = {}
    for call in sorted(model.calls, key=lambda c: (c.path, c.span.line)):
        used.setdefault(call.task.key, (call.task, []))[1].append(
            TaskUse(call.path, f".{call.method}() at {call.path}:{call.span.line}"))
    for reference in named_references(model):
        if reference.is_pattern:
            continue
        for task in model.tasks_named(reference.name):
            used.setdefault(task.key, (task, []))[1].append(
                TaskUse(reference.path, f"{reference.label} at {reference.path}:"
                                        f"{reference.span.line}"))
    return used


def live_uses(project: "Project", uses: list[TaskUse]) -> list[TaskUse]:
    """The uses that some process may run: not those in modules that nothing loads in a
    project that wires modules of their kind (see ``unwired_modules``)."""
    modules = {use.path: project.names_by_path.get(use.path, ("",))[0] for use in uses}
    dead = unwired_modules(project).unwired(m for m in modules.values() if m)
    return [use for use in uses if modules[use.path] not in dead]


def unregistered_reasons(model: "CeleryModel", task: "TaskDefinition") -> list[str] | None:
    """Why no worker registers ``task``, one reason per worker; None when some worker
    does (or may: its app or module list is unknowable)."""
    apps = model.home_apps(task)
    workers = [w for w in model.workers() if _may_run(model, task, w, apps)]
    if not workers:
        return _app_closure_reasons(model, task, apps)
    if _runs_elsewhere(model, task, workers):
        return _app_closure_reasons(model, task, [task.app_id])
    reasons: list[str] = []
    for worker in workers:
        registration = model.registration(worker, task)
        if registration.registered is not False:
            return None
        reasons.append(f"{worker.service} ({worker.deployment.path}): {registration.reason}")
    return sorted(set(reasons))


def _may_run(model: "CeleryModel", task: "TaskDefinition", worker: "Worker",
             apps: list[str]) -> bool:
    """A worker judges a task bound to no app only when it runs one of the task's home
    apps, or its app is unknown, or it imports the task's module anyway."""
    if task.app_id != SHARED or worker.app_id is None or worker.app_id in apps:
        return True
    return task.registering_module in model.registration_closure(worker).modules


def _runs_elsewhere(model: "CeleryModel", task: "TaskDefinition",
                    workers: list["Worker"]) -> bool:
    """The task's own app runs in no worker found, and no worker found imports the task:
    its workers are probably deployed where celerylint does not look."""
    if task.app_id == SHARED or any(w.app_id in (task.app_id, None) for w in workers):
        return False  # a worker whose app is unknown may well run the task's app
    return not any(task.registering_module in model.registration_closure(w).modules
                   for w in workers if w.app_id is not None)


def _app_closure_reasons(model: "CeleryModel", task: "TaskDefinition",
                         apps: list[str]) -> list[str] | None:
    """Judged by what a worker of each app would import at start-up."""
    closures: list[Closure] = [model.registration_closure(a) for a in apps]
    if not closures or any(not c.complete or task.registering_module in c.modules
                           for c in closures):
        return None
    how = "; ".join(sorted({s for c in closures for s in c.sources}))
    return [f"its module '{task.registering_module}' is never imported when the worker starts "
            f"(modules come from: {how})"]


class UnregisteredTask(ProjectRule):
    code = "CEL302"
    inputs = WITH_PYTHON_TEXT  # module names in any text; settings keys read
    name = "unregistered-task"
    severity = Severity.ERROR
    summary = "A task is used but no worker imports its module, so workers reject it as unregistered."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        for task, uses in sorted(task_uses(model).values(), key=lambda v: v[0].key):
            reasons = unregistered_reasons(model, task)
            if reasons is None:
                continue
            uses = live_uses(project, uses)
            if not uses:
                continue
            first_use = uses[0].label
            yield self.finding(
                task.path, task.span,
                f"Task '{task.name}' is used ({first_use}) but no worker registers it: "
                f"{'; '.join(reasons)}; the worker logs \"Received unregistered task\" and "
                "drops the message.",
                fix_hint=f"Add '{task.registering_module}' to the app's include=, or import it "
                "from a module the worker loads, or fix autodiscover_tasks(related_name=...)"
                + (", or drop shared=False" if not task.shared else "") + ".",
                subjects=(task.name,),
            )
