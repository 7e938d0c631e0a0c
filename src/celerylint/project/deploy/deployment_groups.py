"""Deployments as users group them: the sets of processes that run together.

One deployment file is rarely a whole deployment.  A compose project is a base
file plus its overrides; one folder of entrypoint scripts starts one worker per
script; Kubernetes manifests, a Helm chart, a kustomize tree, a folder of
systemd units or of supervisord programs each describe one running system.
Queue and beat rules judge each :class:`DeploymentGroup`, never a lone file.

Groups:

- compose: each project ``docker compose`` would assemble (:mod:`compose_merge`);
- Procfile, Makefile: the file; a compose project also holds the scripts its services run;
- supervisord: a file with its own ``[supervisord]`` section (one per mode, often), with
  the program files of its folder (``conf.d`` belongs to its parent); else the folder;
- systemd units: their folder;
- entrypoint scripts and Dockerfiles: their folder;
- Kubernetes: the Helm chart (the folder holding ``Chart.yaml``), else the nearest
  manifest folder (``k8s/``, ``deploy/``, ...), else the file's folder.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from celerylint.project.deploy.compose_invocations import (
    ComposeInvocations,
    compose_invocations,
    is_invocation_source,
)
from celerylint.project.deploy.compose_merge import PlacedService, compose_projects
from celerylint.project.deploy.deployment_facts import DeploymentFacts, DeploymentKind
from celerylint.project.deploy.deployment_files import MAX_DEPLOYMENT_BYTES, project_deployments
from celerylint.project.deploy.shell_branches import Arm
from celerylint.project.deploy.worker_command import CeleryCommand, ProcessKind
from celerylint.project.environment.envfiles import parse_env_file

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel, Worker
    from celerylint.project.model import Project

__all__ = [
    "DeploymentGroup", "PlacedService", "ProcessKey", "deployment_groups", "group_deployments",
    "compose_project_folders", "group_workers", "mode_variants", "process_commands",
    "process_groups", "project_invocations", "script_starters",
]

_FOLDER_DESCRIPTIONS = {
    DeploymentKind.SHELL: "entrypoint scripts",
    DeploymentKind.SYSTEMD: "systemd units",
    DeploymentKind.SUPERVISORD: "supervisord configuration",
    DeploymentKind.KUBERNETES: "Kubernetes manifests",
}
_MANIFEST_FOLDERS = frozenset({
    "k8s", "kubernetes", "kube", "helm", "charts", "chart", "deploy", "deployment",
    "deployments", "manifests", "kustomize", "openshift",
})
_MAX_INVOCATION_SOURCES = 2_000
ProcessKey = tuple[str, str, int, int]  # (file, service, line, column) of a command


@dataclass(frozen=True)
class DeploymentGroup:
    """Processes that run together, each placed in the file that starts it."""

    kind: DeploymentKind
    files: tuple[str, ...]
    services: tuple[PlacedService, ...]
    folder: str | None = None  # set for the groups that are one folder
    description: str = ""
    mode: str | None = None  # the arm of a script's ``if``/``case`` on a mode variable

    @property
    def name(self) -> str:
        """How messages name it: the file, ``a.yml + b.yml``, or ``docker/ (entrypoint scripts)``."""
        if self.folder is not None and len(self.files) > 1:
            name = f"{self.folder or '.'}/ ({self.description})"
        else:
            name = " + ".join(self.files)
        return f"{name} in mode {self.mode}" if self.mode else name

    @property
    def path(self) -> str:
        return self.files[0]

    def commands(self, *kinds: ProcessKind) -> Iterator[tuple[PlacedService, CeleryCommand]]:
        """Every Celery command of the given kinds, with the service that runs it."""
        for placed in self.services:
            for command in placed.service.commands:
                if not kinds or command.kind in kinds:
                    yield placed, command


def deployment_groups(project: Project) -> list[DeploymentGroup]:
    """The project's deployments, grouped; built once per run."""
    return project.extension("deployment_groups", _build)  # type: ignore[no-any-return]


def process_groups(project: Project) -> dict[ProcessKey, DeploymentGroup]:
    """The deployment each command line runs in, by (file, service, line, column).

    A line shared by several compose projects (a base file used alone and with an
    override) belongs to the first of them.
    """
    found: dict[ProcessKey, DeploymentGroup] = {}
    for key, group, _command in _processes(project):
        found.setdefault(key, group)
    return found


def process_commands(project: Project) -> dict[ProcessKey, CeleryCommand]:
    """Each command line as its deployment runs it (compose's interpolation applied),
    by the same key as :func:`process_groups` (the first group's, likewise)."""
    found: dict[ProcessKey, CeleryCommand] = {}
    for key, _group, command in _processes(project):
        found.setdefault(key, command)
    return found


def _processes(project: Project) -> Iterator[tuple[ProcessKey, DeploymentGroup, CeleryCommand]]:
    for group in deployment_groups(project):
        for placed, command in group.commands():
            yield (placed.facts.path, placed.service.name, command.line, command.column), \
                group, command


def project_invocations(project: Project) -> ComposeInvocations:
    """How the project's scripts, Makefiles and CI run compose (``-f`` lists, profiles,
    ``--env-file``); read once per run."""
    return project.extension(  # type: ignore[no-any-return]
        "compose_invocations", _read_invocations)


def compose_project_folders(project: Project, compose_path: str) -> list[str]:
    """The folders compose resolves a compose file's relative paths from: its own, and
    the first file's folder of every ``-f`` list it is a later member of (compose's
    project directory), own folder first."""
    folders = [compose_path.rpartition("/")[0]]
    for file_list in project_invocations(project).file_lists:
        if compose_path in file_list[1:]:
            folders.append(file_list[0].rpartition("/")[0])
    return list(dict.fromkeys(folders))


def _read_invocations(project: Project) -> ComposeInvocations:
    composes = [d for d in project_deployments(project) if d.kind is DeploymentKind.COMPOSE]
    return compose_invocations(_invocation_texts(project), frozenset(d.path for d in composes),
                               frozenset(project.files))


def _build(project: Project) -> list[DeploymentGroup]:
    files = set(project.files)
    deployments = project_deployments(project)
    composes = [d for d in deployments if d.kind is DeploymentKind.COMPOSE]
    invocations = project_invocations(project)
    named = [path for _files, paths in invocations.env_files for path in paths or ()]
    return group_deployments(deployments, files, invocations.file_lists, invocations.profiles,
                             _project_dotenvs(project, composes, named, files),
                             invocations.env_files)


def group_deployments(
    deployments: list[DeploymentFacts],
    files: set[str] | frozenset[str] = frozenset(),
    file_lists: tuple[tuple[str, ...], ...] = (),
    profiles: frozenset[str] = frozenset(),
    dotenvs: Mapping[str, Mapping[str, str]] | None = None,
    env_files: tuple[tuple[tuple[str, ...], tuple[str, ...] | None], ...] = (),
) -> list[DeploymentGroup]:
    """Pure grouping: the parsed files, the project's paths, how compose is run (file
    lists, profiles, ``--env-file`` lists) and the variables of the ``.env`` files beside
    compose files and of the ``--env-file`` files (by path)."""
    composes = [d for d in deployments if d.kind is DeploymentKind.COMPOSE]
    scripts = [d for d in deployments if d.kind is DeploymentKind.SHELL]
    groups = [
        DeploymentGroup(DeploymentKind.COMPOSE, project.files,
                        _with_started_scripts(project.services, scripts))
        for project in compose_projects(composes, list(file_lists), profiles, dotenvs,
                                        env_files)
    ]
    by_key: dict[tuple[DeploymentKind, str], list[DeploymentFacts]] = {}
    for facts in deployments:
        if facts.kind is not DeploymentKind.COMPOSE and not facts.whole_configuration:
            by_key.setdefault(_group_key(facts, files), []).append(facts)
    for whole in (facts for facts in deployments if facts.whole_configuration):
        fragments = by_key.get(_group_key(whole, files), [])
        by_key[(whole.kind, whole.path)] = [whole, *fragments]
    for whole in (facts for facts in deployments if facts.whole_configuration):
        by_key.pop(_group_key(whole, files), None)  # the fragments run inside each configuration
    for (kind, key), members in by_key.items():
        members.sort(key=lambda f: f.path)
        folder = None if key in {m.path for m in members} else key
        services = tuple(PlacedService(f, s) for f in members for s in f.services)
        groups.extend(mode_variants(DeploymentGroup(
            kind, tuple(m.path for m in members), services, folder,
            _FOLDER_DESCRIPTIONS.get(kind, ""))))
    return sorted(groups, key=lambda g: (g.path, g.files, g.mode or ""))


def _with_started_scripts(services: tuple[PlacedService, ...], scripts: list[DeploymentFacts]
                          ) -> tuple[PlacedService, ...]:
    """Compose services plus the processes of the project's scripts they start.

    ``command: ["/app/docker/start-beat.sh"]`` runs that script's Celery commands in
    the compose project; a script is matched by its path's longest common tail.
    """
    added: list[PlacedService] = []
    for placed in services:
        compose = placed.service.compose
        if compose is None:
            continue
        for word in _program_words(compose.entrypoint) + _program_words(compose.command):
            script = _script_named(word, scripts)
            if script is not None:
                added.extend(PlacedService(script, s, placed.active) for s in script.services)
    return (*services, *dict.fromkeys(added))


def script_starters(group: DeploymentGroup) -> dict[str, PlacedService]:
    """The compose service that runs each script of ``group``, by the script's path: the
    script's processes get that service's environment and env files."""
    scripts = list(dict.fromkeys(p.facts for p in group.services
                                 if p.facts.kind is DeploymentKind.SHELL))
    found: dict[str, PlacedService] = {}
    for placed in group.services:
        compose = placed.service.compose
        for word in _program_words(compose.entrypoint) + _program_words(compose.command) \
                if compose is not None else []:
            script = _script_named(word, scripts)
            if script is not None:
                found.setdefault(script.path, placed)
    return found


def _program_words(part: str | tuple[str, ...] | None) -> list[str]:
    if part is None:
        return []
    return part.split() if isinstance(part, str) else list(part)


def _script_named(word: str, scripts: list[DeploymentFacts]) -> DeploymentFacts | None:
    written = [p for p in word.strip("\"'").split("/") if p not in ("", ".")]
    if not written or "." not in written[-1] and "entrypoint" not in written[-1]:
        return None
    best, best_length = None, 0
    for script in scripts:
        parts = script.path.split("/")
        length = 0
        while length < min(len(parts), len(written)) and \
                parts[-1 - length] == written[-1 - length]:
            length += 1
        if length > best_length:
            best, best_length = script, length
    return best


def mode_variants(group: DeploymentGroup) -> list[DeploymentGroup]:
    """One deployment per arm of the first script ``if``/``case`` on a mode variable.

    ``if [ "$MODE" = prod ]`` picks what one container runs: each arm that starts
    Celery processes is a deployment of its own.  Arms chosen by the script's
    arguments (``case "$1"``) are picked by callers, so they stay together.
    """
    constructs = sorted({(placed.facts.path, arm.construct)
                         for placed, command in group.commands() for arm in command.branch
                         if not arm.by_argument})
    if not constructs:
        return [group]
    path, construct = constructs[0]
    arms = {arm.index: arm for placed, command in group.commands() if placed.facts.path == path
            for arm in command.branch if arm.construct == construct}
    if len(arms) < 2:
        return [group]
    return [replace(group, mode=f"'{arm.label}'", services=tuple(
                _only_arm(placed, arm) if placed.facts.path == path else placed
                for placed in group.services))
            for _index, arm in sorted(arms.items())]


def _only_arm(placed: PlacedService, chosen: Arm) -> PlacedService:
    commands = tuple(command for command in placed.service.commands
                     if not any(arm.excludes(chosen) for arm in command.branch))
    if len(commands) == len(placed.service.commands):
        return placed
    return replace(placed, service=replace(placed.service, commands=commands))


def _group_key(facts: DeploymentFacts, files: set[str] | frozenset[str]
               ) -> tuple[DeploymentKind, str]:
    path = PurePosixPath(facts.path)
    folder = "" if str(path.parent) == "." else str(path.parent)
    kind = facts.kind
    if kind in (DeploymentKind.PROCFILE, DeploymentKind.MAKEFILE):
        return kind, facts.path
    if kind is DeploymentKind.DOCKERFILE:
        kind = DeploymentKind.SHELL  # a Dockerfile selects among the scripts beside it
    if kind is DeploymentKind.SUPERVISORD and path.parent.name.endswith(".d"):
        folder = _parent(folder)  # ``[include] files = conf.d/*.conf``
    if kind is DeploymentKind.KUBERNETES:
        folder = _manifest_root(path, files)
    return kind, folder


def _manifest_root(path: PurePosixPath, files: set[str] | frozenset[str]) -> str:
    """The Helm chart holding the file, else its nearest manifest folder, else its folder."""
    ancestors = [a for a in path.parents if str(a) != "."]
    for ancestor in ancestors:
        if f"{ancestor}/Chart.yaml" in files or f"{ancestor}/Chart.yml" in files:
            return str(ancestor)
    for ancestor in ancestors:
        if ancestor.name.lower() in _MANIFEST_FOLDERS:
            return str(ancestor)
    return str(ancestors[0]) if ancestors else ""


def _parent(folder: str) -> str:
    return folder.rpartition("/")[0]


def _project_dotenvs(project: Project, composes: list[DeploymentFacts], named: list[str],
                     files: set[str]) -> dict[str, dict[str, str]]:
    """The ``.env`` beside each compose file and the ``--env-file`` files, as compose
    reads them for interpolation.

    Only files discovery selected are read (it refuses links out of the project).
    """
    found: dict[str, dict[str, str]] = {}
    beside = [str(PurePosixPath(facts.path).parent) for facts in composes]
    for path in [".env" if f == "." else f"{f}/.env" for f in beside] + named:
        if path in found or path not in files:
            continue
        data = project.read_bytes(path)
        if data is not None:
            entries = parse_env_file(path, data).entries
            found[path] = {e.key: e.value for e in entries if e.value is not None}
    return found


def _invocation_texts(project: Project) -> Iterator[tuple[str, str]]:
    """(path, text) of the files that may run ``docker compose`` with ``-f`` or profiles."""
    sources = [rel for rel in project.files if is_invocation_source(rel)]
    for rel in sorted(sources)[:_MAX_INVOCATION_SOURCES]:
        data = project.read_bytes(rel)
        if data is None or len(data) > MAX_DEPLOYMENT_BYTES or b"\0" in data:
            continue
        yield rel, data.decode("utf-8", "replace")


def group_workers(model: CeleryModel, group: DeploymentGroup) -> list[Worker]:
    """The workers of one deployment, each with the app its ``-A`` names (None: unknown)."""
    from celerylint.project.celery.celery_model import Worker

    return [
        Worker(placed.facts, placed.service.name, command,
               model.app_for_target(command.app) if command.app_known else None)
        for placed, command in group.commands(ProcessKind.WORKER)
    ]
