"""The cache never shows in the output: cold, warm and incremental runs print the same bytes.

Each bundled fixture project and a small generated tree is checked three ways, in the text
and JSON formats: cold (an empty cache directory), warm (the same tree again, every file
from the cache), and incremental (an edit to a file that holds no Celery facts, then to a
tasks module, each re-run on the warm cache) against a cold run of the edited tree. The
incremental edits move lines (a comment above everything), so positions held in cached
facts of other files must not leak into the output either.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from tests.trust.conftest import (
    CliOutcome,
    assert_no_crash,
    copy_fixture,
    project_fixtures,
    run_cli,
)

from benchmarks.generate import generate

FORMATS = ("text", "json")
GENERATED_LINES = 3_000  # about two dozen files: small, yet every generated kind of module
CELERY_WORDS = re.compile(r"celery|task|beat|queue|worker|broker", re.IGNORECASE)
TASK_MODULE = re.compile(r"@(\w+\.)?(shared_)?task\b")


def _check(project: Path, output_format: str, cache_dir: Path) -> CliOutcome:
    outcome = run_cli(["check", str(project), "--preview", "--exit-zero", "--verbose",
                       "--format", output_format, "--cache-dir", str(cache_dir)], cwd=project)
    assert_no_crash(outcome)
    return outcome


def _parsed(outcome: CliOutcome) -> int:
    found = re.search(r"from the cache, (\d+) parsed", outcome.err)
    assert found, outcome.describe()
    return int(found.group(1))


class Runs:
    """One project copy with its warm cache, and a fresh directory for every cold run."""

    def __init__(self, project: Path, scratch: Path) -> None:
        self.project, self.scratch = project, scratch
        self.cache = scratch / "warm-cache"
        self.cold_runs = 0

    def cold(self) -> dict[str, bytes]:
        self.cold_runs += 1
        outputs = {}
        for output_format in FORMATS:
            cache = self.scratch / f"cold-cache-{self.cold_runs}-{output_format}"
            outcome = _check(self.project, output_format, cache)
            assert _parsed(outcome) > 0, outcome.describe()
            outputs[output_format] = outcome.out
            shutil.rmtree(cache)
        return outputs

    def warm(self, expected_parsed: int | None) -> dict[str, bytes]:
        """Runs on the shared cache; the first format parses ``expected_parsed`` files
        (None: not counted), the next one none."""
        outputs = {}
        for index, output_format in enumerate(FORMATS):
            outcome = _check(self.project, output_format, self.cache)
            parsed = _parsed(outcome)
            if index or expected_parsed is not None:
                assert parsed == (0 if index else expected_parsed), outcome.describe()
            outputs[output_format] = outcome.out
        return outputs


def _python_files(project: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Python files whose text matches ``pattern``, the non-empty ones first."""
    found = [path for path in sorted(project.rglob("*.py"))
             if pattern.search(path.read_text(encoding="utf-8", errors="replace"))]
    return sorted(found, key=lambda path: path.stat().st_size == 0)


def _file_without_facts(project: Path) -> Path:
    """A file that names nothing Celery (its edit concerns no project rule); in a project
    where every file does, one that at least defines no task."""
    everything = set(_python_files(project, re.compile("")))
    candidates = [path for path in _python_files(project, re.compile(""))
                  if path not in _python_files(project, CELERY_WORDS)]
    candidates += sorted(everything - set(_python_files(project, TASK_MODULE)))
    assert candidates, f"{project.name} has only tasks modules"
    return candidates[0]


def _tasks_module(project: Path) -> Path:
    found = _python_files(project, TASK_MODULE)
    assert found, f"{project.name} has no module that defines a task"
    return found[0]


def _edit(path: Path) -> None:
    """A comment above everything (every line moves) and a new function at the end."""
    text = path.read_text(encoding="utf-8")
    path.write_text(f"# edited by the cache identity test\n{text.rstrip()}\n\n\n"
                    "def added_by_the_identity_test(value):\n    return value\n",
                    encoding="utf-8")


def _assert_identical(label: str, expected: dict[str, bytes], actual: dict[str, bytes]) -> None:
    for output_format in FORMATS:
        assert actual[output_format] == expected[output_format], \
            f"{label}: the {output_format} output differs from a cold run's"


def _assert_cold_warm_incremental(project: Path, scratch: Path) -> None:
    runs = Runs(project, scratch)
    first = runs.cold()
    assert first["json"].strip(), "the JSON report is expected to print something"
    runs.warm(expected_parsed=None)  # fills the shared cache
    _assert_identical("warm", first, runs.warm(expected_parsed=0))
    for label, pick in (("no facts edited", _file_without_facts), ("tasks edited", _tasks_module)):
        _edit(pick(project))
        incremental = runs.warm(expected_parsed=1)
        _assert_identical(f"{label}: incremental", runs.cold(), incremental)


@pytest.mark.parametrize("name", project_fixtures())
def test_fixture_output_is_identical_cold_warm_and_incremental(name: str, tmp_path: Path) -> None:
    _assert_cold_warm_incremental(copy_fixture(name, tmp_path / name), tmp_path / "scratch")


def test_generated_tree_output_is_identical_cold_warm_and_incremental(tmp_path: Path) -> None:
    tree = generate(tmp_path / "generated", GENERATED_LINES)
    assert 15 <= tree.files <= 60
    _assert_cold_warm_incremental(tree.root, tmp_path / "scratch")


def test_an_edit_changes_the_output(tmp_path: Path) -> None:
    """The comparisons above can fail: the same edit gives a different report."""
    project = copy_fixture("demo", tmp_path / "demo")
    runs = Runs(project, tmp_path / "scratch")
    before = runs.cold()
    _edit(_tasks_module(project))
    assert runs.cold()["json"] != before["json"]
