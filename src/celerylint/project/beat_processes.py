"""Which processes run celery beat, per deployment file and app.

Beat runs either as ``celery beat`` or embedded in a worker started with
``-B``/``--beat``; every copy (compose ``replicas``/``scale``, Kubernetes
``replicas``, supervisord ``numprocs``) is a scheduler of its own, and each
sends every periodic task.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from celerylint.project.deployment_facts import DeploymentFacts, DeploymentKind, ServiceFacts
from celerylint.project.worker_command import CeleryCommand, ProcessKind

if TYPE_CHECKING:
    from celerylint.project.celery_model import CeleryModel


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
        return f"service '{self.service.name}' (line {self.command.line}, {self.how})"


def beat_processes(model: CeleryModel, deployment: DeploymentFacts) -> list[BeatProcess]:
    """The commands of one deployment file that start beat, in file order."""
    found: list[BeatProcess] = []
    for service in deployment.services:
        for command in service.commands:
            if command.kind is ProcessKind.BEAT or (
                    command.kind is ProcessKind.WORKER and command.embedded_beat):
                app_id = model.app_for_target(command.app) if command.app_known else None
                found.append(BeatProcess(deployment, service, command, app_id))
    return sorted(found, key=lambda p: (p.command.line, p.command.column))


def beat_scope(model: CeleryModel, deployment: DeploymentFacts) -> list[DeploymentFacts]:
    """The deployment files that together make the stack ``deployment`` belongs to.

    A Procfile is a whole stack by itself; compose files in one directory are
    combined (``docker-compose.yml`` + ``docker-compose.prod.yml``); Kubernetes
    manifests, units, scripts and Dockerfiles are pieces of a stack spread over
    many files, so any such file in the project counts.
    """
    if deployment.kind is DeploymentKind.PROCFILE:
        return [deployment]
    if deployment.kind is DeploymentKind.COMPOSE:
        folder = PurePosixPath(deployment.path).parent
        return [d for d in model.deployments if d.kind is DeploymentKind.COMPOSE
                and PurePosixPath(d.path).parent == folder]
    return [d for d in model.deployments
            if d.kind not in (DeploymentKind.PROCFILE, DeploymentKind.COMPOSE)]


__all__ = ["BeatProcess", "beat_processes", "beat_scope"]
