"""Baselines match findings by what they are about, not by where they are."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from celerylint import api
from celerylint.baseline import (
    Baseline,
    BaselineEntry,
    BaselineError,
    baseline_from_findings,
    dump_baseline,
    load_baseline,
    parse_baseline,
    project_fingerprinter,
    write_baseline,
)
from celerylint.report.fingerprints import FINGERPRINT_VERSION
from celerylint.settings import Settings

COMMENTED = '    # notify_admins.delay("nightly run finished")\n'
JOBS = (
    '"""Jobs."""\n'
    "from proj.archive import archive_old_orders\n"
    "\n\n"
    "def run():\n"
    f"{COMMENTED}"
    "    return archive_old_orders()\n"
)

MakeProject = Callable[[Mapping[str, str | bytes]], Path]


def run(root: Path, baseline: Baseline | None = None,
        select: tuple[str, ...] = ("CEL701", "CEL710"),
        report_paths: frozenset[str] | None = None) -> api.RunResult:
    settings = Settings(root=root, paths=(root,), select=select, use_cache=False)
    result = api.run(settings, baseline=baseline, report_paths=report_paths)
    assert not result.internal_errors
    return result


def record(root: Path, tmp_path: Path) -> Baseline:
    """Write the baseline file as the CLI does, and read it back."""
    path = tmp_path / "baseline.json"
    write_baseline(path, baseline_from_findings(run(root).findings, project_fingerprinter(root)))
    return load_baseline(path)


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    return make_project({"proj/__init__.py": "", "proj/jobs.py": JOBS})


def test_without_a_baseline_both_findings_are_reported(project: Path) -> None:
    assert [f.code for f in run(project).findings] == ["CEL701", "CEL710"]


def test_lines_inserted_above_do_not_resurrect_findings(project: Path, tmp_path: Path) -> None:
    baseline = record(project, tmp_path)
    jobs = project / "proj/jobs.py"
    jobs.write_text("# one\n# two\nimport os\n\nDEBUG = os.getenv('X')\n" + jobs.read_text())
    result = run(project, baseline)
    assert result.findings == []
    assert result.baselined == 2 and result.stale_baseline == []


def test_a_second_identical_finding_is_new(project: Path, tmp_path: Path) -> None:
    baseline = record(project, tmp_path)
    jobs = project / "proj/jobs.py"
    jobs.write_text(JOBS + f"\n\ndef again():\n{COMMENTED}    return 1\n")
    result = run(project, baseline)
    assert [(f.code, f.line) for f in result.findings] == [("CEL710", 11)]


def test_editing_the_reported_line_makes_it_new_and_the_entry_stale(
        project: Path, tmp_path: Path) -> None:
    baseline = record(project, tmp_path)
    jobs = project / "proj/jobs.py"
    jobs.write_text(JOBS.replace("nightly run finished", "nightly run done"))
    result = run(project, baseline)
    assert [f.code for f in result.findings] == ["CEL710"]
    assert [(e.code, e.count) for e in result.stale_baseline] == [("CEL710", 1)]


def test_entries_of_rules_that_did_not_run_are_not_stale(project: Path, tmp_path: Path) -> None:
    baseline = record(project, tmp_path)
    result = run(project, baseline, select=("CEL701",))
    assert result.findings == [] and result.stale_baseline == []


def test_entries_of_files_not_reported_are_not_stale(project: Path, tmp_path: Path) -> None:
    baseline = record(project, tmp_path)
    (project / "proj/jobs.py").write_text('"""Fixed."""\n')
    assert len(run(project, baseline).stale_baseline) == 2
    assert run(project, baseline, report_paths=frozenset({"proj/__init__.py"})).stale_baseline == []


def test_the_file_is_stable_sorted_and_versioned(project: Path) -> None:
    fingerprint_of = project_fingerprinter(project)
    first = dump_baseline(baseline_from_findings(run(project).findings, fingerprint_of))
    again = dump_baseline(baseline_from_findings(list(reversed(run(project).findings)),
                                                 project_fingerprinter(project)))
    assert first == again
    document = json.loads(first)
    assert document["version"] == 1 and document["tool"] == "celerylint"
    assert document["fingerprint_version"] == FINGERPRINT_VERSION
    assert [(e["path"], e["code"], e["count"]) for e in document["findings"]] == [
        ("proj/jobs.py", "CEL701", 1), ("proj/jobs.py", "CEL710", 1)]


def test_identical_findings_are_one_entry_with_a_count(project: Path) -> None:
    (project / "proj/jobs.py").write_text(JOBS + f"\n\ndef again():\n{COMMENTED}    return 1\n")
    baseline = baseline_from_findings(run(project, select=("CEL710",)).findings,
                                      project_fingerprinter(project))
    assert [(e.code, e.count) for e in baseline.entries] == [("CEL710", 2)]
    assert baseline.total == 2


def _document(**changes: object) -> dict[str, object]:
    document: dict[str, object] = {
        "tool": "celerylint", "version": 1, "fingerprint_version": FINGERPRINT_VERSION,
        "findings": [{"path": "a.py", "code": "CEL701", "fingerprint": "f", "count": 2}],
    }
    document.update(changes)
    return document


def test_parse_accepts_its_own_shape() -> None:
    assert parse_baseline(_document(), "b.json").entries == (
        BaselineEntry("a.py", "CEL701", "f", 2),)


@pytest.mark.parametrize(("changes", "error"), [
    ({"tool": "pylint"}, "not a celerylint baseline"),
    ({"version": 2}, "baseline version 2"),
    ({"fingerprint_version": "0"}, "regenerate it"),
    ({"findings": [{"path": "a.py"}]}, "malformed entry"),
])
def test_parse_refuses_what_it_does_not_understand(changes: dict[str, object], error: str) -> None:
    with pytest.raises(BaselineError, match=error):
        parse_baseline(_document(**changes), "b.json")


def test_missing_or_broken_files_are_errors(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="does not exist"):
        load_baseline(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(BaselineError, match="cannot read"):
        load_baseline(tmp_path / "broken.json")
