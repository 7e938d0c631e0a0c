"""Deployment files: which files start processes, and the Celery commands in them.

This is the entry point the project model uses: :func:`deployment_kind_for`
picks candidate files by name (cheaply, before reading them) and
:func:`parse_deployment` turns one file's text into :class:`DeploymentFacts`.
Parsing is pure (path and text in, frozen facts out) and never raises: a file
it cannot read becomes a :class:`DeploymentProblem`, and a file that turns
out to say nothing about processes gives None.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from celerylint.project.deploy.deployment_compose import looks_like_compose, read_compose
from celerylint.project.deploy.deployment_facts import (
    DeploymentFacts,
    DeploymentKind,
    DeploymentProblem,
    DeploymentProblemKind,
    EnvironmentEntry,
    ServiceFacts,
    VariableUse,
)
from celerylint.project.deploy.deployment_kubernetes import looks_like_kubernetes, read_kubernetes
from celerylint.project.deploy.deployment_text import (
    read_dockerfile,
    read_makefile,
    read_procfile,
    read_shell_script,
    read_supervisord,
    read_systemd_unit,
)
from celerylint.project.deploy.deployment_yaml import load_yaml_documents
from celerylint.project.deploy.worker_command import (
    UNKNOWN,
    CeleryCommand,
    ProcessKind,
    find_celery_commands,
    parse_celery_command,
)

__all__ = [
    "UNKNOWN",
    "CeleryCommand",
    "DeploymentFacts",
    "DeploymentKind",
    "DeploymentProblem",
    "DeploymentProblemKind",
    "EnvironmentEntry",
    "ProcessKind",
    "ServiceFacts",
    "VariableUse",
    "deployment_kind_for",
    "find_celery_commands",
    "parse_celery_command",
    "parse_deployment",
]

_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-].*)?\.ya?ml$|\.compose\.ya?ml$")
# fmt: off
_SKIPPED_DIRECTORIES = frozenset({
    ".git", ".hg", "node_modules", ".venv", "venv", "site-packages", "__pycache__", ".tox",
    ".nox", ".mypy_cache", ".github", ".gitlab",
})
_MANIFEST_DIRECTORIES = frozenset({
    "k8s", "kubernetes", "kube", "helm", "charts", "chart", "deploy", "deployment",
    "deployments", "manifests", "kustomize", "openshift", "templates",
})
_SCRIPT_DIRECTORIES = frozenset({"bin", "scripts", "script", "docker", "compose", "deploy"})
_NOT_DEPLOYMENT_YAML = frozenset({
    ".pre-commit-config.yaml", ".pre-commit-hooks.yaml", "mkdocs.yml", ".readthedocs.yml",
    ".readthedocs.yaml", "codecov.yml", ".codecov.yml", ".gitlab-ci.yml", "environment.yml",
    "pnpm-lock.yaml", ".yamllint.yml", ".yamllint.yaml", "dependabot.yml", "renovate.yml",
})
# fmt: on
_DOCUMENT_SUFFIXES = (".py", ".pyc", ".md", ".rst", ".txt", ".json", ".toml", ".cfg", ".lock")
_TEXT_READERS: dict[DeploymentKind, Callable[[str, str], DeploymentFacts | None]] = {
    DeploymentKind.PROCFILE: read_procfile,
    DeploymentKind.SHELL: read_shell_script,
    DeploymentKind.SYSTEMD: read_systemd_unit,
    DeploymentKind.SUPERVISORD: read_supervisord,
    DeploymentKind.MAKEFILE: read_makefile,
    DeploymentKind.DOCKERFILE: read_dockerfile,
}


def deployment_kind_for(path: str) -> DeploymentKind | None:
    """The format a file would be read as, from its path alone; None: not a candidate.

    Any other YAML file is a KUBERNETES candidate: whether it is a manifest, a
    compose file under another name (``production.yml``) or neither is decided
    by :func:`parse_deployment` from its content.
    """
    parts = path.replace("\\", "/").lower().split("/")
    name, directories = parts[-1], [part for part in parts[:-1] if part not in ("", ".")]
    if not name or _SKIPPED_DIRECTORIES.intersection(directories):
        return None
    if _COMPOSE_NAME.search(name):
        return DeploymentKind.COMPOSE
    if name.endswith((".yml", ".yaml")):
        return None if name in _NOT_DEPLOYMENT_YAML else DeploymentKind.KUBERNETES
    return _named_kind(name, directories)


def _named_kind(name: str, directories: list[str]) -> DeploymentKind | None:
    if name.endswith(_DOCUMENT_SUFFIXES):
        return None
    if name == "procfile" or name.startswith("procfile."):
        return DeploymentKind.PROCFILE
    if name.endswith(".service"):
        return DeploymentKind.SYSTEMD
    if name.endswith((".conf", ".ini")) and (
        "supervisor" in name
        or ("celery" in name and name.endswith(".conf"))
        or any("supervisor" in directory for directory in directories)
    ):
        return DeploymentKind.SUPERVISORD
    if name in ("makefile", "gnumakefile") or name.endswith(".mk"):
        return DeploymentKind.MAKEFILE
    if name in ("dockerfile", "containerfile") or name.startswith("dockerfile."):
        return DeploymentKind.DOCKERFILE
    if name.endswith(".dockerfile"):
        return DeploymentKind.DOCKERFILE
    if name.endswith((".sh", ".bash")):
        return DeploymentKind.SHELL
    if "." not in name and ("entrypoint" in name or _SCRIPT_DIRECTORIES.intersection(directories)):
        return DeploymentKind.SHELL
    return None


def parse_deployment(path: str, text: str) -> DeploymentFacts | None:
    """The facts of one deployment file; None when it holds nothing about processes."""
    kind = deployment_kind_for(path)
    if kind is None:
        return None
    try:
        if kind in (DeploymentKind.COMPOSE, DeploymentKind.KUBERNETES):
            return _read_yaml(path, text, kind)
        if "celery" not in text.lower():
            return None
        return _TEXT_READERS[kind](path, text)
    except RecursionError:  # absurdly nested input: say so instead of crashing the run
        return DeploymentFacts(
            path,
            kind,
            problems=(
                DeploymentProblem(
                    DeploymentProblemKind.UNEXPECTED_SHAPE,
                    "This file is nested too deeply to read; its commands were not checked.",
                    1,
                    1,
                ),
            ),
        )


def _read_yaml(path: str, text: str, kind: DeploymentKind) -> DeploymentFacts | None:
    """Compose or Kubernetes by content; a named compose file is compose whatever it holds."""
    if kind is DeploymentKind.KUBERNETES and "kind" not in text and "services" not in text:
        return None
    loaded = load_yaml_documents(text)
    documents = list(loaded.mappings())
    if kind is DeploymentKind.COMPOSE or any(map(looks_like_compose, documents)):
        return read_compose(path, loaded, text)
    if any(map(looks_like_kubernetes, documents)):
        return read_kubernetes(path, loaded)
    if loaded.problems and _MANIFEST_DIRECTORIES.intersection(path.lower().split("/")[:-1]):
        return DeploymentFacts(path, DeploymentKind.KUBERNETES, problems=tuple(loaded.problems))
    return None
