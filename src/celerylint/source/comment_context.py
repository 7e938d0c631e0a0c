"""What the comment lines around a chunk of code say about it.

A chunk that parses and reads like code can still be something else because of
its neighbours: an example the line above introduces, the end of a sentence
that wrapped onto it, a line quoted from a traceback, a banner naming the
function under it. And code someone disabled on purpose usually says why next
to it (a TODO, a ticket, "disabled because", "uncomment to enable"): the rule
leaves such a decision to its author. Pure functions of their arguments.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from celerylint.source.comment_lines import LineKind
from celerylint.source.comment_parse import Chunk, CommentLine, indent_of

_EXAMPLE_INTRODUCTION_RE = re.compile(
    r"\b(?:examples?|e\.g\.|for instance|such as|like so|like this|equivalent|"
    r"the following|as follows|looks like|usage|payload|response|request|format|shape)\b",
    re.IGNORECASE,
)
_OPENER_RE = re.compile(r"[\[{(]+")
# How far above a chunk its introduction may be: "Example:" then "[" then the elements.
_INTRODUCTION_REACH = 3
# Words a sentence does not end on: a line ending on one goes on in the next line.
_OPEN_ENDED_WORDS = frozenset((
    "a", "an", "the", "to", "of", "in", "on", "at", "by", "for", "from", "with", "into", "via",
    "as", "and", "or", "but", "nor", "than", "that", "which", "who", "is", "are", "was",
    "were", "be", "been", "like", "use", "using", "call", "calls", "called", "invoke",
    "invokes", "run", "runs", "returned", "returns", "see", "then", "so", "if", "when",
    "where", "while", "because", "since", "do", "does", "e.g.", "i.e.", "eg", "ie",
))
# A wrapped prose line is long; a heading over code ("Old implementation") is short.
_WRAPPED_LINE_LENGTH = 50
_LAST_WORD_RE = re.compile(r"([A-Za-z][A-Za-z.']*),?$")
_TRACEBACK_RE = re.compile(r'^\s*(?:File "[^"]*", line \d+|Traceback \(most recent call last\))')
_BANNER_RE = re.compile(r"^(?:[A-Za-z_]\w*\.)*(?P<name>[A-Za-z_]\w*)\(.*\)$")
# How far below a banner ``# score()`` the ``def score`` it names may start.
_BANNER_REACH = 6
_REASON_RE = re.compile(
    r"\b(?:todo|fixme|xxx|hack|note|nb|bug|workaround|wip)\b"
    r"|\#\d+|\bgh-\d+\b|/(?:issues|pulls?|tickets?|browse|bugs?)/"
    r"|\b(?:because|since|due\s+to|until|unless|for\s+now|temporar(?:y|ily)|not\s+yet"
    r"|no\s+longer|not\s+(?:needed|supported|working|used|ready|provided)"
    r"|(?:does|do|did)\s*n[o']?t\s+work|broken|breaks|disabled?|deprecated|obsolete"
    r"|removed|re-?enabled?|un-?comment\w*|commented\s+out|when\s+fixed|alternatively"
    r"|optional(?:ly)?|to\s+(?:enable|activate|turn\s+on|debug|test)|if\s+you\s+(?:want|need)"
    r"|if\s+needed|for\s+debugging|(?:the\s+)?(?:below|following|next)\s+lines?"
    r"|too\s+(?:long|slow|big|large|expensive|noisy|verbose|many|much))\b",
    re.IGNORECASE,
)
# Ticket ids are upper case ("SHOPX-1390"); case-insensitively, "utf-8" would be one.
_TICKET_RE = re.compile(r"\b[A-Z][A-Z0-9]+-\d+\b")
_PROSE_KINDS = (LineKind.NEVER_CODE, LineKind.FRAGMENT)


def is_traceback(lines: Sequence[CommentLine]) -> bool:
    """A pasted traceback quotes source lines that parse; none of them is disabled code."""
    return any(_TRACEBACK_RE.match(line.code) for line in lines)


def is_documented_example(lines: Sequence[CommentLine], run: Chunk) -> bool:
    """Code introduced as an example by a line above it is not disabled code.

    The introduction ends in ':' and either the code is indented under it (the
    reST and Google-docstring convention) or it says so (``For example:``,
    ``Sample payload:``). Lines that open the example (``[``) may sit between
    them. Code after ``Disabled until X is fixed:`` is not an example.
    """
    index = run.first - 1
    reach = max(run.first - _INTRODUCTION_REACH, 0)
    while index >= reach and (
        lines[index].kind is LineKind.BLANK or _OPENER_RE.fullmatch(lines[index].code.strip())
    ):
        index -= 1
    if index < reach or not lines[index].code.endswith(":"):
        return False
    introduction = lines[index].code
    if _EXAMPLE_INTRODUCTION_RE.search(introduction):
        return True
    return indent_of(lines[run.first].code) > indent_of(introduction)


def continues_a_sentence(lines: Sequence[CommentLine], run: Chunk) -> bool:
    """The chunk finishes a sentence that wrapped onto it, or sits inside one.

    "Django calls it on all fields with" over ``is_relation = False`` and
    "which correctly invokes" over ``validate_password()`` are prose: the line
    above does not end a sentence, and it ends on a word no sentence ends on or
    it closes a long, wrapped paragraph. A parenthesised or comma-ended chunk
    between such a line and one going on in lower case ("that produces two
    joins") is an aside of that sentence.
    """
    above = run.first - 1
    if above < 0 or lines[above].kind not in _PROSE_KINDS:
        return False
    text = lines[above].code.strip()
    last_word = _LAST_WORD_RE.search(text)
    if last_word is None:
        return False
    word = last_word.group(1).lower()
    if word in _OPEN_ENDED_WORDS:
        return True
    if word.endswith("."):
        return False  # "... in the URL." ends its sentence
    wrapped = above > 0 and lines[above - 1].kind in _PROSE_KINDS
    if wrapped and len(text) >= _WRAPPED_LINE_LENGTH:
        return True  # the last line of a paragraph that does not end: it goes on below
    below = run.last + 1
    aside = lines[run.first].code.strip().startswith("(") or lines[run.last].code.endswith(",")
    return (
        aside
        and " " in text
        and below < len(lines)
        and lines[below].kind in _PROSE_KINDS
        and lines[below].code.strip()[:1].islower()
    )


def is_banner(
    lines: Sequence[CommentLine], run: Chunk, definitions: Collection[tuple[str, int]]
) -> bool:
    """``# score()`` just above ``def score(...)`` names the section, it calls nothing."""
    if run.first != run.last:
        return False
    banner = _BANNER_RE.match(lines[run.first].code.strip())
    if banner is None:
        return False
    line = lines[run.first].fact.line
    name = banner.group("name")
    return any(
        defined == name and 0 < start - line <= _BANNER_REACH for defined, start in definitions
    )


def stated_reason(lines: Sequence[CommentLine], runs: Sequence[Chunk]) -> str | None:
    """The comment that says why the code is off, from the block's prose or notes.

    Prose lines of the comment block (above, between or below the code) and
    trailing notes on code lines count: ``# TODO: re-enable after #412``,
    ``# send(x)  # disabled until the API is back``, ``# Uncomment to debug``.
    """
    in_code = {index for run in runs for index in range(run.first, run.last + 1)}
    for index, line in enumerate(lines):
        texts = [line.note] if index in in_code else [line.code, line.note]
        for text in texts:
            if text and (_REASON_RE.search(text) or _TICKET_RE.search(text)):
                return text.strip()
    return None
