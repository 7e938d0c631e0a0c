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

__all__ = ["RenderedTemplate", "load_values", "range_variants", "read_values", "render_values"]

_EXPRESSION = re.compile(r"\{\{-?\s*(?P<body>.*?)\s*-?\}\}", re.DOTALL)
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|`[^`]*`|[^\s"\'`]+')
_VALUE_PATH = re.compile(r"^(?P<root>\$?\.Values|\$[A-Za-z_][A-Za-z0-9_]*)(?P<path>(?:\.[A-Za-z0-9_-]+)*)$")
_RANGE = re.compile(r"\{\{-?\s*range\s+(?:\$(?P<key>\w+)\s*,\s*)?\$(?P<item>\w+)\s*:=\s*"
                    r"(?P<collection>\S+)\s*-?\}\}")
_OPENS = re.compile(r"^(?:if|range|with|define|block)\b")
MAX_RANGE_ITEMS = 50
_CONTROL = re.compile(r"^(?:/\*|if\b|else\b|end\b|range\b|with\b|define\b|template\b|block\b|"
                      r"\$[A-Za-z0-9_]*\s*:?=)")
_MISSING = object()


@dataclass(frozen=True)
class RenderedTemplate:
    text: str
    unresolved: tuple[str, ...]  # value expressions values.yaml did not answer, as written


def load_values(text: str) -> dict[str, Any]:
    """A chart's ``values.yaml``; a file that is not YAML gives no values."""
    return read_values(text)[0]


def read_values(text: str) -> tuple[dict[str, Any], str | None]:
    """A chart's ``values.yaml``, and why the file gave no values when it is not YAML."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return {}, f"{getattr(error, 'problem', None) or 'a YAML error'}{where}"
    except RecursionError:
        return {}, "nested too deeply"
    return (loaded if isinstance(loaded, dict) else {}), None


def render_values(text: str, values: dict[str, Any],
                  variables: dict[str, Any] | None = None) -> RenderedTemplate:
    """``text`` with each answerable ``{{ … }}`` replaced by its value.

    ``variables`` binds template variables (``$worker``) for the body of a ``range``.
    """
    unresolved: list[str] = []
    context = {".Values": values, **{f"${name}": value for name, value in (variables or {}).items()}}

    def substitute(match: re.Match[str]) -> str:
        body = match.group("body")
        if _CONTROL.match(body):
            return match.group(0)
        value = _pipeline(body, context)
        if value is _MISSING:
            if ".Values" in body or body.startswith("$"):
                unresolved.append(match.group(0))
            return match.group(0)
        return str(value)

    rendered = _EXPRESSION.sub(substitute, text)
    return RenderedTemplate(rendered, tuple(dict.fromkeys(unresolved)))


def range_variants(text: str, values: dict[str, Any]) -> list[RenderedTemplate] | None:
    """The template once per item of its first ``range $k, $v := .Values.x`` (None: no
    such loop, or its collection is unknown).

    Each variant keeps every line where it was: the loop's own tags become empty
    lines, so findings point at the template's lines.
    """
    opened = _RANGE.search(text)
    if opened is None:
        return None
    closing = _matching_end(text, opened.end())
    collection = _atom(opened.group("collection"), {".Values": values})
    if closing is None or not isinstance(collection, (dict, list)) or not collection:
        return None
    items = collection.items() if isinstance(collection, dict) else enumerate(collection)
    variants = []
    for key, item in list(items)[:MAX_RANGE_ITEMS]:
        bound = {opened.group("item"): item}
        if opened.group("key"):
            bound[opened.group("key")] = key
        body = render_values(text[opened.end():closing.start()], values, bound)
        rest = render_values(text[:opened.start()] + "\x00" + text[closing.end():], values)
        before, after = rest.text.split("\x00", 1)
        variants.append(RenderedTemplate(
            before + _blank(opened.group(0)) + body.text + _blank(closing.group(0)) + after,
            tuple(dict.fromkeys((*rest.unresolved, *body.unresolved)))))
    return variants


def _matching_end(text: str, start: int) -> re.Match[str] | None:
    depth = 1
    for match in _EXPRESSION.finditer(text, start):
        body = match.group("body")
        if _OPENS.match(body):
            depth += 1
        elif body == "end":
            depth -= 1
            if depth == 0:
                return match
    return None


def _blank(tag: str) -> str:
    return "\n" * tag.count("\n")


def _pipeline(body: str, context: dict[str, Any]) -> Any:
    stages = [stage.strip() for stage in body.split("|")]
    first = _TOKEN.findall(stages[0])
    value = _atom(first[0], context) if len(first) == 1 else _call(first, context, _MISSING)
    for stage in stages[1:]:
        if value is _MISSING:
            return _MISSING
        value = _call(_TOKEN.findall(stage), context, value)
    return _scalar(value)


def _call(tokens: list[str], context: dict[str, Any], piped: Any) -> Any:
    """One stage: an atom, or a function applied to its arguments and the piped value."""
    if not tokens:
        return _MISSING
    name, arguments = tokens[0], [_atom(token, context) for token in tokens[1:]]
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


def _atom(token: str, context: dict[str, Any]) -> Any:
    if token[:1] in "\"'`":
        return token[1:-1]
    path = _VALUE_PATH.match(token)
    if path is None:
        return _MISSING
    root = ".Values" if path.group("root").endswith(".Values") else path.group("root")
    if root not in context:
        return _MISSING
    value: Any = context[root]
    for key in path.group("path").split(".")[1:]:
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
