"""Which processes run celery beat, per deployment and app.

Beat runs either as ``celery beat`` or embedded in a worker started with
``-B``/``--beat``; every copy (compose ``replicas``/``scale``, Kubernetes
``replicas``, supervisord ``numprocs``) is a scheduler of its own, and each
sends every periodic task.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.project.deploy.deployment_facts import DeploymentFacts, ServiceFacts
from celerylint.project.deploy.worker_command import CeleryCommand, ProcessKind

_MAX_EXACT = 10  # beyond this many schedulers of one app, every one is counted

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.deploy.deployment_groups import DeploymentGroup


@dataclass(frozen=True)
class BeatProcess:
    """One command line that starts a scheduler, with the app it schedules for."""

    deployment: DeploymentFacts
    service: ServiceFacts
    command: CeleryCommand
    app_id: str | None  # None: the app is only known at run time

    @property
    def embedded(self) -> bool:
        """A worker started with ``-B``: beat runs inside it."""
        return self.command.kind is ProcessKind.WORKER

    @property
    def copies(self) -> int:
        """How many schedulers this line starts; 0 when scaled to zero."""
        return 1 if self.service.replicas is None else max(self.service.replicas, 0)

    @property
    def how(self) -> str:
        """``beat inside a worker (-B) in 3 replicas``."""
        how = "beat inside a worker (-B)" if self.embedded else "celery beat"
        return f"{how} in {self.copies} replicas" if self.copies > 1 else how

    def describe(self) -> str:
        """``service 'worker' (line 6, beat inside a worker (-B))``."""
        return (f"service '{self.service.name}' ({self.deployment.path}:{self.command.line}, "
                f"{self.how})")


def beat_processes(model: CeleryModel, group: DeploymentGroup,
                   active_only: bool = False) -> list[BeatProcess]:
    """The commands of one deployment that start beat, in file order.

    ``active_only`` leaves out services that run only on demand (a compose
    profile nothing activates): they are no second scheduler of a plain ``up``.
    """
    found: list[BeatProcess] = []
    for placed, command in group.commands(ProcessKind.BEAT, ProcessKind.WORKER):
        if command.kind is ProcessKind.WORKER and not command.embedded_beat:
            continue
        if active_only and not placed.active:
            continue
        app_id = model.app_for_target(command.app) if command.app_known else None
        found.append(BeatProcess(placed.facts, placed.service, command, app_id))
    return sorted(found, key=lambda p: (p.deployment.path, p.command.line, p.command.column))


def runs_beat_for(model: CeleryModel, group: DeploymentGroup, app_id: str) -> bool:
    """True when the deployment starts beat for the app, or for an app known only at run time."""
    return any(process.app_id in (app_id, None) for process in beat_processes(model, group))


def schedulers_beside(process: BeatProcess, processes: list[BeatProcess]) -> list[BeatProcess]:
    """The largest set of processes that run at once with ``process`` (itself included).

    Two commands in different arms of one ``if``/``case`` of a script never both run.
    """
    others = [p for p in processes if p is not process and not p.command.excludes(process.command)]
    best: list[BeatProcess] = []
    for size in range(len(others), -1, -1):
        if size > _MAX_EXACT or best:
            break
        for chosen in itertools.combinations(others, size):
            if not any(a.command.excludes(b.command) for a, b in itertools.combinations(chosen, 2)):
                candidate = [process, *chosen]
                if sum(p.copies for p in candidate) > sum(p.copies for p in best):
                    best = candidate
    return best or [process, *others]


__all__ = ["BeatProcess", "beat_processes", "runs_beat_for", "schedulers_beside"]
