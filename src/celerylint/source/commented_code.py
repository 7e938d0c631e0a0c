"""Find commented-out code among a module's own-line comments.

A comment is code when a real parser accepts it *and* what it parses to reads
like code (see ``comment_signals``). Consecutive comment lines are parsed
together, so a commented-out ``if`` with a call spread over several lines is
one block, and a prose header above commented-out code is left out of it.

Cost matters because this runs on every own-line comment of large projects:
lines are first classified from their text, blocks with no candidate line are
never parsed, and a failed parse tells how far a chunk can possibly extend.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from celerylint.source.comment_signals import (
    LineKind,
    Signal,
    bracket_delta,
    classify_line,
    dict_entries_signal,
    is_edge_trimmable,
    mask_strings,
    statement_signal,
    strip_trailing_note,
)
from celerylint.source.facts import CommentFact

# Comments further apart than this (in columns) are still one block when on
# consecutive lines: editors comment out each line at its own indentation.
MAX_COLUMN_DRIFT = 8
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
_EXAMPLE_INTRODUCTION_RE = re.compile(
    r"\b(?:examples?|e\.g\.|for instance|such as|like so|like this|equivalent|"
    r"the following|as follows|looks like|usage)\b",
    re.IGNORECASE,
)
_DICT_ENTRY_START = ("'", '"', "**", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")


@dataclass(frozen=True)
class CommentedCodeBlock:
    """A run of consecutive comment lines that hold code.

    Lines and columns are 1-based; ``column`` is the '#' of the first line and
    ``end_column`` is one past the last character of the last comment, so the
    span covers whole comments including any trailing note.
    """

    line: int
    end_line: int
    column: int
    end_column: int
    code: str  # uncommented, dedented, without trailing notes
    imported_modules: tuple[str, ...]  # as written: "..scheduler.tasks", "app.workers.foo"


class _CommentLine(NamedTuple):
    fact: CommentFact
    code: str  # the comment with '#'s turned to spaces, note cut, column-aligned
    kind: LineKind
    bracket_delta: int


class _Chunk(NamedTuple):
    """Comment lines ``first..last`` (indices, inclusive) hold code."""

    first: int
    last: int
    imported_modules: tuple[str, ...]


class _Attempt(NamedTuple):
    """One parse of lines ``start..consumed``: their code, or what it teaches."""

    chunks: tuple[_Chunk, ...]
    consumed: int
    max_lines: int | None = None  # no longer chunk from this start can be code
    unparsable: bool = False  # neither as statements nor as dict entries


def find_commented_code(comments: Sequence[CommentFact]) -> list[CommentedCodeBlock]:
    """Report each contiguous run of commented-out code once, in line order.

    Trailing comments (``x = 1  # y = 2``) are never considered: only own-line
    comments can be code someone switched off.
    """
    own_line = sorted((c for c in comments if c.own_line), key=lambda c: (c.line, c.column))
    found: list[CommentedCodeBlock] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "\d" in a commented-out string is not our business
        for group in _contiguous_groups(own_line):
            found.extend(_code_blocks_in_group(group))
    return found


def _contiguous_groups(comments: Sequence[CommentFact]) -> Iterator[list[CommentFact]]:
    group: list[CommentFact] = []
    for comment in comments:
        if group and (
            comment.line != group[-1].line + 1
            or abs(comment.column - group[-1].column) > MAX_COLUMN_DRIFT
        ):
            yield group
            group = []
        group.append(comment)
    if group:
        yield group


def _code_blocks_in_group(group: list[CommentFact]) -> list[CommentedCodeBlock]:
    base_column = min(comment.column for comment in group)
    lines = [_comment_line(comment, base_column) for comment in group]
    if not any(line.kind is LineKind.CANDIDATE for line in lines):
        return []
    runs = _merge_adjacent(_find_chunks(lines), lines)
    return [_to_block(lines, run) for run in runs if not _is_documented_example(lines, run)]


def _comment_line(comment: CommentFact, base_column: int) -> _CommentLine:
    """Turn the '#' run into spaces so relative indentation survives dedent."""
    text = comment.text
    hashes = len(text) - len(text.lstrip("#"))
    body = strip_trailing_note(text[hashes:])
    stripped = body.strip()
    code = " " * (comment.column - base_column + hashes) + body.rstrip()
    kind = classify_line(stripped)
    delta = bracket_delta(mask_strings(stripped)) if kind is LineKind.CANDIDATE else 0
    return _CommentLine(comment, code, kind, delta)


def _find_chunks(lines: list[_CommentLine]) -> list[_Chunk]:
    chunks: list[_Chunk] = []
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


def _longest_code_from(lines: list[_CommentLine], start: int) -> _Attempt | None:
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
        if attempt.chunks:
            return attempt
        if attempt.max_lines is not None:
            end_limit = min(end_limit, start + attempt.max_lines)
    # A longer chunk can veto the first line: "def f():" alone is code, but
    # "def f():" over "    ..." is a placeholder example.
    return first if first.chunks and first_end < end_limit else None


def _balanced_ends(lines: list[_CommentLine], start: int) -> Iterator[int]:
    """Indices where a chunk from ``start`` may end: brackets closed, indents sound.

    A logical line cannot be indented less than the first one, nor deeper than
    the one before unless that one opened a block. Dict entries (inside
    braces) and triple-quoted strings make indentation meaningless.
    """
    depth = 0
    first_indent = _indent(lines[start].code)
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
            logical_indent = _indent(line.code)
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


def _is_plain(lines: list[_CommentLine]) -> bool:
    """No backslash continuation or triple quote: the lines are a whole statement."""
    return not any(
        line.code.endswith("\\") or '"""' in line.code or "'''" in line.code for line in lines
    )


def _dedent(texts: list[str]) -> list[str]:
    indents = [_indent(text) for text in texts if text.strip()]
    margin = min(indents, default=0)
    return [text[margin:] for text in texts]


def _attempt(lines: list[_CommentLine], start: int, end: int) -> _Attempt:
    """Parse lines ``start..end`` as statements, else as dict entries, and judge."""
    source = _dedent([line.code for line in lines[start : end + 1]])
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
        return _Attempt((_Chunk(start, end, ()),), end)
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
    indent = last[: _indent(last)]
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
        return _Attempt((), end, 0)
    chunks = []
    for run in _code_runs(body, signals):
        first = start + _first_line(run[0]) - 1
        last = min(start + max(stmt.end_lineno or stmt.lineno for stmt in run) - 1, end)
        chunks.append(_Chunk(first, last, _imported_modules(run, parsed)))
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


def _imported_modules(statements: list[ast.stmt], source: list[str]) -> tuple[str, ...]:
    if not any("import" in line for line in source):
        return ()
    modules: list[str] = []
    for stmt in statements:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Import):
                modules.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                modules.append("." * node.level + (node.module or ""))
    return tuple(dict.fromkeys(modules))


def _merge_adjacent(chunks: list[_Chunk], lines: list[_CommentLine]) -> list[_Chunk]:
    """Chunks separated by nothing but blank comment lines are one run of code."""
    runs: list[_Chunk] = []
    for chunk in chunks:
        previous = runs[-1] if runs else None
        if previous is not None and all(
            lines[index].kind is LineKind.BLANK for index in range(previous.last + 1, chunk.first)
        ):
            modules = tuple(dict.fromkeys(previous.imported_modules + chunk.imported_modules))
            runs[-1] = _Chunk(previous.first, chunk.last, modules)
        else:
            runs.append(chunk)
    return runs


def _is_documented_example(lines: list[_CommentLine], run: _Chunk) -> bool:
    """Code introduced as an example by the line above it is not disabled code.

    The introduction ends in ':' and either the code is indented under it (the
    reST and Google-docstring convention) or it says so (``For example:``,
    ``This is equivalent to:``). Code after ``Disabled until X is fixed:``
    is reported.
    """
    index = run.first - 1
    while index >= 0 and lines[index].kind is LineKind.BLANK:
        index -= 1
    if index < 0 or not lines[index].code.endswith(":"):
        return False
    introduction = lines[index].code
    if _EXAMPLE_INTRODUCTION_RE.search(introduction):
        return True
    return _indent(lines[run.first].code) > _indent(introduction)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _to_block(lines: list[_CommentLine], run: _Chunk) -> CommentedCodeBlock:
    first, last = lines[run.first].fact, lines[run.last].fact
    code = "\n".join(_dedent([line.code for line in lines[run.first : run.last + 1]]))
    return CommentedCodeBlock(
        line=first.line,
        end_line=last.line,
        column=first.column,
        end_column=last.column + len(last.text),
        code=code,
        imported_modules=run.imported_modules,
    )
