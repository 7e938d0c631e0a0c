"""Fingerprints follow the code, not its line number."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.report.builders import (
    SECRET,
    SETTINGS_PY,
    TASKS_PY,
    ContextFactory,
    clear_password,
    result_get,
    write_files,
)

from celerylint.report.fingerprints import fingerprint, numbered_fingerprints


def tasks_fingerprint(make_context: ContextFactory, project_root: Path, source: str,
                      line: int) -> str:
    write_files(project_root, {"proj/tasks.py": source})
    finding = result_get(line)
    return fingerprint(finding, make_context([finding]))


def test_stable_when_lines_are_inserted_above(
    make_context: ContextFactory, project_root: Path
) -> None:
    before = tasks_fingerprint(make_context, project_root, TASKS_PY, 6)
    after = tasks_fingerprint(make_context, project_root, "import os\n\n\n" + TASKS_PY, 9)
    assert before == after


def test_stable_when_the_line_is_reindented(
    make_context: ContextFactory, project_root: Path
) -> None:
    before = tasks_fingerprint(make_context, project_root, TASKS_PY, 6)
    reindented = TASKS_PY.replace("    size = resize", "        size  =  resize")
    assert tasks_fingerprint(make_context, project_root, reindented, 6) == before


def test_changes_when_the_reported_code_changes(
    make_context: ContextFactory, project_root: Path
) -> None:
    before = tasks_fingerprint(make_context, project_root, TASKS_PY, 6)
    edited = TASKS_PY.replace("timeout=30", "timeout=60")
    assert tasks_fingerprint(make_context, project_root, edited, 6) != before


def test_changes_with_rule_path_and_subjects(make_context: ContextFactory,
                                            project_root: Path) -> None:
    write_files(project_root, {"proj/copy.py": TASKS_PY})
    context = make_context([])
    base = fingerprint(result_get(), context)
    assert fingerprint(result_get(code="CEL304"), context) != base
    assert fingerprint(result_get(subjects=("proj.tasks.other",)), context) != base
    assert fingerprint(result_get(path="proj/copy.py"), context) != base
    assert fingerprint(result_get(message="Reworded."), context) == base


def test_unreadable_file_falls_back_to_the_message(make_context: ContextFactory) -> None:
    context = make_context([])
    missing = result_get(path="proj/gone.py")
    reworded = replace(missing, message="Another message.")
    assert fingerprint(missing, context) != fingerprint(reworded, context)


def test_secret_in_the_line_does_not_change_the_fingerprint(
    make_context: ContextFactory, project_root: Path
) -> None:
    """The hash is taken over masked text: no hash is derived from a password."""
    context = make_context([])
    before = fingerprint(clear_password(), context)
    write_files(project_root, {"proj/settings.py": SETTINGS_PY.replace(SECRET, "other-pass")})
    assert fingerprint(clear_password(), make_context([])) == before


def test_repeated_findings_are_numbered(make_context: ContextFactory,
                                        project_root: Path) -> None:
    write_files(project_root, {"proj/twice.py": "x.get()\nx.get()\ny.get()\n"})
    findings = [result_get(line, path="proj/twice.py", column=1, end_column=8)
                for line in (1, 2, 3)]
    numbered = numbered_fingerprints(make_context(findings))
    first, second, third = (value.split(":") for value in numbered)
    assert first[0] == second[0] != third[0]
    assert (first[1], second[1], third[1]) == ("1", "2", "1")
