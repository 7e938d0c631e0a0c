"""CEL001: a Python file that cannot be parsed hides everything in it from analysis."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.rules.base import ModuleRule
from celerylint.source.facts import ModuleFacts, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project


class UnparsableFile(ModuleRule):
    code = "CEL001"
    name = "unparsable-file"
    severity = Severity.ERROR
    summary = "A Python file could not be parsed, so nothing in it was checked."

    def check_module(self, facts: ModuleFacts, project: "Project") -> Iterator[Finding]:
        failure = facts.parse_failure
        if failure is None:
            return
        analyser_limit = "libcst" in failure.message or "celerylint" in failure.message
        consequence = ("celerylint could not analyse it, so nothing in it was checked "
                       "(Python itself may accept it)" if analyser_limit else
                       "celerylint skipped it, and a worker importing it would fail too")
        yield self.finding(
            facts.path,
            Span(failure.line, failure.column, failure.line, failure.column),
            f"Cannot parse this file: {failure.message}. {consequence[0].upper()}{consequence[1:]}.",
            fix_hint="Fix the syntax, or exclude generated and template files in "
            "[tool.celerylint] extend-exclude.",
        )
