"""CEL601/CEL602: env file lines python-dotenv cannot parse, and keys set twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.environment.env_model import env_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project


class UnparsableEnvLine(ProjectRule):
    code = "CEL601"
    inputs = WHOLE_PROJECT
    name = "unparsable-env-line"
    severity = Severity.ERROR
    summary = "A line of an env file cannot be parsed, so its variable is not set."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for env_file in env_model(project).files:
            for problem in env_file.problems:
                yield self.finding(
                    env_file.path, Span(problem.line, 1, problem.line, 1),
                    f"{problem.message} (python-dotenv and docker compose skip or misread it, "
                    "so the variable is not what the file says).",
                    fix_hint="Write KEY=value, quoting values that contain spaces or '#'.",
                )


class DuplicateEnvKey(ProjectRule):
    code = "CEL602"
    inputs = WHOLE_PROJECT
    name = "duplicate-env-key"
    severity = Severity.WARNING
    summary = "An env file sets the same key twice; the later value silently wins."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for env_file in env_model(project).files:
            for earlier, later in env_file.duplicates():
                yield self.finding(
                    env_file.path, Span(later.line, later.column, later.line, later.column),
                    f"'{later.key}' is set again here (first at line {earlier.line}); the later "
                    "value wins, so editing the first one changes nothing.",
                    fix_hint="Keep one of them.", subjects=(later.key,),
                )
