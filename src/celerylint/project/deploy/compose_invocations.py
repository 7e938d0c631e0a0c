"""How a project runs ``docker compose``: the ``-f`` file lists, the profiles it activates
and the ``--env-file`` files that replace the project's ``.env`` for a file list.

Read from the places people write those commands down: shell scripts, Makefiles,
CI workflows, justfiles, task runners, ``package.json`` scripts, and the ``COMPOSE_FILE`` /
``COMPOSE_PROFILES`` variables of ``.env`` files (compose reads the ``.env`` of
its folder).  Paths are resolved against the file's folder first, then against
the project root, and only kept when they name a compose file of the project.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = [
    "ComposeInvocations", "compose_invocations", "is_invocation_source", "normal_path",
]

_COMPOSE_CALL = re.compile(r"(?<![\w./-])docker(?:-compose|\s+compose)(?=\s|$)")
_SOURCE_SUFFIXES = (".sh", ".bash", ".mk", ".env")
_SOURCE_NAMES = frozenset({
    "makefile", "gnumakefile", "justfile", ".env", "taskfile.yml", "taskfile.yaml",
    "package.json", "pyproject.toml", "tox.ini", "noxfile.py", "procfile", ".gitlab-ci.yml",
    "azure-pipelines.yml", "bitbucket-pipelines.yml", "jenkinsfile", "fabfile.py", "tasks.py",
})
_CI_FOLDERS = ("/.github/workflows/", "/.circleci/", "/.gitlab/", "/.buildkite/", "/bin/", "/scripts/")
_FILE_OPTIONS = ("-f", "--file")
_ENV_FILE_OPTION = "--env-file"
_SEPARATORS = re.compile(r"&&|\|\||;|\|")


@dataclass(frozen=True)
class ComposeInvocations:
    """``env_files`` pairs a file list with the ``--env-file`` paths given with it
    (``None`` for one written with a variable, which no reader can follow)."""

    file_lists: tuple[tuple[str, ...], ...]
    profiles: frozenset[str]
    env_files: tuple[tuple[tuple[str, ...], tuple[str, ...] | None], ...] = ()


def is_invocation_source(path: str) -> bool:
    """A file that may run ``docker compose`` (cheap: the name only)."""
    lowered = path.lower()
    name = lowered.rsplit("/", 1)[-1]
    return (name in _SOURCE_NAMES or name.endswith(_SOURCE_SUFFIXES) or name.startswith(".env")
            or any(folder in f"/{lowered}" for folder in _CI_FOLDERS))


def compose_invocations(texts: Iterable[tuple[str, str]], compose_files: frozenset[str],
                        files: frozenset[str] = frozenset()) -> ComposeInvocations:
    """The file lists, profiles and env files in ``(path, text)`` pairs, for these
    compose files (``files``: the project's, to place ``--env-file`` paths)."""
    lists: list[tuple[str, ...]] = []
    profiles: set[str] = set()
    env_files: list[tuple[tuple[str, ...], tuple[str, ...] | None]] = []
    for path, text in texts:
        if "compose" not in text.lower():
            continue
        for written, found_profiles, written_env in _invocations(text):
            profiles.update(found_profiles)
            resolved = tuple(_resolve(path, item, compose_files) for item in written)
            if resolved and all(resolved):
                found = tuple(item for item in resolved if item)
                lists.append(found)
                if written_env is None or written_env:
                    env_files.append((found, None if written_env is None else tuple(
                        _resolve_env_file(path, item, files) for item in written_env)))
    return ComposeInvocations(tuple(dict.fromkeys(lists)), frozenset(profiles),
                              tuple(dict.fromkeys(env_files)))


_Options = tuple[list[str], list[str], list[str] | None]


def _invocations(text: str) -> Iterable[_Options]:
    for line in text.replace("\\\n", " ").split("\n"):
        stripped = line.strip()
        if stripped.startswith(("COMPOSE_FILE=", "export COMPOSE_FILE=")):
            value = stripped.split("=", 1)[1].strip().strip("\"'")
            yield [part for part in re.split(r"[:;]", value) if part], [], []
        elif stripped.startswith(("COMPOSE_PROFILES=", "export COMPOSE_PROFILES=")):
            value = stripped.split("=", 1)[1].strip().strip("\"'")
            yield [], [part for part in value.split(",") if part], []
        else:
            for match in _COMPOSE_CALL.finditer(line):
                rest = _SEPARATORS.split(line[match.end():], 1)[0]
                yield _options(rest)


def _options(text: str) -> _Options:
    """``-f``/``--file``, ``--profile`` and ``--env-file`` values, in order; ``$X`` file
    values are dropped, and env files written with a variable are None (unknown)."""
    try:
        words = shlex.split(text, comments=True)
    except ValueError:
        words = text.split()
    files, profiles, env_files = [], [], []
    for index, word in enumerate(words):
        name, equals, attached = word.partition("=")
        value = attached if equals else (words[index + 1] if index + 1 < len(words) else "")
        if name in _FILE_OPTIONS or (word.startswith("-f") and len(word) > 2 and not equals):
            value = value if name in _FILE_OPTIONS else word[2:]
            files.append(value)
        elif name == "--profile":
            profiles.append(value)
        elif name == _ENV_FILE_OPTION:
            env_files.append(value)
    unknown = any("$" in item or "{" in item for item in files)
    unknown_env = any("$" in item or "{" in item or not item for item in env_files)
    return (([] if unknown else files), [p for p in profiles if p and "$" not in p],
            None if unknown_env else env_files)


def _resolve(path: str, written: str, compose_files: frozenset[str]) -> str | None:
    """The project path of a file named in ``path``; None when it is not a known compose file."""
    folder = PurePosixPath(path).parent
    for base in (folder, PurePosixPath(".")):
        candidate = normal_path(base / written)
        if candidate in compose_files:
            return candidate
    return None


def _resolve_env_file(path: str, written: str, files: frozenset[str]) -> str:
    """An ``--env-file`` path: beside the invoking file, else from the root, else (absent
    from the project) where the invoking file's folder would put it."""
    folder = PurePosixPath(path).parent
    candidates = [normal_path(base / written) for base in (folder, PurePosixPath("."))]
    return next((candidate for candidate in candidates if candidate in files), candidates[0])


def normal_path(path: PurePosixPath) -> str:
    """``a/./b/../c`` as ``a/c``, without touching the disk."""
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", "/"):
            parts.append(part)
    return "/".join(parts)
