"""CEL101: a configuration key Celery does not know (a typo), with Celery's own list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.celery_knowledge.settings import SettingStatus
from celerylint.celery_knowledge.undeclared import reads_undeclared
from celerylint.findings import Finding, Severity
from celerylint.project.celery.setting_owners import library_owner, read_by_project
from celerylint.rules.base import WITH_PYTHON_TEXT, ProjectRule
from celerylint.rules.settings.sources import JudgedEntry, judged_entries

if TYPE_CHECKING:
    from celerylint.project.model import Project


def _candidate(judged: JudgedEntry) -> bool:
    """An unknown key, or any key of conf.update(...), which is meant as a setting."""
    status = judged.lookup.status
    if status is not SettingStatus.UNKNOWN and not (
            status is SettingStatus.NOT_CELERY and judged.explicit):
        return False
    # Celery reads a few keys with conf.get(...) though they are not in its defaults.
    return not reads_undeclared(judged.entry.key, judged.entry.namespace)


class UnknownSetting(ProjectRule):
    code = "CEL101"
    inputs = WITH_PYTHON_TEXT  # module names in any text; settings keys read
    name = "unknown-setting"
    severity = Severity.ERROR
    summary = "A configuration key is not a Celery setting, so Celery silently ignores it."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        candidates = [judged for judged in judged_entries(project) if _candidate(judged)]
        shared = {j.entry.key for j in candidates if j.entry.django}
        owned = read_by_project(project, shared)
        for judged in candidates:
            lookup, entry = judged.lookup, judged.entry
            if entry.django and (entry.key in owned or library_owner(entry.key)):
                continue  # a Django setting the project or another library reads
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
