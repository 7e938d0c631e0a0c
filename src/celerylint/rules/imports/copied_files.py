"""Python files a Dockerfile copies into a package: their imports resolve where they land.

taiga's ``docker/Dockerfile`` runs ``cp docker/config.py settings/config.py`` after
``COPY . /taiga-back``: in the image, ``from .common import *`` in that file is
``settings.common``. As a file of ``docker/`` it is never imported, so judging its
relative imports from there reports modules that were never meant to exist.

Read from ``COPY``/``ADD`` of a single file and from ``cp`` in ``RUN`` commands, with
``WORKDIR`` followed and the image folders that ``COPY . <dir>`` fills mapped back to
the project. The build context is the project root or the Dockerfile's folder,
whichever holds the copied file. Nothing is run; a line that cannot be read is skipped.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from celerylint.project.deploy.shell_words import copy_operands
from celerylint.project.packaging.requirements_files import is_dockerfile

if TYPE_CHECKING:
    from celerylint.project.model import Project

_INSTRUCTION = re.compile(r"^\s*(COPY|ADD|RUN|WORKDIR)\s+(.*)$", re.IGNORECASE | re.DOTALL)
_COMMAND_SEPARATORS = re.compile(r"&&|\|\||;|\n")
_CONTEXT_ROOTS = frozenset((".", "./"))


def copied_module_names(project: "Project") -> dict[str, tuple[str, ...]]:
    """Module names a file gets where a Dockerfile copies it: ``{"docker/config.py":
    ("settings.config",)}``."""
    return project.extension("dockerfile-copies", _build)  # type: ignore[no-any-return]


def _build(project: "Project") -> dict[str, tuple[str, ...]]:
    files = set(project.files)
    names: dict[str, list[str]] = {}
    for dockerfile in sorted(path for path in files
                             if is_dockerfile(posixpath.basename(path))):
        raw = project.read_bytes(dockerfile)
        if raw is None:
            continue
        image = _Image()
        for keyword, argument in _instructions(raw.decode("utf-8", "replace")):
            image.read(keyword, argument)
        for source, destination in _project_copies(image, posixpath.dirname(dockerfile), files):
            for name in _module_names(destination, project):
                names.setdefault(source, []).append(name)
    return {path: tuple(dict.fromkeys(found)) for path, found in names.items()}


@dataclass
class _Image:
    """What a Dockerfile does to the image's files, as far as copies of one file go."""

    workdir: str = "/"
    context_dirs: list[str] = field(default_factory=list)  # where ``COPY . <dir>`` landed
    # (source, image destination, source is in the build context (else in the image))
    copies: list[tuple[str, str, bool]] = field(default_factory=list)

    def read(self, keyword: str, argument: str) -> None:
        if keyword == "WORKDIR":
            self.workdir = self._absolute(argument.strip().strip('"'))
        elif keyword in ("COPY", "ADD"):
            self._copy(_words(argument))
        elif keyword == "RUN":
            for command in _COMMAND_SEPARATORS.split(argument):
                words = _shell_words(command)
                pair = copy_operands(words[1:]) if words[:1] == ["cp"] else None
                if pair is not None:
                    self.copies.append((self._absolute(pair[0]), self._absolute(pair[1]), False))

    def _copy(self, words: list[str]) -> None:
        if any(word.startswith("--from") for word in words):
            return  # from another stage or image: not the project's files
        operands = [word for word in words if not word.startswith("--")]
        if len(operands) < 2:
            return
        *sources, destination = operands
        destination = self._absolute(destination) + ("/" if destination.endswith("/") else "")
        for source in sources:
            if source in _CONTEXT_ROOTS:
                self.context_dirs.append(destination.rstrip("/") or "/")
            elif len(sources) == 1:
                self.copies.append((posixpath.normpath(source), destination, True))

    def _absolute(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.workdir, path))

    def in_context(self, image_path: str) -> str | None:
        """The context-relative path of a file the image got from ``COPY . <dir>``."""
        for directory in self.context_dirs:
            prefix = directory.rstrip("/") + "/"
            if image_path.startswith(prefix):
                return image_path[len(prefix):]
        return None


def _project_copies(image: _Image, dockerfile_dir: str,
                    files: set[str]) -> Iterator[tuple[str, str]]:
    """(source, destination) as project paths, for copies of a Python file in the project."""
    for source, destination, from_context in image.copies:
        relative = source if from_context else image.in_context(source)
        landed = image.in_context(destination.rstrip("/"))
        if relative is None or landed is None:
            continue
        for context in ("", dockerfile_dir):
            project_source = posixpath.normpath(posixpath.join(context, relative))
            if not project_source.endswith(".py") or project_source not in files:
                continue
            target = posixpath.normpath(posixpath.join(context, landed))
            if destination.endswith("/") or not target.endswith(".py"):
                target = posixpath.join(target, posixpath.basename(project_source))
            if target != project_source:
                yield project_source, target
            break


def _module_names(path: str, project: "Project") -> Iterator[str]:
    """The module a file at ``path`` would be, under each source root, inside an existing
    package (a destination outside every package names nothing to resolve from)."""
    for root in project.inventory.source_roots:
        if root and not path.startswith(root + "/"):
            continue
        parts = (path[len(root) + 1:] if root else path)[: -len(".py")].split("/")
        if len(parts) > 1 and all(part.isidentifier() for part in parts) \
                and project.module_exists(".".join(parts[:-1])):
            yield ".".join(parts)


def _instructions(text: str) -> Iterator[tuple[str, str]]:
    """(keyword, argument) of each instruction: continuations joined, and comment lines
    inside a continued instruction dropped, as Docker's parser does."""
    pending: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and pending):
            continue
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        joined = "\n".join([*pending, stripped]) if pending else stripped
        pending = []
        match = _INSTRUCTION.match(joined)
        if match:
            yield match.group(1).upper(), match.group(2)


def _words(argument: str) -> list[str]:
    stripped = argument.strip()
    if stripped.startswith("["):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            return []
        return [str(word) for word in parsed] if isinstance(parsed, list) else []
    return _shell_words(stripped)


def _shell_words(command: str) -> list[str]:
    try:
        return shlex.split(command, comments=True)
    except ValueError:
        return []
