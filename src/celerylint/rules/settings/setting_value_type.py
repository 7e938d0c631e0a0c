"""CEL105: a setting whose statically known value has a type Celery does not expect."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from celerylint.celery_knowledge.settings import expected_type
from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.evaluate import UNKNOWN, StaticCall, plain
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.rules.settings.sources import judged_entries

if TYPE_CHECKING:
    from celerylint.project.model import Project

PATH_CLASSES = ("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "os.PathLike")
BOOL_STRINGS = {"true", "false", "yes", "no", "on", "off", "0", "1"}


def type_problem(expected: str, value: Any) -> str | None:
    """Why ``value`` does not fit Celery's declared type, or None when it fits or is unknown."""
    if value is UNKNOWN or value is None:
        return None
    if isinstance(value, StaticCall):
        if expected == "string" and value.qualified in PATH_CLASSES:
            return "a pathlib.Path where Celery expects a string (str() it)"
        return None
    if expected == "bool" and isinstance(value, str) and value.lower() in BOOL_STRINGS:
        return f"the string {value!r}, which is always true in Python; use {value.lower() in ('true', 'yes', 'on', '1')!r}"
    if expected in ("int", "float") and (isinstance(value, str) or isinstance(value, bool)):
        return f"{value!r} ({type(value).__name__}) where Celery expects a number"
    if expected == "string" and isinstance(value, (int, float, bool)) and not isinstance(value, bool):
        return None  # numbers in string settings are rare and usually harmless
    return None


class SettingValueType(ProjectRule):
    code = "CEL105"
    inputs = WHOLE_PROJECT
    name = "setting-value-type"
    severity = Severity.ERROR
    summary = "A setting's value has a type Celery does not expect (Path for a string, 'False' for a bool)."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        for judged in judged_entries(project):
            if not judged.lookup.is_read or not judged.lookup.setting:
                continue
            expected = expected_type(judged.lookup.setting)
            if expected is None:
                continue
            entry = judged.entry
            value = plain(model.evaluator.evaluate(entry.value, entry.module))
            problem = type_problem(expected, value)
            if problem is None:
                continue
            yield self.finding(
                entry.path, entry.span,
                f"'{entry.key}' is set to {problem}; Celery reads {judged.lookup.setting} as "
                f"{expected} and misbehaves or fails at start-up.",
                fix_hint=f"Give {judged.lookup.setting} a {expected} value.",
                subjects=(entry.key,),
            )
