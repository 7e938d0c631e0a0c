"""Env files (``.env``, ``config/production.env``, ``.envs/.local/.celery``) as facts.

Celery projects read their broker URL, result backend and secrets from env
files, and most "works on my machine" bugs are a key present in one
environment's file and missing from another's.  This module finds the files,
reads them exactly as python-dotenv does (its own parser, never
``load_dotenv``, so ``os.environ`` is untouched) and groups them into
families of siblings that rules can compare.

Reading never raises: undecodable, binary, oversized or malformed content
becomes an :class:`EnvProblem` next to whatever could be read.
"""

from __future__ import annotations

import enum
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from dotenv.parser import Binding, parse_stream

from celerylint.secrets import looks_like_placeholder, looks_like_secret_key
from celerylint.source.templates import template_lines_blanked

__all__ = [
    "MAX_ENV_FILE_BYTES",
    "EnvEntry",
    "EnvFile",
    "EnvProblem",
    "EnvProblemKind",
    "Environment",
    "environment_of",
    "is_env_file_candidate",
    "is_example_path",
    "looks_like_placeholder",
    "looks_like_secret_key",
    "parse_env_file",
    "reads_as_env_file",
    "sibling_key",
]

# Real env files are a few kilobytes.  python-dotenv's parser needs about a
# second per megabyte, so a larger file is read only up to this limit.
MAX_ENV_FILE_BYTES = 256 * 1024


class Environment(str, enum.Enum):
    """The deployment stage an env file configures; compares equal to its value."""

    DEVELOPMENT = "development"
    STAGING = "staging"
    PRODUCTION = "production"
    TEST = "test"


class EnvProblemKind(enum.Enum):
    """Why (part of) an env file could not be read."""

    UNPARSABLE_LINE = "unparsable-line"
    UNDECODABLE = "undecodable"
    BINARY = "binary"
    UTF16 = "utf16"
    TOO_LARGE = "too-large"


@dataclass(frozen=True)
class EnvEntry:
    """One ``KEY=value`` statement.

    ``line``/``column`` (1-based) point at the key, after any ``export``;
    ``end_line`` is the last line of a multi-line quoted value.  ``value`` is
    None for a bare ``KEY`` line, which python-dotenv reads as "unset".
    """

    key: str
    value: str | None
    line: int
    column: int
    end_line: int
    exported: bool = False


@dataclass(frozen=True)
class EnvProblem:
    """Something python-dotenv would skip or misread; ``line`` is 1-based (0: whole file)."""

    line: int
    message: str
    kind: EnvProblemKind


@dataclass(frozen=True)
class EnvFile:
    """Everything read from one env file, in file order.

    ``has_bom`` records a UTF-8 byte-order mark: it is skipped here, but
    python-dotenv reading with ``encoding="utf-8"`` makes it part of the first
    key's name.
    """

    path: str
    environment: Environment | None
    is_example: bool
    entries: tuple[EnvEntry, ...]
    problems: tuple[EnvProblem, ...]
    has_bom: bool = False

    def keys(self) -> frozenset[str]:
        """Every key the file mentions, set or not."""
        return frozenset(entry.key for entry in self.entries)

    def entry(self, key: str) -> EnvEntry | None:
        """The statement that wins for ``key``: the last, as in python-dotenv."""
        for entry in reversed(self.entries):
            if entry.key == key:
                return entry
        return None

    def duplicates(self) -> list[tuple[EnvEntry, EnvEntry]]:
        """(earlier, later) pairs of statements for the same key.

        A key written three times yields two pairs, each later statement
        paired with the one it overrides, in file order.
        """
        previous: dict[str, EnvEntry] = {}
        pairs: list[tuple[EnvEntry, EnvEntry]] = []
        for entry in self.entries:
            if entry.key in previous:
                pairs.append((previous[entry.key], entry))
            previous[entry.key] = entry
        return pairs


# --- Which files, which environment ------------------------------------------

_NOT_ENV_SUFFIXES = frozenset(
    {
        "py", "pyc", "pyi", "pyo", "sh", "bash", "zsh", "fish", "ps1", "bat", "yml",
        "yaml", "json", "toml", "ini", "cfg", "conf", "md", "rst", "txt", "js", "ts",
        "lock", "swp", "html", "go", "rb", "rs", "java", "kt", "php", "jsx", "tsx", "mjs",
        "cjs", "css", "scss", "xml", "tf", "pl", "lua", "swift", "c", "h", "cpp", "cs",
    }
)  # fmt: skip
_ENVIRONMENT_WORDS: dict[str, Environment] = {
    "development": Environment.DEVELOPMENT, "develop": Environment.DEVELOPMENT,
    "dev": Environment.DEVELOPMENT, "local": Environment.DEVELOPMENT,
    "staging": Environment.STAGING, "stage": Environment.STAGING,
    "preprod": Environment.STAGING,
    "production": Environment.PRODUCTION, "prod": Environment.PRODUCTION,
    "prd": Environment.PRODUCTION,
    "test": Environment.TEST, "testing": Environment.TEST,
}  # fmt: skip
# "local" marks overrides (.env.production.local), so a stronger word wins.
_WEAK_ENVIRONMENT_WORDS = frozenset({"local"})
_EXAMPLE_WORDS = frozenset({"example", "sample", "template", "dist", "tpl", "tmpl"})
_NAME_TOKEN_SEPARATORS = re.compile(r"[._\-\s]+")


def _path_parts(path: str) -> list[str]:
    """POSIX components of ``path`` without ``.`` and empty parts."""
    return [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]


def _tokens(name: str) -> list[str]:
    return [token for token in _NAME_TOKEN_SEPARATORS.split(name.lower()) if token]


def is_env_file_candidate(path: str) -> bool:
    """Whether discovery should read ``path`` as a dotenv-format file.

    Accepts ``.env``, ``.env.*``, ``*.env``, ``*.env.*``, ``env.*`` and
    anything under an ``.envs/`` directory; refuses ``.envrc``, code and other
    config formats (``.env.py``, ``environment.yml``).  Ignoring vendored
    directories is discovery's job.
    """
    parts = _path_parts(path)
    if not parts:
        return False
    name = parts[-1].lower()
    if name == ".envrc" or ("." in name and name.rsplit(".", 1)[-1] in _NOT_ENV_SUFFIXES):
        return False
    if name == ".env" or name.startswith((".env.", "env.", ".env-", ".env_")):
        return True
    if name.endswith(".env") or ".env." in name:
        return True
    return ".envs" in parts[:-1]


def reads_as_env_file(env_file: EnvFile) -> bool:
    """Whether the file is an env file: named unmistakably as one, or holding dotenv.

    ``.env``, ``.env.*`` and ``*.env`` are env files whatever they hold (a broken
    line in them is a finding). ``env.template``, ``x.env.js`` or a file under
    ``.envs/`` must also read as one, more ``KEY=value`` lines than other lines:
    ``env.template`` may be a shell script. An empty file is an (empty) env file.
    """
    name = _path_parts(env_file.path)[-1].lower() if _path_parts(env_file.path) else ""
    if name == ".env" or name.startswith((".env.", ".env-", ".env_")) or name.endswith(".env"):
        return True
    unparsable = sum(p.kind is EnvProblemKind.UNPARSABLE_LINE for p in env_file.problems)
    return unparsable <= len(env_file.entries)


def _environment_in(name: str) -> Environment | None:
    """The environment a single path component names, the strongest word winning."""
    words = [token for token in _tokens(name) if token in _ENVIRONMENT_WORDS]
    strong = [word for word in words if word not in _WEAK_ENVIRONMENT_WORDS]
    chosen = strong or words
    return _ENVIRONMENT_WORDS[chosen[0]] if chosen else None


def environment_of(path: str) -> Environment | None:
    """The environment ``path`` configures, from its file name, else its directories.

    Words: development/develop/dev/local, staging/stage/preprod,
    production/prod/prd, test/testing, matched as whole tokens between
    ``.``, ``-`` and ``_``.  The file name wins over directories, and inner
    directories over outer ones (``.envs/.production/.django`` is
    production).  ``local`` yields to any other word
    (``.env.production.local`` is production).  Paths should be relative to
    the project root, or a parent directory's name may leak in.
    """
    for part in reversed(_path_parts(path)):
        environment = _environment_in(part)
        if environment is not None:
            return environment
    return None


def is_example_path(path: str) -> bool:
    """Whether the file name marks a template (example/sample/template/dist).

    Only the file name counts: ``templates/`` directories hold other things.
    """
    parts = _path_parts(path)
    return bool(parts) and any(token in _EXAMPLE_WORDS for token in _tokens(parts[-1]))


def sibling_key(path: str) -> str:
    """The family ``path`` belongs to; files with equal keys are siblings.

    Each component is lower-cased and split into tokens at ``.``, ``-`` and
    ``_``; environment and example words are dropped and the rest rejoined
    with ``.``; a component left empty becomes ``*``.  So ``.env``,
    ``.env.local``, ``.env.production``, ``env.example`` and ``prod.env`` in
    one directory are all ``env``; ``config/development.env`` and
    ``config/production.env`` are ``config/env``; ``.envs/.local/.celery``
    and ``.envs/.production/.celery`` are ``envs/*/celery``; but
    ``settings.env`` is its own ``settings.env``.  The key is an identity,
    not a path.
    """
    parts = _path_parts(path)
    directories = [_family_component(part, drop_examples=False) for part in parts[:-1]]
    name = _family_component(parts[-1], drop_examples=True) if parts else "*"
    return "/".join([*directories, name])


def _family_component(component: str, *, drop_examples: bool) -> str:
    dropped = set(_ENVIRONMENT_WORDS) | (_EXAMPLE_WORDS if drop_examples else set())
    kept = [token for token in _tokens(component) if token not in dropped]
    return ".".join(kept) or "*"


# --- Reading ------------------------------------------------------------------

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_NEWLINES = re.compile(r"\r\n|\n|\r")
_EXPORT = re.compile(r"export[^\S\r\n]+")


def parse_env_file(path: str, data: bytes) -> EnvFile:
    """Read ``data`` (the file's bytes) as python-dotenv reads it.

    Content past :data:`MAX_ENV_FILE_BYTES` is ignored and reported; a file
    with NUL bytes or a UTF-16 byte-order mark yields no entries; invalid
    UTF-8 is replaced and reported, and parsing continues.
    """
    problems: list[EnvProblem] = []
    data = _within_limit(data, problems)
    has_bom = data.startswith(_UTF8_BOM)
    text = _decode(data.removeprefix(_UTF8_BOM), problems)
    if text is not None and ("{%" in text or "{#" in text):  # a project template's env file
        text = "\n".join(template_lines_blanked(text.split("\n")))
    entries = tuple(_entries(text, problems)) if text is not None else ()
    return EnvFile(
        path=path,
        environment=environment_of(path),
        is_example=is_example_path(path),
        entries=entries,
        problems=tuple(sorted(problems, key=lambda problem: problem.line)),
        has_bom=has_bom,
    )


def _within_limit(data: bytes, problems: list[EnvProblem]) -> bytes:
    """``data`` cut after the last whole line within the size limit."""
    if len(data) <= MAX_ENV_FILE_BYTES:
        return data
    cut = data.rfind(b"\n", 0, MAX_ENV_FILE_BYTES) + 1
    kept = data[:cut]
    problems.append(
        EnvProblem(
            line=kept.count(b"\n") + 1,
            message=f"The file is {len(data):,} bytes, far larger than an env file should be; "
            f"only its first {MAX_ENV_FILE_BYTES:,} bytes were read. Check that it really is "
            "an env file, or split it.",
            kind=EnvProblemKind.TOO_LARGE,
        )
    )
    return kept


def _decode(data: bytes, problems: list[EnvProblem]) -> str | None:
    """The text python-dotenv would see, or None when it would see garbage."""
    if data.startswith(_UTF16_BOMS):
        message = (
            "The file is UTF-16 encoded (as PowerShell's '>' writes it); python-dotenv and "
            "Docker read env files as UTF-8 and see garbage. Save it as UTF-8."
        )
        problems.append(EnvProblem(0, message, EnvProblemKind.UTF16))
        return None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        message = "The file contains NUL bytes, so it is binary, not an env file; nothing was read."
        problems.append(EnvProblem(line, message, EnvProblemKind.BINARY))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = (
            f"Line {line} is not valid UTF-8, which python-dotenv expects; the bad bytes were "
            "read as U+FFFD. Re-save the file as UTF-8."
        )
        problems.append(EnvProblem(line, message, EnvProblemKind.UNDECODABLE))
        return data.decode("utf-8", errors="replace")


def _entries(text: str, problems: list[EnvProblem]) -> Iterator[EnvEntry]:
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            problems.append(_unparsable(binding))
        elif binding.key is not None:
            yield _entry(binding)


def _statement_start(binding: Binding) -> tuple[int, int, str]:
    """(line, column, rest) where the statement really starts.

    python-dotenv reports the line where the blank lines *before* a
    statement begin, so the leading whitespace is walked over here.
    """
    original = binding.original.string
    statement = original.lstrip()
    leading = original[: len(original) - len(statement)]
    newlines = _NEWLINES.findall(leading)
    last_line_start = max(leading.rfind("\n"), leading.rfind("\r")) + 1
    column = len(leading) - last_line_start + 1
    return binding.original.line + len(newlines), column, statement


def _entry(binding: Binding) -> EnvEntry:
    line, column, statement = _statement_start(binding)
    export = _EXPORT.match(statement)
    body = statement.rstrip()
    return EnvEntry(
        key=binding.key or "",
        value=binding.value,
        line=line,
        column=column + (export.end() if export else 0),
        end_line=line + len(_NEWLINES.findall(body)),
        exported=export is not None,
    )


def _unparsable(binding: Binding) -> EnvProblem:
    """The message never quotes the line: it may hold a secret."""
    line, _, _ = _statement_start(binding)
    message = (
        f"Line {line} is not a KEY=value statement; python-dotenv warns and skips it, so "
        "nothing on it is set. Fix the syntax (quote values with spaces or '#', close quotes)."
    )
    return EnvProblem(line, message, EnvProblemKind.UNPARSABLE_LINE)
