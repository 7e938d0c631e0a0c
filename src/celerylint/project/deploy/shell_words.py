"""Shell command lines split into words as a POSIX shell would, with positions.

Celery is started from entrypoint scripts, ``sh -c`` strings, Makefile recipes
and unit files.  ``shlex`` splits such text but forgets where each word began
and whether ``$QUEUE`` stood in single quotes (a literal) or not (expanded only
at run time); both matter here: positions for messages, expansions so that an
unknown value is never guessed.  This splitter follows POSIX quoting and the
operators that separate commands; it never expands or executes anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ShellWord", "SimpleCommand", "copy_operands", "split_simple_commands"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z0-9_.-]+)\1")
_COMMAND_SEPARATORS = frozenset(";&|()")
_ORDINARY_RUN = re.compile(r"[^\s'\"\\$`%;&|()<>]*")
_SPECIAL_PARAMETERS = frozenset("@*#?$!-0123456789")
_PRINTF_CONVERSION = re.compile(r"[-#0 +]*[0-9]*(?:\.[0-9]+)?[A-Za-z]?")


@dataclass(frozen=True)
class ShellWord:
    """One word with quotes removed; expansions stay as written (``$QUEUES``)."""

    text: str
    offset: int  # where the word starts in the source text
    end: int  # just past its last source character
    expands: bool  # holds an expansion the shell resolves only at run time


@dataclass(frozen=True)
class SimpleCommand:
    """Words between two command separators (newline, ``;``, ``&&``, ``|``, ...)."""

    words: tuple[ShellWord, ...]

    @property
    def start(self) -> int:
        return self.words[0].offset

    @property
    def end(self) -> int:
        return self.words[-1].end


class _Splitter:
    """A single left-to-right pass; every step consumes at least one character."""

    def __init__(self, text: str, percent_specifiers: bool) -> None:
        self.text = text
        self.percent_specifiers = percent_specifiers
        self.pos = 0
        self.commands: list[SimpleCommand] = []
        self.words: list[ShellWord] = []
        self.buffer: list[str] = []
        self.word_start = -1
        self.expands = False
        self.drop_next_word = False
        self.pending_heredocs: list[str] = []

    # -- words and commands ----------------------------------------------------------
    def begin_word(self) -> None:
        if self.word_start < 0:
            self.word_start = self.pos

    def end_word(self) -> None:
        if self.word_start < 0:
            return
        end = min(self.pos, len(self.text))
        word = ShellWord("".join(self.buffer), self.word_start, end, self.expands)
        self.buffer, self.word_start, self.expands = [], -1, False
        if self.drop_next_word:
            self.drop_next_word = False
        else:
            self.words.append(word)

    def end_command(self) -> None:
        self.end_word()
        if self.words:
            self.commands.append(SimpleCommand(tuple(self.words)))
        self.words = []

    # -- the pass ----------------------------------------------------------------------
    def run(self) -> list[SimpleCommand]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\n":
                self.end_command()
                self.pos += 1
                self.skip_heredoc_bodies()
            elif char in " \t\r\f\v":
                self.end_word()
                self.pos += 1
            elif char == "#" and self.word_start < 0:
                newline = text.find("\n", self.pos)
                self.pos = len(text) if newline < 0 else newline
            elif char in _COMMAND_SEPARATORS and not self.redirect_ahead():
                self.end_command()
                self.pos += 2 if text.startswith(("&&", "||", ";;", "|&"), self.pos) else 1
            elif char in "<>" or (char == "&" and self.redirect_ahead()):
                self.redirect()
            else:
                self.word_part(char)
        self.end_command()
        return self.commands

    def word_part(self, char: str) -> None:
        self.begin_word()
        if char == "\\":
            self.backslash()
        elif char == "'":
            self.single_quoted(self.pos + 1)
        elif char == '"':
            self.double_quoted()
        elif char == "$" or char == "`":
            self.expansion(inside_double_quotes=False)
        elif char == "%" and self.percent_specifiers:
            self.percent()
        else:  # a run of ordinary characters at once: big scripts stay fast
            end = _ORDINARY_RUN.match(self.text, self.pos + 1).end()  # type: ignore[union-attr]
            self.buffer.append(self.text[self.pos : end])
            self.pos = end

    def backslash(self) -> None:
        following = self.text[self.pos + 1 : self.pos + 2]
        if following == "\n" or self.text.startswith("\r\n", self.pos + 1):
            # A line continuation joins words, it does not start one.
            if not self.buffer and self.word_start == self.pos:
                self.word_start = -1
            self.pos += 2 if following == "\n" else 3
        else:
            self.buffer.append(following)
            self.pos += 2

    def single_quoted(self, start: int) -> None:
        close = self.text.find("'", start)
        close = len(self.text) if close < 0 else close
        self.buffer.append(self.text[start:close])
        self.pos = close + 1

    def double_quoted(self) -> None:
        self.pos += 1
        text = self.text
        while self.pos < len(text) and text[self.pos] != '"':
            char = text[self.pos]
            if char == "\\" and text[self.pos + 1 : self.pos + 2] in ('"', "\\", "$", "`", "\n"):
                if text[self.pos + 1] != "\n":
                    self.buffer.append(text[self.pos + 1])
                self.pos += 2
            elif char in "$`":
                self.expansion(inside_double_quotes=True)
            elif char == "%" and self.percent_specifiers:
                self.percent()
            else:
                self.buffer.append(char)
                self.pos += 1
        self.pos += 1

    def expansion(self, inside_double_quotes: bool) -> None:
        """``$NAME``, ``${...}``, ``$(...)``, backticks: kept verbatim and marked unknown."""
        text, start = self.text, self.pos
        following = text[start + 1 : start + 2]
        if text[start] == "`":
            close = text.find("`", start + 1)
            end = len(text) if close < 0 else close + 1
        elif following == "'" and not inside_double_quotes:  # bash $'...' is a quoted literal
            self.single_quoted(start + 2)
            return
        elif following in ("(", "{"):
            end = _balanced_end(text, start + 1)
        elif following and following in _SPECIAL_PARAMETERS:
            end = start + 2
        elif name := _NAME.match(text, start + 1):
            end = name.end()
        else:  # a lone dollar is a literal dollar
            self.buffer.append("$")
            self.pos += 1
            return
        self.buffer.append(text[start:end])
        self.expands = True
        self.pos = end

    def percent(self) -> None:
        """systemd ``%i`` and supervisord ``%(ENV_X)s`` are filled in at start-up."""
        text, start = self.text, self.pos
        if text.startswith("%%", start):
            self.buffer.append("%")
            self.pos += 2
            return
        if text.startswith("%(", start):
            end = _PRINTF_CONVERSION.match(text, _balanced_end(text, start + 1)).end()  # type: ignore[union-attr]
        else:
            end = min(start + 2, len(text))
        self.buffer.append(text[start:end])
        self.expands = True
        self.pos = end

    # -- redirections and here-documents ---------------------------------------------------
    def redirect_ahead(self) -> bool:
        return self.text.startswith(("&>", ">&", "<&"), self.pos)

    def redirect(self) -> None:
        """Drop ``2>&1``, ``> log`` and ``<<EOF``: neither the operator nor its target is an argument."""
        if self.buffer and "".join(self.buffer).isdigit() and not self.expands:
            self.buffer, self.word_start = [], -1  # the file descriptor number
        self.end_word()
        heredoc = _HEREDOC.match(self.text, self.pos)
        if heredoc:
            self.pending_heredocs.append(heredoc.group(2))
            self.pos = heredoc.end()
            return
        while self.pos < len(self.text) and self.text[self.pos] in "<>&|":
            self.pos += 1
        self.drop_next_word = True

    def skip_heredoc_bodies(self) -> None:
        for delimiter in self.pending_heredocs:
            while self.pos < len(self.text):
                newline = self.text.find("\n", self.pos)
                line_end = len(self.text) if newline < 0 else newline
                line = self.text[self.pos : line_end].strip()
                self.pos = line_end + 1
                if line == delimiter:
                    break
        self.pending_heredocs = []
        self.pos = min(self.pos, len(self.text))


def _balanced_end(text: str, open_at: int) -> int:
    """Index just past the bracket that closes ``text[open_at]``, quotes respected."""
    opening = text[open_at]
    closing = ")" if opening == "(" else "}"
    depth, index = 0, open_at
    while index < len(text):
        char = text[index]
        if char in "'\"":
            close = text.find(char, index + 1)
            index = len(text) if close < 0 else close + 1
            continue
        if char == "\\":
            index += 2
            continue
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(text)


def split_simple_commands(text: str, *, percent_specifiers: bool = False) -> list[SimpleCommand]:
    """The simple commands of a shell snippet, in source order; never raises.

    ``percent_specifiers`` marks ``%i`` (systemd) and ``%(ENV_X)s`` (supervisord)
    as run-time values, for the formats that expand them before any shell runs.
    """
    return _Splitter(text, percent_specifiers).run()


def copy_operands(arguments: list[str]) -> tuple[str, str] | None:
    """``(source, target)`` of ``cp``/``mv``/``install`` given its argument words, options
    dropped; None unless exactly two operands remain (several sources, or a bare
    ``install -d``, copy no single file)."""
    operands = [word for word in arguments if not word.startswith("-")]
    return (operands[0], operands[1]) if len(operands) == 2 else None
