"""CEL603: a variable Celery's configuration needs, or the code requires, that nothing sets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery_variables import REDIS_CLIENT
from celerylint.project.env_model import EnvRead, env_model
from celerylint.rules.base import ProjectRule

if TYPE_CHECKING:
    from celerylint.project.model import Project

_ASSIGNED_NAME = re.compile(r"^\s*(?P<name>[A-Za-z_][\w.]*)\s*(?::[^=]+)?=(?!=)")
_TEST_PARTS = frozenset({"tests", "test", "testing"})


def _is_test_file(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return bool(_TEST_PARTS.intersection(parts[:-1])) or name.startswith("test_") \
        or name.endswith("_test.py") or name == "conftest.py"


def _handled_when_unset(project: "Project", read: EnvRead) -> bool:
    """``X = os.getenv("X")`` followed by ``if not X:`` (or ``X or ...``): the code copes."""
    data = project.read_bytes(read.path)
    if data is None:
        return False
    lines = data.decode("utf-8", errors="replace").split("\n")
    match = _ASSIGNED_NAME.match(lines[read.span.line - 1]) if read.span.line <= len(lines) else None
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
    name = "missing-env-variable"
    severity = Severity.ERROR
    summary = "Code reads a variable without a default that no env file or compose service sets."

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
            if not read.required and _handled_when_unset(project, read):
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
