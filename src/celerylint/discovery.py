"""Which files belong to the project, and which dotted module name each Python file has.

Module names come from paths and source roots only; the project's import
machinery is never used.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from celerylint.config_file import load_toml
from celerylint.printable import printable
from celerylint.source.templates import path_part_name

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


@dataclass
class FileInventory:
    root: Path
    files: list[str]  # every project file, relative, sorted
    python: list[PythonFile]
    source_roots: list[str]  # relative, "" for the root
    notes: list[str] = field(default_factory=list)  # what was skipped, for --verbose


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


def list_project_files(root: Path, exclude: Sequence[str], notes: list[str]) -> list[str]:
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
        full = root / rel
        if full.is_symlink() and _leads_outside(full, inside):
            notes.append(f"skipped {rel}: a symbolic link that leads out of the project "
                         "root; its content was not read")
        elif full.is_file():
            regular.append(rel)
        elif full.exists() or full.is_symlink():
            notes.append(f"skipped {rel}: not a regular file")
    return sorted(set(regular))


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


# --- source roots --------------------------------------------------------------

def _declared_package_dirs(root: Path) -> list[str]:
    """``package-dir`` / ``packages.find.where`` in pyproject, literal ``package_dir`` in setup.py."""
    roots: list[str] = []
    pyproject = load_toml(root / "pyproject.toml") or {}
    setuptools = pyproject.get("tool", {}).get("setuptools", {})
    if isinstance(setuptools, dict):
        package_dir = setuptools.get("package-dir", {})
        if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
            roots.append(package_dir[""])
        find = setuptools.get("packages", {})
        if isinstance(find, dict) and isinstance(find.get("find"), dict):
            where = find["find"].get("where", [])
            roots.extend(w for w in where if isinstance(w, str))
    roots.extend(_setup_py_package_dir(root / "setup.py"))
    return roots


def _setup_py_package_dir(setup_py: Path) -> list[str]:
    try:
        tree = ast.parse(setup_py.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "package_dir":
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return []
            if isinstance(value, dict) and isinstance(value.get(""), str):
                return [value[""]]
    return []


def find_source_roots(root: Path, files: Sequence[str], configured: Sequence[str]) -> list[str]:
    roots = {""}
    roots.update(r.strip("/").removeprefix("./") for r in configured)
    roots.update(r.strip("/").removeprefix("./") for r in _declared_package_dirs(root))
    file_set = set(files)
    dirs_with_init = {str(PurePosixPath(f).parent) for f in files if f.endswith("/__init__.py")}
    for rel in files:
        path = PurePosixPath(rel)
        if path.name == "manage.py" or (path.name in ("setup.py", "pyproject.toml") and rel != path.name):
            roots.add(str(path.parent) if str(path.parent) != "." else "")
        if rel.startswith("src/") and rel.count("/") >= 2:
            roots.add("src")
    # The parent of a top-most regular package is where it gets imported from.
    for directory in dirs_with_init:
        parent = str(PurePosixPath(directory).parent)
        if parent not in dirs_with_init:
            roots.add("" if parent == "." else parent)
    del file_set
    return sorted(r for r in roots if r == "" or (root / r).is_dir())


def _module_name(rel: str, source_root: str) -> str | None:
    if source_root:
        if not rel.startswith(source_root + "/"):
            return None
        rel = rel[len(source_root) + 1:]
    parts = [path_part_name(p) for p in PurePosixPath(rel).with_suffix("").parts]
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def map_python_files(files: Sequence[str], source_roots: Sequence[str]) -> list[PythonFile]:
    """Canonical name from the most specific root containing the file; others are aliases."""
    by_specificity = sorted(source_roots, key=lambda r: (-len(r), r))
    result: list[PythonFile] = []
    for rel in files:
        if not rel.endswith(".py"):
            continue
        names = [n for n in (_module_name(rel, r) for r in by_specificity) if n]
        canonical = names[0] if names else ""
        result.append(PythonFile(rel, canonical, rel.endswith("__init__.py"),
                                 tuple(dict.fromkeys(names[1:]))))
    return result


def discover(root: Path, exclude: Sequence[str], configured_roots: Sequence[str]) -> FileInventory:
    notes: list[str] = []
    files = list_project_files(root, exclude, notes)
    roots = find_source_roots(root, files, configured_roots)
    return FileInventory(root, files, map_python_files(files, roots), roots, notes)
