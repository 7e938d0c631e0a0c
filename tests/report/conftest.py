"""Report contexts built in memory over a few small files in tmp_path."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from tests.report.builders import (
    DOC_PATHS,
    DOCS,
    RULES,
    SETTINGS_PY,
    TASKS_PY,
    ContextFactory,
    write_files,
)

from celerylint.findings import Finding
from celerylint.report.context import ReportContext


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write_files(root, {"proj/tasks.py": TASKS_PY, "proj/settings.py": SETTINGS_PY})
    return root


@pytest.fixture
def make_context(project_root: Path) -> ContextFactory:
    """A context over ``project_root``; cwd is the root so display paths are project paths."""

    def make(findings: Sequence[Finding], **changes: object) -> ReportContext:
        values: dict[str, object] = {
            "rules": RULES, "root": project_root, "cwd": project_root, "files_checked": 3,
            "doc_paths": DOC_PATHS, "docs": DOCS,
        }
        values.update(changes)
        return ReportContext(tuple(findings), **values)  # type: ignore[arg-type]

    return make
