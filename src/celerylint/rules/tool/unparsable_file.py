"""CEL001: a file that cannot be parsed hides everything in it from analysis.

Two kinds of file: Python modules (the parse failure is a fact of the module)
and docker-compose files (the YAML reader's problems are facts of the
deployment). Both were parsed once, earlier; this rule only reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.deployment_facts import (
    DeploymentFacts,
    DeploymentKind,
    DeploymentProblem,
    DeploymentProblemKind,
)
from celerylint.project.deployment_files import project_deployments
from celerylint.rules.base import ProjectRule
from celerylint.source.facts import ModuleFacts, Span
from celerylint.source.templates import is_unparsable_template

if TYPE_CHECKING:
    from celerylint.project.model import Project

# Template placeholders are not reported: such a file is rendered by another tool first.
_COMPOSE_FIX_HINTS = {
    DeploymentProblemKind.INVALID_YAML: "Fix the YAML here (`docker compose config` shows the "
    "same error), or exclude the file in [tool.celerylint] extend-exclude.",
    DeploymentProblemKind.UNEXPECTED_SHAPE: "Give the file compose's shape: a top-level "
    "mapping whose 'services:' maps each service name to a mapping of its keys.",
}


class UnparsableFile(ProjectRule):
    code = "CEL001"
    name = "unparsable-file"
    severity = Severity.ERROR
    summary = "A Python or compose file could not be parsed, so nothing in it was checked."

    def check_project(self, project: Project) -> Iterator[Finding]:
        for facts in project.python_facts():
            failure = facts.parse_failure
            if failure and is_unparsable_template(project, facts.path, failure.message):
                continue  # template syntax, not a broken file: a --verbose note says so
            yield from self._python_file(facts)
        for deployment in project_deployments(project):
            if deployment.kind is DeploymentKind.COMPOSE:
                yield from self._compose_file(deployment)

    def _python_file(self, facts: ModuleFacts) -> Iterator[Finding]:
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

    def _compose_file(self, deployment: DeploymentFacts) -> Iterator[Finding]:
        """The YAML parser's error, or the place where the file stops looking like compose."""
        for problem in deployment.problems:
            fix_hint = _COMPOSE_FIX_HINTS.get(problem.kind)
            if fix_hint is not None:
                yield self.finding(deployment.path, _span(problem), problem.message,
                                   fix_hint=fix_hint)


def _span(problem: DeploymentProblem) -> Span:
    return Span(problem.line, problem.column, problem.line, problem.column)
