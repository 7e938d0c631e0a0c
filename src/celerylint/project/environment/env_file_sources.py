"""Where a compose ``env_file:`` entry comes from, when it is not committed as written.

Three things make an absent-looking env file present when compose runs:

* ``${PWD}`` (or ``$PWD``): the shell sets it to the directory compose is run from,
  which is the compose file's folder or the project root in every documented setup;
* a setup text of the project (README, docs, shell scripts, a Makefile, CI files)
  copies or moves a committed file to it (``cp .env.example .env``);
* it lies outside the repository (``/opt/app/env``, ``~/.app.env``, ``${CONFIG}/x``):
  a host path, which no static reader can check.

And one compose file is never run by compose at all: the input of ``kompose``, whose
converted Kubernetes manifests are committed beside it (they carry its
``kompose.cmd``/``kompose.version`` annotations).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.project.deploy.compose_interpolation import DotEnv, interpolate
from celerylint.project.deploy.shell_words import copy_operands
from celerylint.project.environment.env_model import _join

if TYPE_CHECKING:
    from celerylint.project.model import Project

__all__ = ["EnvFileTarget", "SetupCopies", "env_file_target", "kompose_inputs", "setup_copies"]

# ``$PWD``/``${PWD}``, not ``$$PWD`` (a literal) nor ``$PWDX``.
_PWD = re.compile(r"(?<!\$)\$(?:\{PWD\}|PWD(?![A-Za-z0-9_]))")
_COPY = re.compile(r"(?:^|[\s;&|(`])(cp|mv|install)\s+([^;&|`\n]*)")
_SETUP_SUFFIXES = (".md", ".rst", ".txt", ".sh", ".bash", ".mk")
_CI_FILES = (".gitlab-ci.yml", ".travis.yml", "azure-pipelines.yml", "Jenkinsfile",
             "tox.ini", "noxfile.py", "Taskfile.yml", "justfile", "Justfile")


@dataclass(frozen=True)
class EnvFileTarget:
    """The project paths an ``env_file:`` entry may name (``host_path``: outside the
    repository, or decided by a variable that cannot be known; ``paths`` is empty)."""

    paths: tuple[str, ...]
    host_path: str | None = None


def env_file_target(base: str, written: str, dotenv: Mapping[str, str],
                    compose_path: str) -> EnvFileTarget:
    """What ``written`` names, for a compose file in folder ``base``.

    ``${PWD}`` is tried as the compose file's folder and as the project root;
    other variables are substituted from the ``.env`` compose reads.
    """
    uses_pwd = bool(_PWD.search(written))
    paths: list[str] = []
    for folder in dict.fromkeys((base, "")) if uses_pwd else (base,):
        text = _PWD.sub(lambda _m, f=folder: "/" + f, written)  # type: ignore[misc]
        done = interpolate(text, DotEnv(dotenv, None, compose_path))
        unknown = [s.written for s in done.substitutions if s.value is None]
        if unknown:
            return EnvFileTarget((), f"{written} (set by {', '.join(unknown)})")
        path = done.text
        if path.startswith(("/", "~")) and not uses_pwd:
            return EnvFileTarget((), path)
        paths.append(_join("", path) if uses_pwd else _join(base, path))
    if any(p.split("/", 1)[0] == ".." for p in paths):
        return EnvFileTarget((), written)
    return EnvFileTarget(tuple(dict.fromkeys(paths)))


# --- Setup texts that copy a committed file into place ------------------------------


@dataclass(frozen=True)
class SetupCopies:
    """``target → (source, setup file)`` for every ``cp``/``mv``/``install`` of a
    setup text, both read relative to the project root."""

    copies: Mapping[str, tuple[tuple[str, str], ...]]

    def source_of(self, target: str, base: str, committed: set[str]) -> tuple[str, str] | None:
        """The committed file a setup text copies to ``target`` and where it says so.

        A text may run from the project root or from the compose file's folder
        ``base`` (``cd deploy && cp .env.example .env``); both readings count.
        """
        for written_target, pairs in sorted(self.copies.items()):
            for source, where in pairs:
                for folder in dict.fromkeys(("", base)):
                    if _join(folder, written_target) == target and _join(folder, source) in committed:
                        return _join(folder, source), where
        return None


def setup_copies(project: "Project") -> SetupCopies:
    return project.extension("env-setup-copies", _build_setup_copies)  # type: ignore[no-any-return]


def _is_setup_text(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    top = path.split("/", 1)[0]
    if name.upper().startswith(("README", "INSTALL", "CONTRIBUTING", "SETUP")):
        return True
    if name in ("Makefile", "makefile", "GNUmakefile") or name in _CI_FILES:
        return True
    if path.startswith((".github/workflows/", ".circleci/")):
        return True
    if name.endswith((".sh", ".bash")):
        return True
    return top in ("docs", "doc") and name.endswith(_SETUP_SUFFIXES)


def _build_setup_copies(project: "Project") -> SetupCopies:
    directories = {p.rsplit("/", 1)[0] for p in project.files if "/" in p}
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(p for p in project.files if _is_setup_text(p)):
        data = project.read_bytes(path)
        if data is None or len(data) > 1_000_000:
            continue
        for source, target in _copies_in(data.decode("utf-8", "replace")):
            if target.endswith("/") or target.rstrip("/") in directories or target in (".", ""):
                target = target.rstrip("/") + "/" + source.rsplit("/", 1)[-1]
            found.setdefault(_clean(target), []).append((_clean(source), path))
    return SetupCopies({k: tuple(dict.fromkeys(v)) for k, v in sorted(found.items())})


def _copies_in(text: str) -> Iterable[tuple[str, str]]:
    """``(source, target)`` of every two-operand ``cp``/``mv``/``install`` line."""
    for match in _COPY.finditer(text):
        try:
            words = shlex.split(match.group(2), comments=True)
        except ValueError:
            continue
        pair = copy_operands(words)
        if pair is not None and not any("$" in w or "*" in w for w in pair):
            yield pair


def _clean(path: str) -> str:
    return _join("", path.strip("'\"`"))


# --- kompose inputs --------------------------------------------------------------

_KOMPOSE_ANNOTATION = re.compile(r"^\s*kompose\.(cmd|version):(.*)$", re.MULTILINE)


def kompose_inputs(project: "Project", compose_paths: Iterable[str]) -> set[str]:
    """The compose files whose converted manifests are committed beside them.

    The manifest's ``kompose.cmd`` names its input (``-f``/``--file``); names are
    compared without separators, since the command may have been run on a copy
    (``docker-compose-min.yml`` for ``docker-compose.min.yml``).  A manifest whose
    command names no file stands for every compose file of its folder.
    """
    by_folder: dict[str, list[str]] = {}
    for path in compose_paths:
        by_folder.setdefault(path.rsplit("/", 1)[0] if "/" in path else "", []).append(path)
    found: set[str] = set()
    for folder, composes in by_folder.items():
        named = _kompose_named_inputs(project, folder, set(composes))
        if named is None:
            continue
        found |= {c for c in composes if not named or _squashed(c.rsplit("/", 1)[-1]) in named}
    return found


def _kompose_named_inputs(project: "Project", folder: str, composes: set[str]) -> set[str] | None:
    """Squashed names of the inputs the folder's kompose manifests name (None: none)."""
    prefix = folder + "/" if folder else ""
    seen = False
    named: set[str] = set()
    for path in project.files:
        if not path.startswith(prefix) or "/" in path[len(prefix):] or path in composes \
                or not path.endswith((".yaml", ".yml")):
            continue
        data = project.read_bytes(path) or b""
        for kind, value in _KOMPOSE_ANNOTATION.findall(data.decode("utf-8", "replace")):
            seen = True
            if kind == "cmd":
                named |= _file_options(value)
    return named if seen else None


def _file_options(command: str) -> set[str]:
    try:
        words = shlex.split(command.strip().strip("'\""))
    except ValueError:
        return set()
    return {_squashed(words[i + 1].rsplit("/", 1)[-1]) for i, w in enumerate(words[:-1])
            if w in ("-f", "--file")}


def _squashed(name: str) -> str:
    return re.sub(r"[-._]", "", name.lower())
