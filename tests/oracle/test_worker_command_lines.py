"""Oracle: the installed celery refuses at start-up the command lines CEL404 reports.

Proves the runtime claim of `invalid-worker-option` (CEL404): click parses the command
line before any Celery code runs, so the process prints click's usage error, exits with
status 2 and never starts; the accepted twin starts a worker. No broker is needed: the
app uses kombu's in-memory transport.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from celerylint.project.deploy.celery_cli import check_command_line
from celerylint.project.deploy.worker_command import find_celery_commands

from .conftest import DEADLINE_S

pytestmark = pytest.mark.oracle

APP = "from celery import Celery\napp = Celery('proj', broker='memory://')\n"
REFUSED = [
    "celery -E -A proj worker",
    "celery -A proj worker -loglevel=ERROR",
    "celery -A proj worker --pool=thread",
    "celery worker -A proj",
    "celery -A proj beat -B",
]


def _problem(text: str):  # type: ignore[no-untyped-def]
    (command,) = find_celery_commands(text)
    return check_command_line(command)


@pytest.mark.parametrize("text", REFUSED)
def test_bad_command_line_exits_with_clicks_usage_error_cel404(tmp_path: Path, text: str) -> None:
    (tmp_path / "proj.py").write_text(APP)
    problem = _problem(text)
    assert problem is not None
    argv = [sys.executable, "-m", "celery", *text.split()[1:]]
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True,
                          timeout=DEADLINE_S * 3, check=False)
    assert done.returncode == 2, done.stderr
    assert f"Error: {problem.usage_error}" in done.stderr


def test_good_command_line_starts_a_worker_cel404(tmp_path: Path) -> None:
    (tmp_path / "proj.py").write_text(APP)
    text = "celery -A proj worker -E --pool=threads -c 1 -l INFO --without-mingle"
    assert _problem(text) is None
    log = tmp_path / "worker.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "celery", *text.split()[1:]],
                                   cwd=tmp_path, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + DEADLINE_S * 3
        while time.monotonic() < deadline and "ready." not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")
            time.sleep(0.2)
        assert "ready." in log.read_text(errors="replace")
    finally:
        process.terminate()
        try:
            process.wait(timeout=DEADLINE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
