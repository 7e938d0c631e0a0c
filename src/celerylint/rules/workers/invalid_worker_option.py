"""CEL404: a worker or beat command line that Celery's own CLI refuses at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.celery.celery_versions import celery_versions
from celerylint.project.deploy.celery_cli import CliProblem, check_command_line
from celerylint.project.deploy.deployment_facts import DeploymentKind
from celerylint.project.deploy.worker_command import ProcessKind
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.secrets import mask_secrets_in_text
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.deploy.deployment_facts import DeploymentFacts, ServiceFacts
    from celerylint.project.deploy.worker_command import CeleryCommand
    from celerylint.project.model import Project


class InvalidWorkerOption(ProjectRule):
    code = "CEL404"
    inputs = WHOLE_PROJECT
    name = "invalid-worker-option"
    severity = Severity.ERROR
    summary = (
        "A celery worker or beat command line has an option Celery's CLI refuses (opt-in rule)."
    )

    def check_project(self, project: Project) -> Iterator[Finding]:
        versions = celery_versions(project.dependencies)
        if versions.majors_differ:
            return  # another major's CLI (Celery 4 took `celery worker -A proj`)
        model = celery_model(project)
        for deployment in model.deployments:
            for service in deployment.services:
                for command in service.commands:
                    if command.kind is ProcessKind.OTHER:
                        continue
                    problem = check_command_line(command, _expanded_by_the_runner(
                        deployment, service))
                    if problem is not None:
                        yield self._report(deployment.path, service.name, command, problem)

    def _report(self, path: str, service: str, command: CeleryCommand,
                problem: CliProblem) -> Finding:
        process = f"celery {command.subcommand}"
        if problem.belongs_to == "celery":
            fix = f"Move {problem.option} before '{command.subcommand}': it is an option of " \
                  "`celery` itself."
        elif problem.belongs_to is not None:
            fix = f"Move {problem.option} after '{problem.belongs_to}': it is an option of " \
                  f"`celery {problem.belongs_to}`."
        else:
            fix = f"Write {problem.option} as `celery {problem.level} --help` lists it."
        where = "`celery`" if problem.level == "celery" else f"`celery {problem.level}`"
        return self.finding(
            path, Span(command.line, command.column, command.line, command.column),
            f"'{service}' runs `{mask_secrets_in_text(command.raw)}`, which {where} refuses: click stops the "
            f"{process} process at start-up with \"{problem.usage_error}\", so it never runs.",
            fix_hint=fix,
            subjects=(problem.option,),
        )


def _expanded_by_the_runner(deployment: DeploymentFacts, service: ServiceFacts) -> dict[str, str]:
    """What the program that expands the command line sets: systemd fills ``${X}`` in
    ``ExecStart=`` from ``Environment=``.  Compose interpolates from the shell and ``.env``,
    supervisord's ``%(ENV_X)s`` from its own environment: neither is known here."""
    if deployment.kind is not DeploymentKind.SYSTEMD:
        return {}
    return {key: value for key, value, _line in service.environment if value is not None}
