"""CEL405: a worker command line uses a variable that nothing in the project sets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.deploy.command_variables import (
    CommandVariable,
    assigned_names,
    command_variables,
)
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project

MAX_TEXT_BYTES = 2_000_000
_CONSEQUENCES = {
    "supervisord": "supervisord refuses to load its configuration (\"Format string … contains "
                   "names ('ENV_{name}') which cannot be expanded\"), so no program starts",
    "systemd": "systemd fills in an empty string, so the worker starts with a command line "
               "other than the one written",
}


class UnsetCommandVariable(ProjectRule):
    code = "CEL405"
    inputs = WHOLE_PROJECT
    name = "unset-command-variable"
    severity = Severity.ERROR
    summary = "A worker command line uses a variable nothing in the project sets (opt-in rule)."
    preview = True  # runs with --preview until the precision benchmark measures it

    def check_project(self, project: Project) -> Iterator[Finding]:
        model = celery_model(project)
        if not any(command_variables(d) for d in model.deployments):
            return
        assigned = assigned_names(_texts(project))
        reported: set[tuple[str, int, str]] = set()
        for deployment in model.deployments:
            for variable in command_variables(deployment):
                key = (deployment.path, variable.command.line, variable.name)
                if variable.name in assigned or key in reported:
                    continue
                reported.add(key)
                yield self._report(deployment.path, variable)

    def _report(self, path: str, variable: CommandVariable) -> Finding:
        command = variable.command
        consequence = _CONSEQUENCES[variable.runner].format(name=variable.name)
        return self.finding(
            path, Span(command.line, command.column, command.line, command.column),
            f"'{variable.service.name}' runs a Celery command with {variable.written}, but "
            f"nothing in the project sets {variable.name}: {consequence}.",
            fix_hint=f"Set {variable.name} where {variable.runner} reads it, or write the "
            "value into the command.",
            subjects=(variable.name,),
        )


def _texts(project: Project) -> Iterator[str]:
    for rel in project.files:
        data = project.read_bytes(rel)
        if data is not None and len(data) <= MAX_TEXT_BYTES and b"\0" not in data:
            yield data.decode("utf-8", "replace")
