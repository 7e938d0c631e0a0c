"""celerylint never follows a symbolic link out of the project root to read a file."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import write_tree

from celerylint import api
from celerylint.discovery import list_project_files
from celerylint.settings import load_settings

SECRET = "OUTSIDE_SECRET=Zq8-symlinked-LEAK"


def _project(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text(SECRET + "\n", encoding="utf-8")
    root = write_tree(tmp_path / "project", {
        "proj/__init__.py": "", "proj/settings.py": "X = 1\n",
        "config/base.env": "CELERY_BROKER_URL=redis://redis:6379/0\n"})
    os.symlink(outside / "passwd", root / ".env")
    os.symlink(root / "config" / "base.env", root / "local.env")  # stays inside: fine
    os.symlink(root / "loop-b", root / "loop-a")
    os.symlink(root / "loop-a", root / "loop-b")
    return root


def test_links_out_of_the_root_are_skipped_with_a_note(tmp_path: Path) -> None:
    root = _project(tmp_path)
    notes: list[str] = []
    files = list_project_files(root, (), notes)
    assert ".env" not in files and "local.env" in files
    assert not {"loop-a", "loop-b"} & set(files)
    assert any(n.startswith("skipped .env: a symbolic link that leads out") for n in notes)


def test_the_linked_content_reaches_no_output(tmp_path: Path) -> None:
    root = _project(tmp_path)
    result = api.run(load_settings([root], None, {"cache": False}))
    shown = "\n".join([*(f.message for f in result.findings), *result.notes])
    assert "Zq8-symlinked" not in shown and "OUTSIDE_SECRET" not in shown
