"""The project's deployment files (compose, Procfile, systemd, scripts, manifests), parsed once.

Helm templates are first rendered with their chart's ``values.yaml``
(:mod:`helm_values`); what the values do not answer stays a run-time value and
is listed in :func:`deployment_notes` for ``--verbose``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from celerylint.project.deploy.deployments import DeploymentFacts
    from celerylint.project.deploy.helm_values import RenderedTemplate
    from celerylint.project.model import Project

MAX_DEPLOYMENT_BYTES = 2_000_000
MAX_LISTED_EXPRESSIONS = 3


@dataclass
class _DeploymentFiles:
    facts: list["DeploymentFacts"] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unread: list[tuple[str, str]] = field(default_factory=list)  # (path, why not read)


def _build(project: "Project") -> _DeploymentFiles:
    from celerylint.project.deploy.deployments import deployment_kind_for, parse_deployment
    from celerylint.source.templates import render_dotted_expressions

    found = _DeploymentFiles()
    files = set(project.files)
    charts: dict[str, dict[str, Any]] = {}
    for rel in project.files:
        rendered = project.inventory.rendered_path(rel)  # a copier template: as it renders
        if deployment_kind_for(rendered) is None:
            continue
        text = _read(project, rel)
        if text is None:
            found.unread.append((rel, _why_unread(project, rel)))
            continue
        if rendered != rel:
            text = render_dotted_expressions(text)
        chart = _chart_root(rel, files) if ".Values" in text else None
        if chart is None:
            parsed = parse_deployment(rendered, text)
            if parsed is not None:
                found.facts.append(_at_real_path(parsed, rel))
            continue
        renders = _render(project, chart, text, charts, found)
        variants = [p for p in (parse_deployment(rel, r.text) for r in renders) if p is not None]
        if variants:
            found.facts.append(_joined(variants))
        unresolved = tuple(dict.fromkeys(e for r in renders for e in r.unresolved))
        if unresolved and any(v.commands for v in variants):
            found.notes.append(_unresolved_note(rel, _values_path(chart), unresolved))
    return found


def _at_real_path(facts: "DeploymentFacts", rel: str) -> "DeploymentFacts":
    from dataclasses import replace

    return facts if facts.path == rel else replace(facts, path=rel)


def _read(project: "Project", rel: str) -> str | None:
    data = project.read_bytes(rel)
    if data is None or len(data) > MAX_DEPLOYMENT_BYTES or b"\0" in data:
        return None
    return data.decode("utf-8", "replace")


def _why_unread(project: "Project", rel: str) -> str:
    from celerylint.regular_files import read_regular_bytes

    try:
        data = read_regular_bytes(project.root / rel)
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror or exc})"
    if len(data) > MAX_DEPLOYMENT_BYTES:
        return (f"the file is larger than {MAX_DEPLOYMENT_BYTES // 1_000_000} MB, which no "
                "deployment file is")
    return "the file holds NUL bytes: it is binary, not a deployment file"


def _chart_root(rel: str, files: set[str]) -> str | None:
    """The Helm chart a template belongs to: the nearest folder holding ``Chart.yaml``."""
    for ancestor in PurePosixPath(rel).parents:
        prefix = "" if str(ancestor) == "." else f"{ancestor}/"
        if f"{prefix}Chart.yaml" in files or f"{prefix}Chart.yml" in files:
            return str(ancestor)
    return None


def _render(project: "Project", chart: str, text: str, charts: dict[str, dict[str, Any]],
            found: _DeploymentFiles) -> list["RenderedTemplate"]:
    """The template rendered with the chart's values; once per item of a ``range`` loop.
    A values file that is not YAML is reported once, as unread."""
    from celerylint.project.deploy.helm_values import range_variants, read_values, render_values

    if chart not in charts:
        values_path = _values_path(chart)
        charts[chart], problem = read_values(_read(project, values_path) or "")
        if problem is not None:
            found.unread.append((values_path, f"the chart's values file is not valid YAML "
                                 f"({problem}), so its templates were read without values"))
    return range_variants(text, charts[chart]) or [render_values(text, charts[chart])]


def _joined(variants: list["DeploymentFacts"]) -> "DeploymentFacts":
    """One file's facts from its loop's renderings: every rendering's services."""
    from dataclasses import replace

    first = variants[0]
    return replace(first, services=tuple(s for v in variants for s in v.services))


def _values_path(chart: str) -> str:
    return "values.yaml" if chart == "." else f"{chart}/values.yaml"


def _unresolved_note(rel: str, values: str, unresolved: tuple[str, ...]) -> str:
    listed = ", ".join(unresolved[:MAX_LISTED_EXPRESSIONS])
    more = f" and {len(unresolved) - MAX_LISTED_EXPRESSIONS} more" \
        if len(unresolved) > MAX_LISTED_EXPRESSIONS else ""
    return (f"{rel}: {listed}{more} not resolved from {values}; the worker "
            "commands that use them were read as run-time values.")


def project_deployments(project: "Project") -> list["DeploymentFacts"]:
    return _files(project).facts


def unread_deployment_files(project: "Project") -> list[tuple[str, str]]:
    """Deployment files selected but not read: (path, why), for CEL001."""
    return list(_files(project).unread)


def deployment_notes(project: "Project") -> list[str]:
    """What reading the deployment files could not resolve, for ``--verbose``."""
    return list(_files(project).notes)


def _files(project: "Project") -> _DeploymentFiles:
    return project.extension("deployments", _build)  # type: ignore[no-any-return]
