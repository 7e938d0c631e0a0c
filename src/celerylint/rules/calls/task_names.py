"""Shared questions of the rules about tasks named by string."""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING

from celerylint.rules.suggestions import closest_name

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.celery.celery_tasks import TaskDefinition
    from celerylint.project.celery.named_references import NamedReference

BUILTIN_PREFIX = "celery."


def is_ours(name: str, model: "CeleryModel") -> bool:
    """Whether a name is meant for this project's tasks rather than another service's.

    ``send_task`` often targets tasks of another codebase; a name is only judged when
    its first component is a first-party package or it nearly matches a defined task.
    """
    if name.startswith(BUILTIN_PREFIX):
        return False
    top = name.split(".")[0]
    if model.project.is_first_party(top) and "." in name:
        return True
    return closest_name(name, model.task_names) is not None


def explicit_name_for_path(name: str, model: "CeleryModel") -> "TaskDefinition | None":
    """A task whose ``module.function`` path is ``name`` but that registered another name."""
    for task in model.tasks:
        if task.explicit_name and f"{task.module}.{task.function}" == name and task.name != name:
            return task
    return None


def pattern_matches(reference: "NamedReference", names: list[str]) -> list[str]:
    if reference.is_regex:
        try:
            regex = re.compile(reference.name)
        except re.error:
            return names  # an invalid pattern is another problem; do not pile on
        return [n for n in names if regex.match(n)]
    regex = re.compile(fnmatch.translate(reference.name))
    return [n for n in names if regex.match(n)]
