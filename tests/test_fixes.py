"""Fixes: edit mechanics, and every rule's fix applied to its own doc's Bad example."""

from __future__ import annotations

import re
from pathlib import Path

import libcst
import pytest

from celerylint import api
from celerylint.docs import Example, RuleDoc, load_docs
from celerylint.findings import Applicability, Edit, Finding, Fix, Severity
from celerylint.fixes import (
    is_fixable,
    plan_file,
    plan_fixes,
    resolve_edits,
    unified_diff,
    write_fixes,
)
from celerylint.fixes_async import async_task_edits
from celerylint.settings import Settings
from celerylint.testing import write_example

DOCS = load_docs()
MARKER = re.compile(r"\s*# (?:error|warning|info): \[[^\]]+\]")


def finding(line: int, column: int, *edits: Edit, code: str = "CEL104",
            applicability: Applicability = Applicability.SAFE) -> Finding:
    return Finding(code, "rule", Severity.WARNING, "m.py", line, column, "message",
                   fix=Fix("fix it", applicability, edits))


# -- mechanics -------------------------------------------------------------------------------

def test_edits_apply_bottom_up_so_earlier_positions_stay_valid() -> None:
    text = "A = 1\nB = 2\nC = 3\n"
    fixes = [finding(1, 1, Edit(1, 1, 1, 2, "ALPHA")), finding(3, 1, Edit(3, 1, 3, 2, "GAMMA"))]
    result = plan_file("m.py", text, fixes)
    assert result.fixed == "ALPHA = 1\nB = 2\nGAMMA = 3\n"
    assert len(result.applied) == 2 and not result.conflicting


def test_overlapping_fix_is_skipped_and_reported_as_conflicting() -> None:
    first = finding(1, 1, Edit(1, 1, 1, 6, "X = 9"))
    second = finding(1, 5, Edit(1, 5, 1, 6, "7"))
    result = plan_file("m.py", "A = 1\n", [first, second])
    assert result.fixed == "X = 9\n"
    assert result.conflicting == (second,)


def test_identical_edits_of_two_fixes_are_applied_once() -> None:
    shared = Edit(1, 1, 1, 1, "import asyncio\n")
    fixes = [finding(2, 1, shared, Edit(2, 1, 2, 2, "b")),
             finding(3, 1, shared, Edit(3, 1, 3, 2, "c"))]
    result = plan_file("m.py", "x\nB\nC\n", fixes)
    assert result.fixed == "import asyncio\nx\nb\nc\n"
    assert not result.conflicting


def test_insertion_touching_a_replaced_range_conflicts() -> None:
    replace = finding(2, 1, Edit(2, 1, 3, 1, "new\n"))
    insert = finding(2, 1, Edit(2, 1, 2, 1, "inserted\n"), code="CEL105")
    result = plan_file("m.py", "a\nb\n", [replace, insert])
    assert result.conflicting == (insert,)


def test_position_after_the_last_line_means_end_of_file() -> None:
    resolved = resolve_edits("a\nb", [Edit(2, 1, 3, 1, "")])
    assert resolved is not None and (resolved[0].start, resolved[0].end) == (2, 3)
    assert resolve_edits("a\n", [Edit(5, 1, 5, 2, "")]) is None


def test_crlf_line_endings_are_kept() -> None:
    result = plan_file("m.py", "A = 1\r\nB = 2\r\n", [finding(2, 1, Edit(2, 1, 2, 2, "BETA"))])
    assert result.fixed == "A = 1\r\nBETA = 2\r\n"


def test_applicability_gates_unsafe_fixes() -> None:
    unsafe = finding(1, 1, Edit(1, 1, 1, 2, "x"), applicability=Applicability.UNSAFE)
    assert not is_fixable(unsafe, unsafe=False)
    assert is_fixable(unsafe, unsafe=True)
    no_edits = finding(1, 1, code="CEL104")
    assert not is_fixable(no_edits, unsafe=True)  # only registered codes compute edits later


def test_a_fix_that_breaks_the_syntax_is_not_applied(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("A = 1\n", encoding="utf-8")
    plan = plan_fixes([finding(1, 1, Edit(1, 1, 1, 2, "def ("))], tmp_path, unsafe=False)
    assert plan.files == []
    assert "would not parse" in plan.notes[0]


def test_diff_shows_changes_without_writing(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("A = 1\n", encoding="utf-8")
    plan = plan_fixes([finding(1, 1, Edit(1, 1, 1, 2, "B"))], tmp_path, unsafe=False)
    diff = unified_diff(plan, lambda path: f"proj/{path}")
    assert diff == "--- a/proj/m.py\n+++ b/proj/m.py\n@@ -1 +1 @@\n-A = 1\n+B = 1\n"
    assert (tmp_path / "m.py").read_text(encoding="utf-8") == "A = 1\n"
    write_fixes(plan, tmp_path)
    assert (tmp_path / "m.py").read_text(encoding="utf-8") == "B = 1\n"


# -- every fix, on its doc's Bad example -----------------------------------------------------

def run_rule(root: Path, code: str) -> list[Finding]:
    settings = Settings(root=root, paths=(root,), select=(code,), use_cache=False)
    result = api.run(settings)
    assert not result.internal_errors, result.internal_errors
    return [f for f in result.findings if f.code == code]


def fix_example(doc: RuleDoc, example: Example, root: Path, unsafe: bool) -> list[Finding]:
    """Write the example, apply its rule's fixes once; returns the findings that were fixed."""
    write_example(example, root)
    plan = plan_fixes(run_rule(root, doc.code), root, unsafe)
    assert not plan.notes, plan.notes
    write_fixes(plan, root)
    return [f for file_fix in plan.files for f in file_fix.applied]


def without_markers(text: str) -> str:
    return "".join(MARKER.sub("", line) for line in text.splitlines(keepends=True))


# Rules that offer a fix; the last test below keeps this list complete.
FIX_CODES = ("CEL002", "CEL102", "CEL104", "CEL201", "CEL206", "CEL502", "CEL710", "CEL711")
BAD_EXAMPLES = [
    pytest.param(DOCS[code], example, id=f"{code}-{index}")
    for code in FIX_CODES
    for index, example in enumerate(e for e in DOCS[code].examples if e.section == "Bad")
]


@pytest.mark.parametrize(("doc", "example"), BAD_EXAMPLES)
def test_fixes_remove_their_findings_and_keep_files_parsing(doc: RuleDoc, example: Example,
                                                            tmp_path: Path) -> None:
    fixed = fix_example(doc, example, tmp_path, unsafe=True)
    assert fixed, f"{doc.code}: no fix applied to this Bad example"
    remaining = {(f.path, f.message) for f in run_rule(tmp_path, doc.code)}
    assert not remaining & {(f.path, f.message) for f in fixed}
    for path in {f.path for f in fixed if f.path.endswith(".py")}:
        libcst.parse_module((tmp_path / path).read_text(encoding="utf-8"))


def test_no_other_rule_offers_an_untested_fix(tmp_path: Path) -> None:
    for index, (code, doc) in enumerate(sorted(DOCS.items())):
        if code in FIX_CODES:
            continue
        for number, bad in enumerate(e for e in doc.examples if e.section == "Bad"):
            root = tmp_path / f"{index}-{number}"
            write_example(bad, root)
            offered = [f for f in run_rule(root, code) if f.fix is not None]
            assert not offered, f"{code} offers a fix: add it to FIX_CODES"


def _block(example: Example, title: str) -> str:
    return next(block.text for block in example.blocks if block.title == title)


@pytest.mark.parametrize("code", ["CEL102", "CEL104"])
def test_rename_fixes_turn_bad_into_exactly_good(code: str, tmp_path: Path) -> None:
    doc = DOCS[code]
    bad = next(e for e in doc.examples if e.section == "Bad")
    good = next(e for e in doc.examples if e.section == "Good")
    assert fix_example(doc, bad, tmp_path, unsafe=False)  # renames are safe
    for block in good.blocks:
        if block.title:
            written = (tmp_path / block.title).read_text(encoding="utf-8")
            assert without_markers(written) == block.text, block.title
    assert run_rule(tmp_path, code) == []


def test_commented_out_code_removal_is_unsafe_only(tmp_path: Path) -> None:
    doc = DOCS["CEL710"]
    bad = next(e for e in doc.examples if e.section == "Bad")
    assert fix_example(doc, bad, tmp_path / "safe", unsafe=False) == []
    assert len(fix_example(doc, bad, tmp_path / "unsafe", unsafe=True)) == 4
    assert run_rule(tmp_path / "unsafe", "CEL710") == []
    jobs = (tmp_path / "unsafe/proj/scheduler/jobs.py").read_text(encoding="utf-8")
    assert "notify_admins" not in jobs and "return await asyncio.sleep(0)" in jobs


# -- CEL201: async task to sync task -------------------------------------------------------

def test_async_task_fix_on_the_doc_example(tmp_path: Path) -> None:
    doc = DOCS["CEL201"]
    bad = next(e for e in doc.examples if e.section == "Bad")
    assert fix_example(doc, bad, tmp_path, unsafe=False) == []  # it changes behaviour
    assert len(fix_example(doc, bad, tmp_path / "u", unsafe=True)) == 2
    assert run_rule(tmp_path / "u", "CEL201") == []
    tasks = without_markers((tmp_path / "u/proj/tasks.py").read_text(encoding="utf-8"))
    assert tasks.count("import asyncio\n") == 1
    assert ("@app.task\ndef refresh_prices(product_id):\n"
            "    return asyncio.run(_refresh_prices_async(product_id))\n") in tasks
    assert "\nasync def _refresh_prices_async(product_id):\n    async with httpx" in tasks
    assert ("@shared_task(bind=True)\ndef notify(self, user_id):\n"
            "    return asyncio.run(_notify_async(self, user_id))") in tasks


def _cel201(line: int, column: int = 11) -> Finding:
    return Finding("CEL201", "async-task", Severity.ERROR, "t.py", line, column, "m",
                   fix=Fix("run it", Applicability.UNSAFE))


def test_async_fix_keeps_signature_and_existing_asyncio_alias() -> None:
    source = ('"""Tasks."""\nimport asyncio as aio\n\n\n@app.task(name="x.y")\n'
              "async def fetch(a, /, b=2, *args, c: int, **kw) -> int:\n    return a\n")
    result = plan_file("t.py", source, [_cel201(6)])
    assert result.fixed == (
        '"""Tasks."""\nimport asyncio as aio\n\n\n'
        "async def _fetch_async(a, /, b=2, *args, c: int, **kw) -> int:\n    return a\n\n\n"
        '@app.task(name="x.y")\ndef fetch(a, /, b=2, *args, c: int, **kw) -> int:\n'
        "    return aio.run(_fetch_async(a, b, *args, c=c, **kw))\n")


def test_async_fix_adds_the_import_after_docstring_and_future_imports() -> None:
    source = ('"""Tasks."""\nfrom __future__ import annotations\n\nimport os\n\n\n'
              "@app.task\nasync def go():\n    pass\n")
    fixed = plan_file("t.py", source, [_cel201(8)]).fixed
    assert fixed.startswith('"""Tasks."""\nfrom __future__ import annotations\n\n'
                            "import asyncio\nimport os\n")


def test_async_fix_declines_when_it_cannot_be_done_cleanly() -> None:
    taken = "@app.task\nasync def go():\n    pass\n\n\nasync def _go_async():\n    pass\n"
    assert async_task_edits(taken, _cel201(2)) == ()
    nested = "class T:\n    @app.task\n    async def go(self):\n        pass\n"
    assert async_task_edits(nested, _cel201(3, 15)) == ()
    assert async_task_edits("def (:\n", _cel201(1)) == ()
