"""ReportContext: source lines as Python numbers them, docs, rule fallbacks, paths."""

from __future__ import annotations

from pathlib import Path

from tests.report.builders import RULES, ContextFactory, result_get, write_files

from celerylint.report.context import ReportContext


def test_source_lines_are_numbered_as_python_numbers_them(
    make_context: ContextFactory, project_root: Path
) -> None:
    write_files(project_root, {"proj/odd.py": "a = 1\x0c\r\nb = 2\rc = 3\nd = 4\n"})
    context = make_context([])
    finding = result_get(2, path="proj/odd.py", end_line=3)
    assert context.source_lines(finding) == ("b = 2", "c = 3")
    assert context.source_line(result_get(1, path="proj/odd.py")) == "a = 1\x0c"


def test_source_is_read_once_per_context(make_context: ContextFactory,
                                         project_root: Path) -> None:
    context = make_context([])
    first = context.source_line(result_get())
    (project_root / "proj/tasks.py").write_text("changed\n" * 10, encoding="utf-8")
    assert context.source_line(result_get()) == first
    assert make_context([]).source_line(result_get()) == "changed"


def test_docs_load_lazily_from_the_rules_folder(project_root: Path) -> None:
    context = ReportContext((), RULES, project_root, project_root)
    doc = context.doc_for("CEL303")
    assert doc is not None and doc.name == "result-get-in-task"


def test_rule_for_an_unknown_code_uses_the_finding(make_context: ContextFactory) -> None:
    meta = make_context([]).rule_for(result_get(code="CEL998", name="other-rule"))
    assert (meta.code, meta.name, meta.summary) == ("CEL998", "other-rule", "")


def test_repository_path_without_a_checkout_is_the_project_path(
    make_context: ContextFactory,
) -> None:
    assert make_context([]).repository_path(result_get()) == "proj/tasks.py"
