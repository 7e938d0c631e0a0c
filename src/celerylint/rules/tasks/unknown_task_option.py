"""CEL206: a task decorator keyword Celery does not know is set as an attribute and ignored.

``@app.task(ignore_results=True)`` builds the task class with an extra attribute
``ignore_results``; nothing reads it, so the result is stored as if the option were
absent. The known options come from the installed Celery (``task_options``).

A keyword is not judged when something in the project may read it: a custom ``base=``
class, an app built with ``task_cls=``, or a ``Task`` subclass in the project that
defines an attribute or method of that name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.celery_knowledge.task_options import closest_task_option, is_task_option
from celerylint.findings import Applicability, Edit, Finding, Fix, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.celery.celery_tasks import SHARED_TASK
from celerylint.project.symbols import SymbolKind
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import CallFact, Keyword, NameRef, ParamKind

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.model import Project

#: ``base=`` values that are Celery's own Task: they read only Celery's options.
CELERY_TASK_CLASSES = frozenset({"celery.Task", "celery.app.task.Task", "celery.task.Task"})


class UnknownTaskOption(ProjectRule):
    code = "CEL206"
    inputs = WHOLE_PROJECT
    name = "unknown-task-option"
    severity = Severity.WARNING
    summary = "A task decorator keyword Celery does not know: it is stored and never read."

    def check_project(self, project: Project) -> Iterator[Finding]:
        model = celery_model(project)
        if any("task_cls" in {k.name for k in app.call.kwargs} for app in model.apps.values()):
            return  # the app's own Task class may read any attribute
        read_by_project = _project_task_attributes(project)
        houses: dict[str, _House | None] = {}
        for facts in project.python_facts():
            for call in facts.calls:
                if not call.call.kwargs:
                    continue
                decorator, keywords = _task_decorator(call, facts.module, model), call.call.kwargs
                if decorator and _custom_base(call, facts.module, model):
                    continue
                if not decorator:
                    decorator, keywords = _forwarded_keywords(call, facts.module, model, houses)
                for keyword in keywords:
                    if not is_task_option(keyword.name) and keyword.name not in read_by_project:
                        yield self._finding(facts.path, decorator, keyword)

    def _finding(self, path: str, decorator: str, keyword: Keyword) -> Finding:
        guess = closest_task_option(keyword.name)
        did_you_mean = f"; did you mean '{guess}'?" if guess else "."
        fix = None
        if guess and keyword.span.line:
            span = keyword.span
            fix = Fix(f"Rename '{keyword.name}' to '{guess}'", Applicability.UNSAFE, (
                Edit(span.line, span.column, span.line, span.column + len(keyword.name), guess),))
        return self.finding(
            path, keyword.span,
            f"'{keyword.name}' is not a task option Celery knows: {decorator} sets it as an "
            "attribute of the task class and nothing reads it, so the task runs as if it were "
            f"not given{did_you_mean}",
            fix_hint=(f"Write '{guess}'" if guess else "Remove it") + ", or set it on a custom "
            "Task base class (base=...) that reads it.",
            fix=fix, subjects=(keyword.name,))


def _task_decorator(call: CallFact, module: str, model: CeleryModel) -> str:
    """'@app.task(...)' or '@shared_task(...)' when the call is one, else ""."""
    func = call.call.func
    if "()" in func:
        return ""
    if func.endswith(".task") and model.app_for_expression(module, func[:-5], call.function):
        return f"@{func}(...)"
    symbol = model.symbols.resolve_in_function(module, func, call.function)
    if symbol.kind is SymbolKind.EXTERNAL and symbol.qualified in SHARED_TASK:
        return f"@{func}(...)"
    return ""


@dataclass(frozen=True)
class _House:
    """A project decorator that passes its ``**options`` on to a task decorator."""

    named: frozenset[str]  # its own parameters: not task options
    forwards_to: str  # the task decorator it calls, as written


def _forwarded_keywords(call: CallFact, module: str, model: CeleryModel,
                        houses: dict[str, _House | None]) -> tuple[str, tuple[Keyword, ...]]:
    """``@queued("imports", max_retry=5)`` where ``def queued(queue, **options)`` calls
    ``app.task(queue=queue, **options)``: the keywords it does not name reach Celery."""
    symbol = model.symbols.resolve_in_function(module, call.call.func, call.function)
    if symbol.kind is not SymbolKind.FUNCTION or symbol.attribute:
        return "", ()
    if symbol.qualified not in houses:
        houses[symbol.qualified] = _house(symbol.module, symbol.name, model)
    house = houses[symbol.qualified]
    if house is None:
        return "", ()
    label = f"@{call.call.func}(...), which passes it on to {house.forwards_to}(**...),"
    return label, tuple(k for k in call.call.kwargs if k.name not in house.named)


def _house(module: str, name: str, model: CeleryModel) -> _House | None:
    facts = model.project.module(module)
    function = next((f for f in facts.functions if f.qualname == name), None) \
        if facts is not None else None
    if facts is None or function is None or \
            not any(p.kind is ParamKind.VAR_KEYWORD for p in function.parameters):
        return None
    inside = name + ".<locals>."
    forwards = [c for c in facts.calls if (c.function == name or c.function.startswith(inside))
                and c.call.has_star_kwargs and _task_decorator(c, module, model)
                and not _custom_base(c, module, model)]
    if not forwards:
        return None
    return _House(frozenset(p.name for p in function.parameters
                            if p.kind is not ParamKind.VAR_KEYWORD), forwards[0].call.func)


def _custom_base(call: CallFact, module: str, model: CeleryModel) -> bool:
    """A ``base=`` class other than Celery's Task may read any attribute it likes."""
    base = call.call.keyword("base")
    if base is None:
        return False
    if not isinstance(base, NameRef):
        return True
    symbol = model.symbols.resolve_in_function(module, base.dotted, call.function)
    return symbol.qualified not in CELERY_TASK_CLASSES


def _project_task_attributes(project: Project) -> frozenset[str]:
    """Attributes and methods defined in the project's own ``Task`` subclasses."""
    names: set[str] = set()
    for facts in project.python_facts():
        task_classes = {c.qualname for c in facts.classes
                        if any(base.rsplit(".", 1)[-1].endswith("Task") for base in c.bases)}
        if not task_classes:
            continue
        names.update(a.target for a in facts.assignments if a.scope in task_classes)
        names.update(f.name for f in facts.functions
                     if f.qualname.rsplit(".", 1)[0] in task_classes)
    return frozenset(names)
