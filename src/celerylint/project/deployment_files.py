"""The project's deployment files (compose, Procfile, systemd, scripts, manifests), parsed once."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celerylint.project.deployments import DeploymentFacts
    from celerylint.project.model import Project

MAX_DEPLOYMENT_BYTES = 2_000_000


def _build(project: "Project") -> list["DeploymentFacts"]:
    from celerylint.project.deployments import deployment_kind_for, parse_deployment

    found: list[DeploymentFacts] = []
    for rel in project.files:
        if deployment_kind_for(rel) is None:
            continue
        data = project.read_bytes(rel)
        if data is None or len(data) > MAX_DEPLOYMENT_BYTES or b"\0" in data:
            continue
        parsed = parse_deployment(rel, data.decode("utf-8", "replace"))
        if parsed is not None:
            found.append(parsed)
    return found


def project_deployments(project: "Project") -> list["DeploymentFacts"]:
    return project.extension("deployments", _build)  # type: ignore[no-any-return]
