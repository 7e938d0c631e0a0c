"""What each kind of dependency file declares, read statically and never executed.

Each parser turns one file's text into a :class:`FileReading`: the requirements it
names, the requirement files it pulls in, and what could not be read.  Parsers
never raise and never open other files; :mod:`celerylint.project.packaging.dependencies`
walks includes.  ``setup.py`` is read with :mod:`ast`: only literal lists, dicts
and module-level names bound to them count, and a computed ``install_requires``
makes the reading *incomplete* because only running the file would reveal it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from celerylint.project.packaging.pyproject_files import parse_pipfile, parse_pyproject
from celerylint.project.packaging.requirement_strings import (
    COMMENT,
    FileParser,
    FileReading,
    Requirement,
    RequirementEntry,
    RequirementParts,
    entries_of,
    parse_requirement,
)
from celerylint.project.packaging.setuptools_files import parse_setup_cfg, parse_setup_py

__all__ = [
    "FileParser", "FileReading", "Requirement", "RequirementEntry", "RequirementParts",
    "parse_pipfile", "parse_pyproject", "parse_requirement", "parse_requirements_txt",
    "is_dockerfile", "parse_dockerfile", "parse_setup_cfg", "parse_setup_py", "parser_for",
]


def parser_for(path: str) -> FileParser | None:
    """The parser for a project-relative POSIX path, or None if it declares nothing.

    Requirement files are recognised by name (``requirements*.txt``,
    ``dev-requirements.in``) or by living in a ``requirements/`` directory, which
    keeps ``MANIFEST.in`` and stray ``*.txt`` files out."""
    folder, _, name = path.rpartition("/")  # strings, not PurePosixPath: asked of every file
    fixed = _FIXED_PARSERS.get(name)
    if fixed is not None:
        return fixed
    if is_dockerfile(name):
        return parse_dockerfile
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:  # no suffix (``requirements``) or a dot file (``.txt``)
        return None
    named = "requirements" in stem.lower() or "requirements" in folder.split("/")
    return parse_requirements_txt if named and suffix in ("txt", "in") else None


_FIXED_PARSERS: dict[str, FileParser] = {
    "pyproject.toml": parse_pyproject, "setup.cfg": parse_setup_cfg,
    "setup.py": parse_setup_py, "Pipfile": parse_pipfile,
}


# --- pip requirements files ---------------------------------------------------------

_OPTION = re.compile(
    r"^(?P<flag>--requirement|--constraint|--editable|-r|-c|-e)(?:\s*=\s*|\s+)?(?P<value>\S.*)$"
)
_TRAILING_OPTIONS = re.compile(r"\s+--?[A-Za-z].*$")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_ARCHIVE = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.]*?)-\d[^/]*\.(?:whl|tar\.gz|zip|tar\.bz2)$")


def parse_requirements_txt(text: str) -> FileReading:
    """A pip requirements (or pip-tools ``.in``) file.

    ``-r`` includes are reported for the caller to follow; ``-c`` constraint files
    only pin what something else asks for, so they declare nothing.  Local paths
    (``-e .``) are the project itself and are skipped."""
    strings: list[tuple[str, int]] = []
    located: list[RequirementEntry] = []
    unnamed: list[tuple[int, str]] = []
    includes: list[tuple[str, int]] = []
    constraints: list[str] = []
    for number, line in _logical_lines(text):
        option = _OPTION.match(line)
        flag = option["flag"] if option else ""
        if flag in ("-r", "--requirement"):
            includes.append((option["value"].strip(), number))  # type: ignore[index]
        elif flag in ("-c", "--constraint"):
            constraints.append(option["value"].strip())  # type: ignore[index]
        elif flag or _is_location(line):
            location = option["value"] if option else line
            found = _from_location(location, number)
            located.extend(found or [])
            unnamed.extend([(number, location.strip())] if found is None else [])
        elif not line.startswith("-"):  # other options: --index-url, --hash, --pre, ...
            strings.append((_TRAILING_OPTIONS.sub("", line), number))
    problems: list[tuple[int, str]] = []
    entries = sorted([*entries_of(strings, problems), *located], key=lambda e: e.line)
    return FileReading(tuple(entries), tuple(includes), tuple(constraints), tuple(problems),
                       unnamed=tuple(unnamed))


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines without comments, backslash continuations joined, numbered by their start."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate([*text.splitlines(), ""], start=1):
        start = start if pending else number
        stripped = COMMENT.sub("", raw).strip()
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        joined = " ".join([*pending, stripped]).strip()
        pending = []
        if joined:
            yield start, joined


def _is_location(line: str) -> bool:
    return "://" in line.split("@")[0] or line.startswith((".", "/", "~"))


def _from_location(location: str, number: int) -> list[RequirementEntry] | None:
    """A URL, archive or editable checkout names its distribution in ``#egg=`` or in
    the archive's file name; ``.`` is the project itself.  None when what is
    installed cannot be named: a VCS URL without ``#egg=``, another directory."""
    location = location.strip()
    if (egg := _EGG.search(location)) is not None:
        return [RequirementEntry(egg.group(1), "", (), number)]
    if (archive := _ARCHIVE.search(location.split("#")[0])) is not None:
        return [RequirementEntry(archive.group(1), "", (), number)]
    if location.split("[")[0].rstrip("/") == ".":
        return []
    if _is_location(location):
        return None
    return entries_of([(location, number)], [])


# --- Dockerfiles ------------------------------------------------------------------

_PIP_INSTALL = re.compile(
    r"(?:^|[\s;&|(])(?:python[\d.]*\s+-m\s+|uv\s+)?pip[\d.]*\s+install\s+(?P<args>[^;&|)]*)")
# pip options that take a value; ``-r``, ``-c`` and ``-e`` are among them.
_VALUED_OPTIONS = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
    "--trusted-host", "--platform", "--python-version", "--implementation", "--abi",
    "--src", "--upgrade-strategy", "--progress-bar", "--cache-dir", "--log", "--timeout",
    "--retries", "--proxy", "--no-binary", "--only-binary", "-C", "--config-settings",
    "--global-option", "--install-option", "--python", "--report",
})


def is_dockerfile(name: str) -> bool:
    """``Dockerfile``, ``Containerfile``, ``Dockerfile.prod``, ``worker.dockerfile``."""
    lowered = name.lower()
    return lowered in ("dockerfile", "containerfile") or lowered.startswith("dockerfile.") \
        or lowered.endswith(".dockerfile")


def parse_dockerfile(text: str) -> FileReading:
    """The distributions ``pip install`` lines of a Dockerfile name (``RUN pip install
    gunicorn "celery[redis]>=5"``), and the requirement files they read (``-r``,
    a path inside the image); a ``$VARIABLE`` or a URL that names nothing is unnamed."""
    entries: list[RequirementEntry] = []
    unnamed: list[tuple[int, str]] = []
    includes: list[tuple[str, int]] = []
    for number, line in _logical_lines(text):
        for match in _PIP_INSTALL.finditer(line):
            try:
                words = shlex.split(match["args"])
            except ValueError:
                unnamed.append((number, match["args"].strip()))
                continue
            for word, valued in _pip_arguments(words):
                if valued in ("-r", "--requirement"):
                    includes.append((word, number))
                    continue
                if valued in ("-e", "--editable") or (not valued and _is_location(word)):
                    found = _from_location(word, number)
                elif valued or word.startswith("-"):
                    continue
                else:
                    found = None if "$" in word else entries_of([(word, number)], [])
                entries.extend(found or [])
                unnamed.extend([(number, word)] if found is None else [])
    return FileReading(tuple(entries), tuple(includes), unnamed=tuple(unnamed))


def _pip_arguments(words: list[str]) -> Iterator[tuple[str, str]]:
    """(word, the option it is the value of, or "")."""
    option = ""
    for word in words:
        if option:
            yield word, option
            option = ""
        elif word in _VALUED_OPTIONS:
            option = "--editable" if word == "-e" else word
        else:
            yield word, ""
