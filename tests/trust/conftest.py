"""Helpers for the trust suite: run the real CLI in this process and capture everything.

The trust tests prove properties of whole runs (no traceback, no execution, no leak,
same bytes every time), so they drive ``celerylint.cli.main`` exactly as a user does,
with stdout captured as bytes: the diagram commands write to ``sys.stdout.buffer``.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import FIXTURES

from celerylint import cli

CACHE_DIR_NAME = ".celerylint_cache"


@dataclass(frozen=True)
class CliOutcome:
    """One CLI run: exit code, stdout as bytes, stderr as text."""

    argv: tuple[str, ...]
    code: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode("utf-8", "replace")

    def describe(self) -> str:
        """What a failing assertion prints: the command and what it said."""
        return (f"celerylint {' '.join(self.argv)} -> exit {self.code}\n"
                f"--- stderr ---\n{self.err[-3000:]}\n--- stdout ---\n{self.text[-2000:]}")


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    """``contextlib.chdir`` for Python 3.10 too (the project supports it)."""
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


@contextmanager
def captured_streams() -> Iterator[tuple[io.BytesIO, io.StringIO]]:
    """stdout with a ``.buffer`` (as a terminal has), and stderr, both swapped back after."""
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    stderr = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, stderr
    try:
        yield raw, stderr
    finally:
        stdout.flush()
        sys.stdout, sys.stderr = saved


def run_cli(argv: Sequence[str], cwd: Path | None = None) -> CliOutcome:
    """``celerylint ARGV`` in this process; exceptions escaping ``main`` are not caught."""
    with captured_streams() as (raw, stderr):
        if cwd is None:
            code = cli.main(list(argv))
        else:
            with working_directory(cwd):
                code = cli.main(list(argv))
        sys.stdout.flush()
        out = raw.getvalue()
    return CliOutcome(tuple(argv), code, out, stderr.getvalue())


def assert_no_crash(outcome: CliOutcome, allowed: Sequence[int] = (0, 1)) -> None:
    """The contract of every trust test: an ordinary exit code and no traceback."""
    assert outcome.code in allowed, outcome.describe()
    assert "Traceback" not in outcome.err, outcome.describe()
    assert "internal error" not in outcome.err, outcome.describe()


def copy_fixture(name: str, destination: Path) -> Path:
    """A fixture project copied without any cache a previous run left in the checkout."""
    return Path(shutil.copytree(FIXTURES / name, destination,
                                ignore=shutil.ignore_patterns(CACHE_DIR_NAME)))


def project_fixtures() -> list[str]:
    """Every fixture project (a top-level directory of ``fixtures/``), sorted."""
    return sorted(path.name for path in FIXTURES.iterdir() if path.is_dir())


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but the cache, by relative path: to prove nothing changed."""
    found: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(CACHE_DIR_NAME):
            found[rel] = path.read_bytes()
    return found
