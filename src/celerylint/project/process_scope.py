"""What Celery runs: the modules and files its worker and beat processes load or read.

The general hygiene rules (imports, commented-out code, env files) speak only
about this part of a project by default. A process's modules are the
registration closure of its ``-A`` app (settings, ``include``/``imports``,
autodiscovery, Django's setup), the same closure CEL302 judges by, plus the
first-party modules its code imports inside functions, which run when a task
does. Files that hold Celery's configuration (settings modules, beat schedules)
are in scope wherever they live, and so are the env files a Celery service reads.

When no deployment file starts a worker or beat, every Celery app's closure
stands in; when the project defines no Celery app, the modules that define tasks
do; a project with neither is judged whole, since nothing tells what runs.
"""

from __future__ import annotations

import posixpath
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from celerylint.project.imports import parent_packages
from celerylint.source.facts import ImportContext

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.deploy.deployment_facts import DeploymentFacts, ServiceFacts
    from celerylint.project.deploy.worker_command import CeleryCommand
    from celerylint.project.model import Project
    from celerylint.source.facts import ModuleFacts


@dataclass(frozen=True)
class CeleryProcess:
    """A worker or beat as a deployment starts it (or as celerylint assumes it)."""

    kind: str  # "worker" | "beat"
    label: str  # "`celery -A proj worker` in docker-compose.yml"
    roots: tuple[str, ...]  # modules its start-up imports first, the -A target first


@dataclass(frozen=True)
class LoadingChain:
    """How a process reaches a module: ``chain`` runs from a root to the module."""

    process: CeleryProcess
    chain: tuple[str, ...]

    def describe(self) -> str:
        """``celery -A proj worker` in docker-compose.yml imports proj.tasks → proj.llm``."""
        return f"{self.process.label} imports {' → '.join(self.chain)}"


class ProcessScope:
    """Answers "does a Celery process load or read this?" and "through which imports?"."""

    def __init__(self, processes: Iterable[CeleryProcess], project: "Project",
                 config_paths: Iterable[str] = (), read_paths: Iterable[str] = (),
                 whole_project: bool = False) -> None:
        self.processes = tuple(processes)
        self.whole_project = whole_project
        self._project = project
        self._chains: dict[str, LoadingChain] = {}
        successors: dict[str, tuple[str, ...]] = {}  # shared: processes overlap
        for process in self.processes:
            for module, chain in _reachable(project, process.roots, successors).items():
                self._chains.setdefault(module, LoadingChain(process, chain))
        self.modules = frozenset(self._chains)
        self.config_paths = frozenset(config_paths)
        self.read_paths = frozenset(read_paths)  # env files and deployment files
        self._module_paths = frozenset(
            facts.path for name in self.modules if (facts := project.module(name)) is not None)

    def covers_module(self, module: str) -> bool:
        return self.whole_project or self._project.canonical_module_name(module) in self.modules

    def covers_path(self, path: str) -> bool:
        """A module a process loads, a Celery configuration file, or a file it reads."""
        return (self.whole_project or path in self._module_paths or path in self.config_paths
                or path in self.read_paths)

    def covers_variable(self, variable: str) -> bool:
        """An env variable that feeds Celery's settings, or that code a process loads reads:
        the variables env rules judge by default."""
        return self.whole_project or variable in self._celery_variables

    @cached_property
    def _celery_variables(self) -> frozenset[str]:
        from celerylint.project.environment.env_model import env_model

        return frozenset(read.variable for read in env_model(self._project).reads
                         if read.feeds_celery or self.covers_path(read.path))

    def loading_chain(self, module: str) -> LoadingChain | None:
        """The first process (in deployment order) that loads ``module``, and how."""
        return self._chains.get(self._project.canonical_module_name(module))

    def loading_chain_of_path(self, path: str) -> LoadingChain | None:
        for name in self._project.names_by_path.get(path, ()):
            found = self.loading_chain(name)
            if found is not None:
                return found
        return None


def _run_time_imports(project: "Project", module: str) -> Iterator[str]:
    """First-party modules ``module`` imports at load time or when its functions run."""
    facts = project.module(module)
    if facts is None:
        return
    graph = project.import_graph
    for fact in facts.imports:
        if fact.context is ImportContext.TYPE_CHECKING:
            continue
        target = graph.target_module(fact)
        for name in (*parent_packages(target), target) if target else ():
            if name in project.modules:
                yield name


def _reachable(project: "Project", roots: Iterable[str],
               successors: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Every first-party module reached from ``roots``, each with its shortest chain."""
    chains: dict[str, tuple[str, ...]] = {}
    queue: deque[str] = deque()
    for root in roots:
        for name in (*parent_packages(root), root):
            name = project.canonical_module_name(name)
            if name in project.modules and name not in chains:
                chains[name] = (name,)
                queue.append(name)
    while queue:
        current = queue.popleft()
        if current not in successors:
            successors[current] = tuple(dict.fromkeys(_run_time_imports(project, current)))
        for following in successors[current]:
            if following not in chains:
                chains[following] = (*chains[current], following)
                queue.append(following)
    return chains


# -- building ----------------------------------------------------------------------------
def build_process_scope(project: "Project") -> ProcessScope:
    from celerylint.project.celery.celery_model import celery_model

    model = celery_model(project)
    if not model.apps and not model.tasks:
        return ProcessScope((), project, whole_project=True)
    processes = list(_deployed_processes(model))
    if not processes:
        processes = [_assumed_worker(model, app_id) for app_id in sorted(model.apps)]
    if not model.apps:  # shared tasks of a reusable app: whichever worker registers them
        modules = tuple(sorted({task.module for task in model.tasks}))
        processes.append(CeleryProcess("worker", "a worker that registers the project's "
                                       "tasks", modules))
    return ProcessScope(processes, project, _configuration_paths(model),
                        _read_paths(model))


def _deployed_processes(model: "CeleryModel") -> Iterator[CeleryProcess]:
    from celerylint.project.deploy.worker_command import ProcessKind

    for deployment in model.deployments:
        for service in deployment.services:
            for command in service.commands:
                if command.kind in (ProcessKind.WORKER, ProcessKind.BEAT):
                    yield CeleryProcess(command.kind.value, _label(command, deployment),
                                        _process_roots(model, command))


def _label(command: "CeleryCommand", deployment: "DeploymentFacts") -> str:
    app = f" -A {command.app}" if command.app_known and command.app else ""
    return f"`celery{app} {command.kind.value}` in {deployment.path}"


def _process_roots(model: "CeleryModel", command: "CeleryCommand") -> tuple[str, ...]:
    """The closure roots of the command's app; every app's when it cannot be resolved."""
    target = model.target_module(command.app) if command.app_known else None
    app_id = model.app_for_target(command.app) if command.app_known else None
    app_ids = [app_id] if app_id else sorted(model.apps)
    roots: list[str] = [target] if target else []
    for each in app_ids:
        roots.extend(_closure_roots(model, each, target if app_id else None))
    return tuple(dict.fromkeys(roots))


def _closure_roots(model: "CeleryModel", app_id: str, target: str | None) -> list[str]:
    """The registration closure's roots, and the task modules when the closure is
    incomplete (an autodiscovery or ``include`` celerylint cannot evaluate)."""
    closure = model.registration_closure(app_id, target)
    roots = list(closure.roots)
    if not closure.complete:
        roots.extend(sorted({task.module for task in model.tasks
                             if app_id in model.apps_of(task)}))
    return roots


def _assumed_worker(model: "CeleryModel", app_id: str) -> CeleryProcess:
    app = model.apps[app_id]
    return CeleryProcess("worker", f"a worker of the Celery app in {app.path} (no worker "
                         "command was found)", tuple(_closure_roots(model, app_id, None)))


def _configuration_paths(model: "CeleryModel") -> set[str]:
    """Files Celery reads its settings and beat schedule from, wherever they live."""
    paths: set[str] = {app.path for app in model.apps.values()}
    for config in model.configs.values():
        paths.update(entry.path for entry in config.entries)
        paths.update(obj.path for obj in config.objects)
        for obj in config.objects:
            facts = model.project.module(obj.target.partition(":")[0]) if obj.target else None
            if facts is not None:
                paths.add(facts.path)
    paths.update(entry.path for entry in model.beat_entries)
    paths.update(facts.path for facts in model.project.python_facts()
                 if _holds_celery_settings(facts))
    return paths


# Names shared with everyday code: alone they do not make a module Celery configuration.
_COMMON_SETTING_NAMES = frozenset({"imports", "include", "timezone", "enable_utc"})


@lru_cache(maxsize=1)
def _celery_setting_names() -> frozenset[str]:
    """Every name Celery reads as a setting: new names and the old UPPERCASE ones."""
    from celery.app import defaults

    return frozenset({*defaults.SETTING_KEYS, *defaults._TO_NEW_KEY}) - _COMMON_SETTING_NAMES


def _holds_celery_settings(facts: "ModuleFacts") -> bool:
    """A module that assigns Celery settings at its top level (a ``celeryconfig.py``, a
    Django settings file, a file loaded by path): Celery configuration wherever it lives."""
    names = _celery_setting_names()
    return any(not a.scope and a.key is None and (a.target in names or
                                                  a.target.startswith("CELERY_"))
               for a in facts.assignments)


def _read_paths(model: "CeleryModel") -> set[str]:
    """Deployment files that start a Celery process, and the env files those services load."""
    paths: set[str] = set()
    for deployment in model.deployments:
        for service in deployment.services:
            if _runs_celery(service):
                paths.add(deployment.path)
                directory = posixpath.dirname(deployment.path)
                paths.update(posixpath.normpath(posixpath.join(directory, written))
                             for written, _line in service.env_files)
    return paths


def _runs_celery(service: "ServiceFacts") -> bool:
    from celerylint.project.deploy.worker_command import ProcessKind

    return any(c.kind in (ProcessKind.WORKER, ProcessKind.BEAT) for c in service.commands)


def process_scope(project: "Project") -> ProcessScope:
    return project.extension("process_scope", build_process_scope)  # type: ignore[no-any-return]
