"""Find commented-out code among a module's own-line comments.

A comment is code when a real parser accepts it *and* what it parses to reads
like code (``comment_signals``), and its neighbours do not make it an example,
a sentence, a traceback or a banner (``comment_context``). Each run of
consecutive comment lines that holds code is reported once, as one block from
its first to its last code line, with the reason for disabling it when the
block states one.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from celerylint.source.comment_context import (
    continues_a_sentence,
    is_banner,
    is_documented_example,
    is_traceback,
    stated_reason,
)
from celerylint.source.comment_lines import (
    LineKind,
    bracket_delta,
    classify_line,
    mask_strings,
    strip_trailing_note,
    trailing_note,
)
from celerylint.source.comment_parse import Chunk, CommentLine, dedent, find_chunks
from celerylint.source.comment_work import CommentedWork
from celerylint.source.facts import CommentFact

# Comments further apart than this (in columns) are still one block when on
# consecutive lines: editors comment out each line at its own indentation.
MAX_COLUMN_DRIFT = 8
# Statements that open a body: a deeper-indented commented group after one continues it.
_OPENERS = ("def ", "async def ", "class ", "if ", "for ", "async for ", "while ", "with ",
            "async with ", "try:", "@")


@dataclass(frozen=True)
class CommentedCodeBlock:
    """A run of consecutive comment lines that holds code.

    Lines and columns are 1-based; ``column`` is the '#' of the first code line
    and ``end_column`` is one past the last character of the last code comment,
    so the span covers whole comments including any trailing note.
    """

    line: int
    end_line: int
    column: int
    end_column: int
    code: str  # uncommented, dedented, without trailing notes
    reason: str | None = None  # the block's own words for why it is off ("TODO: ...")
    code_column: int = 0  # where the first code line's text starts, past '#' and indent
    # The Celery work it would do if restored.
    work: CommentedWork = dataclasses.field(default_factory=CommentedWork)

    @property
    def imported_modules(self) -> tuple[str, ...]:
        """As written, in order: ``("..scheduler.tasks", "app.workers.foo")``."""
        return tuple(dict.fromkeys(imported.module for imported in self.work.imports))


def find_commented_code(
    comments: Sequence[CommentFact], definitions: Collection[tuple[str, int]] = ()
) -> list[CommentedCodeBlock]:
    """Report each contiguous run of commented-out code once, in line order.

    ``definitions`` are the ``(name, line)`` of the module's functions and
    classes, so a ``# score()`` banner over ``def score`` is not taken for a
    call. Trailing comments (``x = 1  # y = 2``) are never considered: only
    own-line comments can be code someone switched off.
    """
    own_line = sorted((c for c in comments if c.own_line), key=lambda c: (c.line, c.column))
    found: list[CommentedCodeBlock] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "\d" in a commented-out string is not our business
        for group in _contiguous_groups(own_line):
            block = _code_block_in_group(group, definitions)
            if block is not None:
                found.append(block)
    return _merge_continued(found)


def _merge_continued(blocks: list[CommentedCodeBlock]) -> list[CommentedCodeBlock]:
    """A commented-out ``def`` whose body has blank lines in it is still one block.

    The comment groups after the blank lines sit at the same '#' column with
    their code indented deeper than the ``def``/``if``/``class`` that opens it.
    """
    merged: list[CommentedCodeBlock] = []
    for block in blocks:
        opener = merged[-1] if merged else None
        if (
            opener is not None
            and block.column == opener.column
            and block.code_column > opener.code_column
            and opener.code.lstrip().startswith(_OPENERS)
        ):
            merged[-1] = dataclasses.replace(
                opener,
                end_line=block.end_line,
                end_column=block.end_column,
                code=f"{opener.code}\n{block.code}",
                reason=opener.reason or block.reason,
                work=opener.work.merged(block.work),
            )
        else:
            merged.append(block)
    return merged


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


def _code_block_in_group(
    group: list[CommentFact], definitions: Collection[tuple[str, int]]
) -> CommentedCodeBlock | None:
    base_column = min(comment.column for comment in group)
    lines = [_comment_line(comment, base_column) for comment in group]
    if not any(line.kind is LineKind.CANDIDATE for line in lines) or is_traceback(lines):
        return None
    runs = [
        run for run in find_chunks(lines)
        if not is_documented_example(lines, run)
        and not continues_a_sentence(lines, run)
        and not is_banner(lines, run, definitions)
    ]
    if not runs:
        return None
    return _to_block(lines, runs, stated_reason(lines, runs))


def _comment_line(comment: CommentFact, base_column: int) -> CommentLine:
    """Turn the '#' run into spaces so relative indentation survives dedent."""
    text = comment.text
    hashes = len(text) - len(text.lstrip("#"))
    body = strip_trailing_note(text[hashes:])
    stripped = body.strip()
    code = " " * (comment.column - base_column + hashes) + body.rstrip()
    kind = classify_line(stripped)
    delta = bracket_delta(mask_strings(stripped)) if kind is LineKind.CANDIDATE else 0
    return CommentLine(comment, code, trailing_note(text[hashes:]), kind, delta)


def _to_block(
    lines: list[CommentLine], runs: list[Chunk], reason: str | None
) -> CommentedCodeBlock:
    first, last = lines[runs[0].first].fact, lines[runs[-1].last].fact
    code = "\n".join(dedent([line.code for line in lines[runs[0].first : runs[-1].last + 1]]))
    work = CommentedWork()
    for run in runs:
        work = work.merged(run.work)
    return CommentedCodeBlock(
        line=first.line,
        end_line=last.line,
        column=first.column,
        end_column=last.column + len(last.text),
        code=code,
        reason=reason,
        code_column=lines[runs[0].first].fact.column + _code_offset(lines[runs[0].first]),
        work=work,
    )


def _code_offset(line: CommentLine) -> int:
    """Columns from the '#' to the code text: the '#' run and the indent after it."""
    text = line.fact.text
    hashes = len(text) - len(text.lstrip("#"))
    body = text[hashes:]
    return hashes + len(body) - len(body.lstrip())
