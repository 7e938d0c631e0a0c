"""CEL104: an old-style setting name Celery still reads today but Celery 6 removes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.celery_knowledge.settings import SettingStatus, preferred_key
from celerylint.findings import Applicability, Edit, Finding, Fix, Severity
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.settings.sources import judged_entries

if TYPE_CHECKING:
    from celerylint.project.model import Project


class DeprecatedSettingName(ProjectRule):
    code = "CEL104"
    inputs = WHOLE_PROJECT
    name = "deprecated-setting-name"
    severity = Severity.WARNING
    summary = "An old-style setting name is used; Celery 6 drops support for it."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for judged in judged_entries(project):
            lookup, entry = judged.lookup, judged.entry
            if lookup.status is not SettingStatus.OLD_NAME or not lookup.new_name:
                continue
            new_key = preferred_key(lookup.new_name, entry.namespace, entry.django)
            span = entry.key_span or entry.span
            fix = None
            if span.line == span.end_line and new_key != entry.key:
                fix = Fix(f"Rename to {new_key}", Applicability.SAFE,
                          (Edit(span.line, span.column, span.end_line, span.end_column, new_key),))
            yield self.finding(
                entry.path, span,
                f"'{entry.key}' is the old name of '{lookup.new_name}'; Celery 5 still reads it "
                "but Celery 6 will ignore it silently.",
                fix_hint=f"Rename it to '{new_key}' (all keys of one source at once: Celery "
                "refuses a mix of old and new names).",
                fix=fix, subjects=(entry.key,),
            )
