"""``[tool.celerylint]`` configuration, merged with the command line (CLI wins).

Unknown keys and wrongly typed values are errors naming the key: a typo in a
linter's config that silently does nothing is the very bug class we report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from celerylint.config_file import ConfigError, load_toml_strict
from celerylint.regular_files import read_regular_text


@dataclass(frozen=True)
class Settings:
    root: Path
    paths: tuple[Path, ...] = ()
    select: tuple[str, ...] | None = None  # None: every default-enabled rule
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    source_roots: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    cache_dir: str = ".celerylint_cache"
    cache_dir_from_command_line: bool = False  # the user's own choice: trusted anywhere
    use_cache: bool = True
    jobs: int = 0  # 0: decide from the number of files
    config_path: Path | None = None
    verbose: bool = False
    preview: bool = False  # run preview rules too (ruff's --preview)
    scope: str = "celery"  # hygiene rules judge: "celery" (what Celery loads) or "project"

    @property
    def all_excludes(self) -> tuple[str, ...]:
        return self.exclude + self.extend_exclude


_LIST_KEYS = {
    "select": "select", "ignore": "ignore", "extend-select": "extend_select",
    "exclude": "exclude", "extend-exclude": "extend_exclude",
    "source-roots": "source_roots", "env-files": "env_files",
}
_STR_KEYS = {"cache-dir": "cache_dir"}
_INT_KEYS = {"jobs": "jobs"}
_BOOL_KEYS = {"preview": "preview"}
# What the general hygiene rules judge: the modules a Celery process loads, or every
# first-party module.
SCOPES = ("celery", "project")
KNOWN_KEYS = sorted([*_LIST_KEYS, *_STR_KEYS, *_INT_KEYS, *_BOOL_KEYS, "per-file-ignores",
                     "scope"])


def find_config(start: Path) -> Path | None:
    """Nearest ``pyproject.toml`` with a ``[tool.celerylint]`` table, upward from ``start``."""
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                text = read_regular_text(candidate)
            except OSError:
                continue
            if "[tool.celerylint" in text:
                return candidate
    return None


def _string_list(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"[tool.celerylint] {key} must be a list of strings, got {value!r}")


def _per_file_ignores(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError("[tool.celerylint] per-file-ignores must be a table of glob = [codes]")
    return tuple(sorted((glob, _string_list(f"per-file-ignores.{glob}", codes))
                        for glob, codes in value.items()))


def _scalar(key: str, value: Any) -> Any:
    """A string, count, switch or scope value, checked against the type the key takes."""
    if key in _STR_KEYS and not isinstance(value, str):
        raise ConfigError(f"[tool.celerylint] {key} must be a string, got {value!r}")
    if key in _INT_KEYS and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise ConfigError(f"[tool.celerylint] {key} must be a non-negative integer")
    if key in _BOOL_KEYS and not isinstance(value, bool):
        raise ConfigError(f"[tool.celerylint] {key} must be true or false, got {value!r}")
    if key == "scope" and value not in SCOPES:
        raise ConfigError(f"[tool.celerylint] scope must be one of "
                          f"{', '.join(map(repr, SCOPES))}, got {value!r}")
    return value


def _unknown_key(key: str) -> ConfigError:
    import difflib

    close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(KNOWN_KEYS)}"
    return ConfigError(f"unknown key '{key}' in [tool.celerylint]{hint}")


def parse_table(table: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a ``[tool.celerylint]`` table into Settings field values."""
    values: dict[str, Any] = {}
    scalars = {**_STR_KEYS, **_INT_KEYS, **_BOOL_KEYS, "scope": "scope"}
    for key, value in table.items():
        if key in _LIST_KEYS:
            values[_LIST_KEYS[key]] = _string_list(key, value)
        elif key in scalars:
            values[scalars[key]] = _scalar(key, value)
        elif key == "per-file-ignores":
            values["per_file_ignores"] = _per_file_ignores(value)
        else:
            raise _unknown_key(key)
    return values


def load_settings(
    paths: Sequence[Path], config: Path | None, overrides: Mapping[str, Any]
) -> Settings:
    """Config file values, then command-line overrides (only those not None)."""
    first = paths[0] if paths else Path(".")
    config_path = config or find_config(first)
    values: dict[str, Any] = {}
    root = first.resolve() if first.is_dir() else first.resolve().parent
    if config_path is not None:
        document = load_toml_strict(config_path)
        table = document.get("tool", {}).get("celerylint", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{config_path}: [tool.celerylint] must be a table")
        values.update(parse_table(table))
    for key, value in overrides.items():
        if value is not None:
            values[key] = value
    known = {f.name for f in dataclasses.fields(Settings)}
    return Settings(root=root, paths=tuple(paths), config_path=config_path,
                    **{k: v for k, v in values.items() if k in known})


def with_changes(settings: Settings, **changes: Any) -> Settings:
    return dataclasses.replace(settings, **changes)


__all__ = ["Settings", "load_settings", "ConfigError", "find_config", "with_changes", "field"]
