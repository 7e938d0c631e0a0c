"""CEL103: one configuration source mixes old and new setting names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.celery_knowledge.settings import detect_mixed_names
from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_apps import SettingEntry
from celerylint.project.celery.celery_model import celery_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.model import Project


class MixedSettingNames(ProjectRule):
    code = "CEL103"
    inputs = WHOLE_PROJECT
    name = "mixed-setting-names"
    severity = Severity.ERROR
    summary = "A source mixes old UPPERCASE and new lowercase setting names; Celery refuses to start."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        groups: dict[str, list[SettingEntry]] = {}
        for app_id in sorted(model.configs):
            for entry in model.configs[app_id].entries:
                if entry.source_id and not entry.namespace:
                    groups.setdefault(entry.source_id, []).append(entry)
        for source_id, entries in sorted(groups.items()):
            unique = {(e.key, e.span.line): e for e in entries}
            ordered = sorted(unique.values(), key=lambda e: (e.span.line, e.span.column))
            mixed = detect_mixed_names([e.key for e in ordered], None)
            if mixed is None:
                continue
            renamed = {old for old, _ in mixed.renames}
            first = next((e for e in ordered if e.key in renamed), ordered[0])
            yield self.finding(
                first.path, first.key_span or first.span,
                f"This configuration mixes old and new setting names ({len(mixed.renames)} to "
                f"rename); Celery raises ImproperlyConfigured at start-up: {mixed.message}",
                fix_hint="Use only new lowercase names (or only old ones) in one source.",
                subjects=tuple(sorted(renamed)),
            )
