"""Celery 5's command-line options, read the way its click parser reads them.

Only the options whose values matter to a linter are given names; every other
option is still listed, so that its value is not mistaken for a sub-command or
a positional argument.  Tables come from ``celery/bin/{celery,worker,beat}.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from celerylint.project.deploy.shell_words import ShellWord

__all__ = ["ParsedOptions", "parse_options"]


def _table(*groups: tuple[str, Iterable[str]]) -> dict[str, str]:
    return {spelling: name for name, spellings in groups for spelling in spellings}


# Options that take a value, by spelling -> the name the linter reads them by.
_GLOBAL_VALUES = _table(
    ("app", ("-A", "--app")),
    ("broker", ("-b", "--broker")),
    ("result_backend", ("--result-backend",)),
    ("loader", ("--loader",)),
    ("config", ("--config",)),
    ("workdir", ("--workdir",)),
)
_DAEMON_VALUES = _table(
    ("logfile", ("-f", "--logfile")),
    ("pidfile", ("--pidfile",)),
    ("uid", ("--uid",)),
    ("gid", ("--gid",)),
    ("umask", ("--umask",)),
    ("executable", ("--executable",)),
    ("hostname", ("-n", "--hostname")),
    ("loglevel", ("-l", "--loglevel")),
)
_WORKER_VALUES = _table(
    ("statedb", ("-S", "--statedb")),
    ("optimization", ("-O", "--optimization")),
    ("prefetch_multiplier", ("--prefetch-multiplier",)),
    ("concurrency", ("-c", "--concurrency")),
    ("pool", ("-P", "--pool")),
    ("time_limit", ("--time-limit",)),
    ("soft_time_limit", ("--soft-time-limit",)),
    ("max_tasks_per_child", ("--max-tasks-per-child",)),
    ("pool_start_method", ("--pool-start-method",)),
    ("max_memory_per_child", ("--max-memory-per-child",)),
    ("queues", ("-Q", "--queues")),
    ("exclude_queues", ("-X", "--exclude-queues")),
    ("include", ("-I", "--include")),
    ("heartbeat_interval", ("--heartbeat-interval",)),
    ("autoscale", ("--autoscale",)),
    ("schedule", ("-s", "--schedule-filename", "--schedule")),
    ("scheduler", ("--scheduler",)),
)
_BEAT_VALUES = _table(
    ("schedule", ("-s", "--schedule")),
    ("scheduler", ("-S", "--scheduler")),
    ("max_interval", ("--max-interval",)),
)
_FLAGS = _table(
    ("beat", ("-B", "--beat")),
    ("detach", ("-D", "--detach")),
    ("events", ("-E", "--task-events", "--events")),
    ("purge", ("--purge", "--discard")),
    ("no_color", ("-C", "--no-color")),
    ("quiet", ("-q", "--quiet")),
)
# ``celery worker -A x`` is an error in Celery 5, but it is read so it can be reported.
_VALUE_TABLES: dict[str, dict[str, str]] = {
    "global": _GLOBAL_VALUES,
    "worker": {**_GLOBAL_VALUES, **_DAEMON_VALUES, **_WORKER_VALUES},
    "beat": {**_GLOBAL_VALUES, **_DAEMON_VALUES, **_BEAT_VALUES},
    "multi": {**_GLOBAL_VALUES, **_DAEMON_VALUES, **_WORKER_VALUES},
}
_QUEUE_OPTIONS = frozenset({"queues", "exclude_queues"})


@dataclass(frozen=True)
class ParsedOptions:
    """Options in order of appearance; the last value of an option is the one click keeps."""

    values: tuple[tuple[str, ShellWord], ...]
    flags: frozenset[str]
    positionals: tuple[ShellWord, ...]
    rest_unknown: bool  # an expansion (``$OPTS``, ``"$@"``) may hide further options
    namespaced_queues: bool  # ``celery multi`` ``-Q:w1 a``: queues differ per node
    stop_index: int  # in "global" mode: the index of the sub-command word, else len(words)

    def last(self, name: str) -> ShellWord | None:
        found = [word for option, word in self.values if option == name]
        return found[-1] if found else None

    def flag(self, name: str) -> bool:
        return name in self.flags


class _OptionReader:
    """click's rules: ``--opt=v``, ``--opt v``, ``-Qa``, ``-Q a``, clustered flags ``-BE``."""

    def __init__(self, words: tuple[ShellWord, ...], mode: str) -> None:
        self.words = words
        self.mode = mode
        self.table = _VALUE_TABLES.get(mode, _GLOBAL_VALUES)
        self.values: list[tuple[str, ShellWord]] = []
        self.flags: set[str] = set()
        self.positionals: list[ShellWord] = []
        self.rest_unknown = False
        self.namespaced_queues = False
        self.index = 0

    def read(self) -> ParsedOptions:
        stop = len(self.words)
        while self.index < len(self.words):
            word = self.words[self.index]
            self.index += 1
            if word.text == "--":  # options end; in "global" mode the sub-command follows
                if self.mode == "global" and self.index < len(self.words):
                    stop = self.index
                    self.rest_unknown = self.words[stop].expands
                self.positionals.extend(self.words[self.index :])
                break
            if word.text.startswith("-") and len(word.text) > 1:
                self.option(word)
                continue
            self.rest_unknown = self.rest_unknown or word.expands
            self.positionals.append(word)
            if self.mode == "global":
                stop = self.index - 1
                break
        return ParsedOptions(
            tuple(self.values),
            frozenset(self.flags),
            tuple(self.positionals),
            self.rest_unknown,
            self.namespaced_queues,
            stop,
        )

    def option(self, word: ShellWord) -> None:
        if word.text.startswith("--"):
            spelling, equals, attached = word.text.partition("=")
            self.named(spelling, word, attached if equals else None)
        else:
            self.short_cluster(word)

    def named(self, spelling: str, word: ShellWord, attached: str | None) -> None:
        spelling, colon, _namespace = spelling.partition(":")
        if colon and self.mode == "multi":
            self.namespaced_queues |= self.table.get(spelling) in _QUEUE_OPTIONS
            if spelling in self.table and attached is None:
                self.index += 1
            return
        if spelling in self.table:
            value = self.value_word(word, attached)
            if value is not None:
                self.values.append((self.table[spelling], value))
        elif spelling in _FLAGS:
            self.flags.add(_FLAGS[spelling])

    def short_cluster(self, word: ShellWord) -> None:
        letters = word.text[1:]
        if ":" in letters and self.mode == "multi":
            self.named("-" + letters.split("=", 1)[0], word, None)
            return
        for position, letter in enumerate(letters):
            spelling = "-" + letter
            if spelling in self.table:
                rest = letters[position + 1 :]
                self.named(spelling, word, rest if rest else None)
                return
            if spelling in _FLAGS:
                self.flags.add(_FLAGS[spelling])

    def value_word(self, word: ShellWord, attached: str | None) -> ShellWord | None:
        """The value as a word of its own; an attached value shares its word's expansions."""
        if attached is not None:
            return ShellWord(attached, word.offset, word.end, word.expands)
        if self.index >= len(self.words):
            return None
        self.index += 1
        return self.words[self.index - 1]


def parse_options(words: tuple[ShellWord, ...], mode: str) -> ParsedOptions:
    """Options of one command level: "global" (stops at the sub-command) or a sub-command."""
    return _OptionReader(words, mode).read()
