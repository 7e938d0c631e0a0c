"""The JSON reporter's exact shape (ruff's), and the text header and summary it pairs with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import DOCS_URL
from tests.report.builders import ContextFactory, result_get

from celerylint.findings import Applicability, Edit, Fix, Severity
from celerylint.report import json_format, text
from celerylint.report.summary import summary_line

FIX = Fix("Chain the tasks", Applicability.UNSAFE, (
    Edit(6, 12, 6, 50, "chain(resize.s(image_id))"),
    Edit(1, 1, 1, 1, "from celery import chain\n"),
))


def test_json_finding_has_ruffs_shape(make_context: ContextFactory, project_urls: Any) -> None:
    project_urls({"documentation": DOCS_URL + "/"})
    context = make_context([result_get(fix=FIX)])
    (item,) = json.loads(json_format.render(context))
    assert item == {
        "code": "CEL303",
        "name": "result-get-in-task",
        "message": "Task 'publish' waits for the result of 'resize'.",
        "severity": "error",
        "filename": "proj/tasks.py",
        "location": {"row": 6, "column": 12},
        "end_location": {"row": 6, "column": 50},
        "fix": {
            "applicability": "unsafe",
            "message": "Chain the tasks",
            "edits": [
                {"content": "chain(resize.s(image_id))", "location": {"row": 6, "column": 12},
                 "end_location": {"row": 6, "column": 50}},
                {"content": "from celery import chain\n", "location": {"row": 1, "column": 1},
                 "end_location": {"row": 1, "column": 1}},
            ],
        },
        "url": f"{DOCS_URL}/calls/result-get-in-task.md",
    }


def test_json_url_is_null_without_a_documentation_url(make_context: ContextFactory,
                                                       project_urls: Any) -> None:
    """A link nobody can open is worse than none: no metadata URL, no url."""
    (item,) = json.loads(json_format.render(make_context([result_get()])))
    assert item["url"] is None


def test_json_without_fix_or_doc_has_nulls(make_context: ContextFactory) -> None:
    finding = result_get(code="CEL999", name="undocumented", severity=Severity.INFO)
    (item,) = json.loads(json_format.render(make_context([finding])))
    assert item["fix"] is None
    assert item["url"] is None
    assert item["severity"] == "info"


def test_json_keeps_the_given_order_and_ends_with_a_newline(make_context: ContextFactory) -> None:
    output = json_format.render(make_context([result_get(7), result_get(6)]))
    assert output.endswith("]\n")
    assert [item["location"]["row"] for item in json.loads(output)] == [7, 6]


def test_json_of_no_findings_is_an_empty_list(make_context: ContextFactory) -> None:
    assert json_format.render(make_context([])) == "[]\n"


def test_filenames_are_relative_to_cwd_with_forward_slashes(
    make_context: ContextFactory, project_root: Path
) -> None:
    finding = result_get()
    from_parent = make_context([finding], cwd=project_root.parent)
    assert json.loads(json_format.render(from_parent))[0]["filename"] == "project/proj/tasks.py"
    elsewhere = project_root.parent / "elsewhere" / "deeper"
    from_sibling = make_context([finding], cwd=elsewhere)
    assert from_sibling.display_path(finding) == "../../project/proj/tasks.py"


def test_text_header_uses_the_same_path(make_context: ContextFactory,
                                         project_root: Path) -> None:
    context = make_context([result_get()], cwd=project_root.parent, show_source=False)
    first = text.render(context).splitlines()[0]
    assert first == ("project/proj/tasks.py:6:12: CEL303 [result-get-in-task] "
                     "Task 'publish' waits for the result of 'resize'.")


def test_summary_lines(make_context: ContextFactory) -> None:
    assert summary_line(make_context([], files_checked=1)) == "All checks passed (1 file)."
    assert summary_line(make_context([], files_checked=0)) == "All checks passed (0 files)."
    two = make_context([result_get(6), result_get(7, severity=Severity.WARNING)])
    assert summary_line(two) == "Found 2 problems (1 error, 1 warning) in 3 files."
    one = make_context([result_get(6)], files_checked=1)
    assert summary_line(one) == "Found 1 problem (1 error) in 1 file."
