"""The Celery a project declares, against the Celery celerylint judges it by.

Setting names, defaults and schedule parsing come from the Celery installed next
to celerylint, and they changed across majors (4 -> 5 renamed every setting).
When the project asks for another major, findings may describe rules its own
workers do not follow: the verbose notes and the inventory both say so, from
this one record.
"""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celerylint.project.packaging.dependencies import DependencyDeclarations

_LEADING_MAJOR = re.compile(r"^v?(\d+)")


@dataclass(frozen=True)
class CeleryVersions:
    """Declared and installed Celery; ``majors_differ`` only when both majors are known."""

    declared_specifier: str | None  # as written (">=4,<5"); "" unconstrained; None undeclared
    declared_at: str | None  # "requirements.txt:3"
    declared_major: int | None  # None when undeclared or unbounded
    installed: str | None  # the installed Celery's version; None when it is not installed
    installed_major: int | None
    majors_differ: bool

    @property
    def mismatch_note(self) -> str | None:
        """The sentence that warns of a major mismatch, None when there is none."""
        if not self.majors_differ:
            return None
        return (f"the project declares Celery {self.declared_major}.x but settings and "
                f"schedules are checked against the installed Celery {self.installed_major}.x")


def installed_celery_version() -> str | None:
    """The version of the Celery installed next to celerylint, None when it is absent."""
    try:
        return importlib.metadata.version("celery")
    except (importlib.metadata.PackageNotFoundError, ValueError, OSError):
        return None


def celery_versions(declarations: DependencyDeclarations) -> CeleryVersions:
    """The governing Celery declaration (see ``celery_declaration``) and the installed one."""
    declaration = declarations.celery_declaration()
    declared_major = declarations.celery_major_version()
    installed = installed_celery_version()
    match = _LEADING_MAJOR.match(installed or "")
    installed_major = int(match[1]) if match else None
    return CeleryVersions(
        declared_specifier=declaration.specifier if declaration is not None else None,
        declared_at=f"{declaration.source}:{declaration.line}" if declaration is not None
        else None,
        declared_major=declared_major,
        installed=installed,
        installed_major=installed_major,
        majors_differ=None not in (declared_major, installed_major)
        and declared_major != installed_major,
    )


__all__ = ["CeleryVersions", "celery_versions", "installed_celery_version"]
