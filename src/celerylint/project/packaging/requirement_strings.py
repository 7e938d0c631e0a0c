"""One requirement string, and what a dependency file's reading holds.

Shared by every parser of :mod:`celerylint.project.packaging.requirements_files`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

try:  # packaging knows every corner of PEP 508; a regex is the fallback
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:  # pragma: no cover - packaging is present wherever pip is
    Requirement = None  # type: ignore[assignment,misc]

COMMENT = re.compile(r"(^|\s)#.*$")


@dataclass(frozen=True)
class RequirementEntry:
    """One declared distribution as a file writes it; ``line`` is 1-based."""

    name: str
    specifier: str
    extras: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class FileReading:
    """What one file declares.  ``includes`` and ``constraints`` are paths as the file
    writes them (relative to it).  ``complete`` is False when the file declares
    dependencies that only running or fetching something would reveal, so the
    list must not be taken as exhaustive.  ``unnamed`` holds (line, text) of
    requirements that name no distribution (a URL without ``#egg=``, ``$PACKAGES``):
    something is installed, but what it provides cannot be known."""

    requirements: tuple[RequirementEntry, ...] = ()
    includes: tuple[tuple[str, int], ...] = ()
    constraints: tuple[str, ...] = ()
    problems: tuple[tuple[int, str], ...] = ()
    complete: bool = True
    unnamed: tuple[tuple[int, str], ...] = ()
    unreadable: bool = False  # the file itself could not be read or parsed at all


FileParser = Callable[[str], FileReading]


_REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*"
    r"(?:\[(?P<extras>[^\]]*)\])?\s*(?P<rest>[^;]*)(?:;.*)?$"
)
_SPECIFIERS = re.compile(r"^\(?\s*((===|==|~=|!=|<=|>=|<|>)\s*[\w.*+!-]+\s*,?\s*)*\)?$")


class RequirementParts(NamedTuple):
    """A PEP 508 string split up; ``specifier`` keeps the text as written."""

    name: str
    specifier: str
    extras: tuple[str, ...]


def parse_requirement(text: str) -> RequirementParts | None:
    """``celery[redis]>=5.3,<6; python_version >= "3.8"`` -> name, specifier, extras;
    None when installers would reject the string."""
    match = _REQUIREMENT.match(text)
    if match is None:
        return None
    rest = match["rest"].strip()
    if Requirement is not None:
        try:
            Requirement(text.strip())
        except InvalidRequirement:
            return None
    elif not (rest.startswith("@") or _SPECIFIERS.match(rest)):
        return None
    specifier = "" if rest.startswith("@") else rest.strip("() ")
    extras = tuple(e.strip() for e in (match["extras"] or "").split(",") if e.strip())
    return RequirementParts(match["name"], specifier, extras)


def entries_of(
    strings: Iterable[tuple[str, int]], problems: list[tuple[int, str]]
) -> list[RequirementEntry]:
    """Requirement strings with their lines; invalid ones become problems."""
    entries: list[RequirementEntry] = []
    for text, line in strings:
        parts = parse_requirement(text)
        if parts is None:
            problems.append((line, f"'{text}' is not a valid requirement; installers refuse it."))
        else:
            entries.append(RequirementEntry(parts.name, parts.specifier, parts.extras, line))
    return entries



class LineLocator:
    """TOML and INI parsers drop positions, so a value's line is found again in the
    text: the first line quoting it, or for a key, the first line assigning it."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    def line_of(self, value: str) -> int:
        for needle in (f'"{value}"', f"'{value}'", value):
            for index, line in enumerate(self._lines):
                if needle in line:
                    return index + 1
        return 1

    def line_of_key(self, key: str) -> int:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.IGNORECASE)
        lines = (i + 1 for i, line in enumerate(self._lines) if pattern.match(line))
        return next(lines, self.line_of(key))
