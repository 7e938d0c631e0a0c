"""Line-oriented deployment files: Procfile, scripts, systemd units, supervisord
programs, Makefile recipes and Dockerfiles.

Each reader finds where commands sit in its format and leaves the command
line itself to :mod:`celerylint.project.deploy.worker_command`.  A file without any
Celery command gives None: it says nothing about Celery processes.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import replace

from celerylint.project.deploy.deployment_facts import (
    DeploymentFacts,
    DeploymentKind,
    EnvironmentEntry,
    ServiceFacts,
)
from celerylint.project.deploy.shell_branches import arms_by_line
from celerylint.project.deploy.worker_command import (
    CeleryCommand,
    find_celery_commands,
    find_celery_commands_in_process,
)

__all__ = [
    "read_dockerfile",
    "read_makefile",
    "read_procfile",
    "read_shell_script",
    "read_supervisord",
    "read_systemd_unit",
]

_PROCFILE_ENTRY = re.compile(r"^([A-Za-z0-9_.-]+)[ \t]*:[ \t]*(\S.*)$")
_SYSTEMD_EXEC = re.compile(r"^\s*ExecStart\s*=\s*[-@:+!]*\s*")
_INI_SECTION = re.compile(r"^\s*\[([^\]]*)\]")
_INI_ENTRY = re.compile(r"^([A-Za-z0-9_.-]+)[ \t]*[=:][ \t]*")
_SUPERVISOR_ENVIRONMENT = re.compile(r"""([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("[^"]*"|'[^']*'|[^,]*)""")
_INLINE_COMMENT = re.compile(r"\s[;#].*$")
_MAKE_TARGET = re.compile(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)")
_DOCKER_INSTRUCTION = re.compile(r"^\s*(FROM|CMD|ENTRYPOINT)\s+(.*)$", re.IGNORECASE | re.DOTALL)
_SUPERVISORD_SECTION = re.compile(r"^\s*\[supervisord\]", re.MULTILINE)
_NOT_SHELL = re.compile(r"^#!.*\b(python[0-9.]*|node|ruby|perl|php)\b")


def read_procfile(path: str, text: str) -> DeploymentFacts | None:
    """``name: command`` per line (Heroku, honcho, foreman)."""
    services = []
    for number, line in enumerate(text.split("\n"), start=1):
        entry = _PROCFILE_ENTRY.match(line)
        if entry and not line.lstrip().startswith("#"):
            commands = find_celery_commands(entry.group(2), number, entry.start(2) + 1)
            services.append(ServiceFacts(entry.group(1), number, commands))
    return _facts(path, DeploymentKind.PROCFILE, services)


def read_shell_script(path: str, text: str) -> DeploymentFacts | None:
    """The whole script is one service named after the file."""
    if _NOT_SHELL.match(text):
        return None
    arms = arms_by_line(text)
    commands = tuple(replace(command, branch=arms.get(command.line, ()))
                     for command in find_celery_commands(text, 1, 1))
    return _facts(path, DeploymentKind.SHELL, [ServiceFacts(_file_name(path), 1, commands)])


def read_systemd_unit(path: str, text: str) -> DeploymentFacts | None:
    """``ExecStart=`` lines (``-``/``@`` prefixes, ``\\`` continuations) plus the environment."""
    commands, environment, env_files = [], [], []
    for number, value_column, value in _logical_lines(text):
        executable = _SYSTEMD_EXEC.match(value)
        if executable:
            commands.extend(
                find_celery_commands(
                    value[executable.end() :],
                    number,
                    value_column + executable.end(),
                    percent_specifiers=True,
                )
            )
        elif value.startswith("Environment="):
            environment.extend(_systemd_environment(value[len("Environment=") :], number))
        elif value.startswith("EnvironmentFile="):
            env_files.append((value[len("EnvironmentFile=") :].strip().lstrip("-"), number))
    service = ServiceFacts(
        _file_name(path),
        1,
        tuple(commands),
        environment=tuple(environment),
        env_files=tuple(env_files),
    )
    return _facts(path, DeploymentKind.SYSTEMD, [service])


def _logical_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(first line, column, text) of each line, with ``\\``-continued lines kept attached."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        start = index
        while lines[index].rstrip("\r").endswith("\\") and index + 1 < len(lines):
            index += 1
        segment = "\n".join(lines[start : index + 1])
        stripped = segment.lstrip()
        yield start + 1, len(segment) - len(stripped) + 1, stripped
        index += 1


def _systemd_environment(value: str, line: int) -> list[EnvironmentEntry]:
    try:
        assignments = shlex.split(value)
    except ValueError:
        assignments = value.split()
    return [
        (key, assigned, line)
        for key, equals, assigned in (item.partition("=") for item in assignments)
        if equals and key
    ]


def read_supervisord(path: str, text: str) -> DeploymentFacts | None:
    """``[program:x]`` sections: ``command=``, ``environment=``, ``numprocs=``."""
    services = []
    for name, line, entries in _program_sections(text):
        command = entries.get("command")
        commands = (
            ()
            if command is None
            else find_celery_commands(command[2], command[0], command[1], percent_specifiers=True)
        )
        numprocs = entries.get("numprocs")
        services.append(
            ServiceFacts(
                name,
                line,
                commands,
                replicas=int(numprocs[2]) if numprocs and numprocs[2].isdigit() else None,
                environment=_supervisor_environment(entries.get("environment")),
            )
        )
    whole = bool(_SUPERVISORD_SECTION.search(text))
    return _facts(path, DeploymentKind.SUPERVISORD, services, whole_configuration=whole)


def _program_sections(text: str) -> Iterator[tuple[str, int, dict[str, tuple[int, int, str]]]]:
    """(program, line, {key: (line, column, value)}); indented lines continue a value."""
    program: tuple[str, int] | None = None
    entries: dict[str, tuple[int, int, str]] = {}
    key = ""
    for number, line in enumerate(text.split("\n"), start=1):
        section = _INI_SECTION.match(line)
        if section:
            if program:
                yield program[0], program[1], entries
            title = section.group(1).strip()
            program = (title.split(":", 1)[1], number) if title.startswith("program:") else None
            entries, key = {}, ""
        elif program is None or not line.strip() or line.lstrip()[:1] in ("#", ";"):
            continue
        elif line[:1] in " \t" and key:
            value_line, column, value = entries[key]
            entries[key] = (value_line, column, f"{value} {_INLINE_COMMENT.sub('', line).strip()}")
        elif entry := _INI_ENTRY.match(line):
            key = entry.group(1).lower()
            entries[key] = (number, entry.end() + 1, _INLINE_COMMENT.sub("", line[entry.end() :]))
    if program:
        yield program[0], program[1], entries


def _supervisor_environment(entry: tuple[int, int, str] | None) -> tuple[EnvironmentEntry, ...]:
    if entry is None:
        return ()
    line, _column, value = entry
    return tuple(
        (key, raw.strip().strip("\"'"), line) for key, raw in _SUPERVISOR_ENVIRONMENT.findall(value)
    )


def read_makefile(path: str, text: str) -> DeploymentFacts | None:
    """Recipe lines, grouped by their target; ``@``/``-``/``+`` prefixes are make's, not the shell's."""
    targets: dict[str, tuple[int, list[CeleryCommand]]] = {}
    target = ""
    for number, column, value in _logical_lines(text):
        if not value or value.startswith("#"):
            continue
        if column > 1 and target:
            recipe = value.lstrip("@-+ \t")
            offset = len(value) - len(recipe)
            targets[target][1].extend(find_celery_commands(recipe, number, column + offset))
        elif column == 1:  # a rule starts a recipe; anything else at the margin ends it
            rule = _MAKE_TARGET.match(value)
            target = rule.group(1).split()[0] if rule else ""
            if target:
                targets.setdefault(target, (number, []))
    services = [
        ServiceFacts(name, line, tuple(found)) for name, (line, found) in targets.items() if found
    ]
    return _facts(path, DeploymentKind.MAKEFILE, services)


def read_dockerfile(path: str, text: str) -> DeploymentFacts | None:
    """The ENTRYPOINT + CMD each build stage ends with; a stage is named by ``AS name``."""
    stages: list[tuple[str, int, dict[str, tuple[int, str | list[str]]]]] = []
    for number, _column, value in _logical_lines(text):
        instruction = _DOCKER_INSTRUCTION.match(value)
        if not instruction:
            continue
        keyword, argument = instruction.group(1).upper(), instruction.group(2)
        if keyword == "FROM":
            words = argument.split()
            lowered = [word.lower() for word in words]
            alias = lowered.index("as") + 1 if "as" in lowered else len(words)
            stages.append((words[alias] if alias < len(words) else _file_name(path), number, {}))
        elif stages:
            stages[-1][2][keyword] = (number, _docker_program(argument))
    services = []
    for name, line, program in stages:
        anchor = program.get("CMD") or program.get("ENTRYPOINT")
        if anchor is None:
            continue
        entrypoint, command = program.get("ENTRYPOINT"), program.get("CMD")
        services.append(
            ServiceFacts(
                name,
                line,
                find_celery_commands_in_process(
                    entrypoint[1] if entrypoint else None,
                    command[1] if command else None,
                    anchor[0],
                    1,
                ),
            )
        )
    return _facts(path, DeploymentKind.DOCKERFILE, services)


def _docker_program(argument: str) -> str | list[str]:
    """Exec form (a JSON array) or shell form (``/bin/sh -c`` text)."""
    text = argument.replace("\\\n", " ").strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            return text
        if isinstance(parsed, list):
            return [str(item) for item in parsed]
    return text


def _file_name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _facts(path: str, kind: DeploymentKind, services: list[ServiceFacts],
           whole_configuration: bool = False) -> DeploymentFacts | None:
    if not any(service.commands for service in services):
        return None
    return DeploymentFacts(path, kind, tuple(services), whole_configuration=whole_configuration)
