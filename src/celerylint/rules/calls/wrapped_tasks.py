"""The signature Celery checks a task's arguments against, when a decorator wraps it.

``@app.task`` over ``@with_session`` over ``def report(session, day)``: Celery builds the
task from what ``with_session`` returned, and its argument check (``typing=True``) reads
that wrapper's signature with ``inspect.getfullargspec``, which does not follow
``functools.wraps``. So callers must fit the wrapper (``def wrapper(day)``), not the
function; a ``(*args, **kwargs)`` wrapper accepts anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from celerylint.project.celery.celery_tasks import SHARED_TASK
from celerylint.project.symbols import SymbolKind
from celerylint.source.facts import CallValue, FunctionFact, NameRef, Parameter, Value

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.celery.celery_tasks import TaskDefinition

_LOCALS = ".<locals>."


def checked_parameters(task: TaskDefinition, model: CeleryModel) -> tuple[Parameter, ...] | None:
    """The parameters Celery checks calls against: the function's own, or those of the
    wrapper the decorator just below the task decorator returns; None when that wrapper
    cannot be read (a decorator from a library, or one built at run time), or when the
    task is a class whose ``run`` is inherited."""
    if not task.signature_known:
        return None
    facts = model.project.module(task.module)
    function = next((f for f in facts.functions if f.qualname == task.qualname), None) \
        if facts is not None else None
    if function is None:
        return task.parameters
    position = _task_decorator_position(function, task, model)
    if position is None or position + 1 >= len(function.decorators):
        return task.parameters
    return _wrapper_parameters(function.decorators[position + 1], task.module, model)


def _callee(decorator: Value) -> str:
    if isinstance(decorator, CallValue):
        return decorator.func
    return decorator.dotted if isinstance(decorator, NameRef) else ""


def _task_decorator_position(function: FunctionFact, task: TaskDefinition,
                             model: CeleryModel) -> int | None:
    for position, decorator in enumerate(function.decorators):
        callee = _callee(decorator)
        if not callee:
            continue
        if callee.endswith(".task") and model.app_for_expression(task.module, callee[:-5]):
            return position
        qualified = model.symbols.resolve(task.module, callee).qualified
        if qualified in SHARED_TASK or (task.custom_decorator and
                                        qualified == task.custom_decorator):
            return position
    return None


def _wrapper_parameters(decorator: Value, module: str,
                        model: CeleryModel) -> tuple[Parameter, ...] | None:
    """``def deco(fn): def wrapper(...)``, one level deeper for ``@deco(arg)`` factories."""
    symbol = model.symbols.resolve(module, _callee(decorator))
    if symbol.kind is not SymbolKind.FUNCTION or symbol.attribute:
        return None
    facts = model.project.module(symbol.module)
    functions = {f.qualname: f for f in facts.functions} if facts is not None else {}
    current = functions.get(symbol.name)
    for _ in range(2 if isinstance(decorator, CallValue) else 1):
        if current is None:
            return None
        inner = [f"{current.qualname}{_LOCALS}{name}" for name in current.returns_names]
        current = next((functions[q] for q in reversed(inner) if q in functions), None)
    return current.parameters if current is not None else None
