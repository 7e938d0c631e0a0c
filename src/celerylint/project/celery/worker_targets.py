"""How ``celery -A target`` finds its app, as Celery's ``find_app`` does it.

A mixin of the Celery model: the lookups read the model's apps, symbols and app
finder, and stay apart from the registration closure they feed.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from celerylint.project.symbols import SymbolKind
from celerylint.source.facts import ImportFact

if TYPE_CHECKING:
    from celerylint.project.celery.celery_apps import AppFinder, CeleryApp
    from celerylint.project.model import Project
    from celerylint.project.symbols import SymbolTable

APP_ATTRIBUTES = ("app", "celery")  # what ``celery -A proj`` looks for, in Celery's order


class WorkerTargets:
    """``-A`` resolution over the model's apps (``CeleryModel`` provides the fields)."""

    if TYPE_CHECKING:
        project: Project
        symbols: SymbolTable
        apps: dict[str, CeleryApp]
        finder: AppFinder

    def _target_in_folder(self, target: str | None, path: str) -> str | None:
        """``-A target`` as written, or, when that names no module, as a process started
        in the folder of the file that gives it imports it (``celery -A worker`` in
        services/api/start.sh is services/api/worker.py)."""
        module = (target or "").partition(":")[0]
        if not module or self.project.has_module(self.project.canonical_module_name(module)):
            return target
        folder = posixpath.dirname(path).replace("/", ".")
        beside = f"{folder}.{module}" if folder else ""
        if beside and self.project.has_module(self.project.canonical_module_name(beside)):
            return f"{folder}.{target}"
        return target

    def app_for_target(self, target: str | None) -> str | None:
        """Resolve ``celery -A target`` as Celery's ``find_app`` does."""
        if not target:
            return None
        module, _, attribute = target.partition(":")
        candidates = [(module, attribute)] if attribute else [
            *((module, a) for a in APP_ATTRIBUTES),
            (f"{module}.celery", ""),
            (module.rpartition(".")[0], module.rpartition(".")[2]),
            (module, ""),
        ]
        for module_name, attr in candidates:
            module_name = self.project.canonical_module_name(module_name)
            if not module_name or self.project.module(module_name) is None:
                continue
            if attr:
                found = self._app_attribute(module_name, attr)
                if found:
                    return found
            else:
                found = self._app_among_globals(module_name)
                if found:
                    return found
        return None

    def _app_among_globals(self, module: str) -> str | None:
        """Celery's last resort for ``-A module``: a Celery instance among the module's
        globals, whether defined there or imported (``from proj.core import celery_app``).
        Only a single candidate is trusted: Celery would take the first of several."""
        defined = sorted(a for a, app in self.apps.items() if app.module == module
                         and not app.factory)
        if defined:
            return defined[0] if len(defined) == 1 else None
        imported = {self.finder.app_for_expression(module, name)
                    for name, binding in self.symbols.bindings(module).items()
                    if isinstance(binding, ImportFact)}
        imported.discard(None)
        return imported.pop() if len(imported) == 1 else None

    def _app_attribute(self, module: str, attribute: str) -> str | None:
        symbol = self.symbols.resolve(module, attribute)
        if symbol.kind is SymbolKind.ASSIGNMENT:
            for app_id, app in self.apps.items():
                if app.module == symbol.module and app.name == symbol.name:
                    return app_id
            # ``celery = make_celery(flask_app)``: a project factory that builds the app
            return self.finder.app_for_expression(module, attribute)
        return None

    def target_module(self, target: str | None) -> str | None:
        """The module ``celery -A target`` imports first."""
        if not target:
            return None
        module = target.partition(":")[0]
        while module and self.project.module(self.project.canonical_module_name(module)) is None:
            module = module.rpartition(".")[0]
        return self.project.canonical_module_name(module) if module else None
