"""Oracle for CEL608: ``docker compose config`` refuses exactly the env files it reports.

Each case is run by compose v2 from the project root (``PWD`` set to it, as a shell
does) and by CEL608; compose's refusal and CEL608's finding must agree.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from tests.conftest import write_tree
from tests.project.test_deployment_groups import _docker_compose

from celerylint.api import run
from celerylint.settings import Settings

pytestmark = pytest.mark.oracle

HEAD = "services:\n  worker:\n    image: proj\n    command: celery -A proj worker\n"

CASES: dict[str, tuple[str, dict[str, str]]] = {
    "absent": ("    env_file: config/worker.env\n", {}),
    "present": ("    env_file: config/worker.env\n", {"config/worker.env": "A=1\n"}),
    "pwd-present": ("    env_file: ${PWD}/frontend/.env\n", {"frontend/.env": "A=1\n"}),
    "pwd-absent": ("    env_file: ${PWD}/frontend/.env\n", {}),
    "optional-absent": ("    env_file:\n      - path: extra.env\n        required: false\n", {}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_compose_refuses_exactly_the_missing_env_files_reported_cel608(tmp_path: Path, case: str) -> None:
    compose = _docker_compose()
    service, extra = CASES[case]
    root = write_tree(tmp_path / "p", {"proj/__init__.py": "", "docker-compose.yml": HEAD + service,
                                       **extra})
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/"),
           "PWD": str(root)}
    done = subprocess.run([*compose, "config", "--quiet"], cwd=root, env=env,
                          capture_output=True, text=True, check=False, timeout=60)
    result = run(Settings(root=root, paths=(root,), select=("CEL608",), use_cache=False))
    reported = [f for f in result.findings if f.code == "CEL608"]
    assert (done.returncode != 0) == bool(reported), (done.stderr, reported)
    if reported:
        assert "not found" in done.stderr
