"""Celery apps and where their configuration comes from.

Finds ``Celery(...)`` constructions (module level, class attributes, factories),
and the calls and assignments that configure them: ``config_from_object``,
``conf.update``, ``conf.x = ...``, ``conf["x"] = ...``, ``autodiscover_tasks``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celerylint.project.evaluate import UNKNOWN, Evaluator, plain
from celerylint.project.symbols import SymbolKind, SymbolTable
from celerylint.source.facts import (
    AssignmentFact,
    CallFact,
    CallValue,
    Const,
    DictValue,
    ModuleFacts,
    NameRef,
    Span,
    Value,
)

if TYPE_CHECKING:
    from celerylint.project.model import Project

CELERY_CLASSES = {"celery.Celery", "celery.app.Celery", "celery.app.base.Celery"}
CONSTRUCTOR_SETTINGS = {"broker": "broker_url", "backend": "result_backend", "include": "include"}


class SourceKind(str, enum.Enum):
    OBJECT = "config_from_object"
    UPDATE = "conf.update"
    ATTRIBUTE = "conf attribute"
    ITEM = "conf item"
    CONSTRUCTOR = "Celery() argument"


@dataclass(frozen=True)
class CeleryApp:
    id: str  # "proj.celery:app", "proj.factory:create_app()"
    module: str
    path: str
    span: Span
    call: CallValue
    factory: str = ""  # function qualname when built inside a function

    @property
    def name(self) -> str:
        return self.id.split(":", 1)[1]


@dataclass(frozen=True)
class SettingEntry:
    """One configured key, as written, with where its value is evaluated."""

    app_id: str
    key: str
    value: Value
    module: str
    path: str
    span: Span
    source: SourceKind
    namespace: str | None = None
    conditional: bool = False
    source_module: str = ""  # the config module/class this came from (for OBJECT)
    key_span: Span | None = None  # where the key itself is written, when apart from ``span``
    django: bool = False  # read through django.conf:settings (UPPERCASE names only)
    source_id: str = ""  # groups entries of one statement/module, e.g. "update@path:12"


@dataclass(frozen=True)
class ConfigObject:
    app_id: str
    target: str  # module, "module:Class", or "" when unknown
    namespace: str | None
    path: str
    span: Span
    is_django: bool = False


@dataclass(frozen=True)
class Autodiscovery:
    app_id: str
    packages: tuple[str, ...] | None  # None: unknown (stay silent)
    related_name: str | None  # None: unknown; default "tasks"
    path: str
    span: Span
    from_django_settings: bool = False


def app_receiver(func: str, suffix: str) -> str | None:
    """``app.conf.update`` with suffix ``conf.update`` -> ``app``."""
    if func.endswith("." + suffix):
        return func[: -len(suffix) - 1]
    return None


class AppFinder:
    """Locates apps and answers which app an expression in a module denotes."""

    def __init__(self, project: "Project", symbols: SymbolTable, evaluator: Evaluator) -> None:
        self.project, self.symbols, self.evaluator = project, symbols, evaluator
        self.apps: dict[str, CeleryApp] = {}
        self._by_assignment: dict[tuple[str, str], str] = {}
        self._by_factory: dict[tuple[str, str], str] = {}
        for facts in project.python_facts():
            if facts.module and facts.parse_failure is None:
                self._collect(facts)

    def _is_celery_call(self, call: CallValue, module: str) -> bool:
        qualified = self.evaluator.qualified_callee(call.func, module)
        if qualified in CELERY_CLASSES:
            return True
        symbol = self.symbols.resolve(module, call.func) if call.func else None
        if symbol is not None and symbol.kind is SymbolKind.CLASS:
            cls = next((c for c in self.project.module(symbol.module).classes  # type: ignore[union-attr]
                        if c.name == symbol.name), None)
            return cls is not None and any(
                self.evaluator.qualified_callee(b, symbol.module) in CELERY_CLASSES
                for b in cls.bases)
        return False

    def _collect(self, facts: ModuleFacts) -> None:
        if "Celery" not in facts.defined_names and not any(
                "Celery" in (c.func or "") for c in facts.calls):
            return
        for assignment in facts.assignments:
            value = assignment.value
            if isinstance(value, CallValue) and self._is_celery_call(value, facts.module):
                name = f"{assignment.scope}.{assignment.target}" if assignment.scope \
                    else assignment.target
                if assignment.function:
                    continue
                app_id = f"{facts.module}:{name}"
                self.apps[app_id] = CeleryApp(app_id, facts.module, facts.path,
                                              assignment.span, value)
                self._by_assignment[(facts.module, name)] = app_id
        for call in facts.calls:
            if call.function and self._is_celery_call(call.call, facts.module):
                app_id = f"{facts.module}:{call.function}()"
                self.apps.setdefault(app_id, CeleryApp(app_id, facts.module, facts.path,
                                                       call.span, call.call, call.function))
                self._by_factory[(facts.module, call.function)] = app_id

    def app_for_expression(self, module: str, dotted: str, function: str = "") -> str | None:
        """The app id an expression such as ``app`` or ``proj.celery.app`` denotes."""
        symbol = self.symbols.resolve(module, dotted)
        if symbol.kind is SymbolKind.ASSIGNMENT and not symbol.attribute:
            found = self._by_assignment.get((symbol.module, symbol.name))
            if found:
                return found
            return self._factory_result(symbol.module, symbol.name)
        if symbol.kind is SymbolKind.CLASS and symbol.attribute:
            return self._by_assignment.get((symbol.module, f"{symbol.name}.{symbol.attribute}"))
        if not symbol.known and function:
            # A local variable inside a factory function: ``app = Celery(); app.conf...``
            for depth in range(function.count(".<locals>.") + 1):
                scope = function.rsplit(".<locals>.", depth)[0]
                if (module, scope) in self._by_factory:
                    return self._by_factory[(module, scope)]
        return None

    def _factory_result(self, module: str, name: str) -> str | None:
        """``app = create_app()`` where ``create_app`` builds a Celery app."""
        binding = self.symbols.bindings(module).get(name)
        if not isinstance(binding, AssignmentFact) or not isinstance(binding.value, CallValue):
            return None
        symbol = self.symbols.resolve(module, binding.value.func)
        if symbol.kind is SymbolKind.FUNCTION:
            return self._by_factory.get((symbol.module, symbol.name))
        return None


def settings_from_call(app_id: str, facts: ModuleFacts, call: CallFact) -> Iterator[SettingEntry]:
    """``conf.update(key=value)`` and ``conf.update({"key": value})``."""
    kinds = SourceKind.UPDATE
    source_id = f"update@{facts.path}:{call.span.line}"
    for keyword in call.call.kwargs:
        yield SettingEntry(app_id, keyword.name, keyword.value, facts.module, facts.path,
                           keyword.span, kinds, None, call.conditional, key_span=keyword.span,
                           source_id=source_id)
    for arg in call.call.args[:1]:
        if isinstance(arg, DictValue):
            for item in arg.items:
                if isinstance(item.key, Const) and isinstance(item.key.value, str):
                    yield SettingEntry(app_id, item.key.value, item.value, facts.module,
                                       facts.path, item.span, kinds, None, call.conditional,
                                       key_span=item.key.span, source_id=source_id)


def settings_from_constructor(app: CeleryApp) -> Iterator[SettingEntry]:
    for keyword in app.call.kwargs:
        if keyword.name in CONSTRUCTOR_SETTINGS:
            yield SettingEntry(app.id, CONSTRUCTOR_SETTINGS[keyword.name], keyword.value,
                               app.module, app.path, keyword.value.span, SourceKind.CONSTRUCTOR,
                               source_id=f"constructor@{app.path}:{app.span.line}")


def settings_from_assignment(app_id: str, facts: ModuleFacts,
                             assignment: AssignmentFact, receiver: str) -> SettingEntry | None:
    """``app.conf.x = v`` and ``app.conf["x"] = v``."""
    if assignment.key is not None:
        if assignment.target != f"{receiver}.conf" or not isinstance(assignment.key, Const):
            return None
        key = assignment.key.value
        kind = SourceKind.ITEM
    else:
        prefix = f"{receiver}.conf."
        if not assignment.target.startswith(prefix):
            return None
        key = assignment.target[len(prefix):]
        kind = SourceKind.ATTRIBUTE
    if not isinstance(key, str) or "." in key:
        return None
    return SettingEntry(app_id, key, assignment.value, facts.module, facts.path, assignment.span,
                        kind, None, assignment.conditional,
                        source_id=f"conf@{facts.path}")


def literal_str(evaluator: Evaluator, value: Value | None, module: str) -> Any:
    """A string argument's static value, or UNKNOWN."""
    if value is None:
        return UNKNOWN
    result = plain(evaluator.evaluate(value, module))
    return result if isinstance(result, str) else UNKNOWN


def name_of(value: Value | None) -> str | None:
    return value.dotted if isinstance(value, NameRef) else None
