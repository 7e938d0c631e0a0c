"""``celery ... worker`` and ``celery ... beat`` command lines as frozen facts.

The queues a worker consumes, its app and whether it embeds beat are decided
on a command line, not in Python.  This module reads those command lines the
way Celery 5's click parser would (global options before the sub-command,
``-Qa,b`` clusters, the last ``-Q`` winning) through the wrappers people put in
front of Celery (``exec``, ``sh -c``, ``watchmedo``, ``newrelic-admin``,
``python -m celery``).  A value a shell, compose or systemd fills in at run time
is recorded as unknown, never guessed.
"""

from __future__ import annotations

import bisect
import enum
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from celerylint.project.celery.celery_options import ParsedOptions, parse_options
from celerylint.project.deploy.shell_branches import Arm
from celerylint.project.deploy.shell_words import ShellWord, split_simple_commands

__all__ = [
    "UNKNOWN",
    "CeleryCommand",
    "ProcessKind",
    "find_celery_commands",
    "find_celery_commands_in_argv",
    "find_celery_commands_in_process",
    "parse_celery_command",
]

UNKNOWN = "<unknown>"  # stands for a value only known at run time ($APP, %(ENV_APP)s)
MAX_RAW_LENGTH = 400
_MAX_SHELL_DEPTH = 4

_PROGRAMS = {"celery": None, "celeryd": "worker", "celerybeat": "beat", "celeryd-multi": "multi"}
_PROGRAM_VARIABLE = re.compile(r"^\$\{?CELERY(?:_?BIN|_?CMD|_?EXE)?\}?$", re.IGNORECASE)
# fmt: off
_SUBCOMMANDS = frozenset({
    "worker", "beat", "multi", "flower", "events", "inspect", "control", "status", "purge",
    "call", "result", "migrate", "graph", "list", "logtool", "amqp", "shell", "upgrade",
    "report", "help",
})
_MULTI_STARTING_ACTIONS = frozenset({"start", "restart"})
# Programs whose arguments mention celery without running it (``pip install celery``).
_NOT_RUNNERS = frozenset({
    "echo", "printf", "pip", "pip3", "apt-get", "apt", "apk", "yum", "dnf", "grep", "egrep",
    "pkill", "pgrep", "kill", "killall", "ps", "which", "type", "test", "[", "[[", "cat",
    "tail", "head", "rm", "mkdir", "cd", "ls", "export", "unset", "local", "readonly",
    "declare", "chown", "chmod", "touch", "mv", "cp", "ln", "trap", "set", "curl", "wget",
})
_USER_SWITCHERS = frozenset({"su", "runuser"})  # ``su - celery -c '...'``: user before -c
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash", "ksh", *_USER_SWITCHERS})
_SHELL_COMMAND_FLAG = re.compile(r"^-[A-Za-z]*c[A-Za-z]*$")
_BLANK = re.compile(r"\s")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_RESERVED_WORDS = frozenset({
    "if", "then", "else", "elif", "do", "while", "until", "!", "{", "time", "exec", "nohup",
})
# fmt: on


class ProcessKind(str, enum.Enum):
    """What a Celery command line starts; compares equal to its value."""

    WORKER = "worker"  # ``celery worker`` and ``celery multi start``
    BEAT = "beat"
    OTHER = "other"  # flower, inspect, purge, or a sub-command only known at run time


@dataclass(frozen=True)
class CeleryCommand:
    """One Celery invocation as written in a deployment file.

    ``app`` is None when no ``-A`` is given (Celery then reads the ``APP`` or
    ``CELERY_APP`` environment variable) and :data:`UNKNOWN` when it is filled
    in at run time.  ``queues`` holds the literal names after the last ``-Q``
    (None: no ``-Q``, the worker consumes its default queues); when
    ``queues_known`` is False the consumed set cannot be known statically.
    """

    kind: ProcessKind
    subcommand: str | None
    app: str | None
    app_known: bool
    queues: tuple[str, ...] | None
    queues_known: bool
    exclude_queues: tuple[str, ...]
    embedded_beat: bool
    concurrency: int | None
    pool: str | None
    hostname: str | None
    app_after_subcommand: bool  # ``celery worker -A proj``: rejected by Celery 5
    options_known: bool  # False when ``$OPTS`` / ``"$@"`` may add any option
    raw: str
    line: int
    column: int
    # The words as the program receives them, for checks against Celery's own CLI.
    program: str = field(default="", compare=False, repr=False)
    arguments: tuple[ShellWord, ...] = field(default=(), compare=False, repr=False)
    # The ``if``/``case`` arms of a script the command sits in (outermost first).
    branch: tuple[Arm, ...] = field(default=(), compare=False, repr=False)
    # Where values compose substituted came from (``${Q:-a} is 'a': ...``), for messages.
    origin: str = field(default="", compare=False, repr=False)

    def excludes(self, other: CeleryCommand) -> bool:
        """Both sit in different arms of one ``if``/``case``: only one of them runs."""
        return any(mine.excludes(theirs) for mine in self.branch for theirs in other.branch)


@dataclass(frozen=True)
class _Invocation:
    """Where a Celery program word stands and what follows it."""

    offset: int  # of the command start, in the outermost text
    raw: str
    program: ShellWord
    arguments: tuple[ShellWord, ...]


# -- public API -------------------------------------------------------------------------
def parse_celery_command(
    argv_or_text: str | Sequence[str], line: int = 1, column: int = 1
) -> CeleryCommand | None:
    """The first Celery invocation in a command line (str) or an exec-form argv (list)."""
    if isinstance(argv_or_text, str):
        found = find_celery_commands(argv_or_text, line, column)
    else:
        found = find_celery_commands_in_argv(argv_or_text, line, column)
    return found[0] if found else None


def find_celery_commands(
    text: str, line: int = 1, column: int = 1, *, percent_specifiers: bool = False
) -> tuple[CeleryCommand, ...]:
    """Every Celery invocation in a shell snippet, located in the file.

    ``line``/``column`` give where ``text`` starts in its file, so a script's
    fifth line reports line ``line + 4``.  ``percent_specifiers`` is for
    systemd and supervisord, which fill in ``%i`` and ``%(ENV_X)s`` themselves.
    """
    invocations = _invocations_in_text(text, 0, 0, percent_specifiers)
    if not invocations:
        return ()
    line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
    return tuple(
        _command(item, *_position(line_starts, item.offset, line, column)) for item in invocations
    )


def find_celery_commands_in_argv(
    argv: Sequence[str], line: int = 1, column: int = 1
) -> tuple[CeleryCommand, ...]:
    """Celery invocations in an exec-form argv (compose or Kubernetes lists).

    Any ``$`` makes a word unknown: compose interpolates ``${X}``, Kubernetes
    ``$(X)``, and a ``sh -c`` script expands the rest.
    """
    words = tuple(ShellWord(str(arg), 0, 0, "$" in str(arg)) for arg in argv)
    raw = " ".join(
        shlex.quote(arg) if not arg or _BLANK.search(arg) else arg for arg in map(str, argv)
    )
    invocations = _invocations_in_words(words, "", 0, 0, False)
    invocations = [item if item.raw else replace(item, raw=raw) for item in invocations]
    return tuple(_command(item, line, column) for item in invocations)


def find_celery_commands_in_process(
    entrypoint: str | Sequence[Any] | None,
    command: str | Sequence[Any] | None,
    line: int = 1,
    column: int = 1,
) -> tuple[CeleryCommand, ...]:
    """Celery invocations in a program given in two parts, each a string or an argv list.

    Docker's ENTRYPOINT + CMD, compose's ``entrypoint:`` + ``command:`` and
    Kubernetes' ``command:`` + ``args:`` all run the concatenation, so
    ``entrypoint: [celery, -A, proj]`` with ``command: worker`` is a worker.
    Every command found is placed at (line, column), where the value starts.
    """
    parts = [part for part in (entrypoint, command) if part is not None]
    if all(not isinstance(part, str) for part in parts):
        argv = [str(item) for part in parts for item in part if not isinstance(item, (dict, list))]
        return find_celery_commands_in_argv(argv, line, column)
    text = " ".join(part if isinstance(part, str) else _shell_quoted(part) for part in parts)
    found = find_celery_commands(text, line, column)
    return tuple(replace(item, line=line, column=column) for item in found)


def _shell_quoted(argv: Sequence[Any]) -> str:
    """An argv as shell text that keeps ``$X`` an expansion (compose interpolates it)."""
    quoted = []
    for item in map(str, argv):
        if "$" in item:
            escaped = item.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
            quoted.append(f'"{escaped}"')
        else:
            quoted.append(shlex.quote(item))
    return " ".join(quoted)


# -- finding invocations --------------------------------------------------------------------
def _invocations_in_text(
    text: str, base: int, depth: int, percent_specifiers: bool
) -> list[_Invocation]:
    found: list[_Invocation] = []
    for simple in split_simple_commands(text, percent_specifiers=percent_specifiers):
        found.extend(_invocations_in_words(simple.words, text, base, depth, percent_specifiers))
    return found


def _invocations_in_words(
    words: tuple[ShellWord, ...], text: str, base: int, depth: int, percent_specifiers: bool
) -> list[_Invocation]:
    """The Celery program in one simple command, looking through wrappers and ``sh -c``."""
    script = _shell_script(words)
    if script is not None:
        if depth >= _MAX_SHELL_DEPTH:
            return []
        quoted = script.offset < len(text) and text[script.offset] in "'\""
        inner_base = base + script.offset + (1 if quoted else 0) if text else base
        return _invocations_in_text(script.text, inner_base, depth + 1, percent_specifiers)
    if _program_name(words) in _NOT_RUNNERS:
        return []
    for index, word in enumerate(words):
        if _is_celery_program(word) and _has_subcommand(words[index + 1 :], word):
            raw = _raw_text(text[words[0].offset : words[-1].end]) if text else ""
            return [_Invocation(base + words[0].offset, raw, word, words[index + 1 :])]
    return []


def _shell_script(words: tuple[ShellWord, ...]) -> ShellWord | None:
    """The script of ``sh -c '...'`` / ``bash -lc "..."`` / ``su -c '...' user``."""
    for index, word in enumerate(words[:-1]):
        program = _basename(word.text)
        if program in _SHELLS:
            for flag_index in range(index + 1, len(words) - 1):
                flag = words[flag_index].text
                if _SHELL_COMMAND_FLAG.match(flag) or flag == "--command":
                    return words[flag_index + 1]
                if not flag.startswith("-") and program not in _USER_SWITCHERS:
                    break  # ``sh script.sh``: a script file, not a command string
    return None


def _program_name(words: tuple[ShellWord, ...]) -> str:
    for word in words:
        if not _ASSIGNMENT.match(word.text) and word.text not in _RESERVED_WORDS:
            return _basename(word.text)
    return ""


def _is_celery_program(word: ShellWord) -> bool:
    """``celery``, ``/venv/bin/celery``, ``$(VENV)/bin/celery`` or ``${CELERY_BIN}``."""
    return _basename(word.text) in _PROGRAMS or bool(_PROGRAM_VARIABLE.match(word.text))


def _has_subcommand(arguments: tuple[ShellWord, ...], program: ShellWord) -> bool:
    """Tells ``celery -A proj worker`` from ``pip install celery redis``."""
    if _PROGRAMS.get(_basename(program.text)):
        return True
    parsed = parse_options(arguments, "global")
    if not parsed.positionals:
        return False
    first = parsed.positionals[0]
    return first.expands or first.text in _SUBCOMMANDS


# -- reading one invocation -------------------------------------------------------------------
def _command(item: _Invocation, line: int, column: int) -> CeleryCommand:
    subcommand, before, after = _split_levels(item)
    options_known = not (before.rest_unknown or after.rest_unknown) and subcommand is not None
    app, app_known, app_after = _app(before, after, subcommand, options_known)
    queues, queues_known = _queues(after, options_known)
    return CeleryCommand(
        kind=_kind(subcommand, after),
        subcommand=subcommand,
        app=app,
        app_known=app_known,
        queues=queues,
        queues_known=queues_known,
        exclude_queues=_comma_list(after.last("exclude_queues")) or (),
        embedded_beat=after.flag("beat"),
        concurrency=_integer(after.last("concurrency")),
        pool=_literal(after.last("pool")),
        hostname=_literal(after.last("hostname")),
        app_after_subcommand=app_after,
        options_known=options_known,
        raw=item.raw[:MAX_RAW_LENGTH],
        line=line,
        column=column,
        program=item.program.text,
        arguments=item.arguments,
    )


def _split_levels(item: _Invocation) -> tuple[str | None, ParsedOptions, ParsedOptions]:
    """The sub-command, the global options before it and the sub-command's own options."""
    implied = _PROGRAMS.get(_basename(item.program.text))
    if implied is not None:  # celeryd / celerybeat: the program is the sub-command
        return implied, parse_options((), "global"), parse_options(item.arguments, implied)
    before = parse_options(item.arguments, "global")
    if before.stop_index >= len(item.arguments) or item.arguments[before.stop_index].expands:
        return None, before, parse_options((), "global")
    subcommand = item.arguments[before.stop_index].text
    return subcommand, before, parse_options(item.arguments[before.stop_index + 1 :], subcommand)


def _kind(subcommand: str | None, after: ParsedOptions) -> ProcessKind:
    if subcommand == "worker":
        return ProcessKind.WORKER
    if subcommand == "beat":
        return ProcessKind.BEAT
    if subcommand == "multi" and after.positionals:
        action = after.positionals[0]
        if action.expands or action.text in _MULTI_STARTING_ACTIONS:
            return ProcessKind.WORKER
    return ProcessKind.OTHER


def _app(
    before: ParsedOptions, after: ParsedOptions, subcommand: str | None, options_known: bool
) -> tuple[str | None, bool, bool]:
    """(app, app_known, app_after_subcommand); after a sub-command only ``multi`` takes ``-A``."""
    word, after_subcommand = before.last("app"), False
    if after.last("app") is not None:
        word, after_subcommand = after.last("app"), subcommand != "multi"
    if word is None:
        return None, options_known, False
    if word.expands:
        return UNKNOWN, False, after_subcommand
    return word.text, True, after_subcommand


def _queues(after: ParsedOptions, options_known: bool) -> tuple[tuple[str, ...] | None, bool]:
    """The literal queue names and whether they are the whole consumed set."""
    queue_word = after.last("queues")
    known = options_known and not after.namespaced_queues
    for word in (queue_word, after.last("exclude_queues")):
        if word is not None and word.expands:
            known = False
    return _comma_list(queue_word), known


def _comma_list(word: ShellWord | None) -> tuple[str, ...] | None:
    """Celery's ``str_to_list``: split on commas, strip, drop empties; nothing for unknowns."""
    if word is None:
        return None
    if word.expands:
        return ()
    return tuple(part.strip() for part in word.text.split(",") if part.strip())


def _integer(word: ShellWord | None) -> int | None:
    text = _literal(word)
    return int(text) if text is not None and text.isdigit() else None


def _literal(word: ShellWord | None) -> str | None:
    return None if word is None or word.expands else word.text


# -- small text helpers --------------------------------------------------------------------------
def _basename(text: str) -> str:
    return text.rsplit("/", 1)[-1]


def _raw_text(source: str) -> str:
    """The command as one line: continuations joined, runs of blanks collapsed."""
    return " ".join(source.replace("\\\r\n", " ").replace("\\\n", " ").split())


def _position(line_starts: list[int], offset: int, line: int, column: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in a text that starts at (line, column)."""
    index = bisect.bisect_right(line_starts, offset) - 1
    if index == 0:
        return line, column + offset
    return line + index, offset - line_starts[index] + 1
