"""Task definitions: decorated functions, ``app.task(fn)``, and custom decorators.

A custom decorator is a project function (or ``functools.partial``) whose body
applies ``app.task``/``shared_task``; it is followed up to two levels, with
its options merged under the call site's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from celerylint.project.celery.celery_apps import AppFinder
from celerylint.project.evaluate import UNKNOWN, Evaluator, plain
from celerylint.project.symbols import SymbolKind, SymbolTable
from celerylint.source.facts import (
    AssignmentFact,
    CallValue,
    FunctionFact,
    ModuleFacts,
    NameRef,
    Parameter,
    Span,
    Value,
)

if TYPE_CHECKING:
    from celerylint.project.model import Project

SHARED_TASK = {"celery.shared_task", "celery.app.shared_task", "celery.task",
               "celery.decorators.task", "celery.task.task", "celery.app.base.shared_task"}
PARTIAL = {"functools.partial"}
SHARED = "<shared>"  # app id of shared tasks: registered with every app
MAX_DECORATOR_DEPTH = 2


@dataclass(frozen=True)
class TaskDecorator:
    app_id: str  # an app id, or SHARED
    options: tuple[tuple[str, Value, str], ...]  # (option, value, module to evaluate it in)
    custom: str = ""  # qualified name of the custom decorator, when one was followed


@dataclass(frozen=True)
class TaskDefinition:
    name: str  # registered name; "" when it cannot be known
    explicit_name: bool
    function: str  # function name
    qualname: str
    module: str
    path: str
    span: Span
    app_id: str
    is_async: bool
    parameters: tuple[Parameter, ...]
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    option_spans: dict[str, Span] = field(default_factory=dict, hash=False, compare=False)
    custom_decorator: str = ""
    # For a task class registered by ``app.register_task``: the module whose import
    # registers it (the class may be defined elsewhere).
    registered_in: str = ""
    # False for a task class whose registration celerylint cannot see (Celery 4+ does
    # not register Task subclasses by itself): its name is known, its registration not.
    visibly_registered: bool = True
    # False for a task class that defines no ``run`` of its own: its signature is that of a
    # ``run`` inherited from a base class (or none, for an abstract base), not ``()``.
    signature_known: bool = True

    @property
    def bind(self) -> bool:
        return self.options.get("bind") is True

    @property
    def shared(self) -> bool:
        """``@shared_task`` and ``@app.task`` register on every app finalized after the
        module is imported; only an explicit ``shared=False`` keeps a task to its app."""
        return self.app_id == SHARED or self.options.get("shared", True) is not False

    @property
    def registering_module(self) -> str:
        """The module whose import registers the task."""
        return self.registered_in or self.module

    @property
    def key(self) -> tuple[str, str]:
        return (self.module, self.qualname)


class TaskCollector:
    def __init__(self, project: "Project", symbols: SymbolTable, evaluator: Evaluator,
                 apps: AppFinder) -> None:
        self.project, self.symbols, self.evaluator, self.apps = project, symbols, evaluator, apps
        self.tasks: list[TaskDefinition] = []
        self.by_function: dict[tuple[str, str], TaskDefinition] = {}
        for facts in project.python_facts():
            if facts.module and facts.parse_failure is None:
                self._collect(facts)

    def _collect(self, facts: ModuleFacts) -> None:
        functions = {f.qualname: f for f in facts.functions}
        for function in facts.functions:
            for decorator in function.decorators:
                found = self.decorator_kind(decorator, facts.module, function.qualname)
                if found is not None:
                    self._add(facts, function, found)
                    break
        for call in facts.calls:  # ``task = app.task(fn)`` call form
            if call.func.endswith(".task") and len(call.call.args) == 1 and not call.call.kwargs:
                target = call.call.args[0]
                if isinstance(target, NameRef) and target.dotted in functions:
                    app_id = self.apps.app_for_expression(facts.module, call.func[:-5],
                                                          call.function)
                    if app_id:
                        self._add(facts, functions[target.dotted], TaskDecorator(app_id, ()))

    def decorator_kind(self, decorator: Value, module: str, function: str = "",
                       depth: int = 0) -> TaskDecorator | None:
        """Whether a decorator expression registers a task, and with which app and options."""
        if depth > MAX_DECORATOR_DEPTH:
            return None
        call = decorator if isinstance(decorator, CallValue) else None
        callee = call.func if call else (decorator.dotted if isinstance(decorator, NameRef) else "")
        if not callee:
            return None
        options = tuple((k.name, k.value, module) for k in call.kwargs) if call else ()
        if callee.endswith(".task"):
            app_id = self.apps.app_for_expression(module, callee[:-5], function)
            if app_id:
                return TaskDecorator(app_id, options)
        symbol = self.symbols.resolve(module, callee)
        if symbol.kind is SymbolKind.EXTERNAL and symbol.qualified in SHARED_TASK:
            return TaskDecorator(SHARED, options)
        if symbol.kind is SymbolKind.FUNCTION and not symbol.attribute:
            inner = self._custom_decorator(symbol.module, symbol.name, depth)
            if inner is not None:
                return TaskDecorator(inner.app_id, inner.options + options, symbol.qualified)
        if symbol.kind is SymbolKind.ASSIGNMENT and not symbol.attribute:
            inner = self._partial_decorator(symbol.module, symbol.name, depth)
            if inner is not None:
                return TaskDecorator(inner.app_id, inner.options + options, symbol.qualified)
        return None

    def _custom_decorator(self, module: str, name: str, depth: int) -> TaskDecorator | None:
        """A project function whose body applies a task decorator (``return app.task(...)(fn)``)."""
        facts = self.project.module(module)
        if facts is None:
            return None
        prefix = name + ".<locals>"
        for call in facts.calls:
            if call.function != name and not call.function.startswith(prefix):
                continue
            inner = call.receiver_call if call.func.endswith("()") and call.receiver_call else call.call
            for candidate in (call.call, inner):
                found = self.decorator_kind(candidate, module, call.function, depth + 1)
                if found is not None:
                    return found
        for function in facts.functions:  # a nested def decorated with the task decorator
            if function.qualname.startswith(prefix):
                for decorator in function.decorators:
                    found = self.decorator_kind(decorator, module, function.qualname, depth + 1)
                    if found is not None:
                        return found
        return None

    def _partial_decorator(self, module: str, name: str, depth: int) -> TaskDecorator | None:
        binding = self.symbols.bindings(module).get(name)
        if not isinstance(binding, AssignmentFact) or not isinstance(binding.value, CallValue):
            return None
        value = binding.value
        if self.evaluator.qualified_callee(value.func, module) not in PARTIAL or not value.args:
            return None
        found = self.decorator_kind(value.args[0], module, "", depth + 1)
        if found is None:
            return None
        options = found.options + tuple((k.name, k.value, module) for k in value.kwargs)
        return TaskDecorator(found.app_id, options)

    def _add(self, facts: ModuleFacts, function: FunctionFact, decorator: TaskDecorator) -> None:
        options: dict[str, Any] = {}
        spans: dict[str, Span] = {}
        for option, value, module in decorator.options:
            options[option] = plain(self.evaluator.evaluate(value, module))
            spans[option] = value.span
        explicit = options.get("name")
        if "name" in options and not isinstance(explicit, str):
            name = ""  # a computed name we cannot know
        elif isinstance(explicit, str):
            name = explicit
        else:
            name = self._generated_name(decorator.app_id, function.name,
                                        self._imported_name(facts))
        task = TaskDefinition(
            name=name, explicit_name=isinstance(explicit, str), function=function.name,
            qualname=function.qualname, module=facts.module, path=facts.path, span=function.span,
            app_id=decorator.app_id, is_async=function.is_async,
            parameters=function.parameters, options=options, option_spans=spans,
            custom_decorator=decorator.custom,
        )
        if task.key not in self.by_function:
            self.tasks.append(task)
            self.by_function[task.key] = task

    def _imported_name(self, facts: ModuleFacts) -> str:
        """``__module__`` as the project's processes set it: the name the project's own
        imports load the file by, when that is one alias and never its canonical name
        (``from src.pkg.tasks import x`` everywhere makes Celery name tasks
        ``src.pkg.tasks.x``)."""
        if facts.path.rsplit("/", 1)[-1] == "__main__.py":
            return "__main__"  # run with ``python -m``: Celery names it after app.main
        names = self._import_names.get(facts.path, set())
        if len(names) == 1 and facts.module not in names:
            return next(iter(names))
        return facts.module

    @cached_property
    def _import_names(self) -> dict[str, set[str]]:
        """Path -> the absolute names non-test imports load it by, for files that have
        more than one name (several source roots)."""
        by_name = {name: path for path, names in self.project.names_by_path.items()
                   if len(names) > 1 for name in names}
        found: dict[str, set[str]] = {}
        if not by_name:
            return found
        for facts in self.project.python_facts():
            if _is_test_file(facts.path):
                continue
            for fact in facts.imports:
                if fact.level:
                    continue  # relative: resolved from the importer's own name
                whole = f"{fact.module}.{fact.name}" if fact.name and fact.name != "*" else ""
                for candidate in (whole, fact.module):
                    if candidate in by_name:
                        found.setdefault(by_name[candidate], set()).add(candidate)
                        break
        return found

    def _generated_name(self, app_id: str, function: str, module: str) -> str:
        """Celery's own automatic name (``celery.utils.imports.gen_task_name``)."""
        from celery.utils.imports import gen_task_name

        main: Any = None
        app = self.apps.apps.get(app_id)
        if app is not None and app.call.args:
            main = plain(self.evaluator.evaluate(app.call.args[0], app.module))

        class _AppMain:  # gen_task_name reads only ``app.main``
            pass

        holder = _AppMain()
        holder.main = main if isinstance(main, str) else None  # type: ignore[attr-defined]
        return str(gen_task_name(holder, function, module))


def _is_test_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.startswith("test_") or name == "conftest.py" or name.endswith("_test.py") \
        or "/tests/" in f"/{path}"


__all__ = ["TaskCollector", "TaskDefinition", "SHARED", "UNKNOWN"]
