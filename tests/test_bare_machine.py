"""`.ci/without-programs` really stands for a newcomer's bare machine.

CI runs the whole suite through it; if it let Graphviz or redis-server through, or kept
CI set, that step would prove nothing.
"""

from __future__ import annotations

import os
import subprocess

from tests.conftest import REPO_ROOT

SCRIPT = REPO_ROOT / ".ci" / "without-programs"
PROBE = ('for p in dot redis-server docker docker-compose; do command -v "$p" && exit 3; done; '
         'command -v git >/dev/null || exit 4; echo "CI=${CI-unset}"')


def test_system_programs_are_hidden_and_ci_is_unset() -> None:
    completed = subprocess.run(["bash", str(SCRIPT), "sh", "-c", PROBE],
                               env={**os.environ, "CI": "true"}, capture_output=True,
                               text=True, timeout=60, check=False)
    assert completed.returncode == 0, (completed.stdout, completed.stderr)
    assert completed.stdout.strip() == "CI=unset"


def test_the_command_exit_status_passes_through() -> None:
    completed = subprocess.run(["bash", str(SCRIPT), "sh", "-c", "exit 7"],
                               capture_output=True, timeout=60, check=False)
    assert completed.returncode == 7
