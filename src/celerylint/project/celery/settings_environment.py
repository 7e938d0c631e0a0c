"""Which settings module (and django-configurations class) a Celery process loads.

``DJANGO_SETTINGS_MODULE`` and ``DJANGO_CONFIGURATION`` are set in several
places at once: ``os.environ.setdefault`` in the Celery app module, in
``manage.py``, ``wsgi.py`` and ``asgi.py``, a compose service's
``environment:`` and its env files. The process that runs the Celery app sees
the value its own environment or its app module sets, so that one is preferred
(``settings_variants`` analyses the others a Celery process can run with too).
"""

from __future__ import annotations

import enum
import posixpath
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.project.celery.celery_apps import literal_str
from celerylint.project.environment.envfiles import is_env_file_candidate, parse_env_file
from celerylint.project.evaluate import Evaluator

if TYPE_CHECKING:
    from celerylint.project.deploy.deployment_facts import DeploymentFacts
    from celerylint.project.model import Project

SETTINGS_VARIABLE = "DJANGO_SETTINGS_MODULE"
CONFIGURATION_VARIABLE = "DJANGO_CONFIGURATION"


class Tier(int, enum.Enum):
    """How close a place that sets the variable is to the Celery process; lower wins."""

    APP_MODULE = 0  # the module that builds or configures the Celery app
    CELERY_SERVICE = 1  # environment/env files of a service that runs celery
    OTHER = 2  # manage.py, wsgi.py, asgi.py, other services and env files


@dataclass(frozen=True)
class EnvironmentSetting:
    variable: str
    value: str
    path: str
    line: int
    tier: Tier

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Choice:
    """The value analysed, and where the other values are set."""

    value: str | None
    chosen: tuple[EnvironmentSetting, ...]
    others: tuple[EnvironmentSetting, ...]

    def note(self) -> str | None:
        if self.value is None and len({s.value for s in self.others}) > 1:
            values = "; ".join(f"{s.value!r} at {s.where}" for s in self.others)
            return (f"{self.others[0].variable} is set to different values equally close to "
                    f"the Celery app ({values}); the settings it names are not analysed. "
                    "Set it in the Celery app module to say which one the worker uses.")
        if self.value is None or not self.others:
            return None
        where = ", ".join(s.where for s in self.chosen)
        others = "; ".join(f"{s.value!r} at {s.where}" for s in self.others)
        variable = self.chosen[0].variable
        return (f"{variable}: findings on settings are for {self.value!r} (set at {where}, "
                f"the Celery app's own environment); also set: {others}.")


def environment_settings(project: Project, evaluator: Evaluator,
                         deployments: Iterable[DeploymentFacts], variable: str,
                         app_modules: Collection[str]) -> list[EnvironmentSetting]:
    """Every place in the project that gives ``variable`` a static value."""
    found = list(_setdefaults(project, evaluator, variable, app_modules))
    found.extend(_deployment_values(project, deployments, variable))
    return sorted(set(found), key=lambda s: (s.tier, s.path, s.line))


def choose(settings: list[EnvironmentSetting], accept: Collection[str] | None = None) -> Choice:
    """The value of the closest tier that agrees on one value (restricted to ``accept``)."""
    usable = [s for s in settings if accept is None or s.value in accept]
    for tier in Tier:
        values = {s.value for s in usable if s.tier is tier}
        if len(values) == 1:
            value = values.pop()
            chosen = tuple(s for s in usable if s.value == value)
            return Choice(value, chosen, tuple(s for s in usable if s.value != value))
        if len(values) > 1:
            return Choice(None, (), tuple(usable))
    return Choice(None, (), ())


def _setdefaults(project: Project, evaluator: Evaluator, variable: str,
                 app_modules: Collection[str]) -> Iterable[EnvironmentSetting]:
    for facts in project.python_facts():
        for call in facts.calls:
            if not call.func.endswith("setdefault") or len(call.call.args) < 2:
                continue
            if literal_str(evaluator, call.call.args[0], facts.module) != variable:
                continue
            value = literal_str(evaluator, call.call.args[1], facts.module)
            if isinstance(value, str):
                tier = Tier.APP_MODULE if facts.module in app_modules else Tier.OTHER
                yield EnvironmentSetting(variable, value, facts.path, call.span.line, tier)


def _deployment_values(project: Project, deployments: Iterable[DeploymentFacts],
                       variable: str) -> Iterable[EnvironmentSetting]:
    referenced: dict[str, Tier] = {}
    for deployment in deployments:
        base = posixpath.dirname(deployment.path)
        for service in deployment.services:
            tier = Tier.CELERY_SERVICE if service.commands else Tier.OTHER
            for key, value, line in service.environment:
                if key == variable and value:
                    yield EnvironmentSetting(variable, value, deployment.path, line, tier)
            for written, _line in service.env_files:
                path = posixpath.normpath(posixpath.join(base, written))
                referenced[path] = min(referenced.get(path, Tier.OTHER), tier)
    files = set(project.files)
    for path in sorted({*referenced, *(f for f in files if is_env_file_candidate(f))}):
        data = project.read_bytes(path) if path in files else None
        env_file = parse_env_file(path, data) if data is not None else None
        entry = env_file.entry(variable) if env_file and not env_file.is_example else None
        if entry is not None and entry.value:
            yield EnvironmentSetting(variable, entry.value, path, entry.line,
                                     referenced.get(path, Tier.OTHER))
