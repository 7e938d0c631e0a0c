"""Lock files (poetry.lock, uv.lock, pdm.lock, Pipfile.lock): the distributions they
install, the project itself left out."""

from __future__ import annotations

from pathlib import Path

from celerylint.regular_files import read_regular_text

LOCK_FILES = frozenset({"poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock"})


_LOCAL_SOURCES = ("editable", "virtual", "directory", "path")


def _is_project_itself(source: object) -> bool:
    """uv's ``source = {editable = "."}``, Pipfile's ``{"path": "."}``: the project."""
    return isinstance(source, dict) and any(
        str(source.get(key, "")).rstrip("/") in (".", "") and key in source
        for key in _LOCAL_SOURCES)


def locked_distributions(path: Path) -> list[str]:
    """Package names a lock file pins, without the project itself; nothing (never an
    error) when the file cannot be read."""
    import json

    from celerylint.config_file import load_toml

    if path.name == "Pipfile.lock":
        try:
            document = json.loads(read_regular_text(path, errors="strict"))
        except (OSError, ValueError):
            return []
        return [name for section in ("default", "develop")
                for name, pin in (document.get(section) or {}).items()
                if isinstance(name, str) and not _is_project_itself(pin)]
    document = load_toml(path) or {}
    packages = document.get("package", [])
    return [p["name"] for p in packages if isinstance(p, dict) and isinstance(p.get("name"), str)
            and not _is_project_itself(p.get("source"))]
