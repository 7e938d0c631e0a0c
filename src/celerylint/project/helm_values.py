"""Helm templates rendered as far as the chart's ``values.yaml`` answers them.

A worker's queues in a chart are usually ``-Q {{ .Values.worker.queues }}`` or
``{{ join "," .Values.worker.queues }}``.  Only value lookups and a few pure
functions (``quote``, ``squote``, ``default``, ``join``, ``toString``, ``lower``,
``upper``, ``trim``) are evaluated; any other expression (``include``, ``range``
variables, ``.Release``) is left as written, so it reads as a run-time value, and
is listed so that ``--verbose`` can say what was not resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["RenderedTemplate", "load_values", "render_values"]

_EXPRESSION = re.compile(r"\{\{-?\s*(?P<body>.*?)\s*-?\}\}", re.DOTALL)
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|`[^`]*`|[^\s"\'`]+')
_VALUE_PATH = re.compile(r"^\$?\.Values((?:\.[A-Za-z0-9_-]+)*)$")
_CONTROL = re.compile(r"^(?:/\*|if\b|else\b|end\b|range\b|with\b|define\b|template\b|block\b|"
                      r"\$[A-Za-z0-9_]*\s*:?=)")
_MISSING = object()


@dataclass(frozen=True)
class RenderedTemplate:
    text: str
    unresolved: tuple[str, ...]  # value expressions values.yaml did not answer, as written


def load_values(text: str) -> dict[str, Any]:
    """A chart's ``values.yaml``; an unreadable file gives no values."""
    try:
        loaded = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def render_values(text: str, values: dict[str, Any]) -> RenderedTemplate:
    """``text`` with each answerable ``{{ … }}`` replaced by its value."""
    unresolved: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        body = match.group("body")
        if _CONTROL.match(body):
            return match.group(0)
        value = _pipeline(body, values)
        if value is _MISSING:
            if ".Values" in body or body.startswith("$"):
                unresolved.append(match.group(0))
            return match.group(0)
        return str(value)

    rendered = _EXPRESSION.sub(substitute, text)
    return RenderedTemplate(rendered, tuple(dict.fromkeys(unresolved)))


def _pipeline(body: str, values: dict[str, Any]) -> Any:
    stages = [stage.strip() for stage in body.split("|")]
    first = _TOKEN.findall(stages[0])
    value = _atom(first[0], values) if len(first) == 1 else _call(first, values, _MISSING)
    for stage in stages[1:]:
        if value is _MISSING:
            return _MISSING
        value = _call(_TOKEN.findall(stage), values, value)
    return _scalar(value)


def _call(tokens: list[str], values: dict[str, Any], piped: Any) -> Any:
    """One stage: an atom, or a function applied to its arguments and the piped value."""
    if not tokens:
        return _MISSING
    name, arguments = tokens[0], [_atom(token, values) for token in tokens[1:]]
    if piped is not _MISSING:
        arguments.append(piped)
    return _apply(name, arguments)


def _apply(name: str, arguments: list[Any]) -> Any:
    if name == "default" and len(arguments) == 2:
        fallback, value = arguments
        return fallback if value is None or value in ("", [], {}) else value
    if any(argument is _MISSING or argument is None for argument in arguments):
        return _MISSING
    if name == "join" and len(arguments) == 2 and isinstance(arguments[1], list):
        return str(arguments[0]).join(_text(item) for item in arguments[1])
    if len(arguments) != 1 or isinstance(arguments[0], (list, dict)) or arguments[0] is _MISSING:
        return _MISSING
    text = _text(arguments[0])
    functions = {"quote": f'"{text}"', "squote": f"'{text}'", "toString": text,
                 "lower": text.lower(), "upper": text.upper(), "trim": text.strip()}
    return functions.get(name, _MISSING)


def _atom(token: str, values: dict[str, Any]) -> Any:
    if token[:1] in "\"'`":
        return token[1:-1]
    path = _VALUE_PATH.match(token)
    if path is None:
        return _MISSING
    value: Any = values
    for key in path.group(1).split(".")[1:]:
        if not isinstance(value, dict):
            return _MISSING
        value = value.get(key)  # Helm reads a missing key as nil
    return value


def _scalar(value: Any) -> Any:
    """A value printed into the template; Go prints lists and maps in its own syntax: unknown."""
    if value is _MISSING or value is None or isinstance(value, (list, dict)):
        return _MISSING
    text = _text(value)
    return _MISSING if "\n" in text else text  # would shift every later line


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
