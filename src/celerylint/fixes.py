"""Applying fixes: text edits per file, bottom-up, never overlapping, re-parsed after.

Rules describe a fix as edits between 1-based (line, column) positions of the
file they read. Some fixes need a syntax tree to be computed (CEL201 rewrites
a whole function); rules never hold one, so such a finding carries a ``Fix``
without edits and the fixer registered for its code in ``DEFERRED_FIXERS``
computes the edits here, from the file's current text, only when fixes are
applied. Everything is planned in memory first, so ``--diff`` and ``--fix``
share one code path and a file is written only once, whole.
"""

from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from celerylint.findings import Applicability, Edit, Finding
from celerylint.regular_files import read_regular_bytes

# Python's own line breaks (str.splitlines would also split on form feeds).
LINE_BREAK = re.compile(r"\r\n|\r|\n")

# code -> "module:function" computing ``(source, finding) -> edits``; () when it cannot.
DEFERRED_FIXERS: dict[str, str] = {
    "CEL201": "celerylint.fixes_async:async_task_edits",
}

DeferredFixer = Callable[[str, Finding], tuple[Edit, ...]]


@dataclass(frozen=True)
class TextEdit:
    """An edit resolved to character offsets of one text, end exclusive."""

    start: int
    end: int
    content: str

    def conflicts_with(self, other: TextEdit) -> bool:
        """Overlapping ranges, or an insertion touching a range, have no defined order."""
        if self == other:
            return False
        if self.start < other.end and other.start < self.end:
            return True
        for insertion, edit in ((self, other), (other, self)):
            if insertion.start == insertion.end and edit.start <= insertion.start <= edit.end:
                return True
        return False


@dataclass(frozen=True)
class FileFix:
    """The planned result for one file; ``original`` is what was read."""

    path: str
    original: str
    fixed: str
    applied: tuple[Finding, ...]
    conflicting: tuple[Finding, ...]  # overlapped an applied fix; a next pass may apply them


@dataclass
class FixPlan:
    files: list[FileFix] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # files left alone, and why

    @property
    def applied_count(self) -> int:
        return sum(len(f.applied) for f in self.files)

    @property
    def has_conflicts(self) -> bool:
        return any(f.conflicting for f in self.files)


def is_fixable(finding: Finding, unsafe: bool) -> bool:
    """A fix that may be applied at this applicability level."""
    fix = finding.fix
    if fix is None or (not fix.edits and finding.code not in DEFERRED_FIXERS):
        return False
    return fix.applicability is Applicability.SAFE or unsafe


def split_lines(text: str) -> list[str]:
    """Lines with their own line endings, split on Python's line breaks only."""
    lines: list[str] = []
    position = 0
    for match in LINE_BREAK.finditer(text):
        lines.append(text[position:match.end()])
        position = match.end()
    if position < len(text):
        lines.append(text[position:])
    return lines


def to_offset(lines: Sequence[str], starts: Sequence[int], line: int, column: int) -> int | None:
    """Offset of a 1-based position; the line after the last one means end of text.

    ``starts`` holds each line's offset and, last, the length of the text.
    """
    if line == len(lines) + 1 and column == 1:
        return starts[len(lines)]
    if not 1 <= line <= len(lines) or column < 1:
        return None
    content = lines[line - 1].rstrip("\r\n")
    return starts[line - 1] + min(column - 1, len(content))


def resolve_edits(text: str, edits: Iterable[Edit]) -> list[TextEdit] | None:
    """Edits as offsets of ``text``; None when one of them points outside it."""
    lines = split_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    resolved: list[TextEdit] = []
    for edit in edits:
        start = to_offset(lines, starts, edit.line, edit.column)
        end = to_offset(lines, starts, edit.end_line, edit.end_column)
        if start is None or end is None or end < start:
            return None
        resolved.append(TextEdit(start, end, edit.content))
    return resolved


def apply_text_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-conflicting edits bottom-up, so earlier offsets stay valid."""
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end), reverse=True):
        text = text[:edit.start] + edit.content + text[edit.end:]
    return text


def edit_between(text: str, start: int, end: int, content: str) -> Edit:
    """The Edit replacing ``text[start:end]``: how an offset-based rewrite becomes an Edit."""
    def position(offset: int) -> tuple[int, int]:
        before = text[:offset]
        breaks = list(LINE_BREAK.finditer(before))
        line_start = breaks[-1].end() if breaks else 0
        return len(breaks) + 1, offset - line_start + 1

    (line, column), (end_line, end_column) = position(start), position(end)
    return Edit(line, column, end_line, end_column, content)


def _deferred_fixer(code: str) -> DeferredFixer:
    module, function = DEFERRED_FIXERS[code].split(":")
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


def edits_of(finding: Finding, text: str) -> tuple[Edit, ...]:
    """The finding's edits, computing deferred ones from the current text."""
    assert finding.fix is not None
    if finding.fix.edits:
        return finding.fix.edits
    if finding.code in DEFERRED_FIXERS:
        return _deferred_fixer(finding.code)(text, finding)
    return ()


def plan_file(path: str, text: str, findings: Sequence[Finding]) -> FileFix:
    """Accept fixes in source order, skipping any that conflicts with one already taken."""
    accepted: list[TextEdit] = []
    applied: list[Finding] = []
    conflicting: list[Finding] = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        resolved = resolve_edits(text, edits_of(finding, text))
        if not resolved:
            continue
        if any(new.conflicts_with(old) for new in resolved for old in accepted):
            conflicting.append(finding)
            continue
        if any(a.conflicts_with(b) for i, a in enumerate(resolved) for b in resolved[i + 1:]):
            continue  # a fix that contradicts itself is a rule bug: never apply it
        accepted.extend(resolved)
        applied.append(finding)
    return FileFix(path, text, apply_text_edits(text, accepted), tuple(applied),
                   tuple(conflicting))


def plan_fixes(findings: Iterable[Finding], root: Path, unsafe: bool) -> FixPlan:
    """What ``--fix`` would write, file by file, without writing anything."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if is_fixable(finding, unsafe):
            by_path.setdefault(finding.path, []).append(finding)
    plan = FixPlan()
    for path in sorted(by_path):
        try:
            text = read_regular_bytes(root / path).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            plan.notes.append(f"{path}: not fixed, cannot read it as UTF-8 ({exc})")
            continue
        file_fix = plan_file(path, text, by_path[path])
        if file_fix.fixed == text:
            continue
        problem = still_parses(path, text, file_fix.fixed)
        if problem:
            plan.notes.append(f"{path}: fixes not applied, the result would not parse "
                              f"({problem}); please report this")
            continue
        plan.files.append(file_fix)
    return plan


def still_parses(path: str, before: str, after: str) -> str | None:
    """Why ``after`` no longer parses when ``before`` did; None when all is well."""
    if path.endswith(".py"):
        import libcst

        parse: Callable[[str], object] = libcst.parse_module
        errors: tuple[type[Exception], ...] = (libcst.ParserSyntaxError,)
    elif path.endswith((".yml", ".yaml")):
        import yaml

        def parse(text: str) -> object:
            return list(yaml.safe_load_all(text))

        errors = (yaml.YAMLError,)
    else:
        return None
    try:
        parse(before)
    except errors:
        return None  # it did not parse before either: nothing to protect
    try:
        parse(after)
    except errors as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def write_fixes(plan: FixPlan, root: Path) -> None:
    """Write each fixed file whole, keeping its line endings (encoded as UTF-8)."""
    for file_fix in plan.files:
        (root / file_fix.path).write_bytes(file_fix.fixed.encode("utf-8"))


def unified_diff(plan: FixPlan, display: Callable[[str], str] = lambda path: path) -> str:
    """``--diff`` output: one unified diff per file, ``a/`` and ``b/`` before the
    ``display`` form of each path (relative to the current directory, for ``git apply``)."""
    chunks: list[str] = []
    for file_fix in plan.files:
        shown = display(file_fix.path)
        diff = difflib.unified_diff(
            split_lines(file_fix.original), split_lines(file_fix.fixed),
            fromfile=f"a/{shown}", tofile=f"b/{shown}",
        )
        for line in diff:
            if not line.endswith(("\n", "\r")):
                line += "\n\\ No newline at end of file\n"
            chunks.append(line)
    return "".join(chunks)
