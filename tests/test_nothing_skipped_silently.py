"""Every file discovery selects but cannot read gives a CEL001 finding naming it and why,
and the run goes on with the other files."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from tests.conftest import REPO_ROOT, write_tree

from celerylint import api
from celerylint.settings import load_settings
from celerylint.source.cache import ENTRY_SUFFIX

TASKS = "from celery import shared_task\n\n\n@shared_task\nasync def ping():\n    return 1\n"
HELM_CHART = {
    "chart/Chart.yaml": "name: proj\n",
    "chart/templates/worker.yaml": (
        "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: w\n"
        "          command: [celery, -A, proj, worker, -Q, '{{ .Values.worker.queues }}']\n"),
}


def _cel001(root: Path) -> dict[str, str]:
    result = api.run(load_settings([root], None, {"use_cache": False}))
    assert not result.internal_errors
    assert any(f.code == "CEL201" for f in result.findings)  # the rest was still analysed
    return {f.path: f.message for f in result.findings if f.code == "CEL001"}


def test_unreadable_deployment_and_dependency_files_are_reported(tmp_path: Path) -> None:
    huge = "services:\n  worker:\n    command: celery -A proj worker\n" + "# pad\n" * 400_000
    root = write_tree(tmp_path / "p", {
        "proj/__init__.py": "", "proj/tasks.py": TASKS,
        "docker-compose.yml": huge,
        "Procfile": b"worker: celery -A proj worker\x00\x01\n",
        "k8s/worker.yaml": "kind: Deployment\nspec:\n  containers:\n   - a\n  - b\n",
        "pyproject.toml": '[project]\nname = "proj"\ndependencies = [\n',
        "setup.cfg": "[options\ninstall_requires = celery\n",
        "requirements.txt": b"celery\n\x00redis\n",
        **HELM_CHART, "chart/values.yaml": "worker:\n  queues: [a\n",
        "proj/huge.py": "x = 1\n" * 1_000_000, "proj/__init__.py": "from proj import huge\n",
    })
    found = _cel001(root)
    assert "larger than 2 MB" in found["docker-compose.yml"]
    assert "NUL bytes" in found["Procfile"]
    assert "not valid YAML" in found["k8s/worker.yaml"]
    assert "not valid TOML" in found["pyproject.toml"]
    assert "setup.cfg cannot be parsed" in found["setup.cfg"]
    assert "NUL bytes" in found["requirements.txt"]
    assert "values file is not valid YAML" in found["chart/values.yaml"]
    assert "larger than 5 MB" in found["proj/huge.py"]
    assert "a worker importing it would fail" not in found["proj/huge.py"]  # Python reads it


def test_readable_twins_give_no_cel001(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "proj/__init__.py": "", "proj/tasks.py": TASKS,
        "docker-compose.yml": "services:\n  worker:\n    command: celery -A proj worker\n",
        "Procfile": "worker: celery -A proj worker\n",
        "k8s/worker.yaml": "kind: Deployment\nspec:\n  containers:\n    - name: a\n",
        "pyproject.toml": '[project]\nname = "proj"\ndependencies = ["celery"]\n',
        "setup.cfg": "[options]\ninstall_requires = celery\n",
        "requirements.txt": "celery\nredis\n",
        **HELM_CHART, "chart/values.yaml": "worker:\n  queues: [a]\n",
    })
    assert _cel001(root) == {}


# --- special files: listed, never opened ------------------------------------------------
# Each run is a subprocess with a deadline: a reader that opens a FIFO blocks forever, and
# the regression must fail the suite, not hang it.

RUN_SECONDS = 90
PROJECT = {"proj/__init__.py": "", "proj/tasks.py": TASKS,
           "docker-compose.yml": "services:\n  worker:\n    command: celery -A proj worker\n"}
FIFO_NOTE = "a FIFO, not a regular file: not read"


def _check(root: Path, prefix: Sequence[str] = (), cache: bool = False
           ) -> dict[str, list[str]]:
    """``celerylint check --preview`` (every reader at work) on ``root`` in a child process
    that must end in time: each file's finding codes, CEL001 with its message."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "celerylint", "check", ".", "--preview",
             "--format", "json", "--exit-zero", *(() if cache else ("--no-cache",))],
            cwd=root, env=env, capture_output=True, text=True, timeout=RUN_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"celerylint did not finish in {RUN_SECONDS} s: something opened a "
                    "special file and blocked")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    found: dict[str, list[str]] = {}
    for finding in json.loads(done.stdout):
        entry = finding["code"]
        if entry == "CEL001":
            entry += ": " + finding["message"]
        found.setdefault(finding["filename"], []).append(entry)
    assert "CEL201" in found.get("proj/tasks.py", []), found  # the rest was still analysed
    return found


def _fifo_project(tmp_path: Path, fifos: Sequence[str]) -> Path:
    root = write_tree(tmp_path / "p", {k: v for k, v in PROJECT.items() if k not in fifos})
    for rel in fifos:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / rel)
    return root


def _cel001_reason(found: dict[str, list[str]], rel: str) -> str:
    messages = [m for m in found.get(rel, []) if m.startswith("CEL001")]
    assert len(messages) == 1, found
    return messages[0]


@pytest.mark.parametrize("name", [
    "Procfile",  # a deployment file
    "docker-compose.yml",  # the compose file itself
    "proj/worker.py",  # a module
    ".env",  # an env file
    "requirements.txt",  # a dependency file
])
def test_a_fifo_named_like_a_file_celerylint_reads_is_cel001(tmp_path: Path, name: str) -> None:
    found = _check(_fifo_project(tmp_path, [name]))
    assert FIFO_NOTE in _cel001_reason(found, name)


def test_fifos_in_place_of_the_config_files_read_by_fixed_name(tmp_path: Path) -> None:
    """setup.cfg, tox.ini, pytest.ini, setup.py, pyproject.toml and .gitignore are read
    before any rule runs (source roots, pytest's import mode, settings): none may block."""
    names = ["setup.cfg", "tox.ini", "pytest.ini", "setup.py", "pyproject.toml", ".gitignore"]
    root = _fifo_project(tmp_path, names)
    # A password in .env outside a git checkout makes CEL606 read .gitignore.
    (root / ".env").write_text("CELERY_BROKER_URL=redis://:Xk9v2LmQ7rT4@redis:6379/0\n")
    found = _check(root)
    for name in names:
        assert FIFO_NOTE in _cel001_reason(found, name)


def test_a_fifo_nothing_reads_by_its_name_is_no_finding(tmp_path: Path) -> None:
    found = _check(_fifo_project(tmp_path, ["logs/worker.pipe"]))
    assert "logs/worker.pipe" not in found


def test_a_tracked_file_replaced_by_a_fifo_in_a_git_checkout(tmp_path: Path) -> None:
    """git lists a tracked path whatever it has become; untracked FIFOs git never lists."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: apt-get install git")
    root = write_tree(tmp_path / "p", {**PROJECT, "Procfile": "worker: celery -A proj worker\n"})
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "start"]):
        subprocess.run([*git, *command], check=True, capture_output=True, timeout=60)
    (root / "Procfile").unlink()
    os.mkfifo(root / "Procfile")
    assert FIFO_NOTE in _cel001_reason(_check(root), "Procfile")


def test_a_socket_named_like_an_env_file_is_cel001(tmp_path: Path) -> None:
    root = _fifo_project(tmp_path, [])
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    previous = os.getcwd()
    try:
        os.chdir(root)  # a relative name keeps the socket path under the 108-byte limit
        listener.bind(".env")
    finally:
        os.chdir(previous)
    try:
        found = _check(root)
    finally:
        listener.close()
    assert "a socket, not a regular file: not read" in _cel001_reason(found, ".env")


def test_a_fifo_in_place_of_a_cache_entry_is_a_cache_miss(tmp_path: Path) -> None:
    root = _fifo_project(tmp_path, [])
    first = _check(root, cache=True)
    entries = sorted((root / ".celerylint_cache").rglob(f"*{ENTRY_SUFFIX}"))
    assert entries
    for entry in entries:
        entry.unlink()
        os.mkfifo(entry)
    assert _check(root, cache=True) == first


def test_a_long_comment_line_in_an_env_file_is_read_in_linear_time(tmp_path: Path) -> None:
    """CEL606 looks for "demo" notes in comments; a quadratic search never ended here."""
    root = _fifo_project(tmp_path, [])
    (root / ".env").write_text("CELERY_BROKER_URL=redis://:Xk9v2LmQ7rT4@redis:6379/0\n"
                               + "#" * 200_000 + "\n")
    assert "CEL606" in _check(root).get(".env", [])


# --- permission denied ------------------------------------------------------------------

DROP_FILE_PERMISSION_BYPASS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def _without_read_permission(paths: Sequence[Path]) -> list[str]:
    """The command prefix under which ``paths`` (mode 000) really cannot be read.

    As root, chmod does not stop reads; without the two capabilities that let root
    ignore file modes it does, so the run goes through ``setpriv``. Where that is not
    possible the test skips: such a machine cannot test this case."""
    for path in paths:
        path.chmod(0)
    if not any(os.access(path, os.R_OK) for path in paths):
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: a file of mode "
                    "000 stays readable, so permission denied cannot be tested here")
    probe = subprocess.run([*DROP_FILE_PERMISSION_BYPASS, "cat", str(paths[0])],
                           capture_output=True, timeout=30, check=False)
    if probe.returncode == 0:
        pytest.skip("setpriv cannot drop root's file-permission bypass here (container "
                    "without CAP_SETPCAP): permission denied cannot be tested")
    return DROP_FILE_PERMISSION_BYPASS


def test_files_without_read_permission_are_cel001(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        **PROJECT, ".env": "CELERY_BROKER_URL=redis://localhost:6379/0\n",
        "proj/__init__.py": "from proj import locked\n",  # the worker (-A proj) loads it
        "proj/locked.py": "x = 1\n", "requirements.txt": "celery\n",
        "Procfile": "worker: celery -A proj worker\n",
    })
    locked = [".env", "proj/locked.py", "requirements.txt", "Procfile"]
    try:
        found = _check(root, _without_read_permission([root / rel for rel in locked]))
    finally:
        for rel in locked:
            (root / rel).chmod(0o644)
    for rel in locked:
        assert "Permission denied" in _cel001_reason(found, rel), rel
