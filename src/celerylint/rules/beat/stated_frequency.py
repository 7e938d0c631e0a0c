"""CEL507: the entry's name or comment states a frequency its schedule plainly contradicts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.celery_knowledge.schedules import CrontabResult
from celerylint.celery_knowledge.stated import (
    StatedFrequency,
    frequency_disagrees,
    stated_frequency,
)
from celerylint.celery_knowledge.stated_timezones import named_zone, times_in_zone
from celerylint.findings import Finding, Severity
from celerylint.project.celery.beat_schedules import (
    ScheduleInfo,
    ScheduleKind,
    beat_schedules,
    entry_label,
)
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.celery.beat import BeatEntry
    from celerylint.project.model import Project
    from celerylint.source.facts import ModuleFacts


def stated_texts(entry: BeatEntry, facts: ModuleFacts | None) -> list[tuple[str, str]]:
    """(where, text) of what may state the entry's frequency: its key, then nearby comments.

    Comments count when they stand alone on the line just above the entry, or
    trail the entry's key line or its schedule line.
    """
    texts: list[tuple[str, str]] = []
    if isinstance(entry.key, str):
        texts.append(("its name", entry.key))
    if facts is None:
        return texts
    schedule_line = entry.schedule.span.line if entry.schedule is not None else 0
    for comment in facts.comments:
        above = comment.own_line and comment.line == entry.span.line - 1
        trailing = not comment.own_line and comment.line in (entry.span.line, schedule_line)
        if above or trailing:
            texts.append(("the comment", comment.text.lstrip("#").strip()))
    return texts


def _schedule_value(info: ScheduleInfo) -> CrontabResult | float | None:
    if info.kind is ScheduleKind.CRONTAB and info.crontab is not None and info.crontab.ok:
        return info.crontab
    if info.kind is ScheduleKind.INTERVAL and info.error is None:
        return info.seconds
    return None


def _verdict(stated: StatedFrequency, schedule: CrontabResult | float, text: str,
             timezone: str) -> str | None:
    """``frequency_disagrees``, with a time of day read in the zone the text names.

    "daily at 2 AM EST" on a UTC app means 07:00 UTC; where daylight saving makes
    several readings possible, any reading that agrees is agreement.
    """
    zone = named_zone(text) if stated.time_of_day is not None else None
    if zone is None or stated.time_of_day is None:
        return frequency_disagrees(stated, schedule)
    name, offsets = zone
    readings = times_in_zone(stated.time_of_day, offsets, timezone)
    if readings is None:
        return None  # the app's clock is not known: the time of day cannot be compared
    verdicts = [frequency_disagrees(dataclasses.replace(stated, time_of_day=reading), schedule)
                for reading in sorted(readings)]
    if any(verdict is None for verdict in verdicts):
        return None
    hour, minute = stated.time_of_day
    shown = " or ".join(f"{h:02}:{m:02}" for h, m in sorted(readings))
    return f"{verdicts[0]} ({hour:02}:{minute:02} {name} is {shown} {timezone})"


class StatedFrequencyMismatch(ProjectRule):
    code = "CEL507"
    inputs = WHOLE_PROJECT
    name = "stated-frequency-mismatch"
    severity = Severity.WARNING
    summary = "A beat entry's name or comment states a frequency its schedule contradicts."

    def check_project(self, project: Project) -> Iterator[Finding]:
        facts_by_path = {facts.path: facts for facts in project.python_facts()}
        for entry, info in beat_schedules(project):
            schedule = _schedule_value(info)
            if schedule is None:
                continue
            for where, text in stated_texts(entry, facts_by_path.get(entry.path)):
                stated = stated_frequency(text)
                verdict = _verdict(stated, schedule, text, info.timezone) if stated else None
                if verdict is None:
                    continue
                if info.timezone != "UTC":  # the shared wording describes crontabs in UTC
                    verdict = verdict.replace(" UTC", f" {info.timezone}")
                yield self.finding(
                    entry.path, entry.span,
                    f"{entry_label(entry)}: {where} {verdict}. One of them is wrong: either the "
                    "task runs at another rate than its readers expect, or the words are stale.",
                    fix_hint="Fix the schedule, or update the name/comment to say what it does.",
                    subjects=(entry.key,) if isinstance(entry.key, str) else (),
                )
                break
