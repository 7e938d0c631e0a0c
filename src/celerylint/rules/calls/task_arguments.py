"""CEL304: arguments that do not fit the task's signature."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.celery.named_references import named_references
from celerylint.project.evaluate import UNKNOWN, plain
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.calls.wrapped_tasks import checked_parameters
from celerylint.source.facts import Parameter, ParamKind, Span

if TYPE_CHECKING:
    from celerylint.project.celery.celery_tasks import TaskDefinition
    from celerylint.project.model import Project

_KINDS = {
    ParamKind.POSITIONAL_ONLY: inspect.Parameter.POSITIONAL_ONLY,
    ParamKind.POSITIONAL_OR_KEYWORD: inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ParamKind.VAR_POSITIONAL: inspect.Parameter.VAR_POSITIONAL,
    ParamKind.KEYWORD_ONLY: inspect.Parameter.KEYWORD_ONLY,
    ParamKind.VAR_KEYWORD: inspect.Parameter.VAR_KEYWORD,
}


def task_signature(task: "TaskDefinition",
                   checked: tuple[Parameter, ...] | None = None) -> inspect.Signature:
    """The signature callers must satisfy: bound tasks receive ``self`` from Celery.

    ``checked`` replaces the function's parameters when a decorator below the task
    decorator wraps the function (see ``checked_parameters``)."""
    parameters = list(task.parameters if checked is None else checked)
    if task.bind and parameters and parameters[0].kind in (
            ParamKind.POSITIONAL_ONLY, ParamKind.POSITIONAL_OR_KEYWORD):
        parameters = parameters[1:]
    return inspect.Signature([
        inspect.Parameter(p.name, _KINDS[p.kind],
                          default=None if p.has_default else inspect.Parameter.empty)
        for p in parameters
    ])


def binding_error(task: "TaskDefinition", args: Any, kwargs: Any, partial: bool,
                  checked: tuple[Parameter, ...] | None = None) -> str | None:
    """Python's own TypeError text for the call, or None when it fits or is unknown."""
    args, kwargs = plain(args), plain(kwargs)
    if args is UNKNOWN or kwargs is UNKNOWN:
        return None
    args = () if args is None else args
    kwargs = {} if kwargs is None else kwargs
    if not isinstance(args, (list, tuple)) or not isinstance(kwargs, dict):
        return None
    if not all(isinstance(k, str) for k in kwargs):
        return None
    signature = task_signature(task, checked)
    try:
        (signature.bind_partial if partial else signature.bind)(*args, **kwargs)
    except TypeError as exc:
        return str(exc)
    return None


_CONSEQUENCE = {
    "beat": "Beat logs \"Couldn't apply scheduled task\" each time the entry is due and the "
            "task never runs.",
    "send": "The worker raises TypeError when it runs the task.",
    "": "Celery's argument check raises TypeError in the caller, and nothing is sent.",
}


class TaskArgumentsMismatch(ProjectRule):
    code = "CEL304"
    inputs = WHOLE_PROJECT
    name = "task-arguments-mismatch"
    severity = Severity.ERROR
    summary = "A task is called with arguments that do not fit its signature."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        for call in model.calls:
            if call.task.custom_decorator or call.call.has_star_args or call.call.has_star_kwargs:
                continue
            arguments = self._call_arguments(call.method, call.call, call.module, model)
            checked = checked_parameters(call.task, model)
            if arguments is None or checked is None:
                continue
            args, kwargs, partial = arguments
            error = binding_error(call.task, args, kwargs, partial, checked)
            if error:
                yield self._report(call.task, call.path, call.span, f".{call.method}()", error,
                                   checked)
        for reference in named_references(model):
            if reference.is_pattern or reference.kind.value not in ("beat_schedule", "send_task"):
                continue
            tasks = model.tasks_named(reference.name)
            checked = checked_parameters(tasks[0], model) if len(tasks) == 1 else None
            if checked is None or tasks[0].custom_decorator:
                continue
            error = binding_error(tasks[0], reference.args, reference.kwargs, False, checked)
            if error:
                yield self._report(tasks[0], reference.path, reference.arguments_location,
                                   reference.label, error, checked)

    def _call_arguments(self, method: str, call: Any, module: str, model: Any) -> Any:
        evaluate = model.evaluator.evaluate
        if method in ("delay", "s", "si"):
            args = tuple(evaluate(a, module) for a in call.args)
            kwargs = {k.name: evaluate(k.value, module) for k in call.kwargs}
            return args, kwargs, method == "s"
        if method in ("apply_async", "signature"):
            args_value = call.args[0] if call.args else call.keyword("args")
            kwargs_value = call.args[1] if len(call.args) > 1 else call.keyword("kwargs")
            args = evaluate(args_value, module) if args_value is not None else None
            kwargs = evaluate(kwargs_value, module) if kwargs_value is not None else None
            return args, kwargs, method == "signature"
        return None

    def _report(self, task: "TaskDefinition", path: str, span: Span, how: str,
                error: str, checked: tuple[Parameter, ...]) -> Finding:
        signature = task_signature(task, checked)
        return self.finding(
            path, span,
            f"Arguments passed by {how} do not fit task '{task.name or task.function}"
            f"{signature}': {error}. {_CONSEQUENCE.get(how[:4], _CONSEQUENCE['']) }",
            fix_hint="Pass the arguments the task's signature expects.",
            subjects=(task.name or task.function,),
        )
