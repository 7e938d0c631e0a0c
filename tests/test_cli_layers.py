"""The CLI modules form layers, not a circle: cli -> cli_check/commands -> cli_common."""

from __future__ import annotations

import ast

import pytest
from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "src" / "celerylint"
# module -> the CLI modules it must never import (at any depth of its body)
FORBIDDEN = {
    "cli_common": {"celerylint.cli", "celerylint.cli_check", "celerylint.commands"},
    "cli_check": {"celerylint.cli", "celerylint.commands"},
    "commands": {"celerylint.cli", "celerylint.cli_check"},
}


def _imported(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_lower_cli_modules_do_not_import_higher_ones(module: str) -> None:
    assert not _imported(module) & FORBIDDEN[module]
