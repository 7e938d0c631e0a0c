"""Which files belong to the project, and which dotted module name each Python file has.

Module names come from paths and source roots only; the project's import
machinery is never used.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import posixpath
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from celerylint.config_file import load_toml
from celerylint.printable import printable

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
    for rel in kept:
        if not _utf8_name(rel):
            notes.append(f"skipped {printable(rel)}: the file name is not valid UTF-8")
            continue
        full = root / rel
        if full.is_file():
            regular.append(rel)
        elif full.exists() or full.is_symlink():
            notes.append(f"skipped {rel}: not a regular file")
    return sorted(set(regular))


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
    """``package-dir`` / ``packages.find.where`` in pyproject and setup.cfg, literal
    ``package_dir`` in setup.py, and pytest's ``pythonpath``: the directories the
    installed package or the test run puts on ``sys.path``."""
    roots: list[str] = []
    pyproject = load_toml(root / "pyproject.toml") or {}
    tool = pyproject.get("tool", {})
    setuptools = tool.get("setuptools", {}) if isinstance(tool, dict) else {}
    if isinstance(setuptools, dict):
        package_dir = setuptools.get("package-dir", {})
        if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
            roots.append(package_dir[""])
        find = setuptools.get("packages", {})
        if isinstance(find, dict) and isinstance(find.get("find"), dict):
            where = find["find"].get("where", [])
            roots.extend(w for w in where if isinstance(w, str))
    pytest_options = tool.get("pytest", {}).get("ini_options", {}) \
        if isinstance(tool, dict) and isinstance(tool.get("pytest"), dict) else {}
    if isinstance(pytest_options, dict):
        pythonpath = pytest_options.get("pythonpath", [])
        pythonpath = pythonpath.split() if isinstance(pythonpath, str) else pythonpath
        roots.extend(p for p in pythonpath if isinstance(p, str))
    roots.extend(_ini_source_dirs(root))
    roots.extend(_setup_py_package_dir(root / "setup.py"))
    return roots


def _ini_source_dirs(root: Path) -> list[str]:
    """setup.cfg ``[options] package_dir = =src`` / ``[options.packages.find] where``,
    and ``[pytest]``/``[tool:pytest]`` ``pythonpath`` in pytest.ini, tox.ini, setup.cfg."""
    import configparser

    found: list[str] = []
    for name in ("setup.cfg", "pytest.ini", "tox.ini"):
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string((root / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, configparser.Error):
            continue
        package_dir = parser.get("options", "package_dir", fallback="")
        found.extend(line.split("=", 1)[1].strip() for line in package_dir.splitlines()
                     if line.strip().startswith("=") or line.strip().startswith(" ="))
        found.extend(parser.get("options.packages.find", "where", fallback="").split())
        for section in ("pytest", "tool:pytest"):
            found.extend(parser.get(section, "pythonpath", fallback="").split())
    return found


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


_WORKDIR_PATTERNS = (
    re.compile(r"^\s*WORKDIR\s+[\"']?([^\s\"']+)", re.MULTILINE),  # Dockerfile
    re.compile(r"^[\s-]*(?:working_dir|workingDir)\s*:\s*[\"']?([^\s\"'#]+)",
               re.MULTILINE),  # compose, Kubernetes
    re.compile(r"^\s*directory\s*=\s*([^\s;#]+)", re.MULTILINE),  # supervisord
    re.compile(r"(?:^|[\s;&|(])cd\s+[\"']?([^\s;&|)\"']+)", re.MULTILINE),  # scripts
    re.compile(r"--workdir[=\s]+[\"']?([^\s\"']+)"),  # celery --workdir
)


def _is_process_file(rel: str) -> bool:
    name = PurePosixPath(rel).name.lower()
    return (name.startswith("dockerfile") or name.endswith((".dockerfile", ".sh", ".conf",
                                                            ".ini", ".service"))
            or name in ("procfile", "entrypoint")
            or (name.endswith((".yml", ".yaml")) and ("compose" in name or "/" not in rel
                                                      or "k8s" in rel or "kube" in rel
                                                      or "deploy" in rel)))


def _working_directories(root: Path, files: Sequence[str], dirs_with_python: set[str],
                         packages: set[str]) -> set[str]:
    """Project directories that a process starts in (compose ``working_dir``, Dockerfile
    ``WORKDIR``, supervisord ``directory=``, ``cd`` in scripts, ``--workdir``): the current
    directory is the first entry of ``sys.path`` for ``celery -A``.  A container path is
    matched to the project by its longest trailing part that names a project directory."""
    found: set[str] = set()
    for rel in files:
        if not _is_process_file(rel):
            continue
        try:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")[:200_000]
        except OSError:
            continue
        base = str(PurePosixPath(rel).parent)
        for pattern in _WORKDIR_PATTERNS:
            for match in pattern.finditer(text):
                directory = _project_directory(match.group(1), base, dirs_with_python)
                if directory is not None and directory not in packages:
                    found.add(directory)
    return found


def _project_directory(written: str, base: str, dirs_with_python: set[str]) -> str | None:
    if any(c in written for c in "$%{}`") or written in ("-", ".", "/"):
        return None
    if not written.startswith("/"):
        joined = posixpath.normpath(posixpath.join("" if base == "." else base, written))
        if joined in dirs_with_python:
            return joined
    parts = [p for p in written.strip("/").split("/") if p and p != "."]
    for start in range(len(parts)):
        candidate = "/".join(parts[start:])
        if candidate in dirs_with_python:
            return candidate
    return None


def _importable_path(rel: str) -> bool:
    """Dot-named (``.github``) and templated (``{{cookiecutter.slug}}``) folders hold no
    module that any process imports."""
    return not any(part.startswith(".") or "{" in part or "$" in part or "%" in part
                   for part in PurePosixPath(rel).parts[:-1])


def _regular_packages(files: Sequence[str]) -> set[str]:
    return {str(PurePosixPath(f).parent) for f in files
            if f.endswith("/__init__.py") and _importable_path(f)}


def _topmost_packages(packages: set[str]) -> set[str]:
    """Regular packages with no regular package above them: a namespace folder between
    two packages (``pkg/background/jobs/__init__.py`` under ``pkg/__init__.py``) is a
    PEP 420 portion of the outer package, not the start of a new import root."""
    topmost: set[str] = set()
    for directory in packages:
        parents = PurePosixPath(directory).parents
        if not any(str(p) in packages for p in parents if str(p) != "."):
            topmost.add(directory)
    return topmost


def _relative_dir(written: str) -> str:
    normal = posixpath.normpath(written.strip().strip("/"))
    return "" if normal == "." else normal


def find_source_roots(root: Path, files: Sequence[str], configured: Sequence[str]) -> list[str]:
    roots = {""}
    roots.update(_relative_dir(r) for r in (*configured, *_declared_package_dirs(root)))
    packages = _regular_packages(files)
    test_dirs = {str(PurePosixPath(f).parent) for f in files
                 if PurePosixPath(f).name.startswith("test_") or f.endswith("_test.py")}
    if not pytest_imports_by_bare_name(root):
        test_dirs = {str(PurePosixPath(f).parent) for f in files}  # importlib: no sys.path
    dirs_with_python = {str(parent) for f in files if f.endswith(".py")
                        for parent in PurePosixPath(f).parents if str(parent) != "."}
    for rel in files:
        path = PurePosixPath(rel)
        directory = str(path.parent)
        if not _importable_path(rel) or directory in packages:
            continue  # a setup.py inside a package is one of its modules
        if path.name == "manage.py" or (path.name in ("setup.py", "pyproject.toml")
                                        and rel != path.name):
            roots.add(directory if directory != "." else "")
        if path.name == "conftest.py" and directory not in test_dirs \
                and not path.parent.name.startswith("test"):
            # pytest (prepend mode) puts a top conftest's folder first on sys.path
            roots.add(directory if directory != "." else "")
        if rel.startswith("src/") and rel.count("/") >= 2:
            roots.add("src")
    # The parent of a top-most regular package is where it gets imported from.
    for directory in _topmost_packages(packages):
        parent = str(PurePosixPath(directory).parent)
        roots.add("" if parent == "." else parent)
    roots.update(_working_directories(root, files, dirs_with_python, packages))
    return sorted(r for r in roots
                  if r == "" or (_importable_path(r + "/x") and (root / r).is_dir()))


IMPORT_MODULE_NAME = re.compile(r"^[\w-]+$")


def _module_name(rel: str, source_root: str, in_package: bool = False) -> str | None:
    """The dotted name under ``source_root``.  A file of a regular package whose own name
    is no identifier (``0091_backfill.py``, ``gitlab-ci.py``) is still a module: Django
    loads migrations and settings with ``import_module``, which takes any name."""
    if source_root:
        if not rel.startswith(source_root + "/"):
            return None
        rel = rel[len(source_root) + 1:]
    parts = list(PurePosixPath(rel).with_suffix("").parts)
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


def _test_directories(files: Sequence[str], packages: set[str]) -> set[str]:
    """Folders of test files without ``__init__.py``: pytest's default import mode puts
    each such folder first on ``sys.path`` and imports its files by their bare names."""
    found = set()
    for rel in files:
        path = PurePosixPath(rel)
        directory = str(path.parent)
        if directory not in packages and (path.name == "conftest.py" or (
                path.name.startswith("test_") and path.suffix == ".py")
                or path.name.endswith("_test.py")):
            found.add(directory)
    return found


def pytest_imports_by_bare_name(root: Path) -> bool:
    """False when pytest runs with ``--import-mode=importlib``, which imports test files
    under unique names instead of putting their folders on ``sys.path``."""
    texts: list[str] = []
    for name in ("pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini"):
        try:
            texts.append((root / name).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return not any(re.search(r"import-mode[=\s]+importlib", text) for text in texts)


def map_python_files(files: Sequence[str], source_roots: Sequence[str],
                     bare_test_names: bool = True) -> list[PythonFile]:
    """Canonical name from the most specific root containing the file; others are aliases.

    Two files never share a canonical name: when two roots give two files one name (two
    ``tests/conftest.py`` in two services), neither is the module that name imports
    unless one lies in a regular package, so the other falls back to its full path name.
    Test folders add the bare name pytest imports a file by as an alias."""
    by_specificity = sorted(source_roots, key=lambda r: (-len(r), r))
    packages = _regular_packages(files)
    test_dirs = _test_directories(files, packages) if bare_test_names else set()
    named: list[tuple[str, list[str]]] = []
    for rel in files:
        if not rel.endswith(".py") or not _importable_path(rel):
            if rel.endswith(".py"):
                named.append((rel, []))
            continue
        directory = str(PurePosixPath(rel).parent)
        in_package = directory in packages
        names = [n for n in (_module_name(rel, r, in_package) for r in by_specificity) if n]
        if directory in test_dirs:
            bare = _module_name(rel, "" if directory == "." else directory)
            if bare:
                names.append(bare)
        named.append((rel, list(dict.fromkeys(names))))
    _separate_shared_names(named, packages)
    return [PythonFile(rel, names[0] if names else "", rel.endswith("__init__.py"),
                       tuple(names[1:])) for rel, names in named]


def _separate_shared_names(named: list[tuple[str, list[str]]], packages: set[str]) -> None:
    claims: dict[str, list[int]] = {}
    for index, (_rel, names) in enumerate(named):
        if names:
            claims.setdefault(names[0], []).append(index)
    for indexes in claims.values():
        if len(indexes) < 2:
            continue
        in_package = [i for i in indexes
                      if str(PurePosixPath(named[i][0]).parent) in packages]
        keeper = in_package[0] if len(in_package) == 1 else None
        for index in indexes:
            if index == keeper:
                continue
            rel, names = named[index]
            full = _module_name(rel, "", str(PurePosixPath(rel).parent) in packages)
            if full and full != names[0]:
                if full in names:
                    names.remove(full)
                names.insert(0, full)


def discover(root: Path, exclude: Sequence[str], configured_roots: Sequence[str]) -> FileInventory:
    notes: list[str] = []
    files = list_project_files(root, exclude, notes)
    roots = find_source_roots(root, files, configured_roots)
    python = map_python_files(files, roots, pytest_imports_by_bare_name(root))
    return FileInventory(root, files, python, roots, notes)
