"""Env files: which files, which environment, which family, and what python-dotenv reads."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from dotenv import dotenv_values
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from celerylint.project.environment.envfiles import (
    MAX_ENV_FILE_BYTES,
    EnvFile,
    Environment,
    EnvProblemKind,
    environment_of,
    is_env_file_candidate,
    is_example_path,
    parse_env_file,
    sibling_key,
)


def parse(text: str, path: str = ".env") -> EnvFile:
    return parse_env_file(path, text.encode("utf-8"))


# --- Candidates -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ".env", ".env.local", ".env.production", ".env.example", "env.example", "prod.env",
        "settings.env", "config/development.env", "app.env.example", ".envs/.local/.django",
        ".envs/.production/.postgres", "docker/env.prod", "docker/env.stage.example",
        ".env.dist", "sub/dir/.env", "C:\\proj\\.env",
    ],
)  # fmt: skip
def test_env_file_candidates(path: str) -> None:
    assert is_env_file_candidate(path)


@pytest.mark.parametrize(
    "path",
    [
        ".envrc", "environment.yml", "env.py", ".env.py", "settings/env.py", "env.yaml",
        "docker/env.sh", ".envs/README.md", "environment", "venv", "src/envelope.txt", "",
    ],
)  # fmt: skip
def test_not_env_file_candidates(path: str) -> None:
    assert not is_env_file_candidate(path)


# --- Environments and families --------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "environment", "example", "family"),
    [
        (".env", None, False, "env"),
        (".env.local", Environment.DEVELOPMENT, False, "env"),
        (".env.production", Environment.PRODUCTION, False, "env"),
        (".env.production.local", Environment.PRODUCTION, False, "env"),
        (".env.example", None, True, "env"),
        ("env.example", None, True, "env"),
        ("prod.env", Environment.PRODUCTION, False, "env"),
        ("settings.env", None, False, "settings.env"),
        (".envs/.production/.django", Environment.PRODUCTION, False, "envs/*/django"),
        (".envs/.local/.celery", Environment.DEVELOPMENT, False, "envs/*/celery"),
        ("config/development.env", Environment.DEVELOPMENT, False, "config/env"),
        ("config/production.env", Environment.PRODUCTION, False, "config/env"),
        ("docker/env.prod.example", Environment.PRODUCTION, True, "docker/env"),
        ("docker/env.stage.example", Environment.STAGING, True, "docker/env"),
        ("deploy/prod-eu/app.env", Environment.PRODUCTION, False, "deploy/eu/app.env"),
        ("config/test.env", Environment.TEST, False, "config/env"),
        ("templates/.env", None, False, "templates/env"),
    ],
)
def test_environment_example_flag_and_family(
    path: str, environment: Environment | None, example: bool, family: str
) -> None:
    assert environment_of(path) == environment
    assert is_example_path(path) is example
    assert sibling_key(path) == family


def test_environment_is_a_plain_string_too() -> None:
    assert environment_of(".env.prod") == "production"


def test_siblings_group_across_environments_but_not_across_directories() -> None:
    paths = [".env", ".env.production", "config/development.env", "config/production.env"]
    families: dict[str, list[str]] = {}
    for path in paths:
        families.setdefault(sibling_key(path), []).append(path)
    assert families == {
        "env": [".env", ".env.production"],
        "config/env": ["config/development.env", "config/production.env"],
    }


def test_parse_records_environment_and_example_flag() -> None:
    env_file = parse_env_file("docker/env.prod.example", b"A=1\n")
    assert (env_file.environment, env_file.is_example) == (Environment.PRODUCTION, True)


# --- Reading ----------------------------------------------------------------------

SAMPLE = """\
# Broker settings
CELERY_BROKER_URL=redis://redis:6379/0

  export  REDIS_PASSWORD='s3 cr3t'   # inline comment
MULTI="first
second"
EMPTY=
BARE
SPACED = value with spaces  # trailing comment
HASH="not # a comment"
"""


def test_entries_keys_values_and_positions() -> None:
    env_file = parse(SAMPLE)
    got = [(e.key, e.value, e.line, e.column, e.end_line, e.exported) for e in env_file.entries]
    assert got == [
        ("CELERY_BROKER_URL", "redis://redis:6379/0", 2, 1, 2, False),
        ("REDIS_PASSWORD", "s3 cr3t", 4, 11, 4, True),
        ("MULTI", "first\nsecond", 5, 1, 6, False),
        ("EMPTY", "", 7, 1, 7, False),
        ("BARE", None, 8, 1, 8, False),
        ("SPACED", "value with spaces", 9, 1, 9, False),
        ("HASH", "not # a comment", 10, 1, 10, False),
    ]
    assert env_file.problems == ()


def test_values_agree_with_python_dotenv() -> None:
    expected = dotenv_values(stream=io.StringIO(SAMPLE), interpolate=False)
    env_file = parse(SAMPLE)
    assert {entry.key: entry.value for entry in env_file.entries} == expected


def test_interpolation_is_left_as_written() -> None:
    env_file = parse("A=${HOME}/x\n")
    assert env_file.entries[0].value == "${HOME}/x"


def test_windows_line_endings_keep_line_numbers() -> None:
    env_file = parse("A=1\r\n\r\nB=2\r\n")
    assert [(e.key, e.value, e.line) for e in env_file.entries] == [("A", "1", 1), ("B", "2", 3)]


def test_keys_and_last_statement_wins() -> None:
    env_file = parse("A=1\nB=2\nA=3\n")
    assert env_file.keys() == frozenset({"A", "B"})
    entry = env_file.entry("A")
    assert entry is not None and entry.value == "3"
    assert env_file.entry("MISSING") is None


def test_duplicates_pair_each_statement_with_the_one_it_overrides() -> None:
    env_file = parse("A=1\nB=2\nA=3\nA=4\n")
    assert [(earlier.line, later.line) for earlier, later in env_file.duplicates()] == [
        (1, 3),
        (3, 4),
    ]


def test_malformed_lines_become_problems_and_parsing_goes_on() -> None:
    env_file = parse("A=1\n=novalue\nNOT VALID=2\nB='unclosed\nC=3\n")
    assert [e.key for e in env_file.entries] == ["A", "C"]
    assert [(p.line, p.kind) for p in env_file.problems] == [
        (2, EnvProblemKind.UNPARSABLE_LINE),
        (3, EnvProblemKind.UNPARSABLE_LINE),
        (4, EnvProblemKind.UNPARSABLE_LINE),
    ]


def test_problem_messages_never_quote_the_line() -> None:
    env_file = parse("PASSWORD hunter2\n")
    (problem,) = env_file.problems
    assert "hunter2" not in problem.message and "Line 1 " in problem.message


def test_utf8_bom_is_tolerated_and_recorded() -> None:
    env_file = parse_env_file(".env", b"\xef\xbb\xbfA=1\n")
    assert [e.key for e in env_file.entries] == ["A"]
    assert env_file.has_bom and env_file.problems == ()


def test_invalid_utf8_is_reported_and_the_rest_still_read() -> None:
    env_file = parse_env_file(".env", b"A=1\nB=caf\xe9\nC=3\n")
    assert [e.key for e in env_file.entries] == ["A", "B", "C"]
    assert [(p.line, p.kind) for p in env_file.problems] == [(2, EnvProblemKind.UNDECODABLE)]


def test_utf16_files_are_reported_not_misread() -> None:
    env_file = parse_env_file(".env", "A=1\r\n".encode("utf-16"))
    assert env_file.entries == ()
    assert [p.kind for p in env_file.problems] == [EnvProblemKind.UTF16]


def test_binary_files_are_reported_not_read() -> None:
    env_file = parse_env_file(".env", b"A=1\nB=\x00\x01\x02\n")
    assert env_file.entries == ()
    assert [(p.line, p.kind) for p in env_file.problems] == [(2, EnvProblemKind.BINARY)]


@settings(max_examples=200)
@given(st.binary(max_size=400))
def test_any_bytes_are_read_without_raising(data: bytes) -> None:
    env_file = parse_env_file(".env", data)
    assert all(entry.line >= 1 and entry.column >= 1 for entry in env_file.entries)
    assert all(problem.line >= 0 for problem in env_file.problems)


@given(st.text(max_size=300))
def test_any_text_matches_python_dotenv(text: str) -> None:
    assume("\x00" not in text)  # a NUL makes the file binary: nothing is read
    env_file = parse_env_file(".env", text.encode("utf-8"))
    expected = dotenv_values(stream=io.StringIO(text.removeprefix("\ufeff")), interpolate=False)
    assert {entry.key: entry.value for entry in env_file.entries} == expected


def test_a_huge_file_is_read_only_up_to_the_limit_and_fast(tmp_path: Path) -> None:
    huge = tmp_path / "huge.env"
    line = b"SOME_FAIRLY_LONG_KEY_NAME=some fairly long value for this key\n"
    huge.write_bytes(line * (10 * 1024 * 1024 // len(line) + 1))
    started = time.perf_counter()
    env_file = parse_env_file(".env", huge.read_bytes())
    elapsed = time.perf_counter() - started
    assert elapsed < 5.0
    assert len(env_file.entries) == MAX_ENV_FILE_BYTES // len(line)
    assert [p.kind for p in env_file.problems] == [EnvProblemKind.TOO_LARGE]


def test_reading_never_touches_the_process_environment() -> None:
    key = "CELERYLINT_TEST_SHOULD_NOT_LEAK"
    parse(f"{key}=1\nexport {key}_2=2\n")
    assert key not in os.environ and f"{key}_2" not in os.environ
