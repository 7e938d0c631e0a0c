"""CEL504: a beat entry dict has a key ``ScheduleEntry`` does not take, so beat cannot start.

Celery turns each entry dict into ``ScheduleEntry(**dict(entry, name=..., app=...))``
(``Scheduler._maybe_entry`` / ``merge_inplace``), so the accepted keys are that
constructor's parameters, read from the installed Celery. Any other key is a
``TypeError`` when beat loads its schedule.

django-celery-beat's ``DatabaseScheduler`` is different: it saves each entry as a
``PeriodicTask`` row, and keys ``ScheduleEntry`` refuses (``description``, ``enabled``,
``one_off``...) are fields of that model. When a project's beat uses it (the
``beat_scheduler`` setting, or ``--scheduler``/``-S`` on a beat command line), only a
near-miss of an entry key (``kwarg``, ``shedule``) is reported: celerylint cannot read
the model's fields without django-celery-beat, and has no such table of its own.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.beat_processes import beat_processes
from celerylint.project.celery.beat_schedules import entry_label
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.deploy.deployment_groups import deployment_groups
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.celery.beat import BeatEntry
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.model import Project


@functools.lru_cache(maxsize=1)
def entry_keys() -> frozenset[str]:
    """Keys an entry dict may have: the parameters of Celery's ``ScheduleEntry``."""
    from celery.beat import ScheduleEntry

    return frozenset(inspect.signature(ScheduleEntry.__init__).parameters) - {"self"}


@functools.lru_cache(maxsize=1)
def message_options() -> frozenset[str]:
    """Options beat passes on when it sends the task: they belong under ``options``.

    Beat calls ``send_task``/``apply_async`` with ``**entry.options``; those reach
    kombu's ``Producer.publish``, and the router reads ``queue``.
    """
    from celery.app.base import Celery
    from kombu import Producer

    send = set(inspect.signature(Celery.send_task).parameters)
    publish = set(inspect.signature(Producer.publish).parameters)
    return frozenset((send | publish | {"queue"}) - {"self", "name", "args", "kwargs", "options",
                                                      "body", "properties"})


class UnknownBeatEntryKey(ProjectRule):
    code = "CEL504"
    inputs = WHOLE_PROJECT
    name = "unknown-beat-entry-key"
    severity = Severity.ERROR
    summary = "A beat entry dict has a key ScheduleEntry does not accept; beat fails to start."

    def check_project(self, project: Project) -> Iterator[Finding]:
        accepted = entry_keys()
        model = celery_model(project)
        database = uses_database_scheduler(model)
        for entry in model.beat_entries:
            if entry.source != "beat_schedule":
                continue
            for key, span in entry.extra_keys:
                if key in accepted:
                    continue
                if database:
                    near = _near_miss(key, accepted)
                    if near is not None:
                        yield self.finding(
                            entry.path, span,
                            f"{entry_label(entry)} has the key '{key}', which Celery's "
                            "ScheduleEntry does not accept, and django-celery-beat's "
                            "DatabaseScheduler, which stores other keys as fields of its "
                            "PeriodicTask model, has no field of that name either: beat fails "
                            "when it saves the schedule.",
                            fix_hint=f"Did you mean '{near}'?", subjects=(key,))
                    continue
                yield self.finding(
                    entry.path, span,
                    f"{entry_label(entry)} has the key '{key}', which Celery's ScheduleEntry "
                    "does not accept: beat stops at start-up with \"TypeError: "
                    f"ScheduleEntry.__init__() got an unexpected keyword argument '{key}'\".",
                    fix_hint=_hint(entry, key, accepted),
                    subjects=(key,),
                )


_DATABASE_SCHEDULER = re.compile(r"django_celery_beat|DatabaseScheduler|^django$")
_SCHEDULER_OPTION = re.compile(r"(?:--scheduler[=\s]+|(?<!\S)-S\s*)['\"]?([\w.:]+)")


def uses_database_scheduler(model: CeleryModel) -> bool:
    """Whether any app's ``beat_scheduler`` or any beat command line names django-celery-beat's
    scheduler (its class path, or the ``django`` alias it registers)."""
    for settings in model.settings.values():
        value = settings.value("beat_scheduler")
        if isinstance(value, str) and _DATABASE_SCHEDULER.search(value):
            return True
    for group in deployment_groups(model.project):
        for process in beat_processes(model, group):
            for scheduler in _SCHEDULER_OPTION.findall(process.command.raw):
                if _DATABASE_SCHEDULER.search(scheduler):
                    return True
    return False


def _near_miss(key: str, accepted: frozenset[str]) -> str | None:
    close = difflib.get_close_matches(key, sorted(accepted), n=1, cutoff=0.8)
    return close[0] if close else None


def _hint(entry: BeatEntry, key: str, accepted: frozenset[str]) -> str:
    if key in message_options():
        nested = "add it to the existing 'options' dict" if "options" in dict(entry.extra_keys) \
            else f"write 'options': {{'{key}': ...}}"
        return f"'{key}' is a sending option: {nested}."
    close = difflib.get_close_matches(key, sorted(accepted), n=1, cutoff=0.6)
    if close:
        return f"Did you mean '{close[0]}'?"
    return f"Use only {', '.join(sorted(accepted - {'name', 'app'}))}."
