"""A cache entry that is not what celerylint wrote is a miss: never code, never a crash.

Every entry of a warm cache is replaced with one kind of bad entry (corrupt, truncated,
empty, of another schema or celerylint version, with a field of the wrong type, or
hostile: a pickle that would run a command, a marshal code object, marshal bytes that
crash ``marshal.loads``, nesting past the stack, huge integers); the next run parses
every file again and prints exactly what a run without a cache prints.
"""

from __future__ import annotations

import json
import marshal
import os
import pickle
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import require_program
from tests.trust.conftest import (
    CACHE_DIR_NAME,
    CliOutcome,
    assert_no_crash,
    copy_fixture,
    run_cli,
)

from celerylint import __version__
from celerylint.run_cache import NAMESPACE_PREFIX as RUNS_PREFIX
from celerylint.source.cache import ENTRY_MAGIC, ENTRY_SUFFIX, FACTS_SCHEMA_VERSION

Corruption = Callable[[bytes, Path], bytes]  # (a valid entry, a marker path) -> bad entry


class _RunsACommand:
    """Unpickling this runs ``touch marker``: what a planted pickle entry would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def _header(entry: bytes, **changes: object) -> bytes:
    magic, schema, version, facts = json.loads(entry)
    fields = {"magic": magic, "schema": schema, "version": version, "facts": facts, **changes}
    return json.dumps(list(fields.values())).encode()


def _with_facts(change: Callable[[list[object]], None]) -> Corruption:
    def corrupt(entry: bytes, _: Path) -> bytes:
        header = json.loads(entry)
        change(header[3])
        return json.dumps(header).encode()

    return corrupt


# An ImportFact as written: module, name, bound, its span inline, context, level, ...
IMPORT_OF_OS = ["os", None, "os", 1, 8, 1, 10, "module", 0, False, False, None, None, "", False]


def _first_span_line(facts: list[object], value: object) -> None:
    """The first import's line; a file that imports nothing gets an ``import os`` for it."""
    imports = facts[3]
    assert isinstance(imports, list)
    if not imports:
        imports.append(list(IMPORT_OF_OS))
    imports[0][3] = value


def _set(index: int, value: object) -> Callable[[list[object]], None]:
    def change(facts: list[object]) -> None:
        facts[index] = value

    return change


CORRUPTIONS: dict[str, Corruption] = {
    "corrupt": lambda entry, _: bytes(b ^ 0x5A for b in entry),
    "truncated": lambda entry, _: entry[: len(entry) // 2],
    "empty": lambda entry, _: b"",
    "not UTF-8": lambda entry, _: entry[:-1] + b"\xff",
    "another schema version": lambda entry, _: _header(entry, schema=FACTS_SCHEMA_VERSION + 1),
    "another celerylint version": lambda entry, _: _header(entry, version=__version__ + ".other"),
    "another format": lambda entry, _: _header(entry, magic="something-else"),
    "wrong type: path": _with_facts(_set(0, 1)),
    "wrong type: is_package": _with_facts(_set(2, "yes")),
    "wrong type: a line": _with_facts(lambda facts: _first_span_line(facts, "3")),
    "wrong type: a tuple": _with_facts(_set(3, {"imports": []})),
    "huge integer": _with_facts(lambda facts: _first_span_line(facts, 10**40)),
    "integer past JSON's digits": lambda entry, _: entry.replace(b",", b"," + b"9" * 5000 + b",", 1),
    "deep nesting": lambda entry, _: b"[" * 200_000 + b"]" * 200_000,
    "pickle running a command": lambda entry, marker: pickle.dumps(_RunsACommand(marker)),
    "marshal code object": lambda entry, marker: marshal.dumps(
        compile(f"import os; os.system('touch {marker}')", "<planted>", "exec")),
    # marshal.loads segfaults on these 16 bytes (cpython gh-148653): why entries are JSON.
    "marshal crashing the interpreter": lambda entry, _: (
        b"\xa8\x02\x00\x00\x00N<\x01\x00\x00\x00r\x00\x00\x00\x00"),
}


def _check(project: Path, *flags: str) -> CliOutcome:
    outcome = run_cli(["check", str(project), "--preview", "--exit-zero", "--verbose",
                       "--format", "json", *flags], cwd=project)
    assert_no_crash(outcome)
    return outcome


def _forget_stored_runs(project: Path) -> None:
    """Drop the stored whole runs and rule results, so the next run reads facts entries
    (an unchanged tree would otherwise replay its report without opening them)."""
    for runs in (project / CACHE_DIR_NAME).glob(f"{RUNS_PREFIX}*"):
        shutil.rmtree(runs)


def _entries(project: Path) -> list[Path]:
    return sorted((project / CACHE_DIR_NAME).glob(f"facts-*/*{ENTRY_SUFFIX}"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, int]:
    """The demo project with a warm cache, its report, and how many files it has."""
    project = copy_fixture("demo", tmp_path_factory.mktemp("hostile") / "demo")
    reference = _check(project, "--no-cache").out
    _check(project)
    return project, reference, len(_entries(project))


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_bad_entry_is_a_miss_and_the_output_is_unchanged(
        kind: str, demo: tuple[Path, bytes, int], tmp_path: Path) -> None:
    project, reference, files = demo
    marker = tmp_path / "command-ran"
    entries = _entries(project)
    assert len(entries) == files > 0
    for entry in entries:
        entry.write_bytes(CORRUPTIONS[kind](entry.read_bytes(), marker))
    _forget_stored_runs(project)
    outcome = _check(project)
    assert f"{files} Python files: 0 from the cache, {files} parsed" in outcome.err, \
        outcome.describe()
    assert outcome.out == reference
    assert not marker.exists()
    _forget_stored_runs(project)
    assert "from the cache, 0 parsed" in _check(project).err  # rewritten: warm again


def test_a_committed_cache_of_valid_entries_is_still_not_used(tmp_path: Path) -> None:
    """Entries that decode are still the repository's word: cache_trust refuses them."""
    require_program("git", "git")
    project = copy_fixture("demo", tmp_path / "demo")
    subprocess.run(["git", "-C", str(project), "init", "-q"], check=True, capture_output=True)
    _check(project)  # writes the cache, which git does not track yet
    assert _entries(project)
    subprocess.run(["git", "-C", str(project), "add", "-f", "."], check=True, capture_output=True)
    reference = _check(project, "--no-cache").out
    outcome = _check(project)
    assert "git tracks files in the cache directory" in outcome.err
    assert "0 from the cache" in outcome.err, outcome.describe()
    assert outcome.out == reference
