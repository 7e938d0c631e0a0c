"""``pyproject.toml`` and ``Pipfile``: the TOML formats that declare dependencies."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from celerylint.project.packaging.requirement_strings import (
    FileReading,
    LineLocator,
    RequirementEntry,
    entries_of,
    parse_requirement,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


def _load_toml(text: str) -> dict[str, Any] | FileReading:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+)", str(exc))
        line = int(where.group(1)) if where else max(1, len(text.splitlines()))  # "end of document"
        return FileReading(
            problems=((line, f"not valid TOML ({exc}), so its dependencies cannot be read."),),
            complete=False, unreadable=True)


def parse_pyproject(text: str) -> FileReading:
    """``[build-system] requires``, PEP 621 dependencies and extras, PEP 735 groups,
    Poetry, PDM and uv dependency tables, and setuptools' ``dynamic`` file lists."""
    data = _load_toml(text)
    if isinstance(data, FileReading):
        return data
    locate = LineLocator(text)
    strings = [
        *_strings_at(data, "build-system", "requires"),
        *_strings_at(data, "project", "dependencies"),
        *_strings_in_lists(_table(data, "project", "optional-dependencies").values()),
        *_strings_in_lists(_table(data, "dependency-groups").values()),
        *_strings_in_lists(_table(data, "tool", "pdm", "dev-dependencies").values()),
        *_strings_at(data, "tool", "uv", "dev-dependencies"),
    ]
    problems: list[tuple[int, str]] = []
    entries = entries_of(((s, locate.line_of(s)) for s in strings), problems)
    poetry = _table(data, "tool", "poetry")
    tables = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies")]
    tables += [_table(group, "dependencies") for group in _table(poetry, "group").values()]
    for table in tables:
        entries.extend(_entries_from_mapping(table, locate, skip=("python",)))
    files = _dynamic_requirement_files(data)
    includes = tuple((f, locate.line_of(f)) for f in files)
    entries.sort(key=lambda entry: entry.line)  # file order, whichever table it is in
    entries = [entry for entry in entries if not _is_itself(entry.name, data)]
    dynamic = _strings_at(data, "project", "dynamic")
    if "dependencies" in dynamic and not files:
        problems.append((locate.line_of("dynamic"), _DYNAMIC))
    return FileReading(tuple(entries), includes, problems=tuple(problems),
                       complete="dependencies" not in dynamic or bool(files))


_DYNAMIC = ("[project] declares its dependencies dynamic, and no [tool.setuptools.dynamic] "
            "or hatch requirements file names them; only the build backend knows them.")


def parse_pipfile(text: str) -> FileReading:
    """Every Pipfile category (``[packages]``, ``[dev-packages]`` and custom ones)."""
    data = _load_toml(text)
    if isinstance(data, FileReading):
        return data
    locate = LineLocator(text)
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
    table: Mapping[str, Any], locate: LineLocator, skip: tuple[str, ...] = ()
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


def _is_itself(name: str, data: Mapping[str, Any]) -> bool:
    """``myproj[test]`` in myproj's own extras or groups: its requirements are the ones
    this file declares, not another distribution's."""
    own = _table(data, "project").get("name") or _table(data, "tool", "poetry").get("name")
    fold = re.compile(r"[-_.]+")
    return isinstance(own, str) and fold.sub("-", own).lower() == fold.sub("-", name).lower()


def _dynamic_requirement_files(data: Mapping[str, Any]) -> list[str]:
    """Requirement files that ``[tool.setuptools.dynamic]`` (``dependencies = {file =
    [...]}``) or hatch's ``requirements_txt`` metadata hook (``files = [...]``) read:
    they are includes, exactly like ``-r``."""
    dynamic = _table(data, "tool", "setuptools", "dynamic")
    hatch = _table(data, "tool", "hatch", "metadata", "hooks", "requirements_txt")
    specs = [dynamic.get("dependencies"), *_table(dynamic, "optional-dependencies").values()]
    lists = [spec.get("file") for spec in specs if isinstance(spec, dict)]
    lists += [hatch.get("files"), *_table(hatch, "optional-dependencies").values()]
    found: list[str] = []
    for files in lists:
        files = [files] if isinstance(files, str) else files
        if isinstance(files, list):
            found.extend(f for f in files if isinstance(f, str))
    return found
