"""Compose projects as ``docker compose`` assembles them: override files, ``extends``, profiles.

``docker compose up`` in a folder reads ``compose.yaml`` (or ``docker-compose.yml``)
and then its ``*.override.yml``; ``docker compose -f a.yml -f b.yml`` reads the
listed files in order.  Each later file merges into the earlier ones service by
service: ``command``/``entrypoint``/``image``/scaling replace, ``environment``
merges by key, ``env_file`` and ``depends_on`` add up.  ``extends`` copies another
service first.  A service with ``profiles`` starts only when one is activated.
Every file of a project is interpolated with the ``.env`` of the project directory,
the folder of its first file (:mod:`compose_interpolation`).

This module turns the per-file :class:`DeploymentFacts` into merged services,
each still placed in the file whose line started its command, so findings
point at the line a user edits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from celerylint.project.deploy.compose_interpolation import (
    DotEnv,
    Substitution,
    interpolate_part,
)
from celerylint.project.deploy.compose_invocations import normal_path
from celerylint.project.deploy.deployment_facts import (
    ComposeService,
    DeploymentFacts,
    EnvironmentEntry,
    ServiceFacts,
)
from celerylint.project.deploy.worker_command import (
    CeleryCommand,
    find_celery_commands_in_process,
)

__all__ = [
    "DEFAULT_BASE_NAMES",
    "DEFAULT_OVERRIDE_NAMES",
    "ComposeProject",
    "PlacedService",
    "compose_projects",
]

# The order ``docker compose`` looks for them in a folder.
DEFAULT_BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
DEFAULT_OVERRIDE_NAMES = {
    "compose.yaml": ("compose.override.yaml", "compose.override.yml"),
    "compose.yml": ("compose.override.yml", "compose.override.yaml"),
    "docker-compose.yaml": ("docker-compose.override.yaml", "docker-compose.override.yml"),
    "docker-compose.yml": ("docker-compose.override.yml", "docker-compose.override.yaml"),
}
_MAX_EXTENDS_DEPTH = 8
_RUNNABLE_KEYS = frozenset({"image", "build", "extends"})


@dataclass(frozen=True)
class PlacedService:
    """A service as it runs, placed in the file whose line starts its command.

    ``active`` is False for a compose service whose profiles no script activates
    (or, for modes, a branch not chosen by default): it runs only on demand.
    """

    facts: DeploymentFacts
    service: ServiceFacts
    active: bool = True


@dataclass(frozen=True)
class ComposeProject:
    """The files ``docker compose`` reads together, in order, and the services they give."""

    files: tuple[str, ...]
    services: tuple[PlacedService, ...]


def compose_projects(
    composes: list[DeploymentFacts],
    file_lists: list[tuple[str, ...]],
    active_profiles: frozenset[str] = frozenset(),
    dotenvs: Mapping[str, Mapping[str, str]] | None = None,
    env_files: Sequence[tuple[tuple[str, ...], tuple[str, ...] | None]] = (),
) -> list[ComposeProject]:
    """Every project: each ``-f`` list found, each default base with its override, and
    each other compose file that no list merges into another and no ``extends`` names
    (on top of the default base when it cannot run alone).

    ``dotenvs`` maps the path of each ``.env`` file (and of each ``--env-file``) to its
    variables; the services' commands are interpolated with their project's: the
    ``--env-file`` files its invocations give (``env_files``), else the ``.env`` of
    the first file's folder (absent: nothing set).
    """
    by_path = {facts.path: facts for facts in composes}
    lists = [tuple(path for path in found if path in by_path) for found in file_lists]
    lists = [found for found in dict.fromkeys(lists) if found]
    merged_in = {path for found in lists for path in found[1:]} | _extended_files(composes)
    for facts in sorted(composes, key=lambda f: f.path):
        default = _default_list(facts.path, by_path)
        if default is not None:
            lists.append(default)
        elif facts.path not in merged_in and not _is_default_override(facts.path, by_path):
            lists.append(_with_base(facts, by_path))
    projects = []
    for files in dict.fromkeys(lists):
        services = _merge_files([by_path[path] for path in files], by_path, active_profiles)
        dotenv = _project_dotenv(files, dotenvs or {}, env_files)
        projects.append(ComposeProject(files, tuple(_interpolated(s, dotenv) for s in services)))
    return projects


def _project_dotenv(files: tuple[str, ...], dotenvs: Mapping[str, Mapping[str, str]],
                    env_files: Sequence[tuple[tuple[str, ...], tuple[str, ...] | None]]
                    ) -> DotEnv:
    """``--env-file`` replaces the ``.env``; several files add up, the last one winning.

    Calls that give one file list different env files leave every variable unknown.
    """
    given = {paths for listed, paths in env_files if listed == files}
    if given:
        paths = given.pop() if len(given) == 1 else None
        if paths is None or any(path not in dotenvs for path in paths):
            return DotEnv({}, "an --env-file", files[0], opaque=True)
        values = {key: value for path in paths for key, value in dotenvs[path].items()}
        return DotEnv(values, "--env-file " + ", ".join(paths), files[0])
    path = _join(_split(files[0])[0], ".env")
    found = dotenvs.get(path)
    return DotEnv(found or {}, path if found is not None else None, files[0])


def _interpolated(placed: PlacedService, dotenv: DotEnv) -> PlacedService:
    """The service with its ``entrypoint:``/``command:`` as compose substitutes them.

    The commands are read again from the substituted words; each notes the values
    it rests on, so messages can say where a queue name came from.
    """
    compose = placed.service.compose
    if compose is None or "$" not in f"{compose.entrypoint}{compose.command}":
        return placed
    entrypoint, entry_subs = interpolate_part(compose.entrypoint, dotenv)
    command, command_subs = interpolate_part(compose.command, dotenv)
    known = [s for s in (*entry_subs, *command_subs) if s.value is not None]
    commands = tuple(
        replace(found, origin=_origin(found, known))
        for found in find_celery_commands_in_process(entrypoint, command, *compose.program_mark)
    )
    return replace(placed, service=replace(placed.service, commands=commands))


def _origin(command: CeleryCommand, known: list[Substitution]) -> str:
    """The substitutions that gave the command its app or queue names."""
    names = {*(command.queues or ()), *command.exclude_queues, command.app or ""}
    return "; ".join(dict.fromkeys(
        s.describe() for s in known
        if s.value and names & {part.strip() for part in s.value.split(",")}))


def _default_list(path: str, by_path: dict[str, DeploymentFacts]) -> tuple[str, ...] | None:
    """``(base, override)`` when ``path`` is the file ``docker compose`` picks in its folder."""
    folder, name = _split(path)
    if name not in DEFAULT_BASE_NAMES:
        return None
    present = [n for n in DEFAULT_BASE_NAMES if _join(folder, n) in by_path]
    if present[0] != name:
        return None  # compose.yaml wins over docker-compose.yml in the same folder
    overrides = [_join(folder, n) for n in DEFAULT_OVERRIDE_NAMES[name]]
    return (path, *[o for o in overrides if o in by_path][:1])


def _with_base(facts: DeploymentFacts, by_path: dict[str, DeploymentFacts]) -> tuple[str, ...]:
    """A file that cannot run alone, read on top of its folder's default project.

    Compose refuses a service with neither ``image`` nor ``build``; a file whose
    services all lack both (and ``extends``) only names services to change, as in
    ``docker compose -f docker-compose.yml -f docker-compose.prod.yml``.
    """
    folder, _name = _split(facts.path)
    base = next((_default_list(_join(folder, name), by_path) for name in DEFAULT_BASE_NAMES
                 if _join(folder, name) in by_path), None)
    if base is None or not facts.services or any(
            service.compose is None or service.compose.keys & _RUNNABLE_KEYS
            for service in facts.services):
        return (facts.path,)
    return (*base, facts.path)


def _is_default_override(path: str, by_path: dict[str, DeploymentFacts]) -> bool:
    folder, name = _split(path)
    return any(name in overrides and _join(folder, base) in by_path
               for base, overrides in DEFAULT_OVERRIDE_NAMES.items())


def _extended_files(composes: list[DeploymentFacts]) -> set[str]:
    """Files other services ``extends`` from: libraries of services, not projects."""
    found = set()
    for facts in composes:
        for service in facts.services:
            if service.compose and service.compose.extends and service.compose.extends[0]:
                found.add(_relative_to(facts.path, service.compose.extends[0]))
    return found


def _merge_files(files: list[DeploymentFacts], by_path: dict[str, DeploymentFacts],
                 active_profiles: frozenset[str]) -> tuple[PlacedService, ...]:
    merged: dict[str, PlacedService] = {}
    for facts in files:
        for service in facts.services:
            placed = _resolve_extends(PlacedService(facts, service), by_path, 0)
            previous = merged.get(service.name)
            merged[service.name] = placed if previous is None else _merge(previous, placed)
    return tuple(
        replace(placed, active=_profile_active(placed.service, active_profiles))
        for placed in merged.values()
    )


def _profile_active(service: ServiceFacts, active_profiles: frozenset[str]) -> bool:
    profiles = service.compose.profiles if service.compose else ()
    return not profiles or bool(active_profiles.intersection(profiles)) or "*" in active_profiles


def _resolve_extends(placed: PlacedService, by_path: dict[str, DeploymentFacts],
                     depth: int) -> PlacedService:
    """The service with what it ``extends`` underneath; an unknown base leaves it as written."""
    compose = placed.service.compose
    if compose is None or compose.extends is None or depth >= _MAX_EXTENDS_DEPTH:
        return placed
    file, name = compose.extends
    source = by_path.get(_relative_to(placed.facts.path, file)) if file else placed.facts
    base = next((s for s in source.services if s.name == name), None) if source else None
    if source is None or base is None or base is placed.service:
        return placed
    resolved = _resolve_extends(PlacedService(source, base), by_path, depth + 1)
    renamed = replace(resolved.service, name=placed.service.name, line=placed.service.line)
    return _merge(replace(resolved, service=renamed), placed)


def _merge(base: PlacedService, override: PlacedService) -> PlacedService:
    """``override`` on top of ``base``, key by key, as compose merges two files."""
    old, new = base.service, override.service
    old_compose = old.compose or ComposeService()
    new_compose = new.compose or ComposeService()
    keys = new_compose.keys
    program_keys = keys & {"command", "entrypoint"}
    facts, commands, compose = base.facts, old.commands, old_compose
    if program_keys:
        entrypoint = new_compose.entrypoint if "entrypoint" in keys else old_compose.entrypoint
        command = new_compose.command if "command" in keys else old_compose.command
        mark = new_compose.program_mark
        commands = find_celery_commands_in_process(entrypoint, command, *mark)
        facts = override.facts
        compose = replace(old_compose, entrypoint=entrypoint, command=command, program_mark=mark)
    compose = replace(
        compose,
        profiles=new_compose.profiles if "profiles" in keys else old_compose.profiles,
        keys=old_compose.keys | keys,
        extends=None,
    )
    scaled = keys & {"deploy", "scale"} and new.replicas is not None
    service = replace(
        old,
        commands=commands,
        replicas=new.replicas if scaled else old.replicas,
        environment=_merged_environment(old.environment, new.environment),
        env_files=(*old.env_files, *new.env_files),
        depends_on=tuple(dict.fromkeys((*old.depends_on, *new.depends_on))),
        image=new.image or old.image,
        compose=compose,
    )
    return PlacedService(facts, service)


def _merged_environment(old: tuple[EnvironmentEntry, ...],
                        new: tuple[EnvironmentEntry, ...]) -> tuple[EnvironmentEntry, ...]:
    replaced = {key for key, _value, _line in new}
    return (*(entry for entry in old if entry[0] not in replaced), *new)


def _relative_to(path: str, written: str) -> str:
    """A path written in the compose file at ``path``, relative to that file's folder."""
    return normal_path(PurePosixPath(path).parent / written)


def _split(path: str) -> tuple[str, str]:
    folder, _, name = path.rpartition("/")
    return folder, name


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name
