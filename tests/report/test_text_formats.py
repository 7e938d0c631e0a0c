"""The human formats: exact output, source snippets, carets and the summary line."""

from __future__ import annotations

from pathlib import Path

from tests.report.builders import ContextFactory, clear_password, result_get, write_files

from celerylint.findings import Severity
from celerylint.report import concise, grouped, text

INFO_FINDING = result_get(7, column=5, end_column=16, fix_hint=None, severity=Severity.INFO,
                          code="CEL710", name="commented-out-code", message="Dead code.")
FINDINGS = (clear_password(), result_get(), INFO_FINDING)

TEXT = """\
proj/settings.py:1:14: CEL501 [clear-text-broker-password] broker_url 'redis://:****@redis:6379/0' writes the password in code.
  1 | broker_url = "redis://:****@redis:6379/0"
    |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  help: Read it from REDIS_URL instead of writing 'redis://:****@redis:6379/0'.

proj/tasks.py:6:12: CEL303 [result-get-in-task] Task 'publish' waits for the result of 'resize'.
  6 |     size = resize.delay(image_id).get(timeout=30)
    |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  help: Chain the tasks instead.

proj/tasks.py:7:5: CEL710 [commented-out-code] Dead code.
  7 |     return size
    |     ^^^^^^^^^^^

Found 3 problems (1 error, 1 warning, 1 info) in 3 files.
"""

CONCISE = """\
proj/settings.py:1:14: CEL501 [clear-text-broker-password] broker_url 'redis://:****@redis:6379/0' writes the password in code.
proj/tasks.py:6:12: CEL303 [result-get-in-task] Task 'publish' waits for the result of 'resize'.
proj/tasks.py:7:5: CEL710 [commented-out-code] Dead code.
Found 3 problems (1 error, 1 warning, 1 info) in 3 files.
"""

GROUPED = """\
proj/settings.py:
  1:14 CEL501 [clear-text-broker-password] broker_url 'redis://:****@redis:6379/0' writes the password in code.

proj/tasks.py:
  6:12 CEL303 [result-get-in-task] Task 'publish' waits for the result of 'resize'.
  7:5  CEL710 [commented-out-code] Dead code.

Found 3 problems (1 error, 1 warning, 1 info) in 3 files.
"""


def test_text_shows_source_carets_and_help(make_context: ContextFactory) -> None:
    assert text.render(make_context(FINDINGS)) == TEXT


def test_text_without_source_keeps_header_and_help(make_context: ContextFactory) -> None:
    output = text.render(make_context([result_get()], show_source=False))
    assert output == (
        "proj/tasks.py:6:12: CEL303 [result-get-in-task] Task 'publish' waits for the result "
        "of 'resize'.\n  help: Chain the tasks instead.\n\n"
        "Found 1 problem (1 error) in 3 files.\n"
    )


def test_concise_is_one_line_per_finding(make_context: ContextFactory) -> None:
    assert concise.render(make_context(FINDINGS)) == CONCISE


def test_grouped_puts_findings_under_their_file(make_context: ContextFactory) -> None:
    assert grouped.render(make_context(FINDINGS)) == GROUPED


def test_grouped_keeps_one_header_per_file_when_findings_are_unsorted(
    make_context: ContextFactory,
) -> None:
    output = grouped.render(make_context([result_get(), clear_password(), INFO_FINDING]))
    assert output.count("proj/tasks.py:\n") == 1
    assert output.index("proj/tasks.py:\n") < output.index("proj/settings.py:\n")


def test_clean_run_says_so_in_every_human_format(make_context: ContextFactory) -> None:
    context = make_context([], files_checked=1)
    for module in (text, concise, grouped):
        assert module.render(context) == "All checks passed (1 file).\n"


def test_paths_are_shown_relative_to_the_current_directory(
    make_context: ContextFactory, project_root: Path
) -> None:
    output = concise.render(make_context([result_get()], cwd=project_root / "proj"))
    assert output.startswith("tasks.py:6:12: CEL303")


def test_multi_line_finding_is_underlined_to_the_end_of_its_first_line(
    make_context: ContextFactory,
) -> None:
    finding = result_get(5, column=1, end_line=7, end_column=16)
    lines = text.render(make_context([finding])).splitlines()
    assert lines[1:3] == ["  5 | def publish(image_id):", "    | ^^^^^^^^^^^^^^^^^^^^^^"]


def test_unknown_end_gets_a_single_caret(make_context: ContextFactory) -> None:
    finding = result_get(column=5, end_column=0)
    lines = text.render(make_context([finding])).splitlines()
    assert lines[2] == "    |     ^"


def test_carets_follow_tabs_and_wide_characters(
    make_context: ContextFactory, project_root: Path
) -> None:
    write_files(project_root, {"proj/wide.py": "\tname = '名前'.get()\n"})
    finding = result_get(1, path="proj/wide.py", column=9, end_column=13)
    lines = text.render(make_context([finding])).splitlines()
    assert lines[1:3] == ["  1 | \tname = '名前'.get()", "    | \t       ^^^^^^"]


def test_unreadable_source_shows_no_snippet(make_context: ContextFactory) -> None:
    finding = result_get(path="proj/deleted.py")
    lines = text.render(make_context([finding])).splitlines()
    assert lines[1] == "  help: Chain the tasks instead."


def test_control_characters_cannot_reach_the_terminal(
    make_context: ContextFactory, project_root: Path
) -> None:
    write_files(project_root, {"proj/evil.py": "x = '\x1b[2Jboom'\n"})
    finding = result_get(1, path="proj/evil.py", column=1, end_column=5,
                         message="Task '\x1b[31mred' is odd.")
    output = text.render(make_context([finding]))
    assert "\x1b" not in output
    assert "Task '\ufffd[31mred' is odd." in output


def test_long_line_numbers_widen_the_gutter(
    make_context: ContextFactory, project_root: Path
) -> None:
    write_files(project_root, {"proj/long.py": "\n" * 99 + "value.get()\n"})
    finding = result_get(100, path="proj/long.py", column=7, end_column=10)
    lines = text.render(make_context([finding])).splitlines()
    assert lines[1:3] == ["  100 | value.get()", "      |       ^^^"]


def test_carets_on_a_masked_line_never_measure_the_secret(
    make_context: ContextFactory,
) -> None:
    # broker_url = "redis://:hunter2@redis:6379/0"; the password is columns 24..30
    on_password = clear_password(column=24, end_column=31)
    after_password = clear_password(column=32, end_column=42)
    lines = text.render(make_context([on_password, after_password])).splitlines()
    assert lines[1:3] == [
        '  1 | broker_url = "redis://:****@redis:6379/0"',
        "    |                        ^^^^^^^^^^^^^^^^^^",
    ]
    assert lines[6:8] == [
        '  1 | broker_url = "redis://:****@redis:6379/0"',
        "    |                             ^^^^^^^^^^",
    ]
