"""CEL307: a module a worker is told to import at start-up does not exist."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.beat import follow
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.evaluate import plain
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.suggestions import did_you_mean
from celerylint.source.facts import SequenceValue, Span

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.model import Project


@dataclass(frozen=True)
class NamedModule:
    """One module name a worker imports eagerly, where it is written."""

    module: str
    how: str  # "include=", "imports", "autodiscover_tasks()"
    app_id: str
    path: str
    span: Span


def setting_modules(model: "CeleryModel", app_id: str) -> Iterator[NamedModule]:
    """Each name in the effective ``include``/``imports`` (``CELERY_IMPORTS``), a tuple,
    list or lone string, with the position of that very name."""
    settings = model.settings[app_id]
    for setting in ("include", "imports"):
        entry = settings.entry(setting)
        if entry is None or entry.conditional:
            continue
        value, module = follow(entry.value, entry.module, model.symbols)
        items = value.items if isinstance(value, SequenceValue) else (value,)
        for item in items:
            name = plain(model.evaluator.evaluate(item, module))
            if isinstance(name, str):
                span = item.span if item.span.line else entry.span
                path = entry.path if module == entry.module else _path_of(model, module)
                yield NamedModule(name, setting, app_id, path, span)


def autodiscovered_packages(model: "CeleryModel", app_id: str) -> Iterator[NamedModule]:
    """Packages given to ``autodiscover_tasks`` explicitly, by a lambda or a list."""
    for discovery in model.configs[app_id].autodiscoveries:
        if discovery.from_django_settings:
            continue  # INSTALLED_APPS entries are checked by Django itself at start-up
        for package in discovery.packages or ():
            yield NamedModule(package, "autodiscover_tasks()", app_id, discovery.path,
                              discovery.span)


def _path_of(model: "CeleryModel", module: str) -> str:
    facts = model.project.module(module)
    return facts.path if facts is not None else ""


class MissingWorkerModule(ProjectRule):
    code = "CEL307"
    inputs = WHOLE_PROJECT
    name = "missing-worker-module"
    severity = Severity.ERROR
    summary = ("include=, imports or autodiscover_tasks() names a project module that does "
               "not exist, so the worker fails at start-up.")

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        known = sorted(project.modules)
        seen: set[tuple[str, int, str]] = set()
        for app_id in sorted(model.apps):
            for named in (*setting_modules(model, app_id), *autodiscovered_packages(model, app_id)):
                key = (named.path, named.span.line, named.module)
                if key in seen or not named.path or not project.is_first_party(named.module) \
                        or project.module_exists(named.module):
                    continue
                seen.add(key)
                yield self._finding(named, known)

    def _finding(self, named: NamedModule, known: list[str]) -> Finding:
        if named.how == "autodiscover_tasks()":
            consequence = ("the worker imports it when it starts and exits with "
                           "ModuleNotFoundError (or, for a dotted name, silently registers "
                           "none of its tasks)")
        else:
            consequence = ("every worker of this app imports it eagerly at start-up and exits "
                           f"with \"ModuleNotFoundError: No module named '{named.module}'\"")
        hint = did_you_mean(named.module, known) or "."
        return self.finding(
            named.path, named.span,
            f"Module '{named.module}' named by {named.how} of app {named.app_id} does not "
            f"exist in the project{hint} {consequence[0].upper()}{consequence[1:]}.",
            fix_hint="Fix the module name, restore the module, or remove it from the list.",
            subjects=(named.module,),
        )
