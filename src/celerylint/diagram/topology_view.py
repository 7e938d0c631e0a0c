"""What a topology picture shows: the level of detail, and which deployment's part of it.

Every level (system, modules, tasks) and the one-deployment view read the same
facts from the one Celery model, gathered here once: which tasks and beat entries
send to which queue, and which processes of which deployment consume it. The
builders in ``topology_levels`` and ``topology`` only decide how to draw them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from celerylint.project.celery.celery_tasks import SHARED, TaskDefinition
from celerylint.project.deploy.deployment_groups import deployment_groups, process_groups
from celerylint.project.deploy.worker_command import ProcessKind
from celerylint.project.evaluate import plain

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.deploy.deployment_facts import DeploymentFacts

# The tasks level stays readable up to about this many task and beat-entry boxes; the
# modules level up to this many module boxes. Beyond, the default zooms out.
TASKS_LEVEL_MAX_BOXES = 30
MODULES_LEVEL_MAX_MODULES = 12


class TopologyLevel(str, enum.Enum):
    """How much of the system one picture shows."""

    SYSTEM = "system"  # apps, brokers, beat per deployment, queues with counts, workers
    MODULES = "modules"  # tasks grouped by module, one edge per module and queue
    TASKS = "tasks"  # every task and beat entry


class UnknownDeploymentError(ValueError):
    """``--deployment NAME`` names no deployment; the message lists the known ones."""


@dataclass(frozen=True)
class Process:
    """One worker or beat command of a deployment, with the queues it consumes."""

    deployment: str  # the deployment's name, as the deployment model groups files
    path: str  # the file that starts it
    service: str
    kind: ProcessKind
    command: Any  # CeleryCommand
    app_id: str | None
    queues: frozenset[str] | None  # None: not known statically (beat: always None)
    service_line: int

    @property
    def key(self) -> str:
        return f"{self.path}:{self.service}:{self.command.line}:{self.command.column}"


@dataclass
class TopologyView:
    """The facts a picture draws, possibly narrowed to one deployment."""

    model: CeleryModel
    deployment: str | None = None  # None: every deployment
    processes: list[Process] = field(default_factory=list)
    task_queues: dict[str, set[str]] = field(default_factory=dict)  # task id -> queues
    entry_queues: dict[str, set[str]] = field(default_factory=dict)  # entry id -> queues
    consumed: set[str] = field(default_factory=set)  # queues some shown worker consumes
    unconsumed: set[str] = field(default_factory=set)  # fed, but this deployment skips them

    @property
    def deployments(self) -> list[str]:
        return sorted({p.deployment for p in self.processes})

    def queues(self) -> list[str]:
        fed = {q for qs in (*self.task_queues.values(), *self.entry_queues.values()) for q in qs}
        if self.deployment is None:
            return sorted(fed | self.consumed)
        return sorted(self.consumed | self.unconsumed)

    def tasks_on(self, queue: str) -> list[str]:
        return sorted(t for t, qs in self.task_queues.items() if queue in qs)

    def entries_on(self, queue: str) -> list[str]:
        return sorted(e for e, qs in self.entry_queues.items() if queue in qs)

    def shows_task(self, task_id: str) -> bool:
        """In the one-deployment view, only tasks routed to a queue it leaves unconsumed."""
        if self.deployment is None:
            return True
        return bool(self.task_queues.get(task_id, set()) & self.unconsumed)


def task_id(task: TaskDefinition) -> str:
    return task.name or f"{task.module}.{task.qualname}"


def entry_id(entry: Any) -> str:
    key = entry.key if isinstance(entry.key, str) else f"? at {entry.path}:{entry.span.line}"
    return f"{entry.app_id}/{key}"


def deployment_names(model: CeleryModel) -> list[str]:
    """Every deployment that starts a Celery process, by the name the deployment model gives."""
    return sorted({group.name for group in deployment_groups(model.project)
                   if any(True for _ in group.commands())})


def deployment_files(model: CeleryModel, name: str) -> frozenset[str]:
    """The files of the deployment called ``name``."""
    return frozenset(file for group in deployment_groups(model.project) if group.name == name
                     for file in group.files)


def build_view(model: CeleryModel, deployment: str | None = None) -> TopologyView:
    """Gather the picture's facts; ``deployment`` narrows it to what that deployment runs."""
    chosen = _resolve_deployment(model, deployment) if deployment is not None else None
    view = TopologyView(model, chosen)
    view.processes = [p for p in _processes(model)
                      if chosen is None or p.deployment == chosen]
    for task in model.tasks:
        view.task_queues[task_id(task)] = _task_queues(model, task)
    for entry in model.beat_entries:
        view.entry_queues[entry_id(entry)] = _entry_queues(model, entry)
    view.consumed = {q for p in view.processes for q in (p.queues or ())}
    if chosen is not None:
        fed = {q for qs in view.task_queues.values() for q in qs}
        if any(p.kind is ProcessKind.BEAT for p in view.processes):
            fed |= {q for qs in view.entry_queues.values() for q in qs}
        known = all(p.queues is not None for p in view.processes
                    if p.kind is ProcessKind.WORKER)
        view.unconsumed = fed - view.consumed if known else set()
    return view


def _resolve_deployment(model: CeleryModel, name: str) -> str:
    """A deployment by its name, one of its files (path or file name), or its folder."""
    known = deployment_names(model)
    wanted = name.strip().rstrip("/")
    files = {known_name: deployment_files(model, known_name) for known_name in known}
    for candidates in ([d for d in known if d == wanted],
                       [d for d in known if wanted in files[d]],
                       [d for d in known if any(f.rsplit("/", 1)[-1] == wanted for f in files[d])],
                       [d for d in known if all(f.startswith(wanted + "/") for f in files[d])]):
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise UnknownDeploymentError(
                f"deployment {name!r} is ambiguous: {', '.join(candidates)}")
    listed = ", ".join(known) or "none found"
    raise UnknownDeploymentError(f"no deployment named {name!r}; known deployments: {listed}")


def _processes(model: CeleryModel) -> Iterable[Process]:
    workers = {(w.deployment.path, w.service, w.command.line, w.command.column): w
               for w in model.workers()}
    groups = process_groups(model.project)
    deployments: list[DeploymentFacts] = sorted(model.deployments, key=lambda d: d.path)
    for deployment in deployments:
        for service in deployment.services:
            for command in service.commands:
                key = (deployment.path, service.name, command.line, command.column)
                group = groups.get(key)
                name = group.name if group is not None else deployment.path
                worker = workers.get(key)
                if command.kind is ProcessKind.BEAT:
                    app = model.app_for_target(command.app) if command.app_known else None
                    yield Process(name, deployment.path, service.name, ProcessKind.BEAT,
                                  command, app, None, service.line)
                if worker is not None:
                    yield Process(name, deployment.path, service.name, ProcessKind.WORKER,
                                  command, worker.app_id, model.queues_consumed_by(worker),
                                  service.line)


def _task_queues(model: CeleryModel, task: TaskDefinition) -> set[str]:
    apps = sorted(model.apps) if task.app_id == SHARED else [task.app_id]
    queues = set()
    for app_id in apps:
        queue = model.destination(task, app_id=app_id) if task.name else None
        if isinstance(queue, str):
            queues.add(queue)
    return queues


def _entry_queues(model: CeleryModel, entry: Any) -> set[str]:
    options = plain(entry.options)
    queue = plain(options.get("queue")) if isinstance(options, dict) else None
    if isinstance(queue, str):
        return {queue}
    if not isinstance(entry.task, str):
        return set()
    queues: set[str] = set()
    for task in model.tasks_named(entry.task):
        queues |= _task_queues(model, task)
    return queues


def default_level(model: CeleryModel) -> TopologyLevel:
    """The most detailed level whose picture stays readable for this system's size."""
    boxes = len(model.tasks) + len(model.beat_entries)
    if boxes <= TASKS_LEVEL_MAX_BOXES:
        return TopologyLevel.TASKS
    if len({task.module for task in model.tasks}) <= MODULES_LEVEL_MAX_MODULES:
        return TopologyLevel.MODULES
    return TopologyLevel.SYSTEM


__all__ = ["Process", "TopologyLevel", "TopologyView", "UnknownDeploymentError",
           "build_view", "default_level", "deployment_files", "deployment_names", "entry_id",
           "task_id"]
