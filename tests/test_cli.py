"""The command line: exit codes, selection flags, output targets and the `rule` command.

Everything runs ``cli.main`` in-process from ``tmp_path`` (so reported paths are
``project/...``); two tests start ``python -m celerylint`` for real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

import pytest
from tests.conftest import REPO_ROOT, write_tree

from celerylint import __version__, cli
from celerylint.project_links import rule_doc_url

# CEL701 in a.py (line 1) and b.py (line 1), CEL702 in a.py (line 2).
PROJECT = {
    "pkg/__init__.py": "",
    "pkg/helpers.py": "present = 1\n",
    "pkg/a.py": "from pkg.gone import x\nfrom pkg.helpers import absent\n",
    "pkg/b.py": "import pkg.vanished\n",
}
CLEAN = {"pkg/__init__.py": "", "pkg/a.py": "from pkg import b\n", "pkg/b.py": "x = 1\n"}


class Outcome(NamedTuple):
    code: int
    out: str
    err: str


Run = Callable[..., Outcome]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Run:
    """``run(*argv)`` from tmp_path, after writing PROJECT (or ``files``) to tmp_path/project."""
    monkeypatch.chdir(tmp_path)

    def invoke(*argv: str, files: dict[str, str] | None = None) -> Outcome:
        write_tree(tmp_path / "project", PROJECT if files is None else files)
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return invoke


def codes_found(run: Run, *flags: str) -> set[tuple[str, str]]:
    outcome = run("check", "project", "--format", "json", *flags)
    return {(item["code"], item["filename"]) for item in json.loads(outcome.out)}


# --- version and exit codes ------------------------------------------------------------

def test_version_names_celerylint_and_the_celery_it_checks_against(run: Run) -> None:
    outcome = run("--version")
    assert outcome.code == 0
    assert f"celerylint {__version__}" in outcome.out
    assert f"Celery {version('celery')}" in outcome.out


def test_clean_project_exits_0(run: Run) -> None:
    outcome = run("check", "project", "--select", "CEL7", files=CLEAN)
    assert outcome.code == 0
    assert "All checks passed" in outcome.out
    assert outcome.err == ""


def test_findings_exit_1_and_are_printed(run: Run) -> None:
    outcome = run("check", "project", "--select", "CEL701")
    assert outcome.code == 1
    assert "project/pkg/a.py:1:6: CEL701 [missing-module]" in outcome.out
    assert "pkg.gone" in outcome.out


def test_check_is_the_default_command(run: Run) -> None:
    outcome = run("project", "--select", "CEL701")
    assert outcome.code == 1
    assert "CEL701" in outcome.out


def test_missing_path_exits_2(run: Run) -> None:
    outcome = run("check", "no-such-dir")
    assert outcome.code == 2
    assert "path does not exist: no-such-dir" in outcome.err
    assert outcome.out == ""


def test_unknown_selector_exits_2_and_names_it(run: Run) -> None:
    outcome = run("check", "project", "--select", "CEL701,CEL999")
    assert outcome.code == 2
    assert "unknown rule selector(s): CEL999 " in outcome.err


def test_unknown_selector_in_ignore_exits_2(run: Run) -> None:
    assert run("check", "project", "--ignore", "not-a-rule").code == 2


def test_bad_argument_exits_2(run: Run) -> None:
    outcome = run("check", "project", "--format", "xml")
    assert outcome.code == 2
    assert "xml" in outcome.err


def test_bad_config_value_exits_2_naming_the_key(run: Run, tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "pyproject.toml").write_text("[tool.celerylint]\njobs = 'many'\n")
    outcome = run("check", "project")
    assert outcome.code == 2
    assert "jobs" in outcome.err


def test_unknown_config_key_suggests_the_close_one(run: Run, tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "pyproject.toml").write_text("[tool.celerylint]\nselct = []\n")
    outcome = run("check", "project")
    assert outcome.code == 2
    assert "unknown key 'selct'" in outcome.err
    assert "did you mean 'select'?" in outcome.err


# --- selection ---------------------------------------------------------------------------

A, B = "project/pkg/a.py", "project/pkg/b.py"


@pytest.mark.usefixtures("preview_rules_as_stable")
@pytest.mark.parametrize(("flags", "expected"), [
    (("--select", "CEL701"), {("CEL701", A), ("CEL701", B)}),
    (("--select", "CEL7"), {("CEL701", A), ("CEL701", B), ("CEL702", A)}),
    (("--select", "missing-imported-name"), {("CEL702", A)}),
    (("--select", "cel702"), {("CEL702", A)}),
    (("--select", "CEL7", "--ignore", "CEL702"), {("CEL701", A), ("CEL701", B)}),
    (("--select", "CEL7", "--ignore", "missing-module"), {("CEL702", A)}),
    (("--select", "CEL701", "--ignore", "CEL7"), {("CEL701", A), ("CEL701", B)}),
    (("--select", "CEL001", "--extend-select", "CEL702"), {("CEL702", A)}),
    (("--select", "CEL701,CEL702"), {("CEL701", A), ("CEL701", B), ("CEL702", A)}),
])
def test_select_ignore_and_extend_select(run: Run, flags: tuple[str, ...],
                                         expected: set[tuple[str, str]]) -> None:
    assert codes_found(run, *flags) == expected


@pytest.mark.usefixtures("preview_rules_as_stable")
def test_ignore_without_select_removes_from_the_default_set(run: Run) -> None:
    found = {code for code, _ in codes_found(run, "--ignore", "CEL702")}
    assert "CEL701" in found
    assert "CEL702" not in found


def test_exit_zero_keeps_the_report(run: Run) -> None:
    outcome = run("check", "project", "--select", "CEL701", "--exit-zero")
    assert outcome.code == 0
    assert "CEL701" in outcome.out


def test_output_file_gets_the_report_and_stdout_stays_empty(run: Run, tmp_path: Path) -> None:
    outcome = run("check", "project", "--select", "CEL701", "-o", "report.json",
                  "--format", "json")
    assert outcome.code == 1
    assert outcome.out == ""
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert {item["code"] for item in report} == {"CEL701"}


def test_unwritable_output_file_exits_2(run: Run) -> None:
    outcome = run("check", "project", "--select", "CEL701", "-o", "no/such/dir/report.txt")
    assert outcome.code == 2
    assert "cannot write" in outcome.err


# --- JSON -------------------------------------------------------------------------------

def test_json_is_pure_json_in_ruff_shape(run: Run) -> None:
    outcome = run("check", "project", "--select", "CEL701", "--format", "json")
    assert outcome.code == 1
    report = json.loads(outcome.out)  # nothing but JSON on stdout
    first = report[0]
    assert list(first) == ["code", "name", "message", "severity", "filename", "location",
                           "end_location", "fix", "url"]
    assert first["code"] == "CEL701"
    assert first["name"] == "missing-module"
    assert first["severity"] == "error"
    assert first["filename"] == "project/pkg/a.py"
    assert first["location"] == {"row": 1, "column": 6}
    assert first["end_location"] == {"row": 1, "column": 14}
    assert first["fix"] is None
    assert first["url"] == rule_doc_url("rules/imports/missing-module.md")
    assert "'pkg.gone'" in first["message"]
    assert [item["filename"] for item in report] == [A, B]


def test_json_filenames_are_relative_to_the_current_directory(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "project", PROJECT)
    monkeypatch.chdir(tmp_path / "project" / "pkg")
    outcome = run("check", "..", "--select", "CEL701", "--format", "json")
    assert [item["filename"] for item in json.loads(outcome.out)] == ["a.py", "b.py"]


def test_json_of_a_clean_run_is_an_empty_list(run: Run) -> None:
    outcome = run("check", "project", "--select", "CEL7", "--format", "json", files=CLEAN)
    assert outcome.code == 0
    assert json.loads(outcome.out) == []


# --- the rule command -------------------------------------------------------------------

@pytest.mark.parametrize("key", ["CEL701", "cel701", "missing-module"])
def test_rule_prints_the_doc_by_code_or_name(run: Run, key: str) -> None:
    outcome = run("rule", key)
    assert outcome.code == 0
    assert outcome.out.startswith("# `missing-module` (`CEL701`)")
    assert "## Why it matters at runtime" in outcome.out


def test_rule_unknown_exits_2(run: Run) -> None:
    outcome = run("rule", "CEL999")
    assert outcome.code == 2
    assert "unknown rule: CEL999" in outcome.err


def test_rule_all_lists_every_rule_once(run: Run) -> None:
    from celerylint.rules.registry import all_rules

    outcome = run("rule", "--all")
    assert outcome.code == 0
    lines = outcome.out.splitlines()
    assert [line.split()[0] for line in lines] == [r.code for r in all_rules()]
    assert any(line.split()[:3] == ["CEL701", "missing-module", "error"] for line in lines)


def test_rule_all_as_json_carries_the_docs(run: Run) -> None:
    outcome = run("rule", "--format", "json", "--all")
    rows = {row["code"]: row for row in json.loads(outcome.out)}
    assert rows["CEL701"]["name"] == "missing-module"
    assert rows["CEL701"]["severity"] == "error"
    assert rows["CEL701"]["summary"]
    assert rows["CEL701"]["doc"].startswith("# `missing-module` (`CEL701`)")


def test_rule_as_json(run: Run) -> None:
    row = json.loads(run("rule", "missing-module", "--format", "json").out)
    assert (row["code"], row["name"]) == ("CEL701", "missing-module")


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> None:
    """CEL701 measured on the benchmark, CEL702 a preview rule nobody measured yet."""
    from celerylint.rules import precision
    from celerylint.rules.registry import find_rule

    monkeypatch.setattr(precision, "measured_precision",
                        lambda: {"CEL701": precision.Precision(0.97, 120, "2026-12-05")})
    monkeypatch.setattr(find_rule("CEL701"), "preview", False)
    monkeypatch.setattr(find_rule("CEL702"), "preview", True)


@pytest.mark.usefixtures("measured")
def test_rule_all_shows_status_and_measured_precision(run: Run) -> None:
    lines = {line.split()[0]: line for line in run("rule", "--all").out.splitlines()}
    assert lines["CEL701"].split()[3:8] == ["stable", "97", "%", "of", "120"]
    assert "(2026-12-05)" in lines["CEL701"]
    assert lines["CEL702"].split()[3:6] == ["preview", "not", "measured"]
    rows = {row["code"]: row for row in json.loads(run("rule", "--all", "--format", "json").out)}
    assert (rows["CEL701"]["status"], rows["CEL701"]["precision"]) == (
        "stable", {"precision": 0.97, "findings": 120, "date": "2026-12-05"})
    assert (rows["CEL702"]["status"], rows["CEL702"]["precision"]) == ("preview", None)


@pytest.mark.usefixtures("measured")
def test_a_rule_doc_opens_with_its_status(run: Run) -> None:
    lines = run("rule", "CEL701").out.splitlines()
    assert lines[2] == "> Status: stable · precision 97 % of 120 findings (2026-12-05)"
    assert run("rule", "CEL702").out.splitlines()[2] == (
        "> Status: preview · precision not measured")



# --- robustness -------------------------------------------------------------------------

class _ClosedPipe:
    """A stdout whose reader went away, as with ``celerylint rule --all | head -1``."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        raise OSError("no file descriptor")


def test_closed_stdout_is_not_an_internal_error(
    run: Run, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    code = cli.main(["rule", "--all"])
    assert code == 2
    assert "internal error" not in capsys.readouterr().err


# --- python -m celerylint -----------------------------------------------------------------

def _python_m(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "celerylint", *argv], check=False, cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


def test_python_m_version() -> None:
    completed = _python_m("--version", cwd=REPO_ROOT)
    assert completed.returncode == 0
    assert completed.stdout.startswith(f"celerylint {__version__}")


def test_python_m_check_reports_and_exits_1(tmp_path: Path) -> None:
    write_tree(tmp_path / "project", PROJECT)
    completed = _python_m("check", "project", "--select", "CEL701", cwd=tmp_path)
    assert completed.returncode == 1, completed.stderr
    assert "project/pkg/b.py:1:8: CEL701 [missing-module]" in completed.stdout
    assert "Traceback" not in completed.stderr
