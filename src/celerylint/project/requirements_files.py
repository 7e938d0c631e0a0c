"""What each kind of dependency file declares, read statically and never executed.

Each parser turns one file's text into a :class:`FileReading`: the requirements it
names, the requirement files it pulls in, and what could not be read.  Parsers
never raise and never open other files; :mod:`celerylint.project.dependencies`
walks includes.  ``setup.py`` is read with :mod:`ast`: only literal lists, dicts
and module-level names bound to them count, and a computed ``install_requires``
makes the reading *incomplete* because only running the file would reveal it.
"""

from __future__ import annotations

import ast
import configparser
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, NamedTuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

try:  # packaging knows every corner of PEP 508; a regex is the fallback
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:  # pragma: no cover - packaging is present wherever pip is
    Requirement = None  # type: ignore[assignment,misc]


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
    list must not be taken as exhaustive."""

    requirements: tuple[RequirementEntry, ...] = ()
    includes: tuple[tuple[str, int], ...] = ()
    constraints: tuple[str, ...] = ()
    problems: tuple[tuple[int, str], ...] = ()
    complete: bool = True


FileParser = Callable[[str], FileReading]


def parser_for(path: str) -> FileParser | None:
    """The parser for a project-relative POSIX path, or None if it declares nothing.

    Requirement files are recognised by name (``requirements*.txt``,
    ``dev-requirements.in``) or by living in a ``requirements/`` directory, which
    keeps ``MANIFEST.in`` and stray ``*.txt`` files out."""
    pure = PurePosixPath(path)
    fixed: dict[str, FileParser] = {
        "pyproject.toml": parse_pyproject, "setup.cfg": parse_setup_cfg,
        "setup.py": parse_setup_py, "Pipfile": parse_pipfile,
    }
    if pure.name in fixed:
        return fixed[pure.name]
    named = "requirements" in pure.stem.lower() or "requirements" in pure.parent.parts
    return parse_requirements_txt if named and pure.suffix in (".txt", ".in") else None


# --- one requirement string ----------------------------------------------------------

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


def _entries(
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


# --- pip requirements files ---------------------------------------------------------

_COMMENT = re.compile(r"(^|\s)#.*$")
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
            located.extend(_from_location(option["value"] if option else line, number))
        elif not line.startswith("-"):  # other options: --index-url, --hash, --pre, ...
            strings.append((_TRAILING_OPTIONS.sub("", line), number))
    problems: list[tuple[int, str]] = []
    entries = sorted([*_entries(strings, problems), *located], key=lambda e: e.line)
    return FileReading(tuple(entries), tuple(includes), tuple(constraints), tuple(problems))


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines without comments, backslash continuations joined, numbered by their start."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate([*text.splitlines(), ""], start=1):
        start = start if pending else number
        stripped = _COMMENT.sub("", raw).strip()
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        joined = " ".join([*pending, stripped]).strip()
        pending = []
        if joined:
            yield start, joined


def _is_location(line: str) -> bool:
    return "://" in line.split("@")[0] or line.startswith((".", "/", "~"))


def _from_location(location: str, number: int) -> list[RequirementEntry]:
    """A URL, archive or editable checkout names its distribution in ``#egg=`` or in
    the archive's file name; a bare local directory is the project itself."""
    location = location.strip()
    if (egg := _EGG.search(location)) is not None:
        return [RequirementEntry(egg.group(1), "", (), number)]
    if (archive := _ARCHIVE.search(location.split("#")[0])) is not None:
        return [RequirementEntry(archive.group(1), "", (), number)]
    if _is_location(location):
        return []
    return _entries([(location, number)], [])


# --- TOML formats ------------------------------------------------------------------


def _load_toml(text: str) -> dict[str, Any] | FileReading:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+)", str(exc))
        line = int(where.group(1)) if where else max(1, len(text.splitlines()))  # "end of document"
        return FileReading(
            problems=((line, f"not valid TOML ({exc}), so its dependencies cannot be read."),),
            complete=False)


def parse_pyproject(text: str) -> FileReading:
    """``[build-system] requires``, PEP 621 dependencies and extras, PEP 735 groups,
    Poetry, PDM and uv dependency tables, and setuptools' ``dynamic`` file lists."""
    data = _load_toml(text)
    if isinstance(data, FileReading):
        return data
    locate = _LineLocator(text)
    strings = [
        *_strings_at(data, "build-system", "requires"),
        *_strings_at(data, "project", "dependencies"),
        *_strings_in_lists(_table(data, "project", "optional-dependencies").values()),
        *_strings_in_lists(_table(data, "dependency-groups").values()),
        *_strings_in_lists(_table(data, "tool", "pdm", "dev-dependencies").values()),
        *_strings_at(data, "tool", "uv", "dev-dependencies"),
    ]
    problems: list[tuple[int, str]] = []
    entries = _entries(((s, locate.line_of(s)) for s in strings), problems)
    poetry = _table(data, "tool", "poetry")
    tables = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies")]
    tables += [_table(group, "dependencies") for group in _table(poetry, "group").values()]
    for table in tables:
        entries.extend(_entries_from_mapping(table, locate, skip=("python",)))
    includes = tuple((f, locate.line_of(f)) for f in _setuptools_dynamic_files(data))
    entries.sort(key=lambda entry: entry.line)  # file order, whichever table it is in
    return FileReading(tuple(entries), includes, problems=tuple(problems))


def parse_pipfile(text: str) -> FileReading:
    """Every Pipfile category (``[packages]``, ``[dev-packages]`` and custom ones)."""
    data = _load_toml(text)
    if isinstance(data, FileReading):
        return data
    locate = _LineLocator(text)
    entries = [entry for category, table in data.items()
               if category not in ("source", "requires", "scripts", "pipenv")
               and isinstance(table, dict) for entry in _entries_from_mapping(table, locate)]
    return FileReading(tuple(entries))


def _table(data: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _strings_at(data: Mapping[str, Any], *keys: str) -> list[str]:
    value = _table(data, *keys[:-1]).get(keys[-1])
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _strings_in_lists(values: Iterable[Any]) -> list[str]:
    """Items of each list; PEP 735 ``{include-group = ...}`` tables are skipped, the
    group they name is read on its own."""
    return [item for value in values if isinstance(value, list)
            for item in value if isinstance(item, str)]


def _entries_from_mapping(
    table: Mapping[str, Any], locate: _LineLocator, skip: tuple[str, ...] = ()
) -> Iterator[RequirementEntry]:
    """Poetry and Pipfile style: ``name = "^5.3"`` or ``name = {version = ..., extras =
    [...]}``; Poetry also allows a list of such tables (per-platform constraints)."""
    for name, value in table.items():
        if name.lower() in skip or parse_requirement(name) is None:
            continue
        first = value[0] if isinstance(value, list) and value else value
        options = first if isinstance(first, dict) else {"version": first}
        version, extras = options.get("version", ""), options.get("extras", [])
        specifier = version.strip() if isinstance(version, str) else ""
        extras = tuple(e for e in extras if isinstance(e, str)) if isinstance(extras, list) else ()
        yield RequirementEntry(name, "" if specifier == "*" else specifier, extras,
                               locate.line_of_key(name))


def _setuptools_dynamic_files(data: Mapping[str, Any]) -> list[str]:
    """``[tool.setuptools.dynamic] dependencies = {file = [...]}`` names requirement
    files: they are includes, exactly like ``-r``."""
    dynamic = _table(data, "tool", "setuptools", "dynamic")
    found: list[str] = []
    for spec in [dynamic.get("dependencies"), *_table(dynamic, "optional-dependencies").values()]:
        files = spec.get("file") if isinstance(spec, dict) else None
        files = [files] if isinstance(files, str) else files
        if isinstance(files, list):
            found.extend(f for f in files if isinstance(f, str))
    return found


class _LineLocator:
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


# --- setuptools ---------------------------------------------------------------------

_SETUPTOOLS_KEYWORDS = ("install_requires", "setup_requires", "tests_require")
_REQUIREMENT_FILE = re.compile(r"^[\w./-]*requirements[\w./-]*\.(?:txt|in)$")
_COMPUTED = ("{name} in setup.py is computed when setup.py runs; celerylint never runs project "
             "code, so list the dependencies literally or in pyproject.toml.")


def parse_setup_cfg(text: str) -> FileReading:
    """``[options] install_requires`` (and setup/tests requires) and every
    ``[options.extras_require]`` entry, one requirement per line."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None) or 1
        return FileReading(problems=((line, f"setup.cfg cannot be parsed ({exc.message})."),),
                           complete="install_requires" not in text)
    values: list[str] = []
    if parser.has_section("options"):
        values += [parser.get("options", key, fallback="") for key in _SETUPTOOLS_KEYWORDS]
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    strings = [_COMMENT.sub("", line).strip() for value in values for line in value.splitlines()]
    locate, problems = _LineLocator(text), []
    entries = _entries(((s, locate.line_of(s)) for s in strings if s), problems)
    return FileReading(tuple(entries), problems=tuple(problems))


def parse_setup_py(text: str) -> FileReading:
    """Literal ``install_requires=[...]`` / ``extras_require={...}`` of ``setup()``
    calls, including module-level names bound to literals and ``setup(**literal)``.
    A computed list is read from the requirement files the script names, if any;
    otherwise the reading is incomplete instead of guessed."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        message = "setup.py is not valid Python 3, so its dependencies cannot be read."
        return FileReading(problems=((line, message),), complete="install_requires" not in text)
    literals = _module_literals(tree)
    strings: list[tuple[str, int]] = []
    computed: list[tuple[int, str]] = []
    keywords = [kw for call in ast.walk(tree) if isinstance(call, ast.Call) and _is_setup(call)
                for kw in _setup_keywords(call.keywords, literals)]
    for name, value in keywords:
        found = _keyword_strings(name, value, literals)
        strings.extend(found or [])
        computed.extend([(value.lineno, name)] if found is None else [])
    if "install_requires" in text and all(name != "install_requires" for name, _ in keywords):
        computed.append((1, "install_requires"))
    read_from = _requirement_file_names(tree) if computed else []
    if read_from:  # install_requires=open("requirements.txt")...: read that file instead
        return FileReading(tuple(_entries(strings, [])), tuple(read_from))
    problems = [(line, _COMPUTED.format(name=name)) for line, name in computed]
    entries = _entries(strings, problems)
    return FileReading(tuple(entries), problems=tuple(problems), complete=not computed)


def _requirement_file_names(tree: ast.Module) -> list[tuple[str, int]]:
    """String literals naming requirement files, the usual source of a computed
    ``install_requires``; they are followed like ``-r`` includes."""
    return [(node.value, node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and _REQUIREMENT_FILE.match(node.value)]


def _is_setup(call: ast.Call) -> bool:
    func = call.func
    return (func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)) == "setup"


def _setup_keywords(
    keywords: Iterable[ast.keyword], literals: dict[str, ast.expr]
) -> Iterator[tuple[str, ast.expr]]:
    """The dependency keywords of a call, looking into ``**{...}`` literal dicts."""
    for keyword in keywords:
        if keyword.arg in (*_SETUPTOOLS_KEYWORDS, "extras_require"):
            yield keyword.arg, keyword.value
        elif keyword.arg is None and isinstance(spread := _resolve(keyword.value, literals),
                                                ast.Dict):
            pairs = [ast.keyword(arg=k.value, value=v) for k, v in zip(spread.keys, spread.values)
                     if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            yield from _setup_keywords(pairs, literals)


def _keyword_strings(
    name: str, value: ast.expr, literals: dict[str, ast.expr]
) -> list[tuple[str, int]] | None:
    """A requirement list, or for ``extras_require`` a dict of them; None if computed."""
    items: list[ast.expr] | None = [value]
    if name == "extras_require":
        extras = _resolve(value, literals)
        literal_dict = isinstance(extras, ast.Dict) and None not in extras.keys
        items = list(extras.values) if literal_dict else None  # type: ignore[union-attr]
    found = [_literal_strings(item, literals) for item in items or []]
    if items is None or any(strings is None for strings in found):
        return None
    return [pair for strings in found for pair in strings or []]


def _module_literals(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level ``NAME = <expr>`` bindings; the last one wins, as at run time."""
    bound: dict[str, ast.expr] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        bound.update({target.id: value for target in targets if isinstance(target, ast.Name)})
    return bound


def _resolve(node: ast.expr, literals: dict[str, ast.expr]) -> ast.expr:
    for _ in range(10):  # NAME = OTHER chains, bounded against NAME = NAME loops
        if not (isinstance(node, ast.Name) and node.id in literals):
            break
        node = literals[node.id]
    return node


def _literal_strings(
    node: ast.expr, literals: dict[str, ast.expr], depth: int = 0
) -> list[tuple[str, int]] | None:
    """The strings of a literal list/tuple/set, of ``a + b`` of them, or of a
    multi-line string (setuptools accepts one), each with its line; None if computed."""
    node = _resolve(node, literals)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        lines = [_COMMENT.sub("", line).strip() for line in node.value.splitlines()]
        return [(line, node.lineno) for line in lines if line]
    if depth > 20:
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = [node.left, node.right]
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        parts = node.elts
    else:
        return None
    found = [_literal_strings(part, literals, depth + 1) for part in parts]
    return None if any(f is None for f in found) else [s for f in found for s in f or []]
