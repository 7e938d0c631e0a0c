"""The quoted source line and the caret line under it, as ruff's full output shows them.

Only masked text is shown. Masking may shorten or lengthen the line, so the
carets are placed on the masked line: they start where the masked text before
the reported column ends, and never reveal the length of a hidden secret.
"""

from __future__ import annotations

import os
import unicodedata

from celerylint.findings import Finding
from celerylint.report.context import ReportContext
from celerylint.report.sanitize import masked


def snippet_lines(finding: Finding, context: ReportContext) -> list[str]:
    """``  12 |     code`` and ``     |     ^^^^``, or nothing when the line is unreadable."""
    line = context.source_line(finding)
    if line is None:
        return []
    shown, start, end = _caret_range(line.rstrip(), finding)
    number = str(finding.line)
    gutter = " " * len(number)
    indent = "".join("\t" if char == "\t" else " " * _width(char) for char in shown[:start])
    carets = "^" * max(1, sum(_width(char) for char in shown[start:end]))
    return [f"  {number} | {shown}".rstrip(), f"  {gutter} | {indent}{carets}"]


def _caret_range(line: str, finding: Finding) -> tuple[str, int, int]:
    """The masked line and the [start, end) character range to underline in it.

    A multi-line finding is underlined to the end of its first line; an empty
    span (an insertion point, or an unknown end) gets a single caret.
    """
    start = finding.column - 1
    end = len(line) if finding.end_line > finding.line else finding.end_column - 1
    shown = masked(line)
    if shown != line:
        start, end = _masked_start(line, start, shown), _masked_end(line, end, shown)
    start = min(start, len(shown))
    return shown, start, max(end, start + 1) if start < len(shown) else start


def _masked_start(line: str, offset: int, shown: str) -> int:
    """Where ``line[offset]`` lands in ``shown``; inside a secret, where its mask begins."""
    prefix = masked(line[:offset])
    if shown.startswith(prefix):
        return len(prefix)
    return len(os.path.commonprefix([prefix, shown]))


def _masked_end(line: str, offset: int, shown: str) -> int:
    """Like :func:`_masked_start` for an end; inside a secret, the end of the line.

    Either way the carets only ever measure masked text, never a secret.
    """
    prefix = masked(line[:offset])
    return len(prefix) if shown.startswith(prefix) else len(shown)


def _width(char: str) -> int:
    """Terminal cells taken by ``char``, so carets line up under wide characters."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
