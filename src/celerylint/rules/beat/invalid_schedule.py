"""CEL501: a beat schedule Celery itself rejects, judged by Celery's own parsers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.celery_knowledge.schedules import CronField
from celerylint.findings import Finding, Severity
from celerylint.project.celery.beat_schedules import (
    ScheduleInfo,
    ScheduleKind,
    beat_schedules,
    entry_label,
)
from celerylint.project.celery.crontab_calls import CrontabCall, crontab_calls
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.beat.unknown_entry_key import entry_keys

if TYPE_CHECKING:
    from celerylint.project.celery.beat import BeatEntry
    from celerylint.project.model import Project


class InvalidSchedule(ProjectRule):
    code = "CEL501"
    inputs = WHOLE_PROJECT
    name = "invalid-schedule"
    severity = Severity.ERROR
    summary = "A beat entry's schedule is one Celery rejects or cannot run."

    def check_project(self, project: Project) -> Iterator[Finding]:
        for entry, info in beat_schedules(project):
            if info.error is None or (info.kind is ScheduleKind.MISSING and _misspelt(entry)):
                continue
            span = entry.schedule.span if entry.schedule is not None else entry.span
            yield self.finding(entry.path, span, _message(entry, info),
                               fix_hint=_hint(info), subjects=_subjects(entry))
        for found in crontab_calls(project):
            if found.info.error is not None and not found.in_test:
                yield self.finding(found.path, found.call.span, _crontab_message(found),
                                   fix_hint=_hint(found.info))


def _crontab_message(found: CrontabCall) -> str:
    return (f"This crontab is one Celery rejects: {_sentence(found.info.error or '')} crontab() "
            f"raises this when {found.path} is imported (or when the code that builds it runs), "
            "so the process that loads it fails.")


def _message(entry: BeatEntry, info: ScheduleInfo) -> str:
    label = entry_label(entry)
    if info.kind in (ScheduleKind.CRONTAB, ScheduleKind.SOLAR):
        # Both constructors validate eagerly, so the error surfaces at import time.
        what = "crontab()" if info.kind is ScheduleKind.CRONTAB else "solar()"
        return (f"{label} has a schedule Celery rejects: {_sentence(info.error)} {what} raises "
                f"this when "
                f"{entry.path} is imported, so every process that loads it (workers, beat, "
                "web) fails to start.")
    return f"{label}: {_sentence(info.error or '')}"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _hint(info: ScheduleInfo) -> str:
    if info.crontab is not None and info.crontab.error_field is CronField.DAY_OF_WEEK:
        return "day_of_week counts 0-6 from Sunday; write 0 or 'sun' for Sunday."
    if info.crontab is not None and info.crontab.error_field is not None:
        return f"Change {info.crontab.error_field.value} to a value crontab() accepts."
    if info.kind is ScheduleKind.CRONTAB:
        return "Change the crontab so that Celery accepts it."
    if info.kind is ScheduleKind.SOLAR:
        return "Use an event and coordinates that solar() accepts."
    if info.kind is ScheduleKind.INTERVAL:
        return "Use a positive interval in seconds or a positive timedelta."
    if info.kind is ScheduleKind.MISSING:
        return "Add 'schedule': a number of seconds, a timedelta, crontab() or solar()."
    return "Wrap cron text in crontab.from_string(), or give seconds or a timedelta."


def _misspelt(entry: BeatEntry) -> bool:
    """A missing schedule beside an unknown key ('shedule') is CEL504's to report."""
    return any(key not in entry_keys() for key, _ in entry.extra_keys)


def _subjects(entry: BeatEntry) -> tuple[str, ...]:
    return (entry.key,) if isinstance(entry.key, str) else ()
