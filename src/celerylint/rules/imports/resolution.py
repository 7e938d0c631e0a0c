"""Shared answers for the import rules: what an import names and whether it exists.

A file can have several module names (one per source root that contains it);
an import is only reported when it fails under every one of them.  A file whose
own name is not an identifier (Django's ``migrations/0091_populate_x.py``) has no
module name, yet its loader imports it through its package, so its relative
imports resolve from that package.  A file inside a folder whose name is not an
identifier (``docs/old.v1/``, ``my-scripts/``) belongs to no package at all: its
relative imports are not judged one by one, and :func:`unimportable_folder_notes`
says so once.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from celerylint.project.packaging.dependencies import Provision
from celerylint.project.packaging.distributions import guessed_import_names
from celerylint.source.facts import ImportContext, ImportFact, ModuleFacts
from celerylint.source.scan_policy import resolve_relative

if TYPE_CHECKING:
    from celerylint.project.model import Project

CHECKED_CONTEXTS = (ImportContext.MODULE, ImportContext.FUNCTION)
_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def can_fail(fact: ImportFact) -> bool:
    """Whether a failing import would break the program: it runs on import or in a
    function, and no ImportError handler or feature switch stands around it."""
    return fact.context in CHECKED_CONTEXTS and not fact.guarded


def names_of(facts: ModuleFacts, project: "Project") -> list[str]:
    """Every module name the file has, including where a Dockerfile copies it into a
    package (``docker/config.py`` copied to ``settings/config.py``)."""
    from celerylint.rules.imports.copied_files import copied_module_names

    copied = list(copied_module_names(project).get(facts.path, ()))
    names = project.names_by_path.get(facts.path)
    if names:
        return [*names, *copied]
    if facts.module:
        return [facts.module, *copied]
    return [*_names_in_package(facts.path, project.inventory.source_roots), *copied]


def _names_in_package(path: str, source_roots: Sequence[str]) -> Iterator[str]:
    """``app.migrations.0091_populate_x`` for a file whose package is importable: not an
    importable name, but the package part is what relative imports resolve from."""
    pure = PurePosixPath(path)
    for root in source_roots:
        if root and not path.startswith(root + "/"):
            continue
        folders = pure.parent.relative_to(root).parts if root else pure.parent.parts
        if folders and all(folder.isidentifier() for folder in folders):
            yield ".".join((*folders, pure.stem))


def unimportable_folder(path: str) -> str | None:
    """The outermost folder of ``path`` whose name is not an identifier, if any."""
    folders = PurePosixPath(path).parent.parts
    for index, folder in enumerate(folders):
        if not folder.isidentifier():
            return "/".join(folders[: index + 1])
    return None


def unresolvable_relative_imports(facts: ModuleFacts, project: "Project") -> list[ImportFact]:
    """Relative imports that would fail and that nothing guards: above the top-level
    package under every name the file has (or it has none)."""
    return [fact for fact in facts.imports
            if fact.level and can_fail(fact) and not candidate_modules(fact, facts, project)]


def unimportable_folder_notes(project: "Project") -> list[str]:
    """One ``--verbose`` note per folder that cannot be imported yet holds relative
    imports that only work if it were a package; CEL703 leaves those imports alone."""
    counts: dict[str, int] = {}
    for facts in project.python_facts():
        folder = unimportable_folder(facts.path)
        if folder is not None and unresolvable_relative_imports(facts, project):
            counts[folder] = counts.get(folder, 0) + 1
    return [f"{folder}/ is not a package (its name is not a Python identifier, so no import "
            f"can name it): the relative imports of its {count} file(s) were not checked"
            for folder, count in sorted(counts.items())]


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


def missing_part(module: str, project: "Project") -> str | None:
    """The first dotted prefix of ``module`` that does not exist, if any."""
    parts = module.split(".")
    for i in range(2, len(parts) + 1):
        prefix = ".".join(parts[:i])
        if not project.module_exists(prefix):
            return prefix
    return None


def missing_first_party_module(module: str, project: "Project") -> str | None:
    """The first missing part of a first-party module whose top-level package exists
    (``acme.workers.notifications`` in an ``acme`` that has no such module), or None
    when it exists or the import may name something else (see :func:`is_judged_top_level`)."""
    top = module.split(".")[0]
    if not module or not is_judged_top_level(top, project):
        return None
    return missing_part(module, project)


def is_judged_top_level(top: str, project: "Project") -> bool:
    """Whether imports under ``top`` are the project's own for sure: first-party, present,
    neither shadowing something installed nor a namespace portion or a folder named like
    a library that an installed package would win over."""
    return (bool(top) and project.is_first_party(top) and project.module_exists(top)
            and not is_ambiguous_top_level(top, project)
            and not is_shadowed_namespace(top, project)
            and not is_named_like_a_celery_extra(top, project))


def is_shadowed_namespace(top: str, project: "Project") -> bool:
    """``eventlet/`` without ``__init__.py`` next to code that imports ``eventlet.event``.

    A directory without ``__init__.py`` is only a namespace portion: a regular package
    of the same name installed anywhere on the path always wins over it, and namespace
    portions merge with each other. So when the name is nothing but such directories in
    the project, names a library (one Celery's extras install, or one installed next to
    celerylint) and the declarations cannot rule that library out, a submodule or name
    missing from the directories may well come from the installed package. A namespace
    package of the project's own (``backend/app/`` in a monorepo) names no library and
    stays judged."""
    if project.has_module(top) or not project.module_exists(top):
        return False  # a regular package or module of the project, or nothing at all
    return top.lower() in library_import_names() and _could_be_installed(top, project)


def is_named_like_a_celery_extra(top: str, project: "Project") -> bool:
    """``pydantic/tasks.py`` importing ``from pydantic import BaseModel``.

    Celery's own extras install these libraries (``celery[pydantic]``,
    ``celery[eventlet]``, ``celery[gevent]``, …), so in a Celery project a local package
    of the same name is typically an example or a service run from inside its folder
    (``celery -A tasks worker``), where the name is the library. Unless the declarations
    rule the library out, the import is not judged."""
    return top.lower() in celery_extra_import_names() and _could_be_installed(top, project)


@lru_cache(maxsize=1)
def celery_extra_import_names() -> frozenset[str]:
    """Import names of what the installed Celery's extras install (lower case)."""
    import importlib.metadata

    try:
        requirements = importlib.metadata.requires("celery") or []
    except importlib.metadata.PackageNotFoundError:
        return frozenset()
    names: set[str] = set()
    for requirement in requirements:
        distribution = _REQUIREMENT_NAME.match(requirement)
        if distribution is not None and "extra ==" in requirement:
            names.update(name.lower() for name in guessed_import_names(distribution.group(0)))
    return frozenset(names)


@lru_cache(maxsize=1)
def library_import_names() -> frozenset[str]:
    """Names known to be libraries: Celery's extras, and the top-level modules of the
    distributions installed next to celerylint (their metadata only; nothing is imported)."""
    import importlib.metadata

    try:
        installed = importlib.metadata.packages_distributions()
    except (OSError, ValueError):
        installed = {}
    return celery_extra_import_names() | {name.lower() for name in installed}


def _could_be_installed(top: str, project: "Project") -> bool:
    """A declared dependency provides ``top``, or the declarations cannot rule it out."""
    try:
        dependencies = project.dependencies
        return not dependencies.declares_any or \
            dependencies.provision(top) is not Provision.MISSING
    except Exception:  # noqa: BLE001 - dependency files are user input
        return True


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
