"""Parse runs of comment lines to find which of them hold code.

Consecutive comment lines are parsed together, so a commented-out ``if`` with a
call spread over several lines is one chunk, and a prose header above
commented-out code is left out of it. Cost matters because this runs on every
own-line comment of large projects: lines were classified from their text
first (``comment_lines``), chunks with no candidate line are never parsed, and
a failed parse tells how far a chunk can possibly extend.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import NamedTuple

from celerylint.source.comment_lines import LineKind
from celerylint.source.comment_signals import (
    Signal,
    dict_entries_signal,
    is_edge_trimmable,
    statement_signal,
)
from celerylint.source.comment_work import CommentedWork, celery_work
from celerylint.source.facts import CommentFact

# Longest run of comment lines parsed as one chunk; bounds the work on huge
# commented-out regions without splitting realistic ones.
MAX_CHUNK_LINES = 120
# Parses tried per starting line after the first; a safety net against
# pathological comment blocks, never reached by the bounds on real code.
MAX_ATTEMPTS_PER_START = 12
_PARSE_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
_PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError)
_DANGLING_CLAUSE_RE = re.compile(
    r"(?P<indent>\s*)(?:elif\s+(?P<condition>.*:)|else\s*:|except\b.*:|finally\s*:)\s*"
)
_DISPLAYS = (ast.Dict, ast.List, ast.Set, ast.Tuple)
_DICT_ENTRY_START = ("'", '"', "**", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")


class CommentLine(NamedTuple):
    """One own-line comment, ready to parse."""

    fact: CommentFact
    code: str  # the comment with '#'s turned to spaces, note cut, column-aligned
    note: str  # the trailing ``# note``, without its '#'
    kind: LineKind
    bracket_delta: int


class Chunk(NamedTuple):
    """Comment lines ``first..last`` (indices, inclusive) hold code."""

    first: int
    last: int
    work: CommentedWork = CommentedWork()  # what it would do for Celery if restored


class _Attempt(NamedTuple):
    """One parse of lines ``start..consumed``: their code, or what it teaches."""

    chunks: tuple[Chunk, ...]
    consumed: int
    max_lines: int | None = None  # no longer chunk from this start can be code
    unparsable: bool = False  # neither as statements nor as dict entries
    sample: bool = False  # a bare literal display: a payload, no line of it is code


def find_chunks(lines: list[CommentLine]) -> list[Chunk]:
    chunks: list[Chunk] = []
    start = 0
    while start < len(lines):
        found = None
        if lines[start].kind is LineKind.CANDIDATE:
            found = _longest_code_from(lines, start)
        if found is None:
            start += 1
        else:
            chunks.extend(found.chunks)
            start = found.consumed + 1
    return chunks


def _longest_code_from(lines: list[CommentLine], start: int) -> _Attempt | None:
    """The longest parse from ``start`` that holds code, or None.

    The first logical line is parsed alone first: if it cannot parse, no chunk
    starting there can. Then chunks are tried longest first, each failure
    bounding how long a chunk may still be, so a block costs a few parses.
    """
    ends = _balanced_ends(lines, start)
    first_end = next(ends, None)
    if first_end is None:
        return None
    first = _attempt(lines, start, first_end)
    if first.sample:
        return first  # its lines are data; what follows is judged on its own
    if first.unparsable and _is_plain(lines[start : first_end + 1]):
        return None
    end_limit = len(lines)
    attempts = 0
    for end in reversed(list(ends)):
        if end >= end_limit:
            continue
        if attempts == MAX_ATTEMPTS_PER_START:
            break
        attempts += 1
        attempt = _attempt(lines, start, end)
        if attempt.chunks or attempt.sample:
            return attempt
        if attempt.max_lines is not None:
            end_limit = min(end_limit, start + attempt.max_lines)
    # A longer chunk can veto the first line: "def f():" alone is code, but
    # "def f():" over "    ..." is a placeholder example.
    return first if first.chunks and first_end < end_limit else None


def _balanced_ends(lines: list[CommentLine], start: int) -> Iterator[int]:
    """Indices where a chunk from ``start`` may end: brackets closed, indents sound.

    A logical line cannot be indented less than the first one, nor deeper than
    the one before unless that one opened a block. Dict entries (inside
    braces) and triple-quoted strings make indentation meaningless.
    """
    depth = 0
    first_indent = indent_of(lines[start].code)
    indent_free = lines[start].code.lstrip().startswith(_DICT_ENTRY_START)
    logical_indent = first_indent
    deepest_next: int | None = None  # max indent of the next logical line
    continued = False  # the previous line ended with a backslash
    for index in range(start, min(len(lines), start + MAX_CHUNK_LINES)):
        line = lines[index]
        if line.kind is LineKind.NEVER_CODE:
            break
        if line.kind is LineKind.BLANK:
            continue
        indent_free = indent_free or '"""' in line.code or "'''" in line.code
        if depth == 0 and not continued and not indent_free:
            logical_indent = indent_of(line.code)
            if logical_indent < first_indent or (
                deepest_next is not None and logical_indent > deepest_next
            ):
                break
        depth += line.bracket_delta
        continued = line.code.endswith("\\")
        if depth < 0:
            break
        if depth == 0 and not continued:
            deepest_next = None if line.code.endswith(":") else logical_indent
            yield index


def _is_plain(lines: list[CommentLine]) -> bool:
    """No backslash continuation or triple quote: the lines are a whole statement."""
    return not any(
        line.code.endswith("\\") or '"""' in line.code or "'''" in line.code for line in lines
    )


def dedent(texts: list[str]) -> list[str]:
    indents = [indent_of(text) for text in texts if text.strip()]
    margin = min(indents, default=0)
    return [text[margin:] for text in texts]


def _attempt(lines: list[CommentLine], start: int, end: int) -> _Attempt:
    """Parse lines ``start..end`` as statements, else as dict entries, and judge."""
    source = dedent([line.code for line in lines[start : end + 1]])
    fixed, lost_header = _with_fixup(source)
    try:
        module = compile("\n".join(fixed), "<comment>", "exec", _PARSE_FLAGS, dont_inherit=True)
    except _PARSE_ERRORS as error:
        error_line = getattr(error, "lineno", None)
    else:
        return _judge_statements(module.body, fixed, start, end, lost_header=lost_header)
    if not source[0].lstrip().startswith(_DICT_ENTRY_START):
        return _Attempt((), end, error_line, unparsable=True)
    try:
        entries = compile(
            "{\n" + "\n".join(source) + "\n}", "<comment>", "eval", _PARSE_FLAGS, dont_inherit=True
        )
    except _PARSE_ERRORS as error:
        dict_error_line = getattr(error, "lineno", None)
        if error_line is None or dict_error_line is None:
            return _Attempt((), end, None, unparsable=True)
        return _Attempt((), end, max(error_line, dict_error_line - 1), unparsable=True)
    closed_by_comma = source[-1].rstrip().endswith(",")
    if dict_entries_signal(entries.body, closed_by_comma=closed_by_comma) is Signal.CODE:
        return _Attempt((Chunk(start, end),), end)
    return _Attempt((), end)


def _with_fixup(source: list[str]) -> tuple[list[str], bool]:
    """Complete what a commented-out fragment lacks to parse on its own.

    A leading ``elif``/``else``/``except``/``finally`` clause lost its header
    (reported as True: only code starts that way), a trailing ``if x:``,
    ``try:`` or ``match x:`` lost its body, a trailing decorator its function.
    Fixups rewrite a line in place or append lines, so positions stay chunk lines.
    """
    lines = list(source)
    dangling = _DANGLING_CLAUSE_RE.fullmatch(lines[0])
    if dangling is not None:
        condition = dangling.group("condition")
        lines[0] = dangling.group("indent") + (f"if {condition}" if condition else "if 1:")
    last = lines[-1]
    stripped = last.strip()
    indent = last[: indent_of(last)]
    if stripped == "try:":
        lines[-1] = f"{indent}if 1:"
    if stripped.startswith("match ") and stripped.endswith(":"):
        lines.extend((f"{indent}    case _:", f"{indent}        pass"))
    elif stripped.endswith(":"):
        lines.append(f"{indent}    pass")
    elif stripped.startswith("@"):
        lines.append(f"{indent}def _(): pass")
    return lines, dangling is not None


def _judge_statements(
    body: list[ast.stmt], parsed: list[str], start: int, end: int, *, lost_header: bool
) -> _Attempt:
    """Report the runs of statements that hold code, split at weak expressions.

    A bare word or ``DOCUMENT-START`` between two statements means a listing
    or an explanation, not code. A rejection bounds shorter chunks: without
    any code statement no prefix has one, and a prose statement rejects every
    chunk that holds it.
    """
    signals = [statement_signal(stmt, parsed) for stmt in body]
    if lost_header and signals[0] is Signal.WEAK:
        signals[0] = Signal.CODE  # "elif not (a or b):" -- no sentence starts so
    if Signal.PROSE in signals:
        prose = body[signals.index(Signal.PROSE)]
        return _Attempt((), end, _first_line(prose) - 1)
    if Signal.CODE not in signals:
        sample = all(
            isinstance(stmt, ast.Expr) and isinstance(stmt.value, _DISPLAYS) for stmt in body
        )
        return _Attempt((), end, 0, sample=sample)
    chunks = []
    for run in _code_runs(body, signals):
        first = start + _first_line(run[0]) - 1
        last = min(start + max(stmt.end_lineno or stmt.lineno for stmt in run) - 1, end)
        chunks.append(Chunk(first, last, celery_work(run, parsed)))
    return _Attempt(tuple(chunks), end)


def _code_runs(body: list[ast.stmt], signals: list[Signal]) -> Iterator[list[ast.stmt]]:
    run: list[ast.stmt] = []
    has_code = False
    for stmt, signal in zip(body, signals):
        if is_edge_trimmable(stmt, signal):
            if has_code:
                yield run
            run, has_code = [], False
            continue
        run.append(stmt)
        has_code = has_code or signal is Signal.CODE
    if has_code:
        yield run


def _first_line(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", ())
    return min([stmt.lineno, *(decorator.lineno for decorator in decorators)])


def indent_of(text: str) -> int:
    return len(text) - len(text.lstrip())
