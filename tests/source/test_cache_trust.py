"""A cache directory the analysed repository chose is not used, nor cleaned."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from tests.conftest import require_program

from celerylint import api
from celerylint.cli import main
from celerylint.settings import load_settings
from celerylint.source.cache_trust import untrusted_cache_reason

TREE = {"proj/__init__.py": "", "proj/tasks.py": "X = 1\n"}
Maker = Callable[[Mapping[str, str]], Path]


def _reason(root: Path, **overrides: object) -> str | None:
    return untrusted_cache_reason(root, load_settings([root], None, overrides))


def test_the_default_cache_directory_is_trusted(make_project: Maker) -> None:
    assert _reason(make_project(TREE)) is None


def test_a_symlinked_cache_directory_is_refused(make_project: Maker, tmp_path: Path) -> None:
    root = make_project(TREE)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, root / ".celerylint_cache")
    assert "symbolic link" in (_reason(root) or "")


def test_a_configured_directory_outside_the_root_is_refused(make_project: Maker,
                                                             tmp_path: Path) -> None:
    outside = str(tmp_path / "outside-cache")
    root = make_project({**TREE, "pyproject.toml":
                         f'[tool.celerylint]\ncache-dir = "{outside}"\n'})
    assert "outside the project root" in (_reason(root) or "")
    assert _reason(root, cache_dir=outside, cache_dir_from_command_line=True) is None


def test_a_cache_committed_to_git_is_refused_and_not_cleaned(make_project: Maker,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    require_program("git", "git")
    root = make_project({**TREE, ".celerylint_cache/facts-x/entry.json": "planted"})
    for args in (["init", "-q"], ["add", "-f", "."]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    assert "git tracks files" in (_reason(root) or "")
    result = api.run(load_settings([root], None, {}))
    assert result.warnings and "running without the cache" in result.warnings[0]
    assert result.extraction is not None and result.extraction.cached == 0
    assert main(["check", str(root)]) == 0
    assert "celerylint: warning: git tracks files" in capsys.readouterr().err
    assert main(["clean", str(root)]) == 0
    assert (root / ".celerylint_cache/facts-x/entry.json").read_text() == "planted"
