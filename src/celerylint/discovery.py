"""Which files belong to the project, and which dotted module name each Python file has.

Module names come from paths and source roots only; the project's import
machinery is never used.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from celerylint.printable import printable
from celerylint.regular_files import not_read_reason, special_file_kind
from celerylint.source.templates import copier_rendered_paths, copier_templates, path_part_name
from celerylint.source_roots import (
    find_source_roots,
    importable_path,
    pytest_imports_by_bare_name,
    regular_packages,
    test_directories,
)

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".venv", "venv", "node_modules", "build", "dist",
    "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".celerylint_cache", ".eggs", "site-packages", "*.egg-info", ".direnv", ".idea", ".vscode",
)


@dataclass(frozen=True)
class PythonFile:
    path: str  # project-relative, '/' separators
    module: str  # canonical dotted name ("" when the path cannot be a module)
    is_package: bool
    aliases: tuple[str, ...] = ()  # other names the file has under other source roots


@dataclass(frozen=True)
class UnreadFile:
    """A path the tree lists that is no regular file (a FIFO, socket or device): it is
    left out of ``files`` and never opened, and CEL001 reports it where celerylint
    would have read a file of that name."""

    path: str
    reason: str  # "a FIFO, not a regular file: not read"


@dataclass
class FileInventory:
    root: Path
    files: list[str]  # every project file, relative, sorted
    python: list[PythonFile]
    source_roots: list[str]  # relative, "" for the root
    notes: list[str] = field(default_factory=list)  # what was skipped, for --verbose
    unread: list[UnreadFile] = field(default_factory=list)  # special files, never opened
    # copier template files (``tasks.py.jinja``) and the paths they render to (``tasks.py``)
    rendered: dict[str, str] = field(default_factory=dict)
    template_roots: tuple[str, ...] = ()  # folders copier renders into a project

    def rendered_path(self, rel: str) -> str:
        """The path a file takes in the rendered project (itself unless it is a template)."""
        return self.rendered.get(rel, rel)


class _PathPatterns:
    """Glob patterns matched against a path, its name, and each parent directory.

    Compiled once into one regex, and a directory's verdict is remembered:
    thousands of files share a few hundred directories.
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        globs = [p.rstrip("/") for p in patterns]
        joined = "|".join(f"(?:{fnmatch.translate(g)})" for g in globs if g)
        self._regex = re.compile(joined) if joined else None
        self._directories: dict[str, bool] = {}

    def _hit(self, text: str) -> bool:
        return self._regex is not None and self._regex.match(text) is not None

    def _directory_matches(self, directory: str) -> bool:
        verdict = self._directories.get(directory)
        if verdict is None:
            parent, _, name = directory.rpartition("/")
            verdict = self._hit(directory) or self._hit(name) or (
                bool(parent) and self._directory_matches(parent))
            self._directories[directory] = verdict
        return verdict

    def matches(self, rel: str) -> bool:
        if self._regex is None:
            return False
        parent, _, name = rel.rpartition("/")
        return self._hit(rel) or self._hit(name) or (
            bool(parent) and self._directory_matches(parent))


_DEFAULT_EXCLUDED = _PathPatterns(DEFAULT_EXCLUDES)


def _git_files(root: Path) -> list[str] | None:
    try:
        inside = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
            capture_output=True, text=True, timeout=30,
        )
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
             "--exclude-standard", "--", "."],
            capture_output=True, timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    names = [n.decode("utf-8", "surrogateescape") for n in listed.stdout.split(b"\0") if n]
    return names


def _walk_files(root: Path, notes: list[str]) -> list[str]:
    found: list[str] = []

    def on_error(error: OSError) -> None:
        notes.append(f"skipped {error.filename}: {error.strerror}")

    for directory, subdirs, names in os.walk(root, onerror=on_error):
        rel_dir = os.path.relpath(directory, root)
        subdirs[:] = sorted(d for d in subdirs if not _DEFAULT_EXCLUDED.matches(d))
        for name in names:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            found.append(rel.replace(os.sep, "/"))
    return found


def list_project_files(root: Path, exclude: Sequence[str], notes: list[str],
                       unread: list[UnreadFile] | None = None) -> list[str]:
    """The regular files of the project; nothing here opens a file.  Special files
    (FIFO, socket, device) go to ``unread`` with the reason, the rest to ``notes``."""
    files = _git_files(root)
    if files is None:
        files = _walk_files(root, notes)
    excluded = _PathPatterns((*DEFAULT_EXCLUDES, *exclude))
    kept = [f for f in files if not excluded.matches(f)]
    regular: list[str] = []
    inside = root.resolve()
    for rel in kept:
        if not _utf8_name(rel):
            notes.append(f"skipped {printable(rel)}: the file name is not valid UTF-8")
            continue
        full = os.path.join(root, rel)  # a string: thousands of files, two stats at most
        kind, is_link = _file_kind(full)
        if is_link and _leads_outside(Path(full), inside):
            notes.append(f"skipped {rel}: a symbolic link that leads out of the project "
                         "root; its content was not read")
            continue
        if kind is None:
            regular.append(rel)
        elif kind in ("a directory", ""):
            notes.append(f"skipped {rel}: not a regular file")
        else:
            notes.append(f"skipped {rel}: {kind}, not a regular file")
            if unread is not None:
                unread.append(UnreadFile(rel, not_read_reason(kind)))
    return sorted(set(regular))


def _file_kind(path: str) -> tuple[str | None, bool]:
    """None for a regular file (links followed), else what it is ("" when it is nothing:
    a dangling link, a loop, or a file gone since it was listed); and whether ``path``
    is a symbolic link."""
    try:
        mode = os.lstat(path).st_mode
        is_link = stat.S_ISLNK(mode)
        if is_link:
            mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return "", os.path.islink(path)
    return (None if stat.S_ISREG(mode) else special_file_kind(mode)), is_link


def _leads_outside(path: Path, root: Path) -> bool:
    """Whether a link ends at an existing file outside ``root`` (dangling links and loops
    end nowhere: they are skipped as not regular files)."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return not target.is_relative_to(root)


def _utf8_name(rel: str) -> bool:
    """Undecodable bytes of a name arrive as lone surrogates, which no report can print
    and no import statement can name: such files are skipped, with a note, at the door."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


IMPORT_MODULE_NAME = re.compile(r"^[\w-]+$")


def _module_name(rel: str, source_root: str, in_package: bool = False) -> str | None:
    """The dotted name under ``source_root``.  A file of a regular package whose own name
    is no identifier (``0091_backfill.py``, ``gitlab-ci.py``) is still a module: Django
    loads migrations and settings with ``import_module``, which takes any name."""
    if source_root:
        if not rel.startswith(source_root + "/"):
            return None
        rel = rel[len(source_root) + 1:]
    parts = [path_part_name(p) for p in PurePosixPath(rel).with_suffix("").parts]
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(p.isidentifier() for p in parts[:-1]):
        return None
    last = parts[-1]
    if not last.isidentifier() and not (
            len(parts) > 1 and (in_package or parts[-2] == "migrations")
            and IMPORT_MODULE_NAME.match(last)):
        return None
    return ".".join(parts)


def map_python_files(files: Sequence[str], source_roots: Sequence[str],
                     bare_test_names: bool = True,
                     rendered: dict[str, str] | None = None) -> list[PythonFile]:
    """Canonical name from the most specific root containing the file; others are aliases.

    Two files never share a canonical name: when two roots give two files one name (two
    ``tests/conftest.py`` in two services), neither is the module that name imports
    unless one lies in a regular package, so the other falls back to its full path name.
    Test folders add the bare name pytest imports a file by as an alias.  A copier
    template file (``rendered``: real path → rendered path) is named as the file it
    renders to, and keeps its real path."""
    rendered = rendered or {}
    by_specificity = sorted(source_roots, key=lambda r: (-len(r), r))
    as_rendered = [rendered.get(rel, rel) for rel in files]
    packages = regular_packages(as_rendered)
    test_dirs = test_directories(as_rendered, packages) if bare_test_names else set()
    named: list[tuple[str, list[str]]] = []
    for real, rel in zip(files, as_rendered):
        if not rel.endswith(".py") or not importable_path(rel):
            if rel.endswith(".py"):
                named.append((real, []))
            continue
        directory = str(PurePosixPath(rel).parent)
        in_package = directory in packages
        names = [n for n in (_module_name(rel, r, in_package) for r in by_specificity) if n]
        if directory in test_dirs:
            bare = _module_name(rel, "" if directory == "." else directory)
            if bare:
                names.append(bare)
        named.append((real, list(dict.fromkeys(names))))
    _separate_shared_names(named, packages, rendered)
    return [PythonFile(rel, names[0] if names else "",
                       rendered.get(rel, rel).endswith("__init__.py"), tuple(names[1:]))
            for rel, names in named]


def _separate_shared_names(named: list[tuple[str, list[str]]], packages: set[str],
                           rendered: dict[str, str]) -> None:
    claims: dict[str, list[int]] = {}
    for index, (_rel, names) in enumerate(named):
        if names:
            claims.setdefault(names[0], []).append(index)
    for indexes in claims.values():
        if len(indexes) < 2:
            continue
        in_package = [i for i in indexes
                      if str(PurePosixPath(rendered.get(named[i][0], named[i][0])).parent)
                      in packages]
        keeper = in_package[0] if len(in_package) == 1 else None
        for index in indexes:
            if index == keeper:
                continue
            real, names = named[index]
            rel = rendered.get(real, real)
            full = _module_name(rel, "", str(PurePosixPath(rel).parent) in packages)
            if full and full != names[0]:
                if full in names:
                    names.remove(full)
                names.insert(0, full)


def discover(root: Path, exclude: Sequence[str], configured_roots: Sequence[str]) -> FileInventory:
    notes: list[str] = []
    unread: list[UnreadFile] = []
    files = list_project_files(root, exclude, notes, unread)
    return inventory_of(root, files, configured_roots, notes, unread)


def inventory_of(root: Path, files: list[str], configured_roots: Sequence[str],
                 notes: list[str], unread: Sequence[UnreadFile] = ()) -> FileInventory:
    """Source roots and module names of listed files: a function of the list, the
    files' contents and the settings, so a replayed run can skip it."""
    templates = copier_templates(root, files)
    rendered = copier_rendered_paths(files, templates)
    roots = find_source_roots(root, files, configured_roots)
    if templates:  # a template's folder is the root of the project it renders to
        roots = sorted({*roots, *(t.root for t in templates)})
    python = map_python_files(files, roots, pytest_imports_by_bare_name(root), rendered)
    return FileInventory(root, files, python, roots, notes, sorted(unread, key=lambda u: u.path),
                         rendered, tuple(t.root for t in templates))
