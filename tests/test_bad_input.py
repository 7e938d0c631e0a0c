"""Hostile and broken inputs: the run completes, each bad file is one CEL001, no traceback.

Every rule runs (the default selection), because any rule may be the one that trips
over a file the extractor could not read.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import pathlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write_tree

from celerylint import cli
from celerylint.source.extract import extract_module_facts

pytestmark = pytest.mark.usefixtures("preview_rules_as_stable")

LONG_FILE_LINES = 20_000
# A 20,000-line module: a long docstring, then a broken import on its last line.
LONG_FILE = '"""\n' + "documentation line\n" * (LONG_FILE_LINES - 3) + '"""\nimport pkg.gone\n'

BAD_FILES: dict[str, str | bytes] = {
    "bad/unparsable.py": "def broken(:\n    pass\n",
    "bad/latin1.py": b"# no coding cookie\nname = 'caf\xe9'\n",
    "bad/binary.py": b"\x7fELF\x00\x01\x02\x00binary",
    "bad/unreadable.py": "x = 1\n",
    "bad/parens.py": "x = " + "(" * 500 + "1" + ")" * 500 + "\n",
    "bad/nested_list.py": "x = " + "[" * 500 + "]" * 500 + "\n",
    "bad/deep_calls.py": "x = " + "f(" * 500 + ")" * 500 + "\n",
}
EXPECTED_MESSAGES = {
    "bad/unparsable.py": "invalid syntax",
    "bad/latin1.py": "cannot decode source",
    "bad/binary.py": "NUL bytes",
    "bad/unreadable.py": "cannot read file",
    "bad/parens.py": "too many nested parentheses",
    "bad/nested_list.py": "too many nested parentheses",
    "bad/deep_calls.py": "too many nested parentheses",
}
HARMLESS: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/empty.py": "",
    "pkg/only_comments.py": "# nothing here\n",
    "pkg/long.py": LONG_FILE,
    # A template that is Python once its markers are blanked is analysed, not refused.
    "pkg/template.py": "{% if celery %}\nimport celery\n{% endif %}\n",
    "pkg/dir.py/notes.txt": "a directory whose name ends in .py\n",
}
UNREADABLE = "bad/unreadable.py"


@pytest.fixture
def unreadable_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading UNREADABLE fails as with chmod 000 (tests run as root, where chmod does not)."""
    real_open: Callable[..., Any] = builtins.open
    real_read_bytes = pathlib.Path.read_bytes

    def refuse(path: str | os.PathLike[str]) -> None:
        name = os.fspath(path)
        if name.replace(os.sep, "/").endswith(UNREADABLE):
            raise PermissionError(13, "Permission denied", name)

    def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "r" in mode and isinstance(file, (str, os.PathLike)):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def guarded_read_bytes(self: Path) -> bytes:
        refuse(self)
        return real_read_bytes(self)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(pathlib.Path, "read_bytes", guarded_read_bytes)


def test_bad_files_each_give_one_clear_cel001(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    unreadable_file: None,
) -> None:
    write_tree(tmp_path, {**BAD_FILES, **HARMLESS})
    monkeypatch.chdir(tmp_path)
    code = cli.main(["check", ".", "--format", "json"])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    assert "Traceback" not in captured.err
    assert "internal error" not in captured.err
    findings = json.loads(captured.out)
    unparsable = {f["filename"]: f for f in findings if f["code"] == "CEL001"}
    assert sorted(f["filename"] for f in findings if f["code"] == "CEL001") == sorted(BAD_FILES)
    for path, expected in EXPECTED_MESSAGES.items():
        assert expected in unparsable[path]["message"], unparsable[path]
    # The good files are still analysed, to their last line.
    long_findings = [(f["code"], f["location"]["row"]) for f in findings
                     if f["filename"] == "pkg/long.py"]
    assert long_findings == [("CEL701", LONG_FILE_LINES)]


def test_syntax_error_points_at_the_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {"ok.py": "x = 1\n", "broken.py": "x = 1\ny = (\nz = 2\n"})
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", ".", "--select", "CEL001"]) == 1
    out = capsys.readouterr().out
    assert "broken.py:2:5: CEL001 [unparsable-file]" in out
    assert "was never closed" in out


def test_text_output_survives_bad_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The human format shows source lines: NUL bytes and latin-1 must not break it."""
    write_tree(tmp_path, {k: v for k, v in BAD_FILES.items() if k != UNREADABLE})
    monkeypatch.chdir(tmp_path)
    code = cli.main(["check", "."])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert "Traceback" not in captured.err
    assert captured.out.count("CEL001") == len(BAD_FILES) - 1
    assert "\x00" not in captured.out


# --- the extractor on its own -------------------------------------------------------------------

@pytest.mark.parametrize("depth", [50, 150, 199])
def test_deep_but_valid_nesting_is_never_called_a_syntax_error(depth: int) -> None:
    source = "x = " + "[" * depth + "]" * depth + "\ny = " + "f(" * depth + ")" * depth + "\n"
    facts = extract_module_facts("deep.py", "deep", False, source.encode())
    if facts.parse_failure is not None:  # too deep for the traversal: say so, honestly
        assert "Python itself may accept" in facts.parse_failure.message


def test_very_long_operator_chains_do_not_crash() -> None:
    source = "x = " + " + ".join(["1"] * 5000) + "\n"
    facts = extract_module_facts("chain.py", "chain", False, source.encode())
    assert facts.parse_failure is not None
    assert "nested too deeply" in facts.parse_failure.message


def test_non_utf8_beyond_the_first_lines_names_the_line() -> None:
    data = b"a = 1\nb = 2\nc = 3\nname = 'caf\xe9'\n"
    facts = extract_module_facts("latin.py", "latin", False, data)
    assert facts.parse_failure is not None
    assert "byte 0xe9 on line 4" in facts.parse_failure.message


def test_oversized_file_is_not_parsed() -> None:
    facts = extract_module_facts("huge.py", "huge", False, b"#" * 5_000_001)
    assert facts.parse_failure is not None
    assert "larger than" in facts.parse_failure.message
