"""Where code names a task: by string (send_task, signature, routes, beat) or by object
(``t.delay``, ``t.apply_async``, ``t.s``). Objects are resolved through the calling
file's imports to a definition, never matched by bare function name.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celerylint.project.celery.celery_apps import AppFinder
from celerylint.project.celery.celery_tasks import TaskCollector, TaskDefinition
from celerylint.project.evaluate import UNKNOWN, Evaluator, plain
from celerylint.project.symbols import SymbolKind, SymbolTable
from celerylint.source.facts import CallFact, CallValue, ModuleFacts, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project

CALL_METHODS = {"delay", "apply_async", "s", "si", "signature", "map", "starmap", "chunks"}
SIGNATURE_FUNCTIONS = {"celery.signature", "celery.canvas.signature", "celery.Signature",
                       "celery.canvas.Signature", "celery.subtask", "celery.canvas.subtask"}
RESULT_WAIT_METHODS = {"get", "wait", "join", "join_native"}


class ReferenceKind(str, enum.Enum):
    SEND_TASK = "send_task"
    SIGNATURE = "signature"
    ROUTE = "task_routes"
    ANNOTATION = "task_annotations"
    BEAT = "beat_schedule"


@dataclass(frozen=True)
class TaskReference:
    name: str
    kind: ReferenceKind
    module: str
    path: str
    span: Span
    queue: Any = None  # the queue option given with the reference, when any
    is_pattern: bool = False
    app_id: str = ""
    args: Any = UNKNOWN
    kwargs: Any = UNKNOWN


@dataclass(frozen=True)
class TaskCall:
    """A call on a task object: ``send_report.delay(1)``."""

    task: TaskDefinition
    method: str
    call: CallValue
    module: str
    path: str
    function: str  # enclosing function qualname ("" at module level)
    queue: Any = None

    @property
    def span(self) -> Span:
        return self.call.span


def collect_references(project: "Project", symbols: SymbolTable, evaluator: Evaluator,
                       apps: AppFinder, tasks: TaskCollector) -> tuple[list[TaskReference], list[TaskCall]]:
    references: list[TaskReference] = []
    calls: list[TaskCall] = []
    for facts in project.python_facts():
        if not facts.module or facts.parse_failure is not None:
            continue
        for call in facts.calls:
            found = _reference_by_name(call, facts, evaluator, apps)
            if found is not None:
                references.append(found)
                continue
            task_call = _call_on_task(call, facts, symbols, evaluator, tasks)
            if task_call is not None:
                calls.append(task_call)
    return references, calls


def _reference_by_name(call: CallFact, facts: ModuleFacts, evaluator: Evaluator,
                       apps: AppFinder) -> TaskReference | None:
    head, _, method = call.func.rpartition(".")
    kind = None
    app_id = ""
    if method == "send_task" and head:
        kind = ReferenceKind.SEND_TASK
        app_id = apps.app_for_expression(facts.module, head, call.function) or ""
    elif method in ("signature", "Signature") and head:
        app_id = apps.app_for_expression(facts.module, head, call.function) or ""
        kind = ReferenceKind.SIGNATURE if app_id else None
    if kind is None and evaluator.qualified_callee(call.func, facts.module) in SIGNATURE_FUNCTIONS:
        kind = ReferenceKind.SIGNATURE
    if kind is None or not call.call.args:
        return None
    name = plain(evaluator.evaluate(call.call.args[0], facts.module))
    if not isinstance(name, str):
        return None
    queue = plain(evaluator.evaluate(call.call.keyword("queue"), facts.module)) \
        if call.call.keyword("queue") is not None else None
    args = evaluator.evaluate(call.call.args[1], facts.module) if len(call.call.args) > 1 else \
        evaluator.evaluate(call.call.keyword("args"), facts.module) \
        if call.call.keyword("args") is not None else None
    kwargs = evaluator.evaluate(call.call.args[2], facts.module) if len(call.call.args) > 2 else \
        evaluator.evaluate(call.call.keyword("kwargs"), facts.module) \
        if call.call.keyword("kwargs") is not None else None
    return TaskReference(name, kind, facts.module, facts.path, call.call.args[0].span, queue,
                         False, app_id, args, kwargs)


def _call_on_task(call: CallFact, facts: ModuleFacts, symbols: SymbolTable,
                  evaluator: Evaluator, tasks: TaskCollector) -> TaskCall | None:
    receiver, _, method = call.func.rpartition(".")
    if method not in CALL_METHODS or not receiver or "()" in receiver:
        return None
    task = _task_for(receiver, facts, symbols, tasks, call.function)
    if task is None:
        return None
    queue = None
    if method == "apply_async" and call.call.keyword("queue") is not None:
        queue = plain(evaluator.evaluate(call.call.keyword("queue"), facts.module))
    return TaskCall(task, method, call.call, facts.module, facts.path, call.function, queue)


def _task_for(receiver: str, facts: ModuleFacts, symbols: SymbolTable,
              tasks: TaskCollector, function: str) -> TaskDefinition | None:
    symbol = symbols.resolve_in_function(facts.module, receiver, function)
    if symbol.kind is SymbolKind.FUNCTION and not symbol.attribute:
        return tasks.by_function.get((symbol.module, symbol.name))
    return None
