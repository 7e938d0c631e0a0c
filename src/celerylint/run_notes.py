"""The --verbose notes of a run: what the model could not read or judge, and why.

They are the model's by-products, gathered after the rules ran; a replayed run stores
them with its findings (``RuleCache.notes``), so nothing here runs on a warm run.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from celerylint.source.templates import template_notes

if TYPE_CHECKING:
    from celerylint.project.model import Project


def project_notes(project: Project, rule_codes: Collection[str]) -> list[str]:
    """Every --verbose note of the model: what celerylint could not judge, and why."""
    notes = [*celery_version_notes(project), *settings_notes(project),
             *import_rule_notes(project), *template_notes(project), *deployment_notes(project)]
    if "CEL302" in rule_codes:  # say which workers the rule could not judge
        from celerylint.project.celery.celery_model import celery_model

        notes.extend(celery_model(project).unfollowed_worker_notes())
        notes.extend(celery_model(project).homeless_task_notes())
    return notes


def import_rule_notes(project: Project) -> list[str]:
    """What the import rules could not judge: folders Python cannot import, and
    distributions whose import names are unknown."""
    from celerylint.rules.imports.resolution import unimportable_folder_notes as notes

    unknown = project.dependencies.unknown_note()
    return [*notes(project), *([unknown] if unknown else [])]


def deployment_notes(project: Project) -> list[str]:
    """Helm values the deployment files use but ``values.yaml`` does not answer."""
    from celerylint.project.deploy.deployment_files import deployment_notes as notes

    return notes(project)


def celery_version_notes(project: Project) -> list[str]:
    """Celery's rules changed across majors: say once when we judge by another one."""
    from celerylint.project.celery.celery_versions import celery_versions

    note = celery_versions(project.dependencies).mismatch_note
    return [note] if note else []


def settings_notes(project: Project) -> list[str]:
    """Which settings modules the findings are for, and what of them could not be read."""
    from celerylint.project.celery.celery_model import celery_model
    from celerylint.project.celery.settings_findings import settings_views

    views = dict.fromkeys([project, *settings_views(project)])
    configs = [c for view in views for c in celery_model(view).configs.values()]
    return sorted({note for config in configs for note in config.notes})
