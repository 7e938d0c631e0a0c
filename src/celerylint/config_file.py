"""Reading TOML without ever raising: a broken pyproject must not stop a run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from celerylint.regular_files import read_regular_bytes

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class ConfigError(Exception):
    """A configuration problem the user must fix; reported with exit code 2."""


def load_toml(path: Path) -> dict[str, Any] | None:
    """The parsed document, or None when the file is absent or not valid TOML."""
    try:
        return tomllib.loads(read_regular_bytes(path).decode("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None


def load_toml_strict(path: Path) -> dict[str, Any]:
    """Like ``load_toml`` but a broken file is a ``ConfigError`` naming the file."""
    try:
        return tomllib.loads(read_regular_bytes(path).decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
