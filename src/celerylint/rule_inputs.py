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
import json
import marshal
import operator
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celerylint.findings import Finding
from celerylint.source import fact_codec
from celerylint.source.facts import ModuleFacts, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project
    from celerylint.suppression import FileSuppressions


class RuleInput(str, enum.Enum):
    """One part of the project a rule reads besides the settings and the file list."""

    PYTHON = "python"  # every Python file's facts (positions of unrelated files left out)
    IMPORTS = "imports"  # every Python file's imports and defined names, without positions
    OTHER_FILES = "other-files"  # the bytes of every non-Python file (deployments, env, ...)
    # What rules find in Python source text beyond the facts: first-party module names
    # and paths mentioned anywhere, comments included, and settings keys read
    # (``text_mentions``).
    PYTHON_TEXT = "python-text"
    GIT = "git"  # what git tracks and ignores


# Words whose presence in a file's facts (names, values, callees, imports, not comments;
# matched on their ``fact_codec`` JSON, lower-cased) make the file's positions and
# comments part of the Python input. Positions elsewhere are covered by refusing a
# stored finding in, or naming, a changed file; comments are read by project rules only
# in task and beat modules (stated frequencies, explained exception handlers):
# ``.task"`` is a decorator or callee ending in ``.task`` (``@app.task``), not a module
# ``x.tasks``.
RELEVANT_WORDS = (
    "celery", "kombu", "shared_task", '.task"', "task(", "periodic", "beat", "crontab",
    "schedul", "broker", "backend", "redis", "amqp", "config_from", "apply_async",
)
_RELEVANT_BYTES = tuple(word.encode("ascii") for word in RELEVANT_WORDS)


POSITION_FIELDS = frozenset({"line", "column", "end_line", "end_column", "comments"})
Converter = Callable[[Any], Any]


def plain(value: Any, spans: bool) -> Any:
    """Facts as nested tuples; positions (and comments) dropped unless ``spans``."""
    return _converter(type(value), spans)(value)


# One function per type and mode: the facts of a 189k-line project hold three million
# values, so the type tests are made once per class rather than once per value.
_CONVERTERS: dict[bool, dict[type, Converter]] = {False: {}, True: {}}


def _converter(tp: type, spans: bool) -> Converter:
    table = _CONVERTERS[spans]
    found = table.get(tp)
    if found is None:
        found = table[tp] = _new_converter(tp, spans, table)
    return found


def _new_converter(tp: type, spans: bool, table: dict[type, Converter]) -> Converter:
    def each(values: Any) -> list[Any]:
        return [(table.get(type(item)) or _converter(type(item), spans))(item)
                for item in values]

    if tp in (str, int, float, bool, bytes, type(None)):
        return _same
    if issubclass(tp, enum.Enum):
        return _enum_value
    if tp is Span:
        return _span if spans else _nothing
    if issubclass(tp, (tuple, list)):
        return lambda value: tuple(each(value))
    if issubclass(tp, frozenset):
        return lambda value: tuple(sorted([repr(item) for item in each(value)]))
    if dataclasses.is_dataclass(tp):
        names = tuple(f.name for f in dataclasses.fields(tp)
                      if spans or f.name not in POSITION_FIELDS)
        name = tp.__name__
        if not names:
            return lambda value: (name,)
        getter = operator.attrgetter(*names)
        if len(names) == 1:
            return lambda value: (name, *each((getter(value),)))
        return lambda value: (name, *each(getter(value)))
    return repr


def _same(value: Any) -> Any:
    return value


def _nothing(value: Any) -> None:
    return None


def _enum_value(value: enum.Enum) -> Any:
    return value.value


def _span(value: Span) -> tuple[int, int, int, int]:
    return (value.line, value.column, value.end_line, value.end_column)


def _hash(text: str) -> str:
    return _hash_bytes(text.encode("utf-8", "surrogateescape"))


def _hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def python_digest(facts: ModuleFacts, encoded: bytes | None = None) -> str:
    """The file's part of ``RuleInput.PYTHON``. ``encoded``: the facts as ``fact_codec``
    JSON, which the parse worker has already written: a relevant file's digest is that
    JSON's, and the relevance words are looked for in it, outside the comments."""
    if encoded is None:
        encoded = fact_codec.dumps(facts)
    if _names_celery(encoded, facts):
        return _hash_bytes(b"all\0" + encoded)
    # marshal's version 0 writes no references and no interning flags: the same values
    # give the same bytes in every process (repr of the tuples costs four times more).
    return _hash_bytes(b"bare\0" + marshal.dumps(plain(facts, spans=False), 0))


def _names_celery(encoded: bytes, facts: ModuleFacts) -> bool:
    """Whether a relevance word occurs in the facts outside their comments: more often
    in the whole JSON than in the comments' own JSON strings (a comment that mentions
    the broker does not make a module part of the Celery system)."""
    lowered = encoded.lower()
    found = [word for word in _RELEVANT_BYTES if word in lowered]
    if not found:
        return False
    in_comments = b"\0".join(json.dumps(c.text).lower().encode("ascii")
                              for c in facts.comments)
    return any(lowered.count(word) > in_comments.count(word) for word in found)


def imports_digest(facts: ModuleFacts) -> str:
    """The file's part of ``RuleInput.IMPORTS``: the import graph and the names defined."""
    return _hash(repr((facts.module, facts.is_package, plain(facts.imports, spans=False),
                       sorted(facts.defined_names), facts.all_names, facts.has_star_import,
                       facts.has_module_getattr, facts.parse_failure is None)))


def file_digests(facts: ModuleFacts, encoded: bytes | None = None) -> list[str]:
    """A file's ``python_digest``, ``imports_digest`` and ``noqa_record``: made by the
    worker process that parses the file (``pool.extract``'s ``summarize``)."""
    return [python_digest(facts, encoded), imports_digest(facts), noqa_record(facts)]


UNKNOWN_NOQA = "?"  # a file that did not parse: its noqa comments are read from its text


def noqa_record(facts: ModuleFacts) -> str:
    """The file's suppressions as JSON ``[skip_file, [[line, column, [codes]], ...]]``;
    "" for none."""
    from celerylint.suppression import suppressions_from_facts

    if facts.parse_failure is not None:
        return UNKNOWN_NOQA
    found = suppressions_from_facts(facts)
    if not found.skip_file and not found.by_line:
        return ""
    return json.dumps([found.skip_file, [[d.line, d.column, list(d.codes)]
                                         for _, d in sorted(found.by_line.items())]])


def suppressions_of(path: str, record: str) -> FileSuppressions | None:
    """``noqa_record`` read back; None for anything else."""
    from celerylint.suppression import FileSuppressions, NoqaDirective

    if not record:
        return FileSuppressions()
    if record == UNKNOWN_NOQA:
        return None
    try:
        skip, rows = json.loads(record)
    except (ValueError, TypeError, RecursionError):
        return None
    if type(skip) is not bool or not isinstance(rows, list):
        return None
    found = FileSuppressions(skip_file=skip)
    for row in rows:
        if not (isinstance(row, list) and len(row) == 3 and type(row[0]) is int
                and type(row[1]) is int and isinstance(row[2], list)
                and all(isinstance(code, str) for code in row[2])):
            return None
        found.by_line[row[0]] = NoqaDirective(path, row[0], row[1], tuple(row[2]))
    return found


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
    """Every input's digest for one run, each computed when a rule first asks.

    A file's digests are stored with the sha256 they were computed from, so an
    unchanged file's are read back without decoding its facts."""

    def __init__(self, project: Project, hashes: Mapping[str, str],
                 known: Mapping[str, Any], fresh: Mapping[str, list[str]] | None = None,
                 known_text: Mapping[str, Any] | None = None) -> None:
        """``known``: the stored per-file digests; ``fresh``: ``file_digests`` of the files
        parsed in this run, made where they were parsed."""
        self.project = project
        self.hashes = hashes
        fresh = fresh or {}
        # path -> [sha, python, imports, noqa directives as JSON ("" when none)]
        self.per_file: dict[str, list[str]] = {}
        for path in project.facts_by_path:
            entry = known.get(path)
            sha = hashes.get(path, "")
            if isinstance(entry, list) and len(entry) == 4 and entry[0] == sha and sha \
                    and all(isinstance(part, str) for part in entry):
                self.per_file[path] = entry
            elif path in fresh:
                self.per_file[path] = [sha, *fresh[path]]
            else:
                self.per_file[path] = [sha, *file_digests(project.facts_by_path[path])]
        self._digests: dict[RuleInput, str] = {}
        self._known_text = known_text or {}
        self.text: dict[str, list[str]] = {}  # path -> [sha, names key, mentions digest]

    def suppressions(self, path: str) -> FileSuppressions | None:
        """A Python file's noqa directives as stored with its digests, so applying and
        listing them reads no facts; None when unknown."""
        entry = self.per_file.get(path)
        if entry is None:
            return None
        if entry[3] == UNKNOWN_NOQA:  # as for any file that does not parse: from its text
            from celerylint.suppression import suppressions_from_text

            data = self.project.read_bytes(path)
            return None if data is None else suppressions_from_text(
                path, data.decode("utf-8", "replace"))
        return suppressions_of(path, entry[3])

    def digest(self, which: RuleInput) -> str:
        if which not in self._digests:
            self._digests[which] = self._compute(which)
        return self._digests[which]

    def _compute(self, which: RuleInput) -> str:
        if which is RuleInput.GIT:
            return git_digest(self.project.root)
        if which is RuleInput.PYTHON_TEXT:
            return self._text_digest()
        if which is RuleInput.OTHER_FILES:
            return _hash(repr(sorted((p, s) for p, s in self.hashes.items()
                                     if p not in self.per_file)))
        column = 1 if which is RuleInput.PYTHON else 2
        return _hash(repr(sorted((p, e[column]) for p, e in self.per_file.items())))

    @property
    def text_table(self) -> Mapping[str, Any]:
        """The text records to store: this run's, or the stored ones when no rule asked."""
        return self.text or self._known_text

    def _text_digest(self) -> str:
        """Every Python file's ``text_mentions`` record, read again only for a file whose
        bytes, or the project's module names and paths, changed since it was stored."""
        from celerylint.text_mentions import MentionFinder

        project = self.project
        names = {name for names in project.names_by_path.values() for name in names}
        paths = set(project.facts_by_path)
        names_key = _hash(repr((sorted(names), sorted(paths))))
        finder: MentionFinder | None = None
        for path in sorted(paths):
            sha = self.hashes.get(path, "")
            entry = self._known_text.get(path)
            if isinstance(entry, list) and len(entry) == 3 and entry[:2] == [sha, names_key] \
                    and sha and isinstance(entry[2], str):
                self.text[path] = entry
                continue
            data = project.read_bytes(path)
            finder = finder or MentionFinder(names, paths)
            found = [] if data is None else finder.mentions(data.decode("utf-8", "replace"))
            self.text[path] = [sha, names_key, _hash(repr(found))]
        return _hash(repr(sorted((path, entry[2]) for path, entry in self.text.items())))
