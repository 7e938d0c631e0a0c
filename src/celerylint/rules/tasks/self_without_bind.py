"""CEL208: a task body uses ``self`` but the task function has no ``self`` at all.

Not CEL203's case (a ``self`` parameter that receives the caller's first argument):
here the name is simply undefined in the function, so ``self.retry(...)`` raises
``NameError`` when it runs, which for a retry is exactly when the task fails. ``bind``
does not change that; only a parameter (or a closure variable) named ``self`` does. Tasks
registered through a project decorator that wraps ``app.task`` are included.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import CallFact, ModuleFacts

if TYPE_CHECKING:
    from celerylint.project.celery.celery_tasks import TaskDefinition
    from celerylint.project.model import Project

_LOCALS = ".<locals>."


class SelfWithoutTaskInstance(ProjectRule):
    code = "CEL208"
    inputs = WHOLE_PROJECT
    name = "self-without-task-instance"
    severity = Severity.ERROR
    summary = "A task body uses 'self' but has no 'self' parameter, so it raises NameError."
    preview = True  # runs with --preview until the precision benchmark measures it

    def check_project(self, project: Project) -> Iterator[Finding]:
        for task in celery_model(project).tasks:
            facts = project.module(task.module)
            if facts is None or _self_is_bound(task, facts):
                continue
            if task.bind and not task.parameters:
                continue  # bound-task-without-self (CEL202) reports it
            uses = [c for c in facts.calls if c.function == task.qualname
                    and c.call.func.startswith("self.")]
            if uses:
                yield self._finding(task, uses[0])

    def _finding(self, task: TaskDefinition, use: CallFact) -> Finding:
        label = task.name or task.function
        if task.bind and task.parameters:
            hint = (f"Use the first parameter ('{task.parameters[0].name}'), which receives the "
                    "task instance, or rename it 'self'.")
        else:
            hint = "Declare the task with bind=True and add 'self' as its first parameter."
        return self.finding(
            task.path, use.span,
            f"Task '{label}' calls {use.call.func}(...) but has no 'self': the name is not "
            "defined in the task function, so this line raises NameError when it runs"
            + (", which for a retry is exactly when the task fails, and the NameError hides "
               "the original error." if ".retry" in use.call.func else "."),
            fix_hint=hint, subjects=(label,))


def _self_is_bound(task: TaskDefinition, facts: ModuleFacts) -> bool:
    """A parameter, a module-level name, a class body or an enclosing function gives ``self``.

    Assignments inside the task function are not in the facts, so ``self = current_task``
    there is not seen (a known limit of the rule's doc)."""
    if any(p.name == "self" for p in task.parameters):
        return True
    if "." in task.qualname.split(_LOCALS)[-1]:
        return True  # defined in a class body: not a plain function's scope
    if any(a.target == "self" and not a.scope and not a.function for a in facts.assignments):
        return True
    enclosing = task.qualname.split(_LOCALS)[:-1]
    outer = [_LOCALS.join(enclosing[:i + 1]) for i in range(len(enclosing))]
    return any(f.qualname in outer and any(p.name == "self" for p in f.parameters)
               for f in facts.functions)
