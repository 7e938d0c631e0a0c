"""Source roots: the folders that processes put on ``sys.path``.

Found the way the processes find them, never by importing anything: the parent of
each top-most regular package, declared package folders (pyproject, setup.cfg,
setup.py), pytest's ``pythonpath`` and top conftest folders, Django's ``manage.py``,
and the working directories deployments start processes in (compose
``working_dir``, Kubernetes ``workingDir``, Dockerfile ``WORKDIR``, supervisord
``directory=``, ``cd`` in scripts, ``celery --workdir``).
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from celerylint.config_file import load_toml
from celerylint.regular_files import read_regular_bytes, read_regular_text


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
            parser.read_string(read_regular_text(root / name, errors="strict"))
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
        tree = ast.parse(read_regular_bytes(setup_py))
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
            text = read_regular_text(root / rel)[:200_000]
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


def importable_path(rel: str) -> bool:
    """Dot-named (``.github``) folders, and folders named by a placeholder that is not a
    Jinja expression (``${x}``, ``%x%``), hold no module that any process imports. A
    cookiecutter or copier folder (``{{cookiecutter.slug}}``) holds the modules of the
    project it renders to, named as rendered (``slug``), so Celery rules still apply."""
    from celerylint.source.templates import path_part_name

    return not any(part.startswith(".") or "{" in (named := path_part_name(part))
                   or "$" in named or "%" in named
                   for part in PurePosixPath(rel).parts[:-1])


def regular_packages(files: Sequence[str]) -> set[str]:
    return {str(PurePosixPath(f).parent) for f in files
            if f.endswith("/__init__.py") and importable_path(f)}


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
    packages = regular_packages(files)
    test_dirs = {str(PurePosixPath(f).parent) for f in files
                 if PurePosixPath(f).name.startswith("test_") or f.endswith("_test.py")}
    if not pytest_imports_by_bare_name(root):
        test_dirs = {str(PurePosixPath(f).parent) for f in files}  # importlib: no sys.path
    dirs_with_python = {str(parent) for f in files if f.endswith(".py")
                        for parent in PurePosixPath(f).parents if str(parent) != "."}
    for rel in files:
        path = PurePosixPath(rel)
        directory = str(path.parent)
        if not importable_path(rel) or directory in packages:
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
                  if r == "" or (importable_path(r + "/x") and (root / r).is_dir()))


def test_directories(files: Sequence[str], packages: set[str]) -> set[str]:
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
            texts.append(read_regular_text(root / name))
        except OSError:
            continue
    return not any(re.search(r"import-mode[=\s]+importlib", text) for text in texts)
