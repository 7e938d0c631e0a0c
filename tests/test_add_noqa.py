"""``--add-noqa``: comments go only where they are comments, and silence the findings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import FIXTURES

from celerylint import api
from celerylint.add_noqa import FileStyle, add_noqa, file_style, insert_noqa, line_facts
from celerylint.settings import Settings


def noqa(style: str, text: str, codes: dict[int, set[str]]) -> tuple[str, list[int]]:
    facts = line_facts(style, text)
    assert facts is not None
    new_text, _added, skipped = insert_noqa(text, codes, facts)
    return new_text, skipped


def test_python_comment_is_appended_or_merged() -> None:
    text = ("A = 1\n"
            "B = 2  # noqa: E501\n"
            "C = 3  # type: ignore\n"
            "D = 4  # noqa: CEL101\n")
    new, skipped = noqa(FileStyle.PYTHON, text, {1: {"CEL104"}, 2: {"CEL104", "CEL101"},
                                                 3: {"CEL101"}, 4: {"CEL101"}})
    assert new == ("A = 1  # noqa: CEL104\n"
                   "B = 2  # noqa: E501, CEL101, CEL104\n"
                   "C = 3  # type: ignore  # noqa: CEL101\n"
                   "D = 4  # noqa: CEL101\n")
    assert skipped == []


def test_python_lines_that_cannot_take_a_comment_are_skipped() -> None:
    text = ('QUERY = """\n'
            "SELECT 1\n"
            '"""\n'
            "TOTAL = 1 + \\\n"
            "    2\n"
            "WORDS = f'a {1}'\n")
    new, skipped = noqa(FileStyle.PYTHON, text, {1: {"CEL1"}, 2: {"CEL1"}, 3: {"CEL1"},
                                                 4: {"CEL1"}, 5: {"CEL1"}, 6: {"CEL1"}})
    assert skipped == [1, 2, 4]
    assert new.splitlines() == ['QUERY = """', "SELECT 1", '"""  # noqa: CEL1',
                                "TOTAL = 1 + \\", "    2  # noqa: CEL1",
                                "WORDS = f'a {1}'  # noqa: CEL1"]


def test_unparsable_python_gets_nothing() -> None:
    assert line_facts(FileStyle.PYTHON, "def broken(:\n") is None


def test_env_values_keep_their_meaning() -> None:
    text = ('URL=redis://redis:6379/0\n'
            'QUOTED="a # not a comment"\n'
            'MULTI="first\n'
            'second"\n'
            "HASH=a#b\n"
            "APOSTROPHE=it's # said\n")
    new, skipped = noqa(FileStyle.ENV, text, {n: {"CEL606"} for n in range(1, 7)})
    assert skipped == [3]
    assert new.splitlines() == [
        "URL=redis://redis:6379/0  # noqa: CEL606",
        'QUOTED="a # not a comment"  # noqa: CEL606',
        'MULTI="first',
        'second"  # noqa: CEL606',
        "HASH=a#b  # noqa: CEL606",
        "APOSTROPHE=it's # said  # noqa: CEL606",
    ]


def test_yaml_block_scalars_are_left_alone() -> None:
    text = ("services:\n"
            "  worker:\n"
            "    command: >\n"
            "      celery -A proj worker\n"
            "      -Q default\n"
            "    image: 'app:latest' # pinned\n")
    new, skipped = noqa(FileStyle.YAML, text, {3: {"CEL401"}, 4: {"CEL401"}, 6: {"CEL402"}})
    assert skipped == [4]
    assert new.splitlines()[2] == "    command: >  # noqa: CEL401"
    assert new.splitlines()[5] == "    image: 'app:latest' # pinned  # noqa: CEL402"


def _copy_demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", root, ignore=shutil.ignore_patterns(".celerylint_cache"))
    return root


def _run(root: Path) -> api.RunResult:
    result = api.run(Settings(root=root, paths=(root,), use_cache=False))
    assert not result.internal_errors
    return result


def test_demo_reports_nothing_after_add_noqa(tmp_path: Path) -> None:
    root = _copy_demo(tmp_path)
    before = _run(root).findings
    assert {f.path.rsplit(".", 1)[-1] for f in before} >= {"py", "env", "yml"}
    outcome = add_noqa(before, root)
    assert outcome.skipped == []
    assert outcome.added == len({(f.path, f.line, f.code) for f in before})
    assert _run(root).findings == []  # and no CEL002: every added code is used


def test_files_that_cannot_carry_comments_are_reported(tmp_path: Path) -> None:
    from celerylint.findings import Finding, Severity

    (tmp_path / "Dockerfile").write_text('CMD ["celery", "worker"]\n', encoding="utf-8")
    finding = Finding("CEL403", "x", Severity.ERROR, "Dockerfile", 1, 1, "m")
    outcome = add_noqa([finding], tmp_path)
    assert outcome.added == 0 and "cannot carry" in outcome.skipped[0]
    assert (tmp_path / "Dockerfile").read_text(encoding="utf-8") == 'CMD ["celery", "worker"]\n'


@pytest.mark.parametrize(("path", "style"), [
    ("proj/tasks.py", FileStyle.PYTHON), (".env", FileStyle.ENV),
    ("config/production.env", FileStyle.ENV), ("k8s/worker.yaml", FileStyle.YAML),
    ("Procfile", FileStyle.SHELL), ("requirements-dev.txt", FileStyle.SHELL),
    ("Dockerfile", None), ("deploy/worker.service", None),
])
def test_file_styles(path: str, style: str | None) -> None:
    assert file_style(path) == style


def test_shell_style_comment_goes_after_quoted_arguments() -> None:
    text = "worker: celery -A proj worker -Q 'a b'\n"
    new, skipped = noqa(FileStyle.SHELL, text, {1: {"CEL401"}})
    assert skipped == [] and new == "worker: celery -A proj worker -Q 'a b'  # noqa: CEL401\n"
