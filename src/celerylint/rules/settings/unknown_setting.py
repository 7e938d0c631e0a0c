"""CEL101: a configuration key Celery does not know (a typo), with Celery's own list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.celery_knowledge.settings import SettingStatus
from celerylint.findings import Finding, Severity
from celerylint.rules.base import ProjectRule
from celerylint.celery_knowledge.undeclared import reads_undeclared
from celerylint.rules.settings.sources import judged_entries

if TYPE_CHECKING:
    from celerylint.project.model import Project


class UnknownSetting(ProjectRule):
    code = "CEL101"
    name = "unknown-setting"
    severity = Severity.ERROR
    summary = "A configuration key is not a Celery setting, so Celery silently ignores it."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for judged in judged_entries(project):
            lookup, entry = judged.lookup, judged.entry
            if lookup.status is SettingStatus.NOT_CELERY and judged.explicit:
                pass  # conf.update(foo=...) is meant as a setting whatever its name
            elif lookup.status is not SettingStatus.UNKNOWN:
                continue
            if reads_undeclared(entry.key, entry.namespace):
                continue  # read by Celery with conf.get(...) though not in its defaults
            if lookup.transport_option:
                hint = (f"'{lookup.transport_option}' is a broker transport option: set it "
                        f"inside {lookup.suggestion}={{'{lookup.transport_option}': ...}}.")
            elif lookup.suggestion:
                hint = f"Did you mean '{lookup.suggestion}'?"
            else:
                hint = "Check the name against Celery's configuration reference."
            yield self.finding(
                entry.path, entry.key_span or entry.span,
                f"'{entry.key}' is not a setting Celery reads, so its value is silently ignored "
                f"and Celery uses its default instead.",
                fix_hint=hint, subjects=(entry.key,),
            )
