"""CEL603: a variable Celery's configuration needs, or the code requires, that nothing sets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.environment.celery_variables import REDIS_CLIENT
from celerylint.project.environment.env_model import EnvRead, env_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.model import Project

_ASSIGNED_NAME = re.compile(r"^\s*(?P<name>[A-Za-z_][\w.]*)\s*(?::[^=]+)?=(?!=)")
_TEST_PARTS = frozenset({"tests", "test", "testing"})


def _is_test_file(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return bool(_TEST_PARTS.intersection(parts[:-1])) or name.startswith("test_") \
        or name.endswith("_test.py") or name == "conftest.py"


_HANDLERS = re.compile(r"except\b\s*(:|\(?[\w., ]*\b(KeyError|LookupError|Exception|"
                       r"ImproperlyConfigured|UndefinedValueError|ValidationError)\b)")
_MAIN_GUARD = re.compile(r"if\s+__name__\s*==\s*['\"]__main__['\"]\s*:")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _enclosing_headers(lines: list[str], index: int) -> list[int]:
    """Indices of the block headers around line ``index``, innermost first (by indentation)."""
    headers: list[int] = []
    current = _indent(lines[index])
    for number in range(index - 1, -1, -1):
        line = lines[number]
        if line.strip() and not line.lstrip().startswith("#") and _indent(line) < current:
            headers.append(number)
            current = _indent(line)
    return headers


def _guarded(lines: list[str], index: int) -> bool:
    """Inside ``try:`` whose handler catches the failure, or under ``if __name__ == "__main__":``."""
    for header in _enclosing_headers(lines, index):
        text = lines[header].strip()
        if _MAIN_GUARD.match(text):
            return True
        if text == "try:" and _catches(lines, header):
            return True
    return False


def _catches(lines: list[str], try_line: int) -> bool:
    """Whether one of the ``except`` clauses of the ``try:`` at ``try_line`` catches it."""
    indent = _indent(lines[try_line])
    for line in lines[try_line + 1:]:
        if not line.strip() or _indent(line) != indent:
            continue
        clause = line.strip()
        if _HANDLERS.match(clause):
            return True
        if not clause.startswith(("except", "else", "finally", "#")):
            return False
    return False


def _source_lines(project: "Project", path: str) -> list[str]:
    data = project.read_bytes(path)
    return data.decode("utf-8", errors="replace").split("\n") if data is not None else []


def _handled_when_unset(project: "Project", read: EnvRead) -> bool:
    """The code copes with an unset variable: a guard around the read, or a check after it.

    ``try: ... except KeyError:``, ``if __name__ == "__main__":``, or
    ``X = os.getenv("X")`` followed by ``if not X:`` (or ``X or ...``).
    """
    lines = _source_lines(project, read.path)
    if not 0 < read.span.line <= len(lines):
        return False
    if _guarded(lines, read.span.line - 1):
        return True
    if read.required:
        return False
    match = _ASSIGNED_NAME.match(lines[read.span.line - 1])
    if match is None:
        return False
    name = re.escape(match.group("name"))
    checks = re.compile(rf"\bif\s+(not\s+{name}\b|{name}\s+is\s+None\b|{name}\s*:)"
                        rf"|\b{name}\s+or\b|\bif\s+{name}\s+else\b")
    return any(checks.search(line) for line in lines[read.span.line:])


def _consequence(read: EnvRead) -> str:
    """What really happens where the variable is unset, for the mechanism at hand."""
    if read.required:
        return (f"the read raises {read.raises} there, so every process that imports "
                f"{read.path} fails at start-up")
    if read.feeds == REDIS_CLIENT:
        return "the Redis client is given None instead of a value and cannot connect as meant"
    if read.part:
        return (f"the value built from it for {read.feeds} contains 'None' "
                "(e.g. 'redis://None:6379/0'), so Celery cannot connect")
    if read.feeds == "broker_url":
        return ("Celery falls back to its default broker (amqp://guest@localhost//), so "
                "workers and callers connect to nothing in a deployed environment")
    if read.feeds == "result_backend":
        return "Celery runs without a result backend, so AsyncResult.get() raises"
    return f"Celery receives None for {read.feeds} instead of the value you meant"


class MissingEnvVariable(ProjectRule):
    code = "CEL603"
    inputs = WHOLE_PROJECT
    name = "missing-env-variable"
    severity = Severity.ERROR
    summary = "Code reads a variable without a default that no env file or compose service sets."
    preview = True  # below 95 % on the precision benchmark: see its doc's Known limits

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = env_model(project)
        if not model.files and not model.compose:
            return  # the environment comes from elsewhere: nothing to compare with
        provided = model.provided()
        reported: set[str] = set()
        for read in sorted(model.reads, key=lambda r: (r.path, r.span.line)):
            if read.has_default or read.variable in provided or read.variable in reported:
                continue
            if not read.required and not read.feeds_celery:
                continue  # os.getenv("X") without default is an optional read by design
            if _is_test_file(read.path):
                continue  # no Celery process runs a test module
            if _handled_when_unset(project, read):
                continue
            reported.add(read.variable)
            files = ", ".join(f.path for f in model.files) or "no env file"
            yield self.finding(
                read.path, read.span,
                f"'{read.variable}' is read without a default, but no env file ({files}) and no "
                f"compose service sets it: {_consequence(read)}.",
                severity=Severity.ERROR if read.feeds_celery else Severity.WARNING,
                fix_hint=f"Add {read.variable} to the env files of every environment, or give "
                "the read a default.",
                subjects=(read.variable,),
            )
