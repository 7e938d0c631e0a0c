"""CEL303: waiting for another task's result inside a task."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery_model import celery_model
from celerylint.rules.base import ProjectRule
from celerylint.source.facts import CallValue, ModuleFacts

if TYPE_CHECKING:
    from celerylint.project.celery_tasks import TaskDefinition
    from celerylint.project.model import Project

WAIT_METHODS = {"get", "wait", "join", "join_native"}
RESULT_PRODUCERS = {"delay", "apply_async", "send_task", "AsyncResult", "GroupResult"}


def _result_locals(facts: ModuleFacts, function: str) -> set[str]:
    names = set()
    for assignment in facts.assignments:
        if assignment.function == function and isinstance(assignment.value, CallValue):
            if assignment.value.func.rsplit(".", 1)[-1] in RESULT_PRODUCERS:
                names.add(assignment.target)
    return names


def waits_in(task: "TaskDefinition", facts: ModuleFacts) -> Iterator[tuple[CallValue, str]]:
    results = _result_locals(facts, task.qualname)
    for call in facts.calls:
        if call.function != task.qualname:
            continue
        receiver, _, method = call.func.rpartition(".")
        if method not in WAIT_METHODS:
            continue
        if receiver in results:
            yield call.call, receiver
        elif call.receiver_call is not None and \
                call.receiver_call.func.rsplit(".", 1)[-1] in RESULT_PRODUCERS:
            yield call.call, call.receiver_call.func + "(...)"


class ResultGetInTask(ProjectRule):
    code = "CEL303"
    name = "result-get-in-task"
    severity = Severity.ERROR
    summary = "A task waits for another task's result (.get/.wait/.join), which Celery forbids."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for task in celery_model(project).tasks:
            facts = project.module(task.module)
            if facts is None:
                continue
            for call, receiver in waits_in(task, facts):
                method = call.func.rsplit(".", 1)[-1]
                yield self.finding(
                    facts.path, call.span,
                    f"Task '{task.name or task.function}' calls {receiver}.{method}() on "
                    "another task's result: Celery raises RuntimeError(\"Never call "
                    "result.get() within a task!\"), and with disable_sync_subtasks=False the "
                    "worker pool can deadlock waiting on itself.",
                    fix_hint="Chain the tasks (chain/chord with a callback) instead of waiting.",
                    subjects=(task.name or task.function,),
                )
