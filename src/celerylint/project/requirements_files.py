"""What each kind of dependency file declares, read statically and never executed.

Python projects list their dependencies in half a dozen formats: ``pyproject.toml``
(PEP 621, PEP 735, Poetry, PDM, uv), pip requirements files, ``setup.cfg``,
``setup.py`` and ``Pipfile``.  Each parser here turns one file's text into a
:class:`FileReading`: the requirements it names, the other requirement files it
pulls in, and what could not be read.  Parsers never raise and never follow
includes themselves; :mod:`celerylint.project.dependencies` walks the files.

``setup.py`` is read with :mod:`ast`: only literal lists, dicts and module-level
names bound to them count.  A computed ``install_requires`` makes the reading
*incomplete*, because only running the file would reveal it, and celerylint
never runs project code.
"""

from __future__ import annotations

import ast
import configparser
import enum
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, NamedTuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = [
    "DependencyFileKind",
    "FileReading",
    "RequirementEntry",
    "RequirementParts",
    "dependency_file_kind",
    "parse_pipfile",
    "parse_pyproject",
    "parse_requirement",
    "parse_requirements_txt",
    "parse_setup_cfg",
    "parse_setup_py",
    "read_dependency_file",
]


class DependencyFileKind(enum.Enum):
    """The format of a file that declares dependencies."""

    PYPROJECT = "pyproject.toml"
    REQUIREMENTS = "requirements"
    SETUP_CFG = "setup.cfg"
    SETUP_PY = "setup.py"
    PIPFILE = "Pipfile"


@dataclass(frozen=True)
class RequirementEntry:
    """One declared distribution as a file writes it; ``line`` is 1-based."""

    name: str
    specifier: str
    extras: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class FileReading:
    """What one file declares.  ``includes`` and ``constraints`` are paths as the
    file writes them (relative to the file); ``complete`` is False when the file
    declares dependencies that cannot be known without running or fetching
    something, so callers must not treat the list as exhaustive."""

    requirements: tuple[RequirementEntry, ...] = ()
    includes: tuple[tuple[str, int], ...] = ()
    constraints: tuple[str, ...] = ()
    problems: tuple[tuple[int, str], ...] = ()
    complete: bool = True


def dependency_file_kind(path: str) -> DependencyFileKind | None:
    """Which format ``path`` (project-relative, POSIX) is in, or None for other files.

    Requirement files are recognised by name (``requirements*.txt``,
    ``dev-requirements.in``) or by living in a ``requirements/`` directory, which
    keeps ``MANIFEST.in`` and stray ``*.txt`` files out."""
    pure = PurePosixPath(path)
    name = pure.name
    fixed = {
        "pyproject.toml": DependencyFileKind.PYPROJECT,
        "setup.cfg": DependencyFileKind.SETUP_CFG,
        "setup.py": DependencyFileKind.SETUP_PY,
        "Pipfile": DependencyFileKind.PIPFILE,
    }
    if name in fixed:
        return fixed[name]
    if pure.suffix not in (".txt", ".in"):
        return None
    if "requirements" in pure.stem.lower() or "requirements" in pure.parent.parts:
        return DependencyFileKind.REQUIREMENTS
    return None


def read_dependency_file(kind: DependencyFileKind, text: str) -> FileReading:
    """Dispatch to the parser for ``kind``."""
    parsers = {
        DependencyFileKind.PYPROJECT: parse_pyproject,
        DependencyFileKind.REQUIREMENTS: parse_requirements_txt,
        DependencyFileKind.SETUP_CFG: parse_setup_cfg,
        DependencyFileKind.SETUP_PY: parse_setup_py,
        DependencyFileKind.PIPFILE: parse_pipfile,
    }
    return parsers[kind](text)


# --- one requirement string ----------------------------------------------------------

try:  # packaging knows every corner of PEP 508; the regex below is the fallback
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:  # pragma: no cover - packaging is present wherever pip is
    Requirement = None  # type: ignore[assignment,misc]

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
    """``celery[redis]>=5.3,<6; python_version >= "3.8"`` -> name, specifier, extras,
    or None when installers would reject the string."""
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


def _entry(parts: RequirementParts, line: int) -> RequirementEntry:
    return RequirementEntry(parts.name, parts.specifier, parts.extras, line)


# --- pip requirements files ---------------------------------------------------------

_COMMENT = re.compile(r"(^|\s)#.*$")
_OPTION = re.compile(
    r"^(?P<flag>--requirement|--constraint|--editable|-r|-c|-e)(?:\s*=\s*|\s+)?(?P<value>\S.*)$"
)
_TRAILING_OPTIONS = re.compile(r"\s+--?[A-Za-z].*$")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_ARCHIVE_NAME = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.]*?)-\d[^/]*\.(?:whl|tar\.gz|zip|tar\.bz2)$")


def parse_requirements_txt(text: str) -> FileReading:
    """A pip requirements (or pip-tools ``.in``) file.

    ``-r`` includes are reported for the caller to follow; ``-c`` constraint files
    only pin versions of what something else asks for, so they declare nothing.
    Local paths (``-e .``) are the project itself and are skipped."""
    entries: list[RequirementEntry] = []
    includes: list[tuple[str, int]] = []
    constraints: list[str] = []
    problems: list[tuple[int, str]] = []
    for number, line in _logical_lines(text):
        option = _OPTION.match(line)
        if option and option["flag"] in ("-r", "--requirement"):
            includes.append((option["value"].strip(), number))
        elif option and option["flag"] in ("-c", "--constraint"):
            constraints.append(option["value"].strip())
        elif option:
            entry = _from_location(option["value"], number)
            entries.extend([entry] if entry else [])
        elif line.startswith("-"):
            continue  # --index-url, --find-links, --hash, --pre, ...
        else:
            entry = _from_requirement_line(line, number, problems)
            entries.extend([entry] if entry else [])
    return FileReading(tuple(entries), tuple(includes), tuple(constraints), tuple(problems))


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines without comments, backslash continuations joined, numbered by their start."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        stripped = _COMMENT.sub("", raw).rstrip()
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        joined = " ".join(part.strip() for part in [*pending, stripped]).strip()
        pending = []
        if joined:
            yield start, joined
    if pending and (joined := " ".join(p.strip() for p in pending).strip()):
        yield start, joined


def _from_requirement_line(
    line: str, number: int, problems: list[tuple[int, str]]
) -> RequirementEntry | None:
    if "://" in line.split("@")[0] or line.startswith((".", "/", "~")):
        return _from_location(line, number)
    text = _TRAILING_OPTIONS.sub("", line)
    parsed = parse_requirement(text)
    if parsed is None:
        problems.append((number, f"'{line}' is not a valid requirement; pip would refuse it."))
        return None
    return _entry(parsed, number)


def _from_location(location: str, number: int) -> RequirementEntry | None:
    """A URL, archive or editable checkout names its distribution in ``#egg=`` or
    in the archive's file name; a bare local directory is the project itself."""
    location = location.strip()
    if (egg := _EGG.search(location)) is not None:
        return RequirementEntry(egg.group(1), "", (), number)
    if (archive := _ARCHIVE_NAME.search(location.split("#")[0])) is not None:
        return RequirementEntry(archive.group(1), "", (), number)
    if "://" not in location.split("@")[0] and not location.startswith((".", "/", "~")):
        parsed = parse_requirement(location)
        if parsed is not None:
            return _entry(parsed, number)
    return None


# --- TOML formats ------------------------------------------------------------------


def _load_toml(text: str) -> tuple[dict[str, Any] | None, FileReading | None]:
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+)", str(exc))
        line = int(where.group(1)) if where else 1
        return None, FileReading(
            problems=((line, f"not valid TOML ({exc}); its dependencies cannot be read."),),
            complete=False,
        )


def parse_pyproject(text: str) -> FileReading:
    """``[build-system] requires``, PEP 621 dependencies and extras, PEP 735 groups,
    Poetry, PDM and uv dependency tables, and setuptools' ``dynamic`` file lists."""
    data, failure = _load_toml(text)
    if data is None:
        return failure or FileReading()
    locator = _LineLocator(text)
    strings = [
        *_strings_at(data, "build-system", "requires"),
        *_strings_at(data, "project", "dependencies"),
        *_strings_in_lists(_table(data, "project", "optional-dependencies").values()),
        *_strings_in_lists(_table(data, "dependency-groups").values()),
        *_strings_in_lists(_table(data, "tool", "pdm", "dev-dependencies").values()),
        *_strings_at(data, "tool", "uv", "dev-dependencies"),
    ]
    entries, problems = _entries_from_strings(strings, locator)
    poetry = _table(data, "tool", "poetry")
    tables = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies")]
    tables += [_table(group, "dependencies") for group in _table(poetry, "group").values()
               if isinstance(group, dict)]
    for table in tables:
        entries.extend(_entries_from_mapping(table, locator, skip=("python",)))
    return FileReading(tuple(entries), _setuptools_dynamic_files(data, locator),
                       problems=tuple(problems))


def parse_pipfile(text: str) -> FileReading:
    """Every Pipfile category (``[packages]``, ``[dev-packages]``, custom ones)."""
    data, failure = _load_toml(text)
    if data is None:
        return failure or FileReading()
    locator = _LineLocator(text)
    entries: list[RequirementEntry] = []
    for category, table in data.items():
        if category not in ("source", "requires", "scripts", "pipenv") and isinstance(table, dict):
            entries.extend(_entries_from_mapping(table, locator))
    return FileReading(tuple(entries))


def _table(data: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    current: Any = data
    for key in keys:
        current = current.get(key) if isinstance(current, dict) else None
    return current if isinstance(current, dict) else {}


def _strings_at(data: Mapping[str, Any], *keys: str) -> list[str]:
    value = _table(data, *keys[:-1]).get(keys[-1])
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _strings_in_lists(values: Iterable[Any]) -> list[str]:
    """Items of each list value; PEP 735 ``{include-group = ...}`` tables are skipped
    because the group they name is read on its own."""
    return [item for value in values if isinstance(value, list)
            for item in value if isinstance(item, str)]


def _entries_from_strings(
    strings: Iterable[str], locator: _LineLocator
) -> tuple[list[RequirementEntry], list[tuple[int, str]]]:
    entries: list[RequirementEntry] = []
    problems: list[tuple[int, str]] = []
    for text in strings:
        line = locator.line_of(text)
        parsed = parse_requirement(text)
        if parsed is None:
            problems.append((line, f"'{text}' is not a valid requirement; installers refuse it."))
        else:
            entries.append(_entry(parsed, line))
    return entries, problems


def _entries_from_mapping(
    table: Mapping[str, Any], locator: _LineLocator, skip: tuple[str, ...] = ()
) -> Iterator[RequirementEntry]:
    """Poetry and Pipfile style: ``name = "^5.3"`` or ``name = {version = ..., extras = [...]}``
    (Poetry also allows a list of such tables for per-platform constraints)."""
    for name, value in table.items():
        if name.lower() in skip or parse_requirement(name) is None:
            continue
        first = value[0] if isinstance(value, list) and value else value
        version = first.get("version", "") if isinstance(first, dict) else first
        extras = first.get("extras", []) if isinstance(first, dict) else []
        specifier = version.strip() if isinstance(version, str) and version.strip() != "*" else ""
        extras_tuple = tuple(e for e in extras if isinstance(e, str)) if isinstance(extras, list) else ()
        yield RequirementEntry(name, specifier, extras_tuple, locator.line_of_key(name))


def _setuptools_dynamic_files(
    data: Mapping[str, Any], locator: _LineLocator
) -> tuple[tuple[str, int], ...]:
    """``[tool.setuptools.dynamic] dependencies = {file = [...]}`` names requirement
    files: they are includes, exactly like ``-r``."""
    dynamic = _table(data, "tool", "setuptools", "dynamic")
    specs = [dynamic.get("dependencies"), *_table(dynamic, "optional-dependencies").values()]
    found: list[tuple[str, int]] = []
    for spec in specs:
        files = spec.get("file") if isinstance(spec, dict) else None
        files = [files] if isinstance(files, str) else files
        if isinstance(files, list):
            found.extend((f, locator.line_of(f)) for f in files if isinstance(f, str))
    return tuple(found)


class _LineLocator:
    """TOML and INI parsers drop positions, so the line of a value is found again in
    the text: the first line quoting it (or, for keys, defining it)."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    def line_of(self, value: str) -> int:
        for quoted in (f'"{value}"', f"'{value}'", value):
            for index, line in enumerate(self._lines):
                if quoted in line:
                    return index + 1
        return 1

    def line_of_key(self, key: str) -> int:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.IGNORECASE)
        for index, line in enumerate(self._lines):
            if pattern.match(line):
                return index + 1
        return self.line_of(key)


# --- setuptools ---------------------------------------------------------------------

_SETUPTOOLS_KEYWORDS = ("install_requires", "setup_requires", "tests_require")


def parse_setup_cfg(text: str) -> FileReading:
    """``[options] install_requires`` (and setup/tests requires) and every
    ``[options.extras_require]`` entry: one requirement per line."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", 1) or 1
        return FileReading(problems=((line, f"setup.cfg cannot be parsed ({exc.message})."),),
                           complete="install_requires" not in text)
    values: list[str] = []
    if parser.has_section("options"):
        values += [parser.get("options", key, fallback="") for key in _SETUPTOOLS_KEYWORDS]
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    strings = [_COMMENT.sub("", line).strip() for value in values for line in value.splitlines()]
    entries, problems = _entries_from_strings([s for s in strings if s], _LineLocator(text))
    return FileReading(tuple(entries), problems=tuple(problems))


def parse_setup_py(text: str) -> FileReading:
    """Literal ``install_requires=[...]`` / ``extras_require={...}`` of a ``setup()``
    call, including module-level names bound to literals; anything computed makes
    the reading incomplete instead of being guessed."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        return FileReading(
            problems=((line, "setup.py is not valid Python 3; its dependencies cannot be read."),),
            complete="install_requires" not in text)
    literals = _module_literals(tree)
    reading = _SetupPyReading()
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and _is_setup_call(call):
            for keyword in call.keywords:
                reading.add_keyword(keyword.arg, keyword.value, literals)
    if not reading.saw_install_requires and "install_requires" in text:
        reading.opaque(1, "install_requires")
    return reading.result()


@dataclass
class _SetupPyReading:
    entries: list[RequirementEntry] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    complete: bool = True
    saw_install_requires: bool = False

    def add_keyword(self, name: str | None, value: ast.expr, literals: dict[str, ast.expr]) -> None:
        if name is None:  # setup(**options): a literal dict of keywords, or unknown
            resolved = _resolve(value, literals)
            if isinstance(resolved, ast.Dict):
                for key, item in zip(resolved.keys, resolved.values):
                    key_name = key.value if isinstance(key, ast.Constant) else None
                    if isinstance(key_name, str):
                        self.add_keyword(key_name, item, literals)
            return
        if name in _SETUPTOOLS_KEYWORDS:
            self.saw_install_requires |= name == "install_requires"
            self._add_strings(_literal_strings(value, literals), value.lineno, name)
        elif name == "extras_require":
            resolved = _resolve(value, literals)
            if not isinstance(resolved, ast.Dict) or None in resolved.keys:
                self.opaque(value.lineno, name)
                return
            for item in resolved.values:
                self._add_strings(_literal_strings(item, literals), item.lineno, name)

    def _add_strings(self, strings: list[tuple[str, int]] | None, line: int, name: str) -> None:
        if strings is None:
            self.opaque(line, name)
            return
        for text, number in strings:
            parsed = parse_requirement(text)
            if parsed is None:
                self.problems.append((number, f"'{text}' is not a valid requirement."))
            else:
                self.entries.append(
                    _entry(parsed, number))

    def opaque(self, line: int, name: str) -> None:
        self.complete = False
        self.problems.append((line, f"{name} in setup.py is computed when setup.py runs; "
                              "celerylint never runs project code, so list the dependencies "
                              "literally or in pyproject.toml."))

    def result(self) -> FileReading:
        return FileReading(tuple(self.entries), problems=tuple(self.problems),
                           complete=self.complete)


def _is_setup_call(call: ast.Call) -> bool:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return name == "setup"


def _module_literals(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level ``NAME = <expr>`` bindings; the last one wins, as at run time."""
    bound: dict[str, ast.expr] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    bound[target.id] = statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            if isinstance(statement.target, ast.Name):
                bound[statement.target.id] = statement.value
    return bound


def _resolve(node: ast.expr, literals: dict[str, ast.expr], depth: int = 0) -> ast.expr:
    while isinstance(node, ast.Name) and node.id in literals and depth < 10:
        node, depth = literals[node.id], depth + 1
    return node


def _literal_strings(
    node: ast.expr, literals: dict[str, ast.expr], depth: int = 0
) -> list[tuple[str, int]] | None:
    """The strings of a literal list/tuple/set (or ``a + b`` of them, or a multi-line
    string, which setuptools also accepts), each with its line; None if computed."""
    node = _resolve(node, literals)
    if depth > 10:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        lines = [_COMMENT.sub("", line).strip() for line in node.value.splitlines()]
        return [(line, node.lineno) for line in lines if line]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        found: list[tuple[str, int]] = []
        for element in node.elts:
            strings = _literal_strings(element, literals, depth + 1)
            if strings is None:
                return None
            found.extend(strings)
        return found
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _literal_strings(node.left, literals, depth + 1)
        right = _literal_strings(node.right, literals, depth + 1)
        return None if left is None or right is None else left + right
    return None
