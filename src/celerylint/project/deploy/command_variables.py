"""Variables a worker command line needs, and whether anything in the project sets them.

Only the two runners that expand variables themselves, from places a static
reader can see, are judged: supervisord's ``%(ENV_X)s`` (supervisord refuses its
whole configuration when ``X`` is not in its environment) and systemd's ``${X}``
in ``ExecStart=`` (filled from ``Environment=``; anything else is empty).  A name
counts as set when any text file of the project assigns it (``X=``, ``X:``,
``ENV X``, ``name: X``), so a value given by a Dockerfile, a compose file, an env
file or a manifest is never reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from celerylint.project.deploy.deployment_facts import DeploymentFacts, DeploymentKind, ServiceFacts
from celerylint.project.deploy.worker_command import CeleryCommand

__all__ = ["CommandVariable", "assigned_names", "command_variables"]

_SUPERVISOR_VARIABLE = re.compile(r"%\(ENV_(?P<name>[A-Za-z_][A-Za-z0-9_]*)\)[sd]")
_SYSTEMD_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}|\$(?P<bare>[A-Za-z_]\w*)")
_ASSIGNMENT = re.compile(
    r"\bname\s*[=:]\s*[\"']?(?P<c>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?<![\w$.])(?P<a>[A-Za-z_][A-Za-z0-9_]*)\s*[=:]"
    r"|\bENV\s+(?P<b>[A-Za-z_][A-Za-z0-9_]*)"
    r"|\bexport\s+(?P<d>[A-Za-z_][A-Za-z0-9_]*)"
)
# What systemd itself puts in every service's environment (systemd.exec(5)).
_SYSTEMD_PROVIDED = frozenset({
    "PATH", "LANG", "USER", "LOGNAME", "HOME", "SHELL", "INVOCATION_ID", "JOURNAL_STREAM",
    "RUNTIME_DIRECTORY", "STATE_DIRECTORY", "CACHE_DIRECTORY", "LOGS_DIRECTORY",
    "CONFIGURATION_DIRECTORY", "MAINPID", "MANAGERPID", "LISTEN_FDS", "LISTEN_PID",
    "NOTIFY_SOCKET", "WATCHDOG_USEC", "TERM", "CREDENTIALS_DIRECTORY", "SERVICE_RESULT",
    "EXIT_CODE", "EXIT_STATUS",
})


@dataclass(frozen=True)
class CommandVariable:
    name: str
    written: str  # as in the command: ``%(ENV_QUEUES)s`` or ``${QUEUES}``
    runner: str  # "supervisord" or "systemd"
    command: CeleryCommand
    service: ServiceFacts


def assigned_names(texts: Iterable[str]) -> frozenset[str]:
    """Every name some text assigns, in any of the spellings deployment files use."""
    found: set[str] = set()
    for text in texts:
        for match in _ASSIGNMENT.finditer(text):
            found.add(match.group("a") or match.group("b") or match.group("c")
                      or match.group("d"))
    return frozenset(found)


def command_variables(deployment: DeploymentFacts) -> list[CommandVariable]:
    """The variables of the file's Celery commands that its runner must fill in."""
    if deployment.kind is DeploymentKind.SUPERVISORD:
        return [CommandVariable(m.group("name"), m.group(0), "supervisord", command, service)
                for service in deployment.services for command in service.commands
                for m in _SUPERVISOR_VARIABLE.finditer(command.raw)]
    if deployment.kind is not DeploymentKind.SYSTEMD:
        return []
    found = []
    for service in deployment.services:
        if service.env_files:
            continue  # EnvironmentFile= may set anything
        given = {key for key, _value, _line in service.environment}
        for command in service.commands:
            for match in _SYSTEMD_VARIABLE.finditer(command.raw):
                name = match.group("name") or match.group("bare")
                if name not in given and name not in _SYSTEMD_PROVIDED:
                    found.append(CommandVariable(name, match.group(0), "systemd", command,
                                                 service))
    return found
