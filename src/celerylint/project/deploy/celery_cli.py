"""``celery … worker|beat`` command lines checked against Celery's own click commands.

The installed Celery's ``celery.bin.celery`` group and its ``worker`` and ``beat``
commands are introspected, never copied: click's own option parser reads the
words, so an unknown option (``-loglevel=ERROR`` reads as ``-l oglevel=ERROR``),
an option given to the wrong command (``celery -E -A app worker``), an option
without its value, and a value outside a choice (``--pool=thread``) are
reported exactly when ``celery`` itself would stop at start-up with click's
usage error.  Words a shell or supervisord fills in at run time are never
judged: parsing stops at an expansion that could be an option, and an expanded
value is not converted.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from celerylint.project.deploy.shell_words import ShellWord
from celerylint.project.deploy.worker_command import CeleryCommand

__all__ = ["CliProblem", "check_command_line"]

_CHECKED_SUBCOMMANDS = ("worker", "beat")
_VARIABLE = re.compile(r"\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
                       r"|%\(ENV_(?P<percent>[A-Za-z_][A-Za-z0-9_]*)\)s")
_CONVERTED_TYPES = ("Choice", "IntParamType", "FloatParamType", "IntRange", "FloatRange")


@dataclass(frozen=True)
class CliProblem:
    """Why click refuses the command line, in click's words, and where the option belongs."""

    option: str  # the option as written ("-E", "--pool")
    usage_error: str  # click's own message, e.g. "No such option '-E'."
    belongs_to: str | None  # "worker", "celery" (the global level) or None
    level: str  # "celery" or the sub-command whose options were being read


@functools.cache
def _commands() -> dict[str, Any]:
    """Celery's click group and its worker and beat commands, from the installed Celery."""
    from celery.bin.celery import celery

    return {"celery": celery, **{name: celery.commands[name] for name in _CHECKED_SUBCOMMANDS}}


def _options(command: Any) -> dict[str, Any]:
    import click

    return {spelling: param for param in command.params if isinstance(param, click.Option)
            for spelling in (*param.opts, *param.secondary_opts)}


def check_command_line(command: CeleryCommand,
                       environment: Mapping[str, str] | None = None) -> CliProblem | None:
    """The first usage error click raises for this command line; None when it parses.

    ``environment`` holds the values the program expanding the line knows for certain
    (systemd's ``Environment=`` for ``ExecStart=``): ``$X``, ``${X}`` and ``%(ENV_X)s``
    are replaced by them; other variables stay unknown.
    """
    if command.program.rsplit("/", 1)[-1] != "celery" or not command.arguments:
        return None  # celeryd/celerybeat are Celery 3 programs; ${CELERY_BIN} is unknown
    commands = _commands()
    arguments = tuple(_substituted(word, environment or {}) for word in command.arguments)
    words = _known_prefix(arguments, commands["celery"], stop_at_positional=True)
    problem, rest = _parse("celery", words, commands)
    if problem is not None or not rest:
        return problem
    subcommand = rest[0]
    if subcommand not in _CHECKED_SUBCOMMANDS:
        return None
    start = len(words) - len(rest) + 1  # the sub-command ends the global prefix
    sub_words = _known_prefix(arguments[start:], commands[subcommand],
                              stop_at_positional=False)
    return _parse(subcommand, sub_words, commands)[0]


def _substituted(word: ShellWord, environment: Mapping[str, str]) -> ShellWord:
    """The word with every variable the environment sets filled in; else as it was."""
    if not word.expands or not environment:
        return word
    names = [m.group("braced") or m.group("bare") or m.group("percent")
             for m in _VARIABLE.finditer(word.text)]
    if not names or any(name not in environment for name in names):
        return word
    text = _VARIABLE.sub(lambda m: environment[m.group("braced") or m.group("bare")
                                               or m.group("percent")], word.text)
    if any(marker in text for marker in ("$", "`", "%(")) or any(c.isspace() for c in text):
        return word  # still expands, or the shell would split it into several words
    return ShellWord(text, word.offset, word.end, False)


def _parse(level: str, words: Sequence[ShellWord], commands: dict[str, Any]
           ) -> tuple[CliProblem | None, list[str]]:
    """click's parse of one level: (problem, the words left over for the next level)."""
    import click

    command = commands[level]
    context = click.Context(command, info_name=level, **command.context_settings)
    try:
        values, rest, _order = command.make_parser(context).parse_args([w.text for w in words])
    except click.NoSuchOption as error:
        return _problem(error.option_name, error.format_message(), level, commands), []
    except click.BadOptionUsage as error:
        return CliProblem(error.option_name, error.format_message(), None, level), []
    except click.UsageError:
        return None, []  # other shapes are not the start-up errors this check explains
    expanded = [w.text for w in words if w.expands]
    for name, value in values.items():
        problem = _bad_value(command, context, name, value, expanded, level)
        if problem is not None:
            return problem, rest
    return None, rest


def _problem(option: str, message: str, level: str, commands: dict[str, Any]) -> CliProblem:
    """An unknown option, with the level that does define it (``-E`` is the worker's)."""
    others = [name for name in ("celery", *_CHECKED_SUBCOMMANDS) if name != level]
    belongs = next((name for name in others if option in _options(commands[name])), None)
    return CliProblem(option, message, belongs, level)


def _bad_value(command: Any, context: Any, name: str, value: Any, expanded: list[str],
               level: str) -> CliProblem | None:
    """Convert a literal value with the parameter's own type; only choices and numbers."""
    import click

    param = next((p for p in command.params if p.name == name), None)
    if param is None or not any(cls.__name__ in _CONVERTED_TYPES
                                for cls in type(param.type).__mro__):
        return None
    for item in value if isinstance(value, (list, tuple)) else (value,):
        if not isinstance(item, str) or any(item in text for text in expanded):
            continue
        try:
            param.type.convert(item, param, context)
        except click.BadParameter as error:
            return CliProblem(max(param.opts, key=len), error.format_message(), None, level)
        except Exception:  # noqa: BLE001 - a type that needs the app: the choice itself passed
            continue
    return None


def _known_prefix(words: Sequence[ShellWord], command: Any, stop_at_positional: bool
                  ) -> tuple[ShellWord, ...]:
    """The words up to the first expansion that may stand for options (``$OPTS``, ``"$@"``).

    At the global level the sub-command word ends the prefix too (it is kept).
    """
    options = _options(command)
    expecting_value = False
    for index, word in enumerate(words):
        if expecting_value:
            expecting_value = False
            continue
        if word.text == "--":
            return tuple(words[:index])
        if not word.text.startswith("-") or len(word.text) == 1:
            if word.expands:
                return tuple(words[:index])
            if stop_at_positional:
                return tuple(words[: index + 1])
            continue
        expecting_value, known = _option_word(word, options)
        if not known:
            return tuple(words[:index])
    return tuple(words)


def _option_word(word: ShellWord, options: dict[str, Any]) -> tuple[bool, bool]:
    """(the next word is this option's value, the option's name is literal)."""
    name, equals, _value = word.text.partition("=")
    if name.startswith("--") or name in options:
        param = options.get(name)
        literal = not word.expands or (equals and "$" not in name and "%" not in name)
        return bool(param is not None and not param.is_flag and not equals), bool(literal)
    for position, letter in enumerate(word.text[1:], start=1):
        param = options.get("-" + letter)
        if letter in "$%{(`":
            return False, False
        if param is not None and not param.is_flag:
            return position == len(word.text) - 1, True
    return False, True
