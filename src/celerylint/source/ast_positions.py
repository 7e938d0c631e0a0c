"""Positions as libcst reports them, computed from CPython's tree and the source text.

CPython counts columns in UTF-8 bytes and records only the keyword of ``def``,
``class`` and ``from ... import``; libcst counts characters and records names.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import sys
import tokenize

from celerylint.source.facts import CommentFact, Span

_DEFINITION_KEYWORD = re.compile(r"(?:async[\s\\]+)?def[\s\\]+|class[\s\\]+")
_FROM_KEYWORD = re.compile(r"from[\s\\]*(?:\.[\s\\]*)*")
_DOTTED = re.compile(r"\w+(?:[ \t\\\r\n]*\.[ \t\\\r\n]*\w+)*")


class Positions:
    """CPython counts columns in UTF-8 bytes, libcst (and editors) in characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.all_ascii = text.isascii()
        self.lines = text.split("\n")
        self.line_starts = [0]
        for line in self.lines[:-1]:
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)

    def column(self, line: int, byte_column: int) -> int:
        if self.all_ascii or not 0 < line <= len(self.lines):
            return byte_column
        text = self.lines[line - 1]
        if text.isascii():
            return byte_column
        return len(text.encode("utf-8", "surrogatepass")[:byte_column].decode("utf-8", "replace"))

    def span(self, node: ast.AST) -> Span:
        line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        start, end = node.col_offset, node.end_col_offset or 0  # type: ignore[attr-defined]
        if not self.all_ascii:  # most sources are ASCII: bytes are characters
            start, end = self.column(line, start), self.column(end_line, end)
        if isinstance(node, (ast.Tuple, ast.GeneratorExp)) and self._char(line, start) == "(":
            return self._inside_parentheses(node, line, start)
        return Span(line, start + 1, end_line, end + 1)

    def _inside_parentheses(self, node: ast.Tuple | ast.GeneratorExp, line: int,
                            column: int) -> Span:
        """CPython counts the parentheses of a tuple or generator as part of it; libcst
        starts at the first element and ends after the last one (and its comma)."""
        offset = self.line_starts[line - 1] + column + 1
        while offset < len(self.text):
            char = self.text[offset]
            if char == "#":
                offset = self.text.find("\n", offset)
                if offset < 0:
                    break
            elif not char.isspace() and char != "\\":
                break
            offset += 1
        last: ast.AST | None = node.elts[-1] if isinstance(node, ast.Tuple) and node.elts else None
        if isinstance(node, ast.GeneratorExp):
            generator = node.generators[-1]
            last = generator.ifs[-1] if generator.ifs else generator.iter
        if last is None:
            return self._span_between(offset, offset)
        last_end = self.line_starts[last.end_lineno - 1] + self.column(  # type: ignore[attr-defined]
            last.end_lineno, last.end_col_offset)  # type: ignore[attr-defined]
        # Back from the closing parenthesis over whitespace, unless a comment stands there.
        end = self.line_starts[node.end_lineno - 1] + self.column(  # type: ignore[attr-defined]
            node.end_lineno, node.end_col_offset or 0) - 1  # type: ignore[attr-defined]
        while end > last_end and self.text[end - 1].isspace():
            end -= 1
        if "#" in self.text[last_end:end]:
            end = last_end
            if isinstance(node, ast.Tuple) and self.text[end:end + 1] == ",":
                end += 1
        return self._span_between(offset, end)

    def parenthesized(self, node: ast.AST) -> bool:
        """Whether a tuple is written with its own parentheses."""
        line = node.lineno  # type: ignore[attr-defined]
        return self._char(line, self.column(line, node.col_offset)) == "("  # type: ignore[attr-defined]

    def _char(self, line: int, column: int) -> str:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return text[column] if 0 <= column < len(text) else ""

    def keyword_span(self, keyword: ast.keyword) -> Span:
        column = self.column(keyword.lineno, keyword.col_offset) + 1
        return Span(keyword.lineno, column, keyword.lineno, column + len(keyword.arg or ""))

    def _offset(self, node: ast.AST) -> int:
        line = node.lineno  # type: ignore[attr-defined]
        return self.line_starts[line - 1] + self.column(line, node.col_offset)  # type: ignore[attr-defined]

    def _span_between(self, start: int, end: int) -> Span:
        start_line = bisect.bisect_right(self.line_starts, start)
        end_line = bisect.bisect_right(self.line_starts, end)
        return Span(start_line, start - self.line_starts[start_line - 1] + 1,
                    end_line, end - self.line_starts[end_line - 1] + 1)

    def name_span(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> Span:
        """Where the name after ``def``/``class`` stands; CPython records only the keyword."""
        start = self._offset(node)
        keyword = _DEFINITION_KEYWORD.match(self.text, start)
        if keyword is None:
            return self.span(node)
        return self._span_between(keyword.end(), keyword.end() + len(node.name))

    def module_span(self, node: ast.ImportFrom) -> Span:
        """Where ``X`` stands in ``from X import y``."""
        keyword = _FROM_KEYWORD.match(self.text, self._offset(node))
        dotted = _DOTTED.match(self.text, keyword.end()) if keyword else None
        if dotted is None:
            return self.span(node)
        return self._span_between(dotted.start(), dotted.end())


# Valid Python holds ``#`` and quotes only in comments and string literals, so one
# left-to-right scan over "a comment, or a whole string literal" meets every comment
# exactly where tokenize does. A prefix (``r``, ``b``, ``f``...) needs no matching: a
# backslash escapes the next character for the tokenizer in raw strings too.
_COMMENT_OR_STRING = re.compile("|".join((
    r"(#[^\r\n]*)",
    r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''",
    r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""',
    r"'[^'\\\r\n]*(?:\\(?:\r\n|.)[^'\\\r\n]*)*'",
    r'"[^"\\\r\n]*(?:\\(?:\r\n|.)[^"\\\r\n]*)*"',
)), re.DOTALL)
# From Python 3.12 an f-string may nest its own quotes (PEP 701), which the scan above
# cannot follow; such files go through tokenize, native code there.
_F_STRING = re.compile(r"(?<![\w])[rRbB]?[fF][rR]?['\"]")


def scan_comments(text: str) -> tuple[CommentFact, ...]:
    """Every comment, own-line or trailing, as tokenize reports them (same text, line,
    column in characters). ``text`` is a source CPython's parser accepted."""
    if "#" not in text:
        return ()
    if sys.version_info >= (3, 12) and _F_STRING.search(text):
        return tokenized_comments(text)
    comments: list[CommentFact] = []
    line, line_start, counted = 1, 0, 0
    for match in _COMMENT_OR_STRING.finditer(text):
        start = match.start(1)
        if start < 0:
            continue
        line += text.count("\n", counted, start)
        line_start = text.rfind("\n", 0, start) + 1
        counted = start
        column = start - line_start
        comments.append(CommentFact(match.group(1), line, column + 1,
                                    not text[line_start:start].strip(" \t\f")))
    return tuple(comments)


def tokenized_comments(text: str) -> tuple[CommentFact, ...]:
    """``scan_comments`` by tokenize: the reference the tests hold the scan to."""
    if "#" not in text:
        return ()
    lines = text.split("\n")
    comments: list[CommentFact] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            line, column = token.start
            before = lines[line - 1][:column] if line <= len(lines) else ""
            comments.append(CommentFact(token.string, line, column + 1,
                                        not before.strip(" \t\f")))
    return tuple(comments)
