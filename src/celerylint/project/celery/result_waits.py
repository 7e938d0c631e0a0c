"""Places where code waits for a task's result: ``.get()``/``.wait()``/``.join()`` on
what ``.delay()``, ``.apply_async()``, ``send_task()`` or ``AsyncResult()`` returned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.source.facts import CallValue, ModuleFacts

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.celery.celery_tasks import TaskDefinition

WAIT_METHODS = {"get", "wait", "join", "join_native"}
RESULT_PRODUCERS = {"delay", "apply_async", "send_task", "AsyncResult", "GroupResult"}


@dataclass(frozen=True)
class ResultWait:
    path: str
    module: str
    function: str  # enclosing function qualname
    call: CallValue  # the .get()/.wait() call
    receiver: str  # what is waited on, as written
    producer: CallValue  # the call that produced the result
    task: "TaskDefinition | None"  # the task whose result it is, when known


def _producers(facts: ModuleFacts) -> dict[tuple[str, str], CallValue]:
    """Local names bound to results, per enclosing function."""
    found: dict[tuple[str, str], CallValue] = {}
    for assignment in facts.assignments:
        value = assignment.value
        if assignment.function and isinstance(value, CallValue) and \
                value.func.rsplit(".", 1)[-1] in RESULT_PRODUCERS:
            found[(assignment.function, assignment.target)] = value
    return found


def _task_of(producer: CallValue, facts: ModuleFacts, function: str,
             model: "CeleryModel") -> "TaskDefinition | None":
    receiver, _, method = producer.func.rpartition(".")
    if method not in ("delay", "apply_async") or not receiver:
        return None
    from celerylint.project.symbols import SymbolKind

    symbol = model.symbols.resolve_in_function(facts.module, receiver, function)
    if symbol.kind is SymbolKind.FUNCTION and not symbol.attribute:
        return model.task_for_function(symbol.module, symbol.name)
    return None


def result_waits(model: "CeleryModel") -> list[ResultWait]:
    waits: list[ResultWait] = []
    for facts in model.project.python_facts():
        if not facts.module or not facts.calls:
            continue
        producers = _producers(facts)
        for call in facts.calls:
            receiver, _, method = call.func.rpartition(".")
            if method not in WAIT_METHODS or not receiver:
                continue
            producer = producers.get((call.function, receiver))
            if producer is None and call.receiver_call is not None and \
                    call.receiver_call.func.rsplit(".", 1)[-1] in RESULT_PRODUCERS:
                producer, receiver = call.receiver_call, call.receiver_call.func + "(...)"
            if producer is None:
                continue
            waits.append(ResultWait(facts.path, facts.module, call.function, call.call, receiver,
                                    producer, _task_of(producer, facts, call.function, model)))
    return waits
