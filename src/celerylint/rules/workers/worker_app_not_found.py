"""CEL403: ``celery -A target`` names a module or attribute the project does not have."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project


class WorkerAppNotFound(ProjectRule):
    code = "CEL403"
    inputs = WHOLE_PROJECT
    name = "worker-app-not-found"
    severity = Severity.ERROR
    summary = "A celery -A target does not resolve to a module of the project."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        for deployment in model.deployments:
            for service in deployment.services:
                for command in service.commands:
                    problem = self._problem(command.app, command.app_known, project)
                    if problem is None:
                        continue
                    yield self.finding(
                        deployment.path,
                        Span(command.line, command.column, command.line, command.column),
                        f"'{service.name}' starts 'celery -A {command.app}', but {problem}; "
                        "the process exits at start-up with \"Unable to load celery application\".",
                        fix_hint="Point -A at the module (or module:attribute) that creates the "
                        "Celery app.",
                        subjects=(command.app or "",),
                    )

    def _problem(self, target: str | None, known: bool, project: "Project") -> str | None:
        if not target or not known:
            return None
        module, _, attribute = target.partition(":")
        top = module.split(".")[0]
        if not project.is_first_party(top):
            return None  # maybe an installed package: not ours to judge
        if not project.module_exists(module):
            parent, _, attr = module.rpartition(".")
            if parent and project.module_exists(parent) and not attribute:
                module, attribute = parent, attr
            else:
                return f"module '{module}' does not exist in this project"
        facts = project.module(project.canonical_module_name(module))
        if attribute and facts is not None and facts.parse_failure is None \
                and not facts.has_star_import and not facts.has_module_getattr \
                and attribute.split(".")[0] not in facts.defined_names \
                and not project.module_exists(f"{module}.{attribute}"):
            return f"module '{module}' defines no '{attribute}'"
        return None
