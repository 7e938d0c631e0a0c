"""CEL113: late-acknowledged work that outlives Redis' visibility timeout runs twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from celerylint.celery_knowledge.transport import redis_visibility_timeout_default
from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.evaluate import UNKNOWN, plain
from celerylint.project.urls.broker_urls import parse_broker_url
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.celery.celery_tasks import TaskDefinition
    from celerylint.project.celery.conf import EffectiveSettings
    from celerylint.project.model import Project

REDIS_TRANSPORTS = {"redis", "rediss", "sentinel"}


def _number(value: Any) -> float | None:
    value = plain(value)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def visibility_timeout(settings: "EffectiveSettings") -> float | None:
    """The effective timeout when the broker is known to be Redis, else None."""
    broker = settings.value("broker_url")
    if not isinstance(broker, str) or parse_broker_url(broker).transport not in REDIS_TRANSPORTS:
        return None
    options = settings.value("broker_transport_options")
    if isinstance(options, dict) and "visibility_timeout" in options:
        return _number(options["visibility_timeout"])
    if options is UNKNOWN:
        return None
    return redis_visibility_timeout_default()


_SOFT_LIMIT_EXCEPTION = "celery.exceptions.SoftTimeLimitExceeded"


def _ends_at_soft_limit(model: CeleryModel, task: TaskDefinition, settings: EffectiveSettings,
                        limit: float) -> bool:
    """A soft limit below the hard one that the task handles: the task returns (and is
    acknowledged) at the soft limit, before the hard limit reaches the visibility timeout.

    Handling is read from the facts available: the task's module imports
    ``SoftTimeLimitExceeded``, or the task catches every exception.
    """
    soft = _number(task.options.get("soft_time_limit", settings.value("task_soft_time_limit")))
    if soft is None or soft >= limit:
        return False
    facts = model.project.module(task.module)
    if facts is None:
        return False
    function = next((f for f in facts.functions if f.qualname == task.qualname), None)
    if function is not None and function.broad_handlers:
        return True
    return any(model.symbols.resolve(task.module, i.bound).qualified == _SOFT_LIMIT_EXCEPTION
               for i in facts.imports if not i.function or i.function == task.qualname)


class VisibilityTimeoutExceeded(ProjectRule):
    code = "CEL113"
    inputs = WHOLE_PROJECT
    name = "visibility-timeout-exceeded"
    severity = Severity.WARNING
    summary = "Late-acked tasks or delays outlast Redis' visibility_timeout and get delivered twice."

    def check_project(self, project: Project) -> Iterator[Finding]:
        model = celery_model(project)
        for app_id, settings in sorted(model.settings.items()):
            timeout = visibility_timeout(settings)
            if timeout is None:
                continue
            yield from self._late_acked_tasks(model, app_id, settings, timeout)
            yield from self._delays(model, app_id, timeout)

    def _late_acked_tasks(self, model: CeleryModel, app_id: str,
                          settings: EffectiveSettings, timeout: float) -> Iterator[Finding]:
        for task in model.tasks:
            if task.app_id not in (app_id, "<shared>"):
                continue
            acks_late = task.options.get("acks_late", settings.value("task_acks_late"))
            limit = _number(task.options.get("time_limit", settings.value("task_time_limit")))
            if acks_late is not True or limit is None or limit < timeout:
                continue
            if limit == timeout and _ends_at_soft_limit(model, task, settings, limit):
                continue
            yield self.finding(
                task.path, task.span,
                f"Task '{task.name}' acknowledges late and may run {limit:g}s, but Redis "
                f"redelivers unacknowledged messages after visibility_timeout={timeout:g}s: a "
                "long run is handed to a second worker and executes twice.",
                fix_hint="Raise broker_transport_options['visibility_timeout'] above the "
                "longest time limit, or lower the time limit.",
                subjects=(task.name,),
            )

    def _delays(self, model: "CeleryModel", app_id: str, timeout: float) -> Iterator[Finding]:
        for call in model.calls:
            if call.task.app_id not in (app_id, "<shared>") or call.method != "apply_async":
                continue
            countdown = call.call.keyword("countdown")
            seconds = _number(model.evaluator.evaluate(countdown, call.module)) if countdown else None
            if seconds is None or seconds < timeout:
                continue
            yield self.finding(
                call.path, call.span,
                f"countdown={seconds:g}s is longer than Redis' visibility_timeout={timeout:g}s: "
                "the worker holds the message unacknowledged past the timeout, Redis hands it "
                "to another worker, and the task runs several times.",
                fix_hint="Schedule far-future work with beat or a database row, or raise the "
                "visibility_timeout.",
                subjects=(call.task.name,),
            )
