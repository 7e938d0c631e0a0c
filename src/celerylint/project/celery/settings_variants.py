"""Every Django settings module a Celery process can run with.

A project often has one settings module per environment (``settings/development.py``,
``settings/production.py``) and picks one through ``DJANGO_SETTINGS_MODULE``: the
Celery app module's ``os.environ.setdefault`` gives the default, and a worker or
beat process started by compose, Kubernetes, systemd or a script may set another
in its ``environment:`` or env files. Each distinct module is a
:class:`SettingsVariant`, analysed on its own; the first one is the module the
Celery app's own environment chooses (what the inventory and diagrams show).

``manage.py``, ``wsgi.py`` and ``asgi.py`` (and env files no Celery process
loads) count only when neither the app module nor a Celery process sets the
variable: then a worker runs with whatever the shell that starts it exports.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from celerylint.project.celery.settings_environment import (
    CONFIGURATION_VARIABLE,
    SETTINGS_VARIABLE,
    EnvironmentSetting,
    Tier,
    choose,
    environment_settings,
)
from celerylint.project.environment.envfiles import EnvFile, parse_env_file

if TYPE_CHECKING:
    from celerylint.project.celery.settings_composition import SettingsComposer
    from celerylint.project.deploy.compose_merge import PlacedService
    from celerylint.project.deploy.deployment_facts import DeploymentFacts
    from celerylint.project.evaluate import Evaluator
    from celerylint.project.model import Project

_PROCESS_ORDER = ("worker", "beat")
MAX_NAMED_PLACES = 3


@dataclass(frozen=True)
class SettingsVariant:
    """One settings module (and django-configurations class) and who runs with it.

    ``places`` names the Celery processes that run with it ("worker in
    docker-compose.prod.yml") and the app module that sets it as the default; a
    module only ``manage.py`` or ``wsgi.py`` sets is named by that place."""

    module: str
    configuration: str  # "" when the module is not a django-configurations module
    places: tuple[str, ...]
    deployment_groups: frozenset[str] = frozenset()  # names of the groups that run with it

    @property
    def target(self) -> tuple[str, str]:
        return self.module, self.configuration

    @property
    def name(self) -> str:
        configuration = f" with {CONFIGURATION_VARIABLE}={self.configuration}" \
            if self.configuration else ""
        return f"{SETTINGS_VARIABLE}={self.module}{configuration}"

    @property
    def label(self) -> str:
        return f"{self.name} ({'; '.join(self.places)})" if self.places else self.name

    @property
    def brief_label(self) -> str:
        """``label`` with at most ``MAX_NAMED_PLACES`` places, for finding messages."""
        if len(self.places) <= MAX_NAMED_PLACES:
            return self.label
        named = "; ".join(self.places[:MAX_NAMED_PLACES])
        return f"{self.name} ({named}; and {len(self.places) - MAX_NAMED_PLACES} more)"


@dataclass(frozen=True)
class SettingsVariants:
    variants: tuple[SettingsVariant, ...]  # the app's own choice first
    notes: tuple[str, ...]  # for --verbose

    @property
    def primary(self) -> SettingsVariant | None:
        return self.variants[0] if self.variants else None


@dataclass(frozen=True)
class _ProcessSetting:
    group: str  # the deployment group's name
    kind: str  # worker or beat
    value: str | None  # None: the process does not set DJANGO_SETTINGS_MODULE
    configuration: str | None = None  # its DJANGO_CONFIGURATION, if it sets one


def find_settings_variants(project: Project, evaluator: Evaluator, composer: SettingsComposer,
                           deployments: Iterable[DeploymentFacts],
                           app_modules: Collection[str]) -> SettingsVariants:
    """The settings modules Celery processes run with, the app's own choice first."""
    deployments = list(deployments)
    found = [s for s in environment_settings(project, evaluator, deployments, SETTINGS_VARIABLE,
                                             app_modules) if project.has_module(s.value)]
    processes = [p for p in _process_settings(project)
                 if p.value is None or project.has_module(p.value)]
    choice = choose(found, {s.value for s in found})
    values = _candidates(found, processes, choice.value)
    notes: list[str] = []
    variants: list[SettingsVariant] = []
    for value in values:
        module = project.canonical_module_name(value)
        default = _configuration(project, evaluator, composer, deployments, app_modules,
                                 module, notes)
        runners = [p for p in processes if p.value == value or (
            p.value is None and value == values[0])]  # setting nothing: the app's choice
        by_configuration: dict[str | None, list[_ProcessSetting]] = {default: []}
        classes = composer.configuration_classes(module)
        for runner in runners:
            chosen = runner.configuration if runner.configuration in classes else default
            by_configuration.setdefault(chosen, []).append(runner)
        variants.extend(
            SettingsVariant(module, configuration,
                            _places(value, found if configuration == default else [], running),
                            frozenset(p.group for p in running))
            for configuration, running in by_configuration.items() if configuration is not None)
    if len(variants) > 1:
        notes.insert(0, _several_note(variants))
    elif variants and (note := choice.note()):
        notes.insert(0, note)
    return SettingsVariants(tuple(variants), tuple(notes))


def _candidates(found: list[EnvironmentSetting], processes: list[_ProcessSetting],
                chosen: str | None) -> list[str]:
    """The values to analyse: the app's choice, the app modules' defaults and what each
    worker and beat sets; manage.py, wsgi.py and the like only when none of those exist."""
    values = list(dict.fromkeys([
        *([chosen] if chosen else []),
        *(s.value for s in found if s.tier is Tier.APP_MODULE),
        *sorted({p.value for p in processes if p.value}),
    ]))
    return values or list(dict.fromkeys(s.value for s in found))


def _configuration(project: Project, evaluator: Evaluator, composer: SettingsComposer,
                   deployments: list[DeploymentFacts], app_modules: Collection[str],
                   module: str, notes: list[str]) -> str | None:
    """The django-configurations class of ``module`` ("" when it has none); None when
    several are defined and ``DJANGO_CONFIGURATION`` does not say which."""
    classes = composer.configuration_classes(module)
    if not classes:
        return ""
    named = environment_settings(project, evaluator, deployments, CONFIGURATION_VARIABLE,
                                 app_modules)
    configuration = choose(named, classes)
    note = configuration.note()
    if note and note not in notes:
        notes.append(note)
    if configuration.value is None and len(classes) == 1:
        return classes[0]
    return configuration.value


def _places(value: str, found: list[EnvironmentSetting],
            runners: list[_ProcessSetting]) -> tuple[str, ...]:
    """``the default in proj/celery.py:6``, ``worker, beat in docker-compose.yml``, or,
    when no Celery process is known to use it, where it is set."""
    places = [f"the default in {s.where}" for s in found
              if s.value == value and s.tier is Tier.APP_MODULE]
    kinds: dict[str, set[str]] = {}
    for runner in runners:
        kinds.setdefault(runner.group, set()).add(runner.kind)
    for group in sorted(kinds):
        listed = ", ".join(k for k in _PROCESS_ORDER if k in kinds[group])
        places.append(f"{listed} in {group}")
    if not places:
        places = [f"set at {s.where}" for s in found if s.value == value]
    return tuple(dict.fromkeys(places))


def _several_note(variants: list[SettingsVariant]) -> str:
    listed = "; ".join(v.label for v in variants)
    return (f"{SETTINGS_VARIABLE}: Celery processes can run with {len(variants)} settings "
            f"modules, and each is analysed: {listed}. A finding that holds under only "
            f"some of them names them; the inventory and diagrams show {variants[0].module}.")


# -- the value each Celery process runs with -----------------------------------------------
def _process_settings(project: Project) -> list[_ProcessSetting]:
    """Every worker and beat process of every deployment, with the values it sets (a
    script a compose service runs has that service's environment)."""
    from celerylint.project.deploy.deployment_groups import deployment_groups, script_starters
    from celerylint.project.deploy.worker_command import ProcessKind

    environment = _ServiceEnvironment(project, frozenset(project.files))
    found: list[_ProcessSetting] = []
    for group in deployment_groups(project):
        starters = script_starters(group)
        for placed, command in group.commands(ProcessKind.WORKER, ProcessKind.BEAT):
            sources = [placed, *([starters[placed.facts.path]]
                                 if placed.facts.path in starters else [])]
            found.append(_ProcessSetting(
                group.name, command.kind.value, environment.value(sources, SETTINGS_VARIABLE),
                environment.value(sources, CONFIGURATION_VARIABLE)))
    return list(dict.fromkeys(found))


@dataclass
class _ServiceEnvironment:
    """What services set in their environment, each env file parsed once."""

    project: Project
    files: frozenset[str]
    env_files: dict[str, EnvFile | None] = field(default_factory=dict)

    def value(self, sources: list[PlacedService], variable: str) -> str | None:
        """The value of the first service (the process's own, then the one that runs
        its script) that sets ``variable``; None when none does."""
        for placed in sources:
            value = self._service_value(placed, variable)
            if value is not None:
                return value
        return None

    def _service_value(self, placed: PlacedService, variable: str) -> str | None:
        """Its ``environment:``, else its env files (later ones win, as compose reads them)."""
        service = placed.service
        for key, value, _line in reversed(service.environment):
            if key == variable:
                return value or None
        base = posixpath.dirname(placed.facts.path)
        for written, _line in reversed((*service.env_files, *service.optional_env_files)):
            env_file = self._env_file(posixpath.normpath(posixpath.join(base, written)))
            entry = env_file.entry(variable) if env_file is not None else None
            if entry is not None and entry.value:
                return entry.value
        return None

    def _env_file(self, path: str) -> EnvFile | None:
        if path not in self.env_files:
            data = self.project.read_bytes(path) if path in self.files else None
            self.env_files[path] = parse_env_file(path, data) if data is not None else None
        return self.env_files[path]
