"""docker-compose files as deployment facts: services, commands, environment, scaling.

Compose is where most Celery projects declare their worker and beat processes,
the variables those read (``${QUEUES:-default}``) and the env files they load.
"""

from __future__ import annotations

import re
from typing import Any

from celerylint.project.deploy.deployment_facts import (
    ComposeService,
    DeploymentFacts,
    DeploymentKind,
    DeploymentProblem,
    DeploymentProblemKind,
    EnvironmentEntry,
    ServiceFacts,
    VariableUse,
)
from celerylint.project.deploy.deployment_yaml import (
    Mark,
    MarkedDict,
    MarkedList,
    YamlDocuments,
    integer,
    scalar_text,
)
from celerylint.project.deploy.worker_command import find_celery_commands_in_process

__all__ = ["looks_like_compose", "read_compose"]

_SERVICE_KEYS = frozenset({"image", "build", "command", "entrypoint", "environment", "env_file"})
# ``${NAME}``, ``${NAME:-default}``, ``${NAME-default}``, ``${NAME:?error}``, ``${NAME:+alt}``,
# ``$NAME``; ``$$`` is a literal ``$`` (matched first, so ``$$NAME`` is no variable).
_VARIABLE = re.compile(
    r"(?P<escape>\$\$)"
    r"|\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)
# Set by every shell that runs ``docker compose``.
SHELL_VARIABLES = frozenset({"PWD", "HOME", "PATH"})


def looks_like_compose(document: Any) -> bool:
    """A top-level ``services:`` mapping of service mappings, as compose defines it."""
    services = document.get("services") if isinstance(document, dict) else None
    return isinstance(services, dict) and any(
        isinstance(body, dict) and _SERVICE_KEYS & body.keys() for body in services.values()
    )


def read_compose(path: str, loaded: YamlDocuments, text: str) -> DeploymentFacts:
    """Every service of every document; a malformed service is a problem, not a crash."""
    services: list[ServiceFacts] = []
    problems = list(loaded.problems)
    for document in loaded.documents:
        if not isinstance(document, MarkedDict):
            if document is not None:
                where = document.mark if isinstance(document, MarkedList) else (1, 1)
                problems.append(_shape_problem("The file's top level is not a mapping", where))
            continue
        for name, body, line in _service_entries(document, problems):
            services.append(_service(str(name), body, line))
    return DeploymentFacts(
        path, DeploymentKind.COMPOSE, tuple(services), tuple(problems), compose_variables(text)
    )


def _service_entries(
    document: MarkedDict, problems: list[DeploymentProblem]
) -> list[tuple[Any, MarkedDict, int]]:
    """(name, body, line) of each service; version-1 files list services at the top level."""
    if "services" in document:
        services = document["services"]
        if not isinstance(services, MarkedDict):
            if services is not None:
                where = document.value_mark("services")
                problems.append(_shape_problem("'services' is not a mapping", where))
            return []
    else:
        services = document
    entries = []
    for name, body in services.items():
        line = services.key_marks.get(name, services.mark)[0]
        if isinstance(body, MarkedDict):
            entries.append((name, body, line))
        elif body is not None and services is not document:
            where = services.value_mark(name)
            problems.append(_shape_problem(f"Service '{name}' is not a mapping", where,
                                           unchecked="that service was"))
    if services is document:  # version 1: keep only what looks like a service
        entries = [
            (name, body, line)
            for name, body, line in entries
            if _SERVICE_KEYS & body.keys() and not str(name).startswith("x-")
        ]
    return entries


def _service(name: str, body: MarkedDict, line: int) -> ServiceFacts:
    entrypoint, command = body.get("entrypoint"), body.get("command")
    anchor = "command" if command is not None else "entrypoint"
    commands = find_celery_commands_in_process(
        _program_part(entrypoint), _program_part(command), *body.value_mark(anchor)
    )
    return ServiceFacts(
        name=name,
        line=line,
        commands=commands,
        replicas=_replicas(body),
        environment=_environment(body),
        env_files=_env_files(body, required=True),
        optional_env_files=_env_files(body, required=False),
        depends_on=_depends_on(body.get("depends_on")),
        image=body["image"] if isinstance(body.get("image"), str) else None,
        compose=ComposeService(
            entrypoint=_frozen_part(entrypoint),
            command=_frozen_part(command),
            program_mark=body.value_mark(anchor),
            profiles=tuple(str(p) for p in body.get("profiles") or () if isinstance(p, str))
            if isinstance(body.get("profiles"), list) else (),
            extends=_extends(body.get("extends")),
            keys=frozenset(str(key) for key in body),
        ),
    )


def _frozen_part(value: Any) -> str | tuple[str, ...] | None:
    part = _program_part(value)
    return part if part is None or isinstance(part, str) else tuple(map(str, part))


def _extends(value: Any) -> tuple[str | None, str] | None:
    """``extends: base`` or ``extends: {service: base, file: common.yml}``."""
    if isinstance(value, str):
        return None, value
    if isinstance(value, dict) and isinstance(value.get("service"), str):
        file = value.get("file")
        return (file if isinstance(file, str) else None), value["service"]
    return None


def _program_part(value: Any) -> str | list[Any] | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return [item for item in value if scalar_text(item) is not None]
    return None


def _replicas(body: MarkedDict) -> int | None:
    deploy = body.get("deploy")
    if isinstance(deploy, dict) and integer(deploy.get("replicas")) is not None:
        return integer(deploy["replicas"])
    return integer(body.get("scale"))


def _environment(body: MarkedDict) -> tuple[EnvironmentEntry, ...]:
    """Both forms: ``KEY: value`` and ``- KEY=value``; a bare ``KEY`` passes the host's value."""
    environment = body.get("environment")
    if isinstance(environment, MarkedDict):
        return tuple(
            (str(key), scalar_text(value), environment.key_marks[key][0])
            for key, value in environment.items()
        )
    if isinstance(environment, MarkedList):
        entries = []
        for item, (line, _column) in zip(environment, environment.item_marks):
            if isinstance(item, str) and item.strip():
                key, equals, value = item.partition("=")
                entries.append((key.strip(), value if equals else None, line))
        return tuple(entries)
    return ()


def _env_files(body: MarkedDict, *, required: bool) -> tuple[tuple[str, int], ...]:
    """``env_file:`` entries that are (or are not) ``required``.

    A string, a list of strings, or a list of ``{path: ..., required: false}``
    mappings (compose 2.24's long syntax; ``required`` defaults to true).
    """
    value = body.get("env_file")
    if isinstance(value, str):
        return ((value, body.value_mark("env_file")[0]),) if required else ()
    if not isinstance(value, MarkedList):
        return ()
    found = []
    for item, (line, _column) in zip(value, value.item_marks):
        item_required = True
        if isinstance(item, dict):
            item_required = item.get("required", True) not in (False, "false", "False")
            item = item.get("path")
        if isinstance(item, str) and item_required is required:
            found.append((item, line))
    return tuple(found)


def _depends_on(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):
        return tuple(str(name) for name in value)
    if isinstance(value, list):
        return tuple(str(name) for name in value if isinstance(name, (str, int)))
    return ()


def compose_variables(text: str) -> tuple[VariableUse, ...]:
    """Every ``${X}`` compose substitutes, with its default; comment lines are skipped.

    Left out: ``$$`` escapes, variables every shell sets (``$PWD``), and
    ``${X:?message}`` / ``${X?message}``, where compose itself stops with the
    author's message. ``${X:+alt}`` never warns: its default is the empty string.
    """
    found: list[VariableUse] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith("#") or "$" not in line:
            continue
        for match in _VARIABLE.finditer(line):
            name = match.group("braced") or match.group("bare")
            operator = match.group("op") or ""
            if match.group("escape") or name in SHELL_VARIABLES or operator.endswith("?"):
                continue
            default = match.group("arg") if operator in (":-", "-") else None
            found.append((name, "" if operator.endswith("+") else default, number))
    return tuple(found)


def _shape_problem(what: str, where: Mark,
                   unchecked: str = "its services were") -> DeploymentProblem:
    return DeploymentProblem(
        DeploymentProblemKind.UNEXPECTED_SHAPE,
        f"{what}, so compose would reject this file; {unchecked} not checked.",
        *where,
    )
