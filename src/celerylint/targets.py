"""What ``celerylint check PATH ...`` analyses, and which of it it reports.

celerylint's rules are about the whole project (a task is unregistered because
of a module elsewhere), so files on the command line (pre-commit passes the
staged ones) never shrink the analysis: they choose the project, and filter
which findings are reported. A file's findings are therefore the same whether
or not other files are passed along with it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")


class TargetError(Exception):
    """The paths name no single project."""


@dataclass(frozen=True)
class Targets:
    root: Path
    report_paths: frozenset[str] | None  # project-relative; None reports everything


def project_root_of(file: Path, cwd: Path) -> Path:
    """The nearest ancestor with a project marker, else the current directory when it
    contains the file, else the file's directory."""
    directory = file.resolve().parent
    for candidate in (directory, *directory.parents):
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate
    resolved_cwd = cwd.resolve()
    return resolved_cwd if directory.is_relative_to(resolved_cwd) else directory


def resolve_targets(paths: Sequence[Path], cwd: Path) -> Targets:
    """One directory: that project, everything reported. Files: their project, only
    their findings reported. Anything else is ambiguous and refused."""
    if not paths:
        paths = [Path(".")]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise TargetError(f"path does not exist: {', '.join(missing)}")
    directories = [path for path in paths if path.is_dir()]
    if directories:
        if len(paths) > 1:
            raise TargetError("pass one project directory, or files of one project "
                              f"(got {len(directories)} directories among {len(paths)} paths)")
        return Targets(directories[0].resolve(), None)
    root = project_root_of(paths[0], cwd)
    report_paths = set()
    for path in paths:
        resolved = path.resolve()
        if not resolved.is_relative_to(root):
            raise TargetError(f"{path} is not inside project {root} (of {paths[0]}); run "
                              "celerylint once per project")
        report_paths.add(resolved.relative_to(root).as_posix())
    return Targets(root, frozenset(report_paths))


def display(path: Path, cwd: Path) -> str:
    """A path as the user would type it: relative to the current directory when possible."""
    try:
        return os.path.relpath(path, cwd)
    except ValueError:
        return str(path)
