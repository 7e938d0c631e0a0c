"""What a deployment file says about the processes it starts: plain frozen facts.

A deployment is one file that starts processes (compose, Procfile, script,
systemd unit, Kubernetes manifest, supervisord program, Makefile recipe,
Dockerfile).  The readers in ``deployment_yaml`` and ``deployment_text`` fill
these; rules and the project model only ever read them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from celerylint.project.deploy.worker_command import CeleryCommand

__all__ = [
    "ComposeService",
    "DeploymentFacts",
    "DeploymentKind",
    "DeploymentProblem",
    "DeploymentProblemKind",
    "EnvironmentEntry",
    "ServiceFacts",
    "VariableUse",
]

# (key, value or None when passed through from the host, 1-based line)
EnvironmentEntry = tuple[str, "str | None", int]
# (variable name, default or None, 1-based line) for compose ``${X}`` / ``${X:-default}``
VariableUse = tuple[str, "str | None", int]
# A compose ``entrypoint:``/``command:`` value: shell text, or an exec-form argv.
ProgramPart = "str | tuple[str, ...] | None"


class DeploymentKind(str, enum.Enum):
    """The format of a deployment file; compares equal to its value."""

    COMPOSE = "compose"
    PROCFILE = "procfile"
    SHELL = "shell"
    SYSTEMD = "systemd"
    KUBERNETES = "kubernetes"
    SUPERVISORD = "supervisord"
    MAKEFILE = "makefile"
    DOCKERFILE = "dockerfile"


class DeploymentProblemKind(str, enum.Enum):
    """Why (part of) a deployment file could not be read."""

    INVALID_YAML = "invalid-yaml"
    TEMPLATED = "templated"  # Helm/Jinja placeholders: read as far as possible
    UNEXPECTED_SHAPE = "unexpected-shape"  # e.g. ``services:`` is a list


@dataclass(frozen=True)
class DeploymentProblem:
    kind: DeploymentProblemKind
    message: str
    line: int
    column: int


@dataclass(frozen=True)
class ServiceFacts:
    """One process definition: a compose service, a Kubernetes container, a Procfile
    line, a supervisord program, a systemd unit, a Makefile target or a script."""

    name: str
    line: int
    commands: tuple[CeleryCommand, ...] = ()
    replicas: int | None = None  # compose deploy.replicas / scale, k8s replicas, numprocs
    environment: tuple[EnvironmentEntry, ...] = ()
    env_files: tuple[tuple[str, int], ...] = ()  # (path as written, line)
    # env_file entries with ``required: false``: compose skips them when absent
    optional_env_files: tuple[tuple[str, int], ...] = ()
    depends_on: tuple[str, ...] = ()
    image: str | None = None
    # What compose merging needs (None elsewhere); not part of the service's identity.
    compose: ComposeService | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ComposeService:
    """The keys of a compose service that override files and ``extends`` merge.

    ``entrypoint``/``command`` are kept as written so that a merged service can
    be read again: an override's ``command:`` runs after the base's ``entrypoint:``.
    """

    entrypoint: ProgramPart = None
    command: ProgramPart = None
    program_mark: tuple[int, int] = (1, 1)  # where the command (else the entrypoint) starts
    profiles: tuple[str, ...] = ()
    extends: tuple[str | None, str] | None = None  # (file or None: this file, service)
    keys: frozenset[str] = frozenset()  # the top-level keys the service sets


@dataclass(frozen=True)
class DeploymentFacts:
    path: str  # project-relative, '/' separators
    kind: DeploymentKind
    services: tuple[ServiceFacts, ...] = ()
    problems: tuple[DeploymentProblem, ...] = ()
    variables: tuple[VariableUse, ...] = ()
    # A supervisord file with its own ``[supervisord]`` section: a configuration of its
    # own (``supervisord -c prod.conf``), not a fragment another one includes.
    whole_configuration: bool = field(default=False, compare=False)

    @property
    def commands(self) -> tuple[CeleryCommand, ...]:
        """Every Celery command in the file, in service order."""
        return tuple(command for service in self.services for command in service.commands)
