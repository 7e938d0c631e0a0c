"""A project whose own directory name is not UTF-8: every command and format still works.

Files inside a project with such names are skipped with a note (``test_pathological``);
the analysed root cannot be skipped. Its name reaches display paths, repository paths,
diagram titles and the inventory, and every output shows it as ``caf\\xe9``: valid
UTF-8, never an encoding error. SARIF URIs percent-encode the original byte instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import require_program, write_tree
from tests.trust.conftest import CliOutcome, assert_no_crash, run_cli

from celerylint.report import FORMATS

pytestmark = pytest.mark.usefixtures("preview_rules_as_stable")

ROOT_NAME = b"caf\xe9"  # Latin-1 'café': not UTF-8
PRINTED = "caf\\xe9"
JSON_PRINTED = json.dumps(PRINTED)[1:-1]  # the backslash escaped, as JSON writes it
PROJECT: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/app.py": "from celery import Celery\n\napp = Celery('pkg')\n",
    "pkg/tasks.py": "from pkg.app import app\n\n\n@app.task\ndef add(x, y):\n    return x + y\n",
    "pkg/broken_import.py": "import pkg.gone\n",
    "pkg/settings.py": "DEBUG = True  # noqa: CEL701\n",  # an unused noqa: something to --fix
    "docker-compose.yml": "services:\n  worker:\n    image: pkg\n"
                          "    command: celery -A pkg.app worker -Q default\n",
}

# (arguments after the command's PATH, text the output must contain; None: anything)
CHECK_CASES = [
    *((("--format", name), "caf%E9/pkg/" if name == "sarif" else
       JSON_PRINTED if name in ("json", "json-lines", "gitlab") else PRINTED)
      for name in sorted(FORMATS)),
    (("--statistics",), None),
    (("--diff",), PRINTED),
]
INVENTORY_CASES = [(("--format", "text"), PRINTED), (("--format", "markdown"), PRINTED),
                   (("--format", "json"), None)]
DIAGRAM_CASES = [(("--format", "dot"), PRINTED), (("--format", "mermaid"), "caf#92;xe9"),
                 (("--format", "json"), JSON_PRINTED)]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Git checkout whose sub-directory ``caf\\xe9`` is the project."""
    parent = tmp_path_factory.mktemp("checkout")
    write_tree(Path(os.fsdecode(os.fsencode(parent) + b"/" + ROOT_NAME)), PROJECT)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(parent)], check=True, capture_output=True)
    else:  # enough for the repository-relative paths of github, gitlab and sarif
        (parent / ".git").mkdir()
    return parent


def _run(checkout: Path, command: list[str], arguments: tuple[str, ...]) -> CliOutcome:
    """``celerylint COMMAND caf\\xe9 ARGUMENTS`` from the checkout, as a user types it."""
    root = os.fsdecode(ROOT_NAME)
    return run_cli([*command, root, *arguments], cwd=checkout)


def _assert_printable(outcome: CliOutcome, expected: str | None) -> None:
    assert_no_crash(outcome)
    text = outcome.out.decode("utf-8")  # strict: the output is valid UTF-8
    assert text.strip(), outcome.describe()
    if expected is not None:
        assert expected in text, outcome.describe()


@pytest.mark.parametrize(("arguments", "expected"), CHECK_CASES,
                         ids=[" ".join(case[0]) for case in CHECK_CASES])
def test_check_in_every_format(checkout: Path, arguments: tuple[str, ...],
                               expected: str | None) -> None:
    _assert_printable(_run(checkout, ["check"], ("--no-cache", *arguments)), expected)


@pytest.mark.parametrize(("arguments", "expected"), INVENTORY_CASES,
                         ids=[" ".join(case[0]) for case in INVENTORY_CASES])
def test_inventory_in_every_format(checkout: Path, arguments: tuple[str, ...],
                                   expected: str | None) -> None:
    _assert_printable(_run(checkout, ["inventory"], arguments), expected)


def test_report(checkout: Path, tmp_path: Path) -> None:
    _assert_printable(_run(checkout, ["report"], ()), f"celerylint report: `{PRINTED}`")
    written = tmp_path / "report.md"
    assert_no_crash(_run(checkout, ["report"], ("-o", str(written))))
    assert PRINTED in written.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["imports", "topology"])
@pytest.mark.parametrize(("arguments", "expected"), DIAGRAM_CASES,
                         ids=[" ".join(case[0]) for case in DIAGRAM_CASES])
def test_graph_in_every_text_format(checkout: Path, kind: str, arguments: tuple[str, ...],
                                    expected: str | None) -> None:
    _assert_printable(_run(checkout, ["graph", kind], arguments), expected)


@pytest.mark.parametrize("kind", ["imports", "topology"])
def test_graph_as_svg(checkout: Path, kind: str) -> None:
    require_program("dot", "graphviz")
    _assert_printable(_run(checkout, ["graph", kind], ("--format", "svg")), PRINTED)


def test_graph_check_names_the_stale_file(checkout: Path) -> None:
    stale = os.fsdecode(os.fsencode(checkout) + b"/" + ROOT_NAME + b"/topology.dot")
    outcome = _run(checkout, ["graph", "topology"], ("--check", stale))
    assert_no_crash(outcome, allowed=(1,))
    assert f"{PRINTED}/topology.dot does not exist" in outcome.out.decode("utf-8")
