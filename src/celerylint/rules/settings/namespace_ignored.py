"""CEL102: a key written for Celery that the namespace prefix makes Celery skip."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.celery_knowledge.settings import SettingStatus
from celerylint.findings import Applicability, Edit, Finding, Fix, Severity
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.settings.sources import judged_entries

if TYPE_CHECKING:
    from celerylint.project.model import Project


class SettingIgnoredByNamespace(ProjectRule):
    code = "CEL102"
    inputs = WHOLE_PROJECT
    name = "setting-ignored-by-namespace"
    severity = Severity.ERROR
    summary = "A setting lacks the namespace prefix (or uses the wrong one), so Celery never reads it."
    preview = True  # below 95 % on the precision benchmark: see its doc's Known limits

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for judged in judged_entries(project):
            lookup, entry = judged.lookup, judged.entry
            if lookup.status is not SettingStatus.IGNORED_UNDER_NAMESPACE:
                continue
            where = f"namespace='{entry.namespace}'" if entry.namespace else "this source"
            span = entry.key_span or entry.span
            fix = None
            if span.line == span.end_line and lookup.reads_instead:
                fix = Fix(f"Rename to {lookup.reads_instead}", Applicability.SAFE, (
                    Edit(span.line, span.column, span.end_line, span.end_column,
                         lookup.reads_instead),))
            yield self.finding(
                entry.path, span,
                f"Celery never reads '{entry.key}' under {where}: it looks for "
                f"'{lookup.reads_instead}', so {lookup.setting} keeps its default.",
                fix_hint=f"Rename it to '{lookup.reads_instead}'.", fix=fix,
                subjects=(entry.key,),
            )
