"""What each rule reads, as digests: a rule whose declared inputs did not change replays.

A project rule declares ``inputs`` (``RuleInput`` members); its findings are keyed on
the digests of those inputs, the settings, the file list and celerylint itself. A
module rule's findings are keyed per file on that file's bytes and the digests of its
declared inputs. A rule that declares nothing (``inputs = None``) runs every time.

The Python input is the part of each file's facts a project rule can see. A file whose
facts define no task, app, beat entry or broker contributes its facts without positions
or comments, so shifting its lines or editing its comments changes nothing (its names,
values, imports and calls still count); any other file contributes everything. Because
that leaves positions out, a stored result is also refused when one of its findings is
in, or names, a file changed since it was stored.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celerylint.findings import Finding
from celerylint.source.facts import ModuleFacts, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project


class RuleInput(str, enum.Enum):
    """One part of the project a rule reads besides the settings and the file list."""

    PYTHON = "python"  # every Python file's facts (positions of unrelated files left out)
    IMPORTS = "imports"  # every Python file's imports and defined names, without positions
    OTHER_FILES = "other-files"  # the bytes of every non-Python file (deployments, env, ...)
    GIT = "git"  # what git tracks and ignores


# Words whose presence in a file's facts (names, values, callees, imports; matched on
# their repr, lower-cased) make the file's positions and comments part of the Python
# input. Positions elsewhere are covered by refusing a stored finding in, or naming, a
# changed file; comments are read by project rules only in task and beat modules
# (stated frequencies, explained exception handlers): ``.task'`` is a decorator or
# callee ending in ``.task`` (``@app.task``), not a module ``x.tasks``.
RELEVANT_WORDS = (
    "celery", "kombu", "shared_task", ".task'", "task(", "periodic", "beat", "crontab",
    "schedul", "broker", "backend", "redis", "amqp", "config_from", "apply_async",
)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def plain(value: Any, spans: bool) -> Any:
    """Facts as nested tuples; positions dropped unless ``spans``."""
    if isinstance(value, (str, int, float, bool, bytes)) or value is None:
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Span):
        return (value.line, value.column, value.end_line, value.end_column) if spans else None
    if isinstance(value, (tuple, list)):
        return tuple(plain(item, spans) for item in value)
    if isinstance(value, frozenset):
        return tuple(sorted(repr(plain(item, spans)) for item in value))
    if dataclasses.is_dataclass(value):
        names = _field_names(type(value))
        if not spans:
            names = tuple(n for n in names if n not in ("line", "column", "end_line",
                                                        "end_column", "comments"))
        return (type(value).__name__, *(plain(getattr(value, n), spans) for n in names))
    return repr(value)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def python_digest(facts: ModuleFacts) -> str:
    """The file's part of ``RuleInput.PYTHON``."""
    bare = repr(plain(facts, spans=False))
    lowered = bare.lower()
    if any(word in lowered for word in RELEVANT_WORDS):
        return _hash("all" + repr(plain(facts, spans=True)))
    return _hash("bare" + bare)


def imports_digest(facts: ModuleFacts) -> str:
    """The file's part of ``RuleInput.IMPORTS``: the import graph and the names defined."""
    return _hash(repr((facts.module, facts.is_package, plain(facts.imports, spans=False),
                       sorted(facts.defined_names), facts.all_names, facts.has_star_import,
                       facts.has_module_getattr, facts.parse_failure is None)))


def git_digest(root: Path) -> str:
    """What git says about tracked and ignored files: its index and its exclude file."""
    parts: list[str] = []
    git = root / ".git"
    try:
        if git.is_file():
            pointer = git.read_text(encoding="utf-8", errors="replace").strip()
            git = (root / pointer.removeprefix("gitdir:").strip()).resolve()
        for name in ("index", "info/exclude"):
            stat = os.stat(git / name)
            parts.append(f"{name}:{stat.st_mtime_ns}:{stat.st_size}")
    except OSError:
        parts.append("no git")
    return _hash("|".join(parts))


class Mentions:
    """Whether a stored text names a changed file, by its path or by its module name."""

    def __init__(self, paths: Iterable[str], modules: Iterable[str]) -> None:
        self.paths = tuple(paths)
        names = "|".join(re.escape(m) for m in modules)
        # A whole dotted name: ``proj.tasks`` is not named by ``proj.tasks_old`` nor does
        # ``proj`` name ``proj.tasks``.
        self.modules = re.compile(rf"(?<![\w.])(?:{names})(?![\w.])") if names else None

    def __bool__(self) -> bool:
        return bool(self.paths)

    def named_in(self, text: str) -> bool:
        return any(path in text for path in self.paths) or (
            self.modules is not None and self.modules.search(text) is not None)

    def finding(self, finding: Finding) -> bool:
        """Whether a finding is in, or names, a changed file."""
        return self.named_in(" ".join((finding.path, finding.message, finding.fix_hint or "")))


class InputDigests:
    """Every input's digest for one run, each computed when a rule first asks."""

    def __init__(self, project: Project, hashes: Mapping[str, str],
                 known: Mapping[str, Any]) -> None:
        self.project = project
        self.hashes = hashes
        self.per_file: dict[str, list[str]] = {}  # path -> [sha, python, imports]
        for path, facts in project.facts_by_path.items():
            entry = known.get(path)
            sha = hashes.get(path, "")
            if isinstance(entry, list) and len(entry) == 3 and entry[0] == sha and sha \
                    and all(isinstance(part, str) for part in entry):
                self.per_file[path] = entry
            else:
                self.per_file[path] = [sha, python_digest(facts), imports_digest(facts)]
        self._digests: dict[RuleInput, str] = {}

    def digest(self, which: RuleInput) -> str:
        if which not in self._digests:
            self._digests[which] = self._compute(which)
        return self._digests[which]

    def _compute(self, which: RuleInput) -> str:
        if which is RuleInput.GIT:
            return git_digest(self.project.root)
        if which is RuleInput.OTHER_FILES:
            return _hash(repr(sorted((p, s) for p, s in self.hashes.items()
                                     if p not in self.per_file)))
        column = 1 if which is RuleInput.PYTHON else 2
        return _hash(repr(sorted((p, e[column]) for p, e in self.per_file.items())))
