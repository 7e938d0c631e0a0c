"""The hooks in .pre-commit-hooks.yaml, run for real by pre-commit in throwaway git repos.

pre-commit would install ``language: python`` hooks from a clone of this repository
into a fresh virtualenv, which needs the network (build backend and dependencies);
so the repos here use ``repo: local`` copies of the published hooks with the same
settings, ``language: system``, and the entry pointed at this checkout's sources.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pre_commit.clientlib  # the test extra must provide pre-commit: fail, never skip
import pytest
import yaml
from tests.conftest import FIXTURES, REPO_ROOT

MANIFEST = REPO_ROOT / ".pre-commit-hooks.yaml"
SOURCES = REPO_ROOT / "src"


def published_hooks() -> dict[str, dict[str, Any]]:
    """The manifest, validated by pre-commit's own schema."""
    hooks = pre_commit.clientlib.load_manifest(str(MANIFEST))
    return {hook["id"]: hook for hook in hooks}


def local_copy(hook: dict[str, Any]) -> dict[str, Any]:
    """The published hook as a ``repo: local`` hook running this checkout."""
    assert hook["entry"].split()[0] == "celerylint"
    keys = ("id", "name", "pass_filenames", "always_run", "require_serial", "files", "types_or")
    local = {key: hook[key] for key in keys if key in hook}
    entry = hook["entry"].replace("celerylint", f"{sys.executable} -m celerylint", 1)
    return {**local, "entry": entry, "language": "system"}


def make_repo(tmp_path: Path, fixture: str) -> Path:
    repo = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, repo, ignore=shutil.ignore_patterns(".celerylint_cache"))
    config = {"repos": [{"repo": "local",
                         "hooks": [local_copy(h) for h in published_hooks().values()]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    return repo


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def pre_commit_run(repo: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PYTHONPATH": str(SOURCES), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--color", "never", *args],
                          check=False, cwd=repo, env=env, capture_output=True, text=True,
                          timeout=300)


def test_manifest_publishes_both_hooks() -> None:
    hooks = published_hooks()
    assert set(hooks) == {"celerylint", "celerylint-files"}
    whole, files = hooks["celerylint"], hooks["celerylint-files"]
    assert whole["entry"] == files["entry"] == "celerylint check"
    assert whole["language"] == files["language"] == "python"
    assert whole["pass_filenames"] is False and whole["always_run"] is True
    assert files["pass_filenames"] is True


@pytest.mark.parametrize(("path", "matched"), [
    ("proj/tasks.py", True), ("docker-compose.yml", True), ("k8s/worker.yaml", True),
    (".env", True), (".env.production", True), ("config/production.env", True),
    ("Procfile", True), ("requirements.txt", True), ("README.md", False),
    ("static/app.js", False),
])
def test_files_hook_sees_the_files_celerylint_reports_on(path: str, matched: bool) -> None:
    import re

    assert bool(re.search(published_hooks()["celerylint-files"]["files"], path)) is matched


def test_hooks_fail_on_the_demo_project(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "demo")
    result = pre_commit_run(repo, tmp_path, "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "celerylint" in result.stdout and "Failed" in result.stdout
    assert "CEL401" in result.stdout and "docker-compose.yml" in result.stdout


def test_hooks_pass_on_the_clean_project(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "clean")
    result = pre_commit_run(repo, tmp_path, "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("Passed") == 2


def test_files_hook_reports_only_the_committed_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "demo")
    bad = pre_commit_run(repo, tmp_path, "celerylint-files", "--files", "acme/scheduler/jobs.py")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    # No finding in docker-compose.yml (messages may still name it as the worker's file).
    assert "CEL115" in bad.stdout and "docker-compose.yml:" not in bad.stdout
    # The whole project is still analysed, but a file without findings passes.
    good = pre_commit_run(repo, tmp_path, "celerylint-files", "--files", "acme/__init__.py")
    assert good.returncode == 0, good.stdout + good.stderr
