"""action.yml: a composite GitHub Action that is internally consistent and runs a real
celerylint command line.

GitHub's runner cannot be had here, so the test checks what would break it: YAML shape,
every ``inputs.*`` and ``steps.*`` reference declared, a shell on every run step, and
the check command accepted by celerylint's own parser, producing SARIF.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import yaml
from tests.conftest import FIXTURES, REPO_ROOT

from celerylint.cli import main

ACTION = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _expressions(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [e for value in node.values() for e in _expressions(value)]
    if isinstance(node, list):
        return [e for value in node for e in _expressions(value)]
    return EXPRESSION.findall(node) if isinstance(node, str) else []


def test_it_is_a_composite_action_with_described_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] and ACTION["description"]
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
    for step in ACTION["runs"]["steps"]:
        assert ("uses" in step) != ("run" in step), step
        if "run" in step:
            assert step.get("shell") == "bash", step  # composite run steps need a shell


def test_every_reference_is_declared() -> None:
    step_ids = {step["id"] for step in ACTION["runs"]["steps"] if "id" in step}
    expressions = _expressions(ACTION)
    inputs = {m for e in expressions for m in re.findall(r"inputs\.([\w-]+)", e)}
    steps = {m for e in expressions for m in re.findall(r"steps\.([\w-]+)\.", e)}
    assert inputs and inputs <= set(ACTION["inputs"]), inputs - set(ACTION["inputs"])
    assert steps and steps <= step_ids, steps - step_ids


def _check_command() -> list[str]:
    (step,) = [s for s in ACTION["runs"]["steps"] if s.get("id") == "check"]
    (line,) = [line.strip() for line in step["run"].splitlines()
               if line.strip().startswith("celerylint check")]
    return shlex.split(line)


def test_the_check_command_is_one_celerylint_accepts(tmp_path: Path) -> None:
    argv = _check_command()[1:]
    sarif = tmp_path / "celerylint.sarif"
    values = {"$CELERYLINT_PATH": str(FIXTURES / "demo"), "$sarif": str(sarif),
              "$CELERYLINT_ARGS": ""}
    argv = [values.get(word, word) for word in argv]
    assert main([word for word in argv if word]) == 1  # the demo has findings
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0" and log["runs"][0]["results"]
