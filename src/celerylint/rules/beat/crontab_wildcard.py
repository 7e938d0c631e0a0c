"""CEL502: ``crontab(hour=7)`` runs every minute of 07:00-07:59, not once at 07:00.

Judged in beat entries (named by their key) and at every other ``crontab(...)`` call
(periodic-task decorators, ``add_periodic_task``, schedule registries).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.celery_knowledge.schedules import (
    CronField,
    CrontabResult,
    WildcardWarning,
    smaller_unit_wildcard,
)
from celerylint.findings import Applicability, Edit, Finding, Fix, Severity
from celerylint.project.celery.beat_schedules import beat_schedules, entry_label, with_timezone
from celerylint.project.celery.crontab_calls import crontab_calls
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import CallValue, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project


class CrontabSmallerUnitWildcard(ProjectRule):
    code = "CEL502"
    inputs = WHOLE_PROJECT
    name = "crontab-smaller-unit-wildcard"
    severity = Severity.WARNING
    summary = "A crontab pins a larger unit (hour, day) but leaves a smaller one as '*'."

    def check_project(self, project: Project) -> Iterator[Finding]:
        for entry, info in beat_schedules(project):
            result = info.crontab
            warning = smaller_unit_wildcard(result) if result is not None else None
            if result is None or warning is None or entry.schedule is None:
                continue
            fix = None
            call_facts = project.module(info.call_module) if info.call is not None else None
            if info.call is not None and call_facts is not None and call_facts.path == entry.path:
                fix = crontab_fix(info.call, result, warning)
            yield self.finding(
                entry.path, entry.schedule.span,
                f"{entry_label(entry)} {with_timezone(warning.reading, info.timezone)}: a crontab "
                f"field left out means '*' (every value), not 0; {warning.fix}.",
                fix_hint=_hint(result, warning),
                fix=fix, subjects=(entry.key,) if isinstance(entry.key, str) else (),
            )
        yield from self._outside_beat_entries(project)

    def _outside_beat_entries(self, project: Project) -> Iterator[Finding]:
        """Decorators' ``run_every``, handlers, registries: Celery reads them the same way."""
        for found in crontab_calls(project):
            result = found.info.crontab
            warning = smaller_unit_wildcard(result) if result is not None else None
            if result is None or warning is None or found.in_test:
                continue
            yield self.finding(
                found.path, found.call.span,
                f"This crontab {with_timezone(warning.reading, found.info.timezone)}: a crontab "
                f"field left out means '*' (every value), not 0; {warning.fix}.",
                fix_hint=_hint(result, warning), fix=crontab_fix(found.call, result, warning))


def _hint(result: CrontabResult, warning: WildcardWarning) -> str:
    pinned = fields_to_pin(result, warning)
    when = "at the start of each hour it names" if pinned == (CronField.MINUTE,) \
        else "on each day it names"
    return (f"{warning.fix.capitalize()} to run once {when}, or pin the "
            f"{warning.wildcard.value} you mean.")


def fields_to_pin(result: CrontabResult, warning: WildcardWarning) -> tuple[CronField, ...]:
    """The fields the fix sets to 0, in the same cases ``smaller_unit_wildcard`` names them."""
    if warning.wildcard is CronField.MINUTE and result.is_full(CronField.HOUR):
        return (CronField.MINUTE, CronField.HOUR)
    return (warning.wildcard,)


def crontab_fix(call: CallValue, result: CrontabResult, warning: WildcardWarning) -> Fix | None:
    """Set the wildcard fields to 0 in the ``crontab(...)`` call as written.

    A field given positionally or by keyword has its value replaced; a missing
    one is inserted as a keyword, before the first keyword (``crontab(minute=0,
    hour=7)``) or after the positional arguments. Unsafe: it changes when the task runs.
    """
    if call.func.rsplit(".", 1)[-1] != "crontab" or call.has_star_args or call.has_star_kwargs:
        return None
    order = list(CronField)
    replaced: list[Edit] = []
    inserted: list[str] = []
    for field in fields_to_pin(result, warning):
        index = order.index(field)
        written = call.args[index] if index < len(call.args) else call.keyword(field.value)
        if written is None:
            inserted.append(f"{field.value}=0")
        elif written.span.line and written.span.line == written.span.end_line:
            span = written.span
            replaced.append(Edit(span.line, span.column, span.end_line, span.end_column, "0"))
        else:
            return None
    edits = list(replaced)
    if inserted:
        insertion = _insertion(call, inserted)
        if insertion is None:
            return None
        edits.append(insertion)
    names = ", ".join(f"{field.value}=0" for field in fields_to_pin(result, warning))
    return Fix(f"Set {names}", Applicability.UNSAFE, tuple(edits))


def _insertion(call: CallValue, keywords: list[str]) -> Edit | None:
    text = ", ".join(keywords)
    if call.args:
        end = call.args[-1].span
        return Edit(end.end_line, end.end_column, end.end_line, end.end_column, f", {text}") \
            if end.line else None
    if call.kwargs:
        start: Span = call.kwargs[0].span
        return Edit(start.line, start.column, start.line, start.column, f"{text}, ") \
            if start.line else None
    return None
