"""Compose's variable interpolation, as far as a static reader can see it.

``docker compose`` substitutes ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``,
``${VAR:?error}``, ``${VAR?error}``, ``${VAR:+alt}``, ``${VAR+alt}`` and ``$VAR`` in
every YAML value before anything runs, and turns ``$$`` into a literal ``$``.  The
values come from the shell that runs compose and from the ``.env`` file of the
project directory (the folder of the first compose file).  A service's own
``env_file:`` only fills the container's environment: it never feeds interpolation.

The shell's environment is invisible here, so a variable is taken as the ``.env``
sets it, else as unset: ``${VAR:-default}`` is its default, ``${VAR}`` stays unknown
(written back unchanged, so the command parser sees an expansion it cannot know).
``${VAR:+alt}`` and ``${VAR:?error}`` stay unknown unless the ``.env`` sets ``VAR``.
A value that may be a credential is never substituted, so no secret reaches the facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from celerylint.secrets import looks_like_secret_key, split_credentials

__all__ = ["DotEnv", "Interpolated", "Substitution", "interpolate", "interpolate_part"]

_NAME_START = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
_NAME_CHARS = _NAME_START + "0123456789"
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")


@dataclass(frozen=True)
class DotEnv:
    """The variables compose reads besides the shell's: the project's ``.env``, or the
    ``--env-file`` files given instead (``path`` None: there is none).

    ``opaque``: an env file is named but cannot be read (absent from the project, or
    written with a variable), so any variable may be set and none is known.
    """

    values: Mapping[str, str]
    path: str | None
    folder_file: str  # the first compose file, whose folder holds the ``.env``
    opaque: bool = False

    def describe(self) -> str:
        if self.path is not None:
            return self.path
        return f".env beside {self.folder_file}"


@dataclass(frozen=True)
class Substitution:
    """One ``${...}`` as written and what it became (``value`` None: unknown)."""

    written: str
    name: str
    value: str | None
    reason: str

    def describe(self) -> str:
        if self.value is None:
            return f"{self.written} is unknown: {self.reason}"
        return f"{self.written} is '{self.value}': {self.reason}"


@dataclass(frozen=True)
class Interpolated:
    text: str
    substitutions: tuple[Substitution, ...]


def interpolate(text: str, dotenv: DotEnv) -> Interpolated:
    """``text`` with every variable compose substitutes replaced where it is known."""
    found: list[Substitution] = []
    result = _Scanner(text, dotenv, found).run()
    return Interpolated(result, tuple(found))


def interpolate_part(part: str | Sequence[Any] | None, dotenv: DotEnv
                     ) -> tuple[str | tuple[str, ...] | None, tuple[Substitution, ...]]:
    """A ``command:``/``entrypoint:`` (a string or an argv list), item by item."""
    if part is None:
        return None, ()
    if isinstance(part, str):
        done = interpolate(part, dotenv)
        return done.text, done.substitutions
    items = [interpolate(str(item), dotenv) for item in part]
    return (tuple(item.text for item in items),
            tuple(s for item in items for s in item.substitutions))


class _Scanner:
    """compose-go's template grammar: ``$$``, ``$NAME``, ``${NAME}``, ``${NAME<op><arg>}``.

    ``arg`` may hold nested variables (``${A:-${B:-x}}``); it is interpolated only
    when compose would use it.
    """

    def __init__(self, text: str, dotenv: DotEnv, found: list[Substitution]) -> None:
        self.text, self.dotenv, self.found = text, dotenv, found

    def run(self) -> str:
        out: list[str] = []
        index, text = 0, self.text
        while index < len(text):
            char = text[index]
            if char != "$" or index + 1 == len(text):
                out.append(char)
                index += 1
            elif text[index + 1] == "$":
                out.append("$")
                index += 2
            elif text[index + 1] == "{":
                end = _closing_brace(text, index + 2)
                if end is None:
                    out.append(text[index:])
                    break
                out.append(self._braced(text[index:end + 1]))
                index = end + 1
            elif text[index + 1] in _NAME_START:
                end = index + 1
                while end < len(text) and text[end] in _NAME_CHARS:
                    end += 1
                out.append(self._variable(text[index:end], text[index + 1:end], "", ""))
                index = end
            else:
                out.append(char)
                index += 1
        return "".join(out)

    def _braced(self, written: str) -> str:
        body = written[2:-1]
        end = 0
        while end < len(body) and body[end] in _NAME_CHARS:
            end += 1
        name, rest = body[:end], body[end:]
        operator = next((op for op in _OPERATORS if rest.startswith(op)), "")
        if not name or name[0] not in _NAME_START or (rest and not operator):
            return written  # compose rejects it; the parser sees an unknown expansion
        return self._variable(written, name, operator, rest[len(operator):])

    def _variable(self, written: str, name: str, operator: str, argument: str) -> str:
        value, reason = self._resolve(name, operator, argument)
        if value is not None and not _may_substitute(name, value):
            value, reason = None, f"the value of {name} may be a secret, so it is not read"
        self.found.append(Substitution(written, name, value, reason))
        return written if value is None else value

    def _resolve(self, name: str, operator: str, argument: str) -> tuple[str | None, str]:
        where = self.dotenv.describe()
        if self.dotenv.opaque:
            return None, f"{where} may set {name} but cannot be read"
        value = self.dotenv.values.get(name)
        if value is not None and "$" in value:
            return None, f"{where} sets {name} from other variables"
        set_here = f"{where} sets {name}"
        unset = f"{where} does not set {name}"
        empty_or_unset = f"{where} sets {name} to ''" if value == "" else unset
        if operator == "":
            return (value, set_here) if value is not None else (None, f"{unset} (the shell may)")
        if operator in (":-", "-"):
            if value is not None and (value or operator == "-"):
                return value, set_here
            return self._nested(argument), empty_or_unset
        if operator in (":+", "+"):
            if value is not None and (value or operator == "+"):
                return self._nested(argument), set_here
            return None, f"{unset} (the shell may)"
        if value is not None and (value or operator == "?"):  # ``:?`` / ``?``
            return value, set_here
        return None, f"{unset}, so compose stops unless the shell sets it"

    def _nested(self, argument: str) -> str | None:
        inner: list[Substitution] = []
        text = _Scanner(argument, self.dotenv, inner).run()
        self.found.extend(inner)
        return None if any(s.value is None for s in inner) else text


def _closing_brace(text: str, start: int) -> int | None:
    depth = 1
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return None


def _may_substitute(name: str, value: str) -> bool:
    """Nothing that may be a credential, nor a value a shell would expand again."""
    return (not looks_like_secret_key(name) and split_credentials(value)[1] is None
            and "$" not in value and "`" not in value)
