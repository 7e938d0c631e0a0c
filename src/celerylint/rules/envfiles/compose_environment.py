"""CEL608/CEL609/CEL610: what a compose file promises its services but does not deliver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.deploy.deployment_facts import DeploymentFacts
from celerylint.project.deploy.deployment_groups import compose_project_folders
from celerylint.project.environment.env_file_sources import (
    env_file_target,
    kompose_inputs,
    setup_copies,
)
from celerylint.project.environment.env_model import (
    _join,
    env_model,
    example_sibling,
    service_env_files,
)
from celerylint.project.environment.envfiles import EnvFile
from celerylint.project.urls.broker_urls import host_of
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project


def _directory(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


class ComposeEnvFileMissing(ProjectRule):
    code = "CEL608"
    inputs = WHOLE_PROJECT
    name = "compose-env-file-missing"
    severity = Severity.ERROR
    summary = "A compose service names an env_file that does not exist."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        existing = {*project.files, *project.inventory.rendered.values()}  # copier: .env.jinja
        model = env_model(project)
        by_path = {f.path: f for f in model.files}
        never_composed = kompose_inputs(project, [d.path for d in model.compose])
        for deployment in model.compose:
            if deployment.path in never_composed:
                continue  # kompose's input: its manifests run, compose never does
            # Relative paths resolve from compose's project directory: the file's own
            # folder, or the first file's when a script runs it after another (-f a -f b).
            bases = compose_project_folders(project, deployment.path)
            dotenvs = {base: _dotenv_values(by_path.get(_join(base, ".env"))) for base in bases}
            for service in deployment.services:
                for written, line in service.env_files:
                    if any(self._found(project, written, base, dotenvs[base], deployment.path,
                                       existing) for base in bases):
                        continue
                    yield self.finding(
                        deployment.path, Span(line, 1, line, 1),
                        f"Service '{service.name}' reads env_file '{written}', which does not "
                        "exist: docker compose refuses to start the service.",
                        fix_hint="Create the file (commit an example) or fix the path.",
                        subjects=(written,),
                    )

    def _found(self, project: "Project", written: str, base: str, dotenv: dict[str, str],
               compose_path: str, existing: set[str]) -> bool:
        """A host path (which cannot be checked here), or a file that exists from ``base``."""
        target = env_file_target(base, written, dotenv, compose_path)
        return target.host_path is not None or any(
            self._present(project, path, base, existing) for path in target.paths)

    @staticmethod
    def _present(project: "Project", target: str, base: str, existing: set[str]) -> bool:
        """Committed, on disk, or put in place by the setup (an example copied to it)."""
        if target in existing or (project.root / target).is_file():
            return True
        return copied_from(project, target, base, existing) is not None


def _dotenv_values(dotenv: EnvFile | None) -> dict[str, str]:
    if dotenv is None:
        return {}
    return {e.key: e.value for e in dotenv.entries if e.value is not None}


def copied_from(project: "Project", target: str, base: str, existing: set[str]) -> str | None:
    """The committed file the setup copies to the absent ``target``: its example
    sibling (gitignored ``.env`` beside ``.env.example``), or the source of a
    ``cp``/``mv``/``install`` in a setup text of the project."""
    example = example_sibling(target, existing)
    if example is not None:
        return example
    copied = setup_copies(project).source_of(target, base, existing)
    return copied[0] if copied is not None else None


class ComposeUnsetVariable(ProjectRule):
    code = "CEL609"
    inputs = WHOLE_PROJECT
    name = "compose-unset-variable"
    severity = Severity.WARNING
    summary = "A compose ${VAR} has no default and no env file of that compose file sets it."
    preview = True  # below 95 % on the precision benchmark: see its doc's Known limits

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = env_model(project)
        by_path = {f.path: f for f in model.files}
        for deployment in model.compose:
            known = self._known_keys(project, deployment, by_path)
            reported: set[str] = set()
            for name, default, line in deployment.variables:
                if default is not None or name in known or name in reported:
                    continue
                reported.add(name)
                yield self.finding(
                    deployment.path, Span(line, 1, line, 1),
                    f"${{{name}}} has no default and no env file of this compose file sets it: "
                    "compose substitutes an empty string (with a warning that scrolls by).",
                    fix_hint=f"Set {name} in the .env next to the compose file, or write "
                    f"${{{name}:-default}}.",
                    subjects=(name,),
                )

    def _known_keys(self, project: "Project", deployment: DeploymentFacts, by_path: dict) -> set[str]:  # type: ignore[type-arg]
        """Keys of the project's ``.env`` and the services' env files, or of the
        examples they are copied from where they are not committed."""
        base = _directory(deployment.path)
        candidates = {_join(base, ".env")}
        candidates |= {_join(base, written) for s in deployment.services
                       for written, _ in service_env_files(s)}
        env_paths = set(by_path)
        candidates |= {example for path in candidates if path not in by_path
                       for example in [copied_from(project, path, base, env_paths)] if example}
        return {k for path in candidates if path in by_path for k in by_path[path].keys()}


class WorkerWithoutBrokerDependency(ProjectRule):
    code = "CEL610"
    inputs = WHOLE_PROJECT
    name = "worker-without-broker-dependency"
    severity = Severity.INFO
    summary = "A worker or beat service does not depend_on the broker service it connects to."
    preview = True  # below 95 % on the precision benchmark: see its doc's Known limits

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = env_model(project)
        by_path = {f.path: f for f in model.files}
        for deployment in model.compose:
            services = {s.name for s in deployment.services}
            base = _directory(deployment.path)
            for service in deployment.services:
                if not service.commands:
                    continue
                hosts = self._broker_hosts(service, base, by_path)
                for host in sorted(hosts & services):
                    if host in service.depends_on or host == service.name:
                        continue
                    yield self.finding(
                        deployment.path, Span(service.line, 1, service.line, 1),
                        f"Service '{service.name}' connects to '{host}' but does not depend_on "
                        "it: on a fresh 'docker compose up' the worker may start first and "
                        "crash-loop until Redis is up.",
                        fix_hint=f"Add '{host}' to depends_on of '{service.name}'.",
                        subjects=(service.name, host),
                    )

    def _broker_hosts(self, service, base: str, by_path: dict) -> set[str]:  # type: ignore[no-untyped-def,type-arg]
        values = [v for _, v, _ in service.environment if v]
        for written, _ in service_env_files(service):
            env_file = by_path.get(_join(base, written))
            if env_file is not None:
                values += [e.value for e in env_file.entries if e.value]
        return {h for h in (host_of(v) for v in values if "://" in v) if h}
