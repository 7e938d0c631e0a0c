"""CEL504: a beat entry dict has a key ``ScheduleEntry`` does not take, so beat cannot start.

Celery turns each entry dict into ``ScheduleEntry(**dict(entry, name=..., app=...))``
(``Scheduler._maybe_entry`` / ``merge_inplace``), so the accepted keys are that
constructor's parameters, read from the installed Celery. Any other key is a
``TypeError`` when beat loads its schedule.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.beat_schedules import entry_label
from celerylint.project.celery_model import celery_model
from celerylint.rules.base import ProjectRule

if TYPE_CHECKING:
    from celerylint.project.beat import BeatEntry
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
    name = "unknown-beat-entry-key"
    severity = Severity.ERROR
    summary = "A beat entry dict has a key ScheduleEntry does not accept; beat fails to start."

    def check_project(self, project: Project) -> Iterator[Finding]:
        accepted = entry_keys()
        for entry in celery_model(project).beat_entries:
            if entry.source != "beat_schedule":
                continue
            for key, span in entry.extra_keys:
                if key not in accepted:
                    yield self.finding(
                        entry.path, span,
                        f"{entry_label(entry)} has the key '{key}', which Celery's ScheduleEntry "
                        "does not accept: beat stops at start-up with \"TypeError: "
                        f"ScheduleEntry.__init__() got an unexpected keyword argument '{key}'\".",
                        fix_hint=_hint(entry, key, accepted),
                        subjects=(key,),
                    )


def _hint(entry: BeatEntry, key: str, accepted: frozenset[str]) -> str:
    if key in message_options():
        nested = "add it to the existing 'options' dict" if "options" in dict(entry.extra_keys) \
            else f"write 'options': {{'{key}': ...}}"
        return f"'{key}' is a sending option: {nested}."
    close = difflib.get_close_matches(key, sorted(accepted), n=1, cutoff=0.6)
    if close:
        return f"Did you mean '{close[0]}'?"
    return f"Use only {', '.join(sorted(accepted - {'name', 'app'}))}."
