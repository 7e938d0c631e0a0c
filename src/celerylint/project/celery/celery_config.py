"""Every configured setting of every app, with its source, and autodiscovery calls.

Sources, lowest precedence first: the ``config_from_object`` module or class
(Django settings with their namespace), then ``conf.update`` / ``conf.x = ...``
in file order, then ``Celery(broker=..., backend=..., include=...)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from celerylint.project.celery.celery_apps import (
    AppFinder,
    Autodiscovery,
    ConfigObject,
    SettingEntry,
    SourceKind,
    app_receiver,
    literal_str,
    settings_from_assignment,
    settings_from_call,
    settings_from_constructor,
)
from celerylint.project.evaluate import UNKNOWN, Evaluator, plain
from celerylint.project.symbols import SymbolKind, SymbolTable
from celerylint.source.facts import CallFact, Lambda, ModuleFacts, NameRef

if TYPE_CHECKING:
    from celerylint.project.model import Project

DJANGO_SETTINGS_OBJECTS = {"django.conf:settings", "django.conf.settings"}
MAX_STAR_DEPTH = 6


@dataclass
class AppConfiguration:
    app_id: str
    entries: list[SettingEntry] = field(default_factory=list)
    objects: list[ConfigObject] = field(default_factory=list)
    autodiscoveries: list[Autodiscovery] = field(default_factory=list)
    calls: list[tuple[ModuleFacts, CallFact]] = field(default_factory=list)  # app.<method>(...)


class ConfigCollector:
    def __init__(self, project: "Project", symbols: SymbolTable, evaluator: Evaluator,
                 apps: AppFinder) -> None:
        self.project, self.symbols, self.evaluator, self.apps = project, symbols, evaluator, apps
        self.configs: dict[str, AppConfiguration] = {a: AppConfiguration(a) for a in apps.apps}
        self.django_settings_modules = self._django_settings_modules()
        for facts in project.python_facts():
            if facts.module and facts.parse_failure is None and self.configs:
                self._scan(facts)
        for app in apps.apps.values():
            self.configs[app.id].entries.extend(settings_from_constructor(app))

    # -- Django ------------------------------------------------------------------------
    def _django_settings_modules(self) -> list[str]:
        """Modules named by ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)``."""
        found: list[str] = []
        for facts in self.project.python_facts():
            for call in facts.calls:
                if not call.func.endswith("setdefault") or len(call.call.args) < 2:
                    continue
                key = literal_str(self.evaluator, call.call.args[0], facts.module)
                if key != "DJANGO_SETTINGS_MODULE":
                    continue
                module = literal_str(self.evaluator, call.call.args[1], facts.module)
                if isinstance(module, str) and self.project.has_module(module):
                    found.append(self.project.canonical_module_name(module))
        return sorted(set(found))

    # -- scanning ----------------------------------------------------------------------
    def _scan(self, facts: ModuleFacts) -> None:
        for call in facts.calls:
            head, _, method = call.func.rpartition(".")
            if not head:
                continue
            receiver = app_receiver(call.func, "conf.update")
            if receiver:
                app_id = self.apps.app_for_expression(facts.module, receiver, call.function)
                if app_id:
                    self.configs[app_id].entries.extend(settings_from_call(app_id, facts, call))
                continue
            app_id = self.apps.app_for_expression(facts.module, head, call.function)
            if app_id is None:
                continue
            self.configs[app_id].calls.append((facts, call))
            if method == "config_from_object":
                self._config_object(app_id, facts, call)
            elif method == "autodiscover_tasks":
                self.configs[app_id].autodiscoveries.append(self._autodiscovery(app_id, facts, call))
        for assignment in facts.assignments:
            if ".conf" not in assignment.target:
                continue
            receiver = assignment.target.split(".conf")[0]
            app_id = self.apps.app_for_expression(facts.module, receiver, assignment.function)
            if app_id:
                entry = settings_from_assignment(app_id, facts, assignment, receiver)
                if entry:
                    self.configs[app_id].entries.append(entry)

    def _config_object(self, app_id: str, facts: ModuleFacts, call: CallFact) -> None:
        args = call.call.args
        target_value = args[0] if args else call.call.keyword("obj")
        namespace_value = call.call.keyword("namespace")
        namespace = literal_str(self.evaluator, namespace_value, facts.module) \
            if namespace_value is not None else None
        if namespace is UNKNOWN:
            namespace = None
        target, is_django = self._object_target(target_value, facts)
        config = ConfigObject(app_id, target or "", namespace, facts.path, call.span, is_django)
        self.configs[app_id].objects.append(config)
        if target:
            self.configs[app_id].entries[:0] = list(self._object_entries(config))

    def _object_target(self, value: Any, facts: ModuleFacts) -> tuple[str | None, bool]:
        text = literal_str(self.evaluator, value, facts.module)
        if isinstance(text, str):
            if text in DJANGO_SETTINGS_OBJECTS:
                modules = self.django_settings_modules
                return (modules[0] if len(modules) == 1 else None), True
            return text, False
        if isinstance(value, NameRef):
            symbol = self.symbols.resolve(facts.module, value.dotted)
            if symbol.kind is SymbolKind.MODULE:
                return symbol.module, False
            if symbol.kind is SymbolKind.CLASS and not symbol.attribute:
                return f"{symbol.module}:{symbol.name}", False
            if symbol.kind is SymbolKind.EXTERNAL and symbol.qualified == "django.conf.settings":
                modules = self.django_settings_modules
                return (modules[0] if len(modules) == 1 else None), True
        return None, False

    def _object_entries(self, config: ConfigObject) -> Iterator[SettingEntry]:
        module, _, class_name = config.target.partition(":")
        module = self.project.canonical_module_name(module)
        if not class_name and "." in module and not self.project.has_module(module):
            parent, _, attr = module.rpartition(".")
            if self.project.has_module(parent):
                module, class_name = parent, attr
        for facts in self._with_star_imports(module):
            for assignment in facts.assignments:
                if assignment.function or assignment.key is not None or assignment.augmented:
                    continue
                if assignment.scope != class_name or "." in assignment.target:
                    continue
                if not class_name and assignment.target.startswith("_"):
                    continue
                yield SettingEntry(config.app_id, assignment.target, assignment.value,
                                   facts.module, facts.path, assignment.span, SourceKind.OBJECT,
                                   config.namespace, assignment.conditional, config.target,
                                   key_span=assignment.span, django=config.is_django,
                                   source_id=f"object@{facts.path}:{class_name}")

    def _with_star_imports(self, module: str, depth: int = 0) -> list[ModuleFacts]:
        """A settings module and, before it, what it star-imports (``from .base import *``)."""
        facts = self.project.module(module)
        if facts is None or depth > MAX_STAR_DEPTH:
            return []
        result: list[ModuleFacts] = []
        for fact in facts.imports:
            if fact.name == "*":
                result.extend(self._with_star_imports(
                    self.project.canonical_module_name(fact.module), depth + 1))
        result.append(facts)
        return result

    # -- autodiscovery -----------------------------------------------------------------
    def _autodiscovery(self, app_id: str, facts: ModuleFacts, call: CallFact) -> Autodiscovery:
        args = call.call.args
        packages_value = args[0] if args else call.call.keyword("packages")
        related_value = args[1] if len(args) > 1 else call.call.keyword("related_name")
        related: str | None = "tasks"
        if related_value is not None:
            text = plain(self.evaluator.evaluate(related_value, facts.module))
            related = text if isinstance(text, str) else None
        if packages_value is None:
            packages = self.installed_apps()
            return Autodiscovery(app_id, packages, related, facts.path, call.span, True)
        if isinstance(packages_value, Lambda):
            packages_value = packages_value.body
        if isinstance(packages_value, NameRef) and packages_value.dotted.endswith("INSTALLED_APPS"):
            return Autodiscovery(app_id, self.installed_apps(), related, facts.path, call.span, True)
        evaluated = plain(self.evaluator.evaluate(packages_value, facts.module))
        packages = tuple(evaluated) if isinstance(evaluated, (list, tuple)) and all(
            isinstance(p, str) for p in evaluated) else None
        return Autodiscovery(app_id, packages, related, facts.path, call.span)

    def installed_apps(self) -> tuple[str, ...] | None:
        if len(self.django_settings_modules) != 1:
            return None
        module = self.django_settings_modules[0]
        chain = self._with_star_imports(module)
        if any(a.target == "INSTALLED_APPS" and (a.augmented or a.conditional or a.key)
               for facts in chain for a in facts.assignments):
            return None  # extended conditionally or in place: the full list is unknowable
        for facts in reversed(chain):
            value = self.evaluator.assignment_value(facts.module, "INSTALLED_APPS")
            value = plain(value)
            if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                return tuple(_app_package(v) for v in value)
            if value is not UNKNOWN:
                return None
        return None


def _app_package(entry: str) -> str:
    """``shop.apps.ShopConfig`` -> ``shop``: Django app configs live in ``<package>.apps``."""
    parts = entry.split(".")
    if len(parts) >= 3 and parts[-1][:1].isupper() and parts[-2] == "apps":
        return ".".join(parts[:-2])
    if len(parts) >= 2 and parts[-1][:1].isupper():
        return ".".join(parts[:-1])
    return entry
