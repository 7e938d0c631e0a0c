"""What a run imports: a fully cached run must not load libcst, nor a lint run networkx.

Each is a measurable share of a warm run's time (libcst ~0.3 s, networkx ~0.25 s
on the benchmark machine), and the issue on speed asks for exactly this.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, REPO_ROOT

_PROBE = """
import json, sys
from celerylint import cli
code = cli.main(sys.argv[1:])
heavy = sorted(m for m in ("libcst", "networkx", "yaml", "celery", "celerylint.rules.registry",
                           "celerylint.project.model") if m in sys.modules)
sys.stderr.write("\\nLOADED " + json.dumps(heavy) + "\\n")
"""


def _loaded_by(arguments: list[str], cwd: Path) -> list[str]:
    completed = subprocess.run([sys.executable, "-c", _PROBE, *arguments], cwd=cwd,
                               capture_output=True, text=True, timeout=300,
                               env={"PYTHONPATH": str(REPO_ROOT / "src"), "PATH": "/usr/bin:/bin"})
    marker = next(line for line in completed.stderr.splitlines() if line.startswith("LOADED "))
    return json.loads(marker.removeprefix("LOADED "))


def test_version_loads_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    assert _loaded_by(["--version"], tmp_path) == []


def test_a_fully_cached_check_loads_neither_libcst_nor_networkx(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    arguments = ["check", str(FIXTURES / "demo"), "--exit-zero", "--cache-dir", str(cache)]
    cold = _loaded_by(arguments, tmp_path)
    assert "libcst" not in cold  # facts come from CPython's tree, even where Celery is named
    warm = _loaded_by(arguments, tmp_path)
    assert "libcst" not in warm and "networkx" not in warm, warm


def test_a_replayed_check_imports_no_analysis_code(tmp_path: Path) -> None:
    """An unchanged tree replays the stored run: no rule, model, libcst, networkx or
    celery is imported."""
    root = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", root)
    arguments = ["check", ".", "--preview", "--exit-zero"]
    assert "celerylint.project.model" in _loaded_by(arguments, root)
    assert _loaded_by(arguments, root) == []


def test_the_import_graph_diagram_still_gets_networkx(tmp_path: Path) -> None:
    arguments = ["graph", "imports", str(FIXTURES / "demo"), "--format", "json"]
    assert "networkx" in _loaded_by(arguments, tmp_path)
