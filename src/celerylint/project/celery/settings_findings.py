"""Findings judged under each Django settings module, merged into one list.

When Celery processes run with several settings modules (see
``settings_variants``), the rules that read settings run once per module, each
time on a view of the project in which Celery's Django fixup loads that module
and only the deployments whose processes run with it take part. A finding that
holds under every module is reported as it is; one that holds under only some
names them, so a maintainer knows which environment breaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from celerylint.findings import Finding

if TYPE_CHECKING:
    from celerylint.project.celery.settings_variants import SettingsVariant
    from celerylint.project.deploy.deployment_groups import DeploymentGroup
    from celerylint.project.model import Project

ANALYSED_VARIANT = "django-settings-variant"  # the project view's extension key
# Families whose rules never read the Celery model: run once, on the whole project.
_FAMILIES_RUN_ONCE = frozenset({"tool", "imports", "hygiene"})


@dataclass(frozen=True)
class VariantFindings:
    variant: SettingsVariant
    findings: list[Finding]


def analysed_variant(project: Project) -> SettingsVariant | None:
    """The settings module a project view is for; None on the project itself."""
    return project.extension(ANALYSED_VARIANT, _no_variant)  # type: ignore[no-any-return]


def _no_variant(_project: Project) -> None:
    return None


def settings_variants(project: Project) -> tuple[SettingsVariant, ...]:
    """Every settings module Celery processes run with, the app's own choice first."""
    from celerylint.project.celery.celery_model import celery_model

    return celery_model(project).settings_variants


def reads_settings(module: str, hygiene: bool) -> bool:
    """Whether the findings of the rule defined in ``module`` may change with the settings
    module (hygiene rules are judged on the whole project and its process scope, once)."""
    family = module.split(".")[2] if module.count(".") >= 3 else ""
    return not hygiene and family not in _FAMILIES_RUN_ONCE


def settings_views(project: Project) -> list[Project]:
    """The project as each settings module's Celery processes see it; the project
    itself when there is only one."""
    variants = settings_variants(project)
    return [project_under(project, v) for v in variants] if len(variants) > 1 else [project]


def project_under(project: Project, variant: SettingsVariant) -> Project:
    """The project as Celery processes running with ``variant`` see it (built once):
    the Celery model and what derives from it are rebuilt; deployments whose worker
    and beat processes all run with another settings module are left out."""
    return project.extension(f"settings-view {variant.name}",  # type: ignore[no-any-return]
                             lambda base: _view(base, variant))


def _view(project: Project, variant: SettingsVariant) -> Project:
    from celerylint.project.deploy.deployment_files import project_deployments
    from celerylint.project.deploy.deployment_groups import deployment_groups

    variants = settings_variants(project)

    def runs_with(names: frozenset[str]) -> bool:
        """Whether a deployment whose Celery processes are in the groups ``names`` runs
        with ``variant``; one that starts none is part of every view, and one no
        variant claims runs with the app's own choice."""
        if not names:
            return True
        claimed = [v for v in variants if names & v.deployment_groups]
        return variant in claimed if claimed else variant == variants[0]

    groups = deployment_groups(project)
    kept_groups = [g for g in groups if not _celery_group(g) or runs_with(frozenset({g.name}))]
    files_in = {path: frozenset(g.name for g in groups if path in g.files and _celery_group(g))
                for g in groups for path in g.files}
    kept_files = [d for d in project_deployments(project)
                  if not files_in.get(d.path) or runs_with(files_in[d.path])]
    files = project.extension("deployments", _no_variant)  # built by project_deployments
    changed: dict[str, Any] = {ANALYSED_VARIANT: variant, "deployment_groups": kept_groups,
                               "deployments": replace(files, facts=kept_files)}
    return project.with_extensions(changed)


def _celery_group(group: DeploymentGroup) -> bool:
    from celerylint.project.deploy.worker_command import ProcessKind

    return any(True for _ in group.commands(ProcessKind.WORKER, ProcessKind.BEAT))


def merged_findings(runs: Sequence[VariantFindings]) -> list[Finding]:
    """One finding per place and message; those found under only some settings
    modules say which, and under which they are not."""
    found: dict[tuple[str, int, int, str, str], tuple[Finding, list[int]]] = {}
    for index, run in enumerate(runs):
        for finding in run.findings:
            seen = found.setdefault(finding.sort_key, (finding, []))
            if index not in seen[1]:
                seen[1].append(index)
    merged: list[Finding] = []
    for finding, indices in found.values():
        if len(indices) == len(runs):
            merged.append(finding)
        else:
            under = [runs[i].variant for i in indices]
            not_under = [run.variant for i, run in enumerate(runs) if i not in indices]
            merged.append(replace(finding, message=_named(finding.message, under, not_under)))
    return merged


def _named(message: str, under: list[SettingsVariant], not_under: list[SettingsVariant]) -> str:
    labels = " and ".join(v.brief_label for v in under)
    others = ", ".join(v.name.partition("=")[2] for v in not_under)
    return f"{message.rstrip()} Found under {labels}; not under {others}."
