"""CEL114/CEL115: waiting for results that are never stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.celery.result_waits import result_waits
from celerylint.project.evaluate import UNKNOWN
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import Const

if TYPE_CHECKING:
    from celerylint.project.model import Project


class ResultBackendMissing(ProjectRule):
    code = "CEL114"
    inputs = WHOLE_PROJECT
    name = "result-backend-missing"
    severity = Severity.ERROR
    summary = "Code waits for task results but no result_backend is configured."

    def check_project(self, project: Project) -> Iterator[Finding]:
        model = celery_model(project)
        if len(model.apps) != 1:
            return  # which app's backend applies is not knowable here
        settings = next(iter(model.settings.values()))
        if settings.is_set("result_backend") or settings.value("result_backend") is UNKNOWN:
            return
        if settings.value("result_backend") not in (None, "disabled"):
            return
        eager = settings.entry("task_always_eager")
        if settings.value("task_always_eager") is True and not (
                eager is not None and is_test_path(eager.path)):
            return  # tasks run in the caller: .get() reads an EagerResult, no backend
        eager_tests = eager_test_settings(project)
        for wait in result_waits(model):
            if eager_tests and is_test_path(wait.path):
                continue  # the test settings make the task run eagerly
            method = wait.call.func.rsplit(".", 1)[-1]
            yield self.finding(
                wait.path, wait.call.span,
                f"{wait.receiver}.{method}() waits for a result, but no result_backend is "
                "configured: Celery raises NotImplementedError (\"No result backend is "
                "configured\") here.",
                fix_hint="Set result_backend (e.g. the Redis URL with another db) or stop "
                "waiting for the result.",
            )


_EAGER_NAMES = frozenset({"task_always_eager", "CELERY_TASK_ALWAYS_EAGER", "CELERY_ALWAYS_EAGER"})
_TEST_DIRECTORIES = frozenset({"test", "tests", "testing"})


def is_test_path(path: str) -> bool:
    """A test module, as pytest and Django's runner find them (or a folder of them)."""
    parts = PurePosixPath(path).parts
    name = parts[-1] if parts else ""
    return (name == "conftest.py" or name.startswith("test") or name.endswith("_test.py")
            or any(part in _TEST_DIRECTORIES for part in parts[:-1]))


def eager_test_settings(project: Project) -> bool:
    """Whether the project makes tasks eager somewhere: test settings, a conftest, or
    ``override_settings(CELERY_TASK_ALWAYS_EAGER=True)``; the effective settings of the
    app are judged separately."""
    for facts in project.python_facts():
        for assignment in facts.assignments:
            if assignment.target.rsplit(".", 1)[-1] in _EAGER_NAMES and \
                    _is_true(assignment.value):
                return True
        for call in facts.calls:
            if any(k.name in _EAGER_NAMES and _is_true(k.value) for k in call.call.kwargs):
                return True
    return False


def _is_true(value: object) -> bool:
    return isinstance(value, Const) and value.value is True


class IgnoredResultWaited(ProjectRule):
    code = "CEL115"
    inputs = WHOLE_PROJECT
    name = "ignored-result-waited"
    severity = Severity.ERROR
    summary = ("Code waits for the result of a task that ignores its result: it gets None, "
               "never the value.")

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        for wait in result_waits(model):
            task = wait.task
            if task is None:
                continue
            settings = model.settings_for(task.app_id if task.app_id != "<shared>" else None)
            ignored = task.options.get("ignore_result")
            if ignored is None and settings is not None:
                ignored = settings.value("task_ignore_result")
            if ignored is not True:
                continue
            method = wait.call.func.rsplit(".", 1)[-1]
            yield self.finding(
                wait.path, wait.call.span,
                f"{wait.receiver}.{method}() waits for task '{task.name}', which ignores its "
                "result (ignore_result): .get() on what .delay()/.apply_async() returned gives "
                "None at once instead of the task's return value, and a result looked up by id "
                "never arrives (PENDING until the timeout).",
                fix_hint="Set ignore_result=False on that task, or do not wait for it.",
                subjects=(task.name,),
            )
