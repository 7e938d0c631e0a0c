"""Where findings are silenced: ``# noqa: CODE`` lines, skip-file comments, per-file ignores."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint import api
from celerylint.findings import Finding, Severity
from celerylint.settings import Settings
from celerylint.source.extract import extract_module_facts
from celerylint.suppression import (
    FileSuppressions,
    apply_suppressions,
    parse_noqa,
    suppressions_from_facts,
    suppressions_from_text,
)

pytestmark = pytest.mark.usefixtures("preview_rules_as_stable")


def finding(code: str, line: int, path: str = "pkg/a.py") -> Finding:
    names = {"CEL701": "missing-module", "CEL702": "missing-imported-name",
             "CEL601": "missing-env-variable"}
    return Finding(code, names.get(code, "some-rule"), Severity.ERROR, path, line, 1, "msg")


def kept_after(findings: list[Finding], suppressions: FileSuppressions | None,
               per_file: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> list[tuple[str, int]]:
    result = apply_suppressions(findings, lambda path: suppressions, per_file)
    assert len(result.kept) + len(result.suppressed) == len(findings)
    return [(f.code, f.line) for f in result.kept]


def python_suppressions(source: str) -> FileSuppressions:
    facts = extract_module_facts("pkg/a.py", "pkg.a", False, textwrap.dedent(source).encode())
    return suppressions_from_facts(facts)


# --- reading the directive ---------------------------------------------------------------

@pytest.mark.parametrize(("comment", "codes"), [
    ("# noqa: CEL701", ("CEL701",)),
    ("#noqa:CEL701", ("CEL701",)),
    ("# NOQA: cel701", ("CEL701",)),
    ("# noqa: CEL702, CEL701", ("CEL701", "CEL702")),
    ("# noqa: CEL701 CEL702 because it is generated", ("CEL701", "CEL702")),
    ("# noqa: E501, CEL701", ("CEL701",)),  # other linters' codes may share the comment
    ("# type: ignore[attr]  # noqa: CEL701", ("CEL701",)),
    ("# noqa", None),
    ("# noqa: E501", ()),
    ("# just a comment", None),
])
def test_parse_noqa(comment: str, codes: tuple[str, ...] | None) -> None:
    assert parse_noqa(comment) == codes


# --- Python files -------------------------------------------------------------------------

def test_noqa_suppresses_only_its_code_on_its_line() -> None:
    suppressions = python_suppressions("""\
        import x  # noqa: CEL701
        import y
    """)
    findings = [finding("CEL701", 1), finding("CEL702", 1), finding("CEL701", 2)]
    assert kept_after(findings, suppressions) == [("CEL702", 1), ("CEL701", 2)]


def test_noqa_with_two_codes() -> None:
    suppressions = python_suppressions("from x import y  # noqa: CEL701, CEL702\n")
    findings = [finding("CEL701", 1), finding("CEL702", 1), finding("CEL703", 1)]
    assert kept_after(findings, suppressions) == [("CEL703", 1)]


def test_blanket_noqa_does_not_suppress() -> None:
    suppressions = python_suppressions("import x  # noqa\nimport y  # noqa: E401\n")
    assert kept_after([finding("CEL701", 1), finding("CEL701", 2)], suppressions) == [
        ("CEL701", 1), ("CEL701", 2)]


def test_noqa_inside_a_string_does_not_count() -> None:
    suppressions = python_suppressions("""\
        x = "# noqa: CEL701"
        y = '''
        # noqa: CEL701
        '''
    """)
    assert suppressions.by_line == {}
    assert kept_after([finding("CEL701", 1), finding("CEL701", 3)], suppressions) == [
        ("CEL701", 1), ("CEL701", 3)]


def test_skip_file_comment_suppresses_everything_in_the_file() -> None:
    suppressions = python_suppressions("# celerylint: noqa\nimport x\n")
    assert suppressions.skip_file
    assert kept_after([finding("CEL701", 2), finding("CEL001", 1)], suppressions) == []


def test_used_directives_are_recorded() -> None:
    suppressions = python_suppressions("import x  # noqa: CEL701, CEL702\n")
    result = apply_suppressions([finding("CEL701", 1)], lambda path: suppressions)
    assert result.used == {("pkg/a.py", 1, "CEL701")}
    (directive,) = result.directives
    assert (directive.line, directive.column, directive.codes) == (1, 11, ("CEL701", "CEL702"))


# --- text files -------------------------------------------------------------------------------

def test_noqa_in_an_env_file() -> None:
    suppressions = suppressions_from_text(
        "config/prod.env", "# production\nBROKER_URL=redis://x  # noqa: CEL601\nOTHER=1\n")
    findings = [finding("CEL601", 2, "config/prod.env"), finding("CEL601", 3, "config/prod.env")]
    assert kept_after(findings, suppressions) == [("CEL601", 3)]
    assert suppressions.by_line[2].column == 23


def test_noqa_in_yaml_and_blanket_noqa_in_text() -> None:
    suppressions = suppressions_from_text("docker-compose.yml", textwrap.dedent("""\
        services:
          worker:
            command: celery -A proj worker -Q a  # noqa: CEL401
            image: x  # noqa
    """))
    findings = [finding("CEL401", 3, "docker-compose.yml"), finding("CEL401", 4, "x.yml")]
    assert kept_after(findings, suppressions) == [("CEL401", 4)]


def test_skip_file_in_a_text_file() -> None:
    assert suppressions_from_text("Procfile", "# celerylint: noqa\nworker: celery\n").skip_file
    assert not suppressions_from_text("Procfile", "worker: celery  # celerylint: noqa\n").skip_file


# --- per-file ignores --------------------------------------------------------------------------

@pytest.mark.parametrize(("per_file", "kept"), [
    ((("pkg/a.py", ("CEL701",)),), [("CEL702", 1)]),
    ((("pkg/*", ("CEL7",)),), []),
    ((("a.py", ("missing-imported-name",)),), [("CEL701", 1)]),
    ((("*.py", ("ALL",)),), []),
    ((("other/*", ("CEL7",)),), [("CEL701", 1), ("CEL702", 1)]),
    ((("pkg/*", ("C",)),), [("CEL701", 1), ("CEL702", 1)]),  # not a selector of ours
])
def test_per_file_ignores(per_file: tuple[tuple[str, tuple[str, ...]], ...],
                          kept: list[tuple[str, int]]) -> None:
    assert kept_after([finding("CEL701", 1), finding("CEL702", 1)], None, per_file) == kept


# --- through the pipeline ---------------------------------------------------------------------

def test_noqa_end_to_end(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/helpers.py": "present = 1\n",
        "pkg/a.py": """\
            from pkg.gone import x  # noqa: CEL701
            from pkg.helpers import (
                absent,  # noqa: CEL702
                also_absent,
            )
            import pkg.vanished  # noqa
        """,
        "pkg/skipped.py": "# celerylint: noqa\nimport pkg.nowhere\n",
        "pkg/broken.py": "# celerylint: noqa\ndef broken(:\n",
    })
    settings = Settings(root=tmp_path, paths=(tmp_path,), select=("CEL7", "CEL001"),
                        use_cache=False)
    result = api.run(settings)
    assert [(f.code, f.path, f.line) for f in result.findings] == [
        ("CEL702", "pkg/a.py", 4), ("CEL701", "pkg/a.py", 6),
    ]
    assert result.suppression is not None
    assert {(f.code, f.path) for f in result.suppression.suppressed} == {
        ("CEL701", "pkg/a.py"), ("CEL702", "pkg/a.py"), ("CEL701", "pkg/skipped.py"),
        ("CEL001", "pkg/broken.py"),
    }
