"""What a comment line can be, decided from its text before anything is parsed.

Parsing alone cannot tell code from prose: ``# hello``, ``# Returns: dict`` and
``# something in particular`` are valid Python. These checks sort each comment
line first, so the parser only ever sees lines that could be code. Pure
functions of their arguments; nothing is cached.
"""

from __future__ import annotations

import enum
import keyword
import re


class LineKind(enum.Enum):
    """What a comment line can be, decided from its text alone."""

    BLANK = "blank"  # nothing but '#' (or only a trailing note)
    NEVER_CODE = "never_code"  # pragma, task note, URL, separator, sentence, ...
    FRAGMENT = "fragment"  # may sit inside code (``result``), never starts it
    CANDIDATE = "candidate"  # may be code; the parser decides


_STRING = r"""(?:(?<!\w)[rRbBuUfF]{1,2})?(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
_STRING_RE = re.compile(_STRING)
_STRING_OR_HASH_RE = re.compile(rf"(?P<string>{_STRING})|#")

# Word-led exclusions do not apply when the word is used as a name in code
# (``note = ...``, ``todo.append(...)``, ``license[...]``, ``bug(...)``).
_NOT_A_NAME = r"\b(?!\s*[=.\[(])"
_NEVER_CODE_PREFIX_RE = re.compile(
    "|".join(
        (
            rf"(?:noqa|nosec|noinspection|nolint|lgtm|pyre-\w+|region|endregion){_NOT_A_NAME}",
            (
                r"(?:type|pylint|pyright|mypy|fmt|isort|pragma|ruff|flake8|yapf|pylama"
                r"|coverage|celerylint|black|pyre|cython|codespell|autopep8)\s*:"
            ),
            rf"(?:todo|fixme|xxx|hack|bug|note|nb|warning|caution|important){_NOT_A_NAME}",
            rf"(?:copyright|licen[cs]ed?|spdx-license-identifier|all\s+rights){_NOT_A_NAME}",
            r"\(c\)|©",
            r"!",  # shebang
            r"(?:vim?|ex|emacs)\s*:|coding[:=]",
            r">>>(?:\s|$)|\.\.\.\s+\S",  # doctest prompt and continuation
            r"(?:\d+|[a-zA-Z])[.)]\s",  # numbered list item: "1. Do", "a) Do"
            r"[-*+\u2022]\s",  # bulleted list item
            # Javadoc tags: "@deprecated" over a field is a note, "@deprecated(...)" code
            (r"@(?:deprecated|param|returns?|raises?|throws|see|since|author|version|todo)"
             r"\b(?!\s*\()"),
        )
    ),
    re.IGNORECASE,
)
# Anywhere outside strings: an Emacs coding cookie, a URL, a ruler of
# repeated punctuation (``-----``, ``=====``).
_NEVER_CODE_INSIDE_RE = re.compile(
    r"-\*-|\b[a-z][a-z0-9+.-]*://|\bwww\.\w|(?P<ruler>[-=*~+^|#<>/\\])(?P=ruler)(?P=ruler)",
    re.IGNORECASE,
)
_CODE_CHAR_RE = re.compile(r"""[()\[\]{}=:,.'"+\-*/%<>@|&^~]""")
_FIRST_WORD_RE = re.compile(r"\w+")
_KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
_KEYWORD_ALTERNATIVES = "|".join(sorted(_KEYWORDS, key=len, reverse=True))
_NOT_A_KEYWORD = rf"(?!(?:{_KEYWORD_ALTERNATIVES})(?!\w))"
# A word, whitespace, a word, neither of them a keyword.
_ADJACENT_WORDS_RE = re.compile(rf"(?<!\w){_NOT_A_KEYWORD}\w+[ \t]+{_NOT_A_KEYWORD}\w")


def strip_trailing_note(body: str) -> str:
    """Cut a trailing ``# note`` so ``x = 1  # old value`` parses as code.

    A '#' inside a string literal is not a note; an unterminated quote (an
    apostrophe in prose) simply does not protect what follows it.
    """
    if "#" not in body:
        return body
    for match in _STRING_OR_HASH_RE.finditer(body):
        if match.lastgroup is None:
            return body[: match.start()].rstrip()
    return body


def trailing_note(body: str) -> str:
    """The ``# note`` after code on a comment line (``# x = 1  # old value``), or ''."""
    kept = strip_trailing_note(body)
    return body[len(kept):].strip().lstrip("#").strip() if len(kept) < len(body) else ""


def mask_strings(text: str) -> str:
    """Replace string literals by ``0`` so their words and brackets don't count."""
    if "'" not in text and '"' not in text:
        return text
    return _STRING_RE.sub("0", text)


def bracket_delta(masked: str) -> int:
    """Net opened brackets on a line, so a chunk is only tried where they balance."""
    opened = masked.count("(") + masked.count("[") + masked.count("{")
    return opened - masked.count(")") - masked.count("]") - masked.count("}")


def has_adjacent_words(masked: str) -> bool:
    """Two words side by side (``Clean up``, ``30 days``) never occur in code.

    Python only puts whitespace between two names or numbers when one of them
    is a keyword (``x if y``, ``import os``, ``match command:``).
    """
    return _ADJACENT_WORDS_RE.search(masked) is not None


def classify_line(text: str) -> LineKind:
    """Decide from text alone whether a comment line may be (part of) code.

    ``text`` is the comment without its '#' and trailing note, stripped.
    """
    if not text:
        return LineKind.BLANK
    if _NEVER_CODE_PREFIX_RE.match(text):
        return LineKind.NEVER_CODE
    masked = mask_strings(text)
    if has_adjacent_words(masked) or _NEVER_CODE_INSIDE_RE.search(masked):
        return LineKind.NEVER_CODE
    if _CODE_CHAR_RE.search(text):
        return LineKind.CANDIDATE
    first_word = _FIRST_WORD_RE.match(text)
    if first_word is not None and first_word.group() in _KEYWORDS:
        return LineKind.CANDIDATE
    return LineKind.FRAGMENT
