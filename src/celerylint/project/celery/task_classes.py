"""Class-based tasks: ``class SendReport(app.Task)`` and ``app.register_task(SendReport())``.

Since Celery 4 a ``Task`` subclass is registered only when the project registers
an instance (``app.register_task``, ``app.tasks.register``); its name is the
class's ``name`` attribute, or Celery's generated ``module.ClassName``. A task
class with its own literal ``name`` counts as defined even when its
registration is not visible (it may be registered by a loop or a plugin), so
that names that refer to it are never reported as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celerylint.project.celery.celery_apps import AppFinder
from celerylint.project.celery.celery_tasks import SHARED, TaskCollector, TaskDefinition
from celerylint.project.celery.settings_composition import SettingsComposer
from celerylint.project.evaluate import Evaluator, plain
from celerylint.project.symbols import Symbol, SymbolKind, SymbolTable
from celerylint.source.facts import CallValue, ClassFact, ModuleFacts, NameRef, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project

TASK_BASES = {"celery.Task", "celery.app.task.Task", "celery.app.Task", "celery.task.Task"}
REGISTER_METHODS = (".register_task", ".tasks.register")
MAX_DEPTH = 8


@dataclass(frozen=True)
class Registration:
    app_id: str
    module: str  # the module whose import runs the registration


class TaskClassCollector:
    """Task classes of the project, as TaskDefinitions the task rules already read."""

    def __init__(self, project: Project, symbols: SymbolTable, evaluator: Evaluator,
                 apps: AppFinder, functions: TaskCollector) -> None:
        self.project, self.symbols, self.evaluator = project, symbols, evaluator
        self.apps, self.functions = apps, functions
        self.composer = SettingsComposer(project, symbols, evaluator)
        self.registrations: dict[tuple[str, str], Registration] = {}
        for facts in project.python_facts():
            if facts.module and facts.parse_failure is None:
                self._collect_registrations(facts)

    def tasks(self) -> list[TaskDefinition]:
        found: list[TaskDefinition] = []
        for facts in self.project.python_facts():
            if not facts.module or facts.parse_failure is not None:
                continue
            named = {a.scope for a in facts.assignments
                     if a.target == "name" and a.scope and not a.function}
            for cls in facts.classes:
                task = self._task(facts, cls, cls.qualname in named)
                if task is not None:
                    found.append(task)
        return found

    # -- registration ------------------------------------------------------------------
    def _collect_registrations(self, facts: ModuleFacts) -> None:
        for call in facts.calls:
            method = next((m for m in REGISTER_METHODS if call.func.endswith(m)), None)
            if method is None or len(call.call.args) != 1:
                continue
            app_id = self.apps.app_for_expression(facts.module, call.func[:-len(method)],
                                                  call.function)
            symbol = self._class_of(call.call.args[0], facts.module)
            if app_id and symbol is not None:
                self.registrations.setdefault((symbol.module, symbol.name),
                                              Registration(app_id, facts.module))

    def _class_of(self, value: Any, module: str) -> Symbol | None:
        """``SendReport()`` or ``SendReport``: the project class it names."""
        dotted = value.func if isinstance(value, CallValue) else (
            value.dotted if isinstance(value, NameRef) else "")
        if not dotted:
            return None
        symbol = self.symbols.resolve(module, dotted)
        return symbol if symbol.kind is SymbolKind.CLASS and not symbol.attribute else None

    # -- classes ---------------------------------------------------------------------------
    def _task(self, facts: ModuleFacts, cls: ClassFact, own_name: bool) -> TaskDefinition | None:
        if not cls.is_module_level:
            return None
        registration = self.registrations.get((facts.module, cls.name))
        if registration is None and not own_name:
            return None
        app_id = self.task_app(facts.module, cls.name)
        if registration is None and app_id is None:
            return None
        attributes = self._attributes(facts.module, cls.name)
        if attributes.get("abstract") is True:
            return None
        if registration is not None:
            app_id = registration.app_id
        app = app_id if app_id is not None else SHARED
        explicit = attributes.get("name")
        if "name" in attributes and not isinstance(explicit, str):
            name = ""  # computed at run time
        elif isinstance(explicit, str):
            name = explicit
        else:
            name = self.functions._generated_name(app, cls.name, facts.module)
        run = next((f for f in facts.functions if f.qualname == f"{cls.qualname}.run"), None)
        options = {k: v for k, v in attributes.items() if k != "name"}
        options["bind"] = True  # ``run`` receives the task instance as ``self``
        return TaskDefinition(
            name=name, explicit_name=isinstance(explicit, str), function=cls.name,
            qualname=run.qualname if run else cls.qualname, module=facts.module,
            path=facts.path, span=cls.span, app_id=app, is_async=bool(run and run.is_async),
            parameters=run.parameters if run else (), options=options,
            option_spans=self._spans(facts, cls), registered_in=(
                registration.module if registration else ""),
            visibly_registered=registration is not None, signature_known=run is not None,
        )

    def task_app(self, module: str, class_name: str, depth: int = 0) -> str | None:
        """The app a class is a task of (``app.Task``), SHARED for ``celery.Task``,
        or None when it is not a task class."""
        facts = self.project.module(module)
        cls = next((c for c in facts.classes if c.qualname == class_name), None) if facts else None
        if cls is None or depth > MAX_DEPTH:
            return None
        for base in cls.bases:
            if base.endswith(".Task"):
                app_id = self.apps.app_for_expression(module, base[:-len(".Task")])
                if app_id:
                    return app_id
            symbol = self.symbols.resolve(module, base)
            if symbol.kind is SymbolKind.EXTERNAL and symbol.qualified in TASK_BASES:
                return SHARED
            if symbol.kind is SymbolKind.CLASS and not symbol.attribute:
                found = self.task_app(symbol.module, symbol.name, depth + 1)
                if found is not None:
                    return found
        return None

    def _composed(self, facts: ModuleFacts, cls: ClassFact) -> list[Any]:
        return self.composer.class_assignments(facts.module, cls.qualname)

    def _attributes(self, module: str, class_name: str) -> dict[str, Any]:
        """Class attributes along the bases (the class's own last), evaluated."""
        values: dict[str, Any] = {}
        for composed in self.composer.class_assignments(module, class_name):
            assignment = composed.assignment
            if assignment.key is None and not assignment.augmented:
                values[assignment.target] = plain(
                    self.evaluator.evaluate(assignment.value, composed.facts.module))
        return values

    def _spans(self, facts: ModuleFacts, cls: ClassFact) -> dict[str, Span]:
        return {c.assignment.target: c.assignment.span for c in self._composed(facts, cls)
                if c.facts.path == facts.path}
