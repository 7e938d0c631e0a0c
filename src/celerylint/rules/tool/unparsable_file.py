"""CEL001: a file that cannot be read or parsed hides everything in it from analysis.

Python modules (the parse failure is a fact of the module), YAML deployment files
(compose and Kubernetes: the YAML reader's problems are facts of the deployment),
deployment files too large or binary to read, dependency files that cannot be
read or are not valid TOML, and special files (FIFO, socket, device) named like a file
celerylint reads, which discovery lists but never opens. All were read once, earlier;
this rule only reports, so nothing discovery selected is skipped in silence.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.deploy.deployment_facts import (
    DeploymentFacts,
    DeploymentKind,
    DeploymentProblem,
    DeploymentProblemKind,
)
from celerylint.project.deploy.deployment_files import project_deployments, unread_deployment_files
from celerylint.project.deploy.deployments import deployment_kind_for
from celerylint.project.environment.env_model import env_model
from celerylint.project.environment.envfiles import is_env_file_candidate
from celerylint.project.packaging.lock_files import LOCK_FILES
from celerylint.project.packaging.requirements_files import parser_for
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import ModuleFacts, Span
from celerylint.source.templates import is_unparsable_template

if TYPE_CHECKING:
    from celerylint.project.model import Project
    from celerylint.project.process_scope import ProcessScope

_YAML_KINDS = (DeploymentKind.COMPOSE, DeploymentKind.KUBERNETES)
# Template placeholders are not reported: such a file is rendered by another tool first.
_COMPOSE_FIX_HINTS = {
    DeploymentProblemKind.INVALID_YAML: "Fix the YAML here (`docker compose config` shows the "
    "same error), or exclude the file in [tool.celerylint] extend-exclude.",
    DeploymentProblemKind.UNEXPECTED_SHAPE: "Give the file compose's shape: a top-level "
    "mapping whose 'services:' maps each service name to a mapping of its keys.",
}


class UnparsableFile(ProjectRule):
    code = "CEL001"
    inputs = WHOLE_PROJECT
    name = "unparsable-file"
    severity = Severity.ERROR
    summary = "A file could not be read or parsed, so nothing in it was checked."
    # A Python file no Celery process loads (deliberately broken test data, scripts) is
    # judged only with scope "project"; deployment and dependency files always are.
    hygiene = True
    process_consequence = "the {process} fails at start-up with SyntaxError"

    def judged_in_scope(self, finding: Finding, scope: ProcessScope) -> bool:
        # A special file in place of a module was never read, so the process scope
        # cannot tell whether a worker imports it: it is always judged.
        return (not finding.path.endswith(".py") or scope.covers_path(finding.path)
                or finding.message.startswith(_SPECIAL_FILE_HEAD))

    def check_project(self, project: Project) -> Iterator[Finding]:
        for facts in project.python_facts():
            failure = facts.parse_failure
            if failure and is_unparsable_template(project, facts.path, failure.message):
                continue  # template syntax, not a broken file: a --verbose note says so
            yield from self._python_file(facts)
        for deployment in project_deployments(project):
            if deployment.kind in _YAML_KINDS:
                yield from self._compose_file(deployment)
        for path, why in unread_deployment_files(project):
            yield self.finding(path, Span(1, 1, 1, 1),
                               f"Not read as a deployment file: {why}; the worker and beat "
                               "commands it may start were not checked.",
                               fix_hint="Exclude the file in [tool.celerylint] extend-exclude "
                               "if it is no deployment file.")
        for path, line, why in project.dependencies.unreadable:
            yield self.finding(path, Span(line, 1, line, 1),
                               f"Cannot read this dependency file: {why[0].lower()}{why[1:]} "
                               "The dependency rules treat what it declares as unknown.",
                               fix_hint="Fix the file (pip and build tools fail on it too), "
                               "or exclude it in [tool.celerylint] extend-exclude.")
        for path, why in env_model(project).unread:
            yield self.finding(path, Span(1, 1, 1, 1),
                               f"Cannot read this env file: {why}; the variables it sets "
                               "were not checked, and the env rules take them as unset.",
                               fix_hint="Make the file readable, or exclude it in "
                               "[tool.celerylint] extend-exclude.")
        yield from self._special_files(project)

    def _special_files(self, project: Project) -> Iterator[Finding]:
        """FIFOs, sockets and devices where celerylint would read a module, a deployment,
        env or dependency file: never opened (a FIFO blocks the reader forever)."""
        for unread in project.inventory.unread:
            if _read_by_name(project, unread.path):
                yield self.finding(unread.path, Span(1, 1, 1, 1),
                                   f"{_SPECIAL_FILE_HEAD}{unread.reason}, so what a file of "
                                   "this name declares (a module, worker commands, environment, "
                                   "dependencies) was not checked.",
                                   fix_hint="Replace it with a regular file, or exclude it "
                                   "in [tool.celerylint] extend-exclude.")

    def _python_file(self, facts: ModuleFacts) -> Iterator[Finding]:
        failure = facts.parse_failure
        if failure is None:
            return
        analyser_limit = any(word in failure.message
                             for word in ("libcst", "celerylint", "not analysed"))
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


_SPECIAL_FILE_HEAD = "This path is "
_READ_BY_FIXED_NAME = frozenset({"setup.cfg", "tox.ini", "pytest.ini", ".gitignore",
                                 *LOCK_FILES})


def _read_by_name(project: Project, path: str) -> bool:
    """Whether celerylint reads a file at ``path``, judged from the path alone."""
    name = PurePosixPath(path).name
    return (path.endswith(".py") or name in _READ_BY_FIXED_NAME
            or deployment_kind_for(path) is not None or parser_for(path) is not None
            or is_env_file_candidate(path)
            or any(fnmatch.fnmatch(path, p) for p in project.settings.env_files))


def _span(problem: DeploymentProblem) -> Span:
    return Span(problem.line, problem.column, problem.line, problem.column)
