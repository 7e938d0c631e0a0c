"""Shared answers for the import rules: what an import names and whether it exists.

A file can have several module names (one per source root that contains it);
an import is only reported when it fails under every one of them.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import TYPE_CHECKING

from celerylint.source.scan_policy import resolve_relative
from celerylint.source.facts import ImportContext, ImportFact, ModuleFacts

if TYPE_CHECKING:
    from celerylint.project.model import Project

CHECKED_CONTEXTS = (ImportContext.MODULE, ImportContext.FUNCTION)


def names_of(facts: ModuleFacts, project: "Project") -> list[str]:
    names = project.names_by_path.get(facts.path)
    if names:
        return list(names)
    return [facts.module] if facts.module else []


def candidate_modules(fact: ImportFact, facts: ModuleFacts, project: "Project") -> list[str]:
    """The absolute module the import names, once per name the importing file has."""
    if fact.level == 0:
        return [fact.module]
    results: list[str] = []
    for own_name in names_of(facts, project):
        resolved, beyond = resolve_relative(own_name, facts.is_package, fact.level,
                                            fact.relative_name)
        if not beyond:
            results.append(resolved)
    return results


@lru_cache(maxsize=1)
def stdlib_modules() -> frozenset[str]:
    return frozenset(sys.stdlib_module_names) | {"__future__", "__main__"}


def is_ambiguous_top_level(top: str, project: "Project") -> bool:
    """A first-party name that is also stdlib or a declared dependency: a local file
    shadows it (``celery.py`` at a source root). Which one Python picks depends on the
    working directory, so import rules stay silent about it."""
    if top in stdlib_modules():
        return True
    try:
        return project.dependencies.provides_import(top)
    except Exception:  # noqa: BLE001 - dependency files are user input
        return False
