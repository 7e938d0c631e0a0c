"""``setup.cfg`` and ``setup.py``, read statically.

``setup.py`` is read with :mod:`ast`: only literal lists, dicts and module-level
names bound to them count, and a computed ``install_requires`` makes the reading
*incomplete* because only running the file would reveal it.
"""

from __future__ import annotations

import ast
import configparser
import re
from collections.abc import Iterable, Iterator

from celerylint.project.packaging.requirement_strings import (
    COMMENT,
    FileReading,
    LineLocator,
    entries_of,
)

_SETUPTOOLS_KEYWORDS = ("install_requires", "setup_requires", "tests_require")
_REQUIREMENT_FILE = re.compile(r"^[\w./-]*requirements[\w./-]*\.(?:txt|in)$")
_COMPUTED = ("{name} in setup.py is computed when setup.py runs; celerylint never runs project "
             "code, so list the dependencies literally or in pyproject.toml.")


def parse_setup_cfg(text: str) -> FileReading:
    """``[options] install_requires`` (and setup/tests requires) and every
    ``[options.extras_require]`` entry, one requirement per line."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None) or 1
        return FileReading(problems=((line, f"setup.cfg cannot be parsed ({exc.message.splitlines()[0]})."),),
                           complete="install_requires" not in text, unreadable=True)
    values: list[str] = []
    if parser.has_section("options"):
        values += [parser.get("options", key, fallback="") for key in _SETUPTOOLS_KEYWORDS]
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    strings = [COMMENT.sub("", line).strip() for value in values for line in value.splitlines()]
    locate, problems = LineLocator(text), []
    entries = entries_of(((s, locate.line_of(s)) for s in strings if s), problems)
    return FileReading(tuple(entries), problems=tuple(problems))


def parse_setup_py(text: str) -> FileReading:
    """Literal ``install_requires=[...]`` / ``extras_require={...}`` of ``setup()``
    calls, including module-level names bound to literals and ``setup(**literal)``.
    A computed list is read from the requirement files the script names, if any;
    otherwise the reading is incomplete instead of guessed."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        message = "setup.py is not valid Python 3, so its dependencies cannot be read."
        return FileReading(problems=((line, message),), complete="install_requires" not in text)
    literals = _module_literals(tree)
    strings: list[tuple[str, int]] = []
    computed: list[tuple[int, str]] = []
    keywords = [kw for call in ast.walk(tree) if isinstance(call, ast.Call) and _is_setup(call)
                for kw in _setup_keywords(call.keywords, literals)]
    for name, value in keywords:
        found = _keyword_strings(name, value, literals)
        strings.extend(found or [])
        computed.extend([(value.lineno, name)] if found is None else [])
    if "install_requires" in text and all(name != "install_requires" for name, _ in keywords):
        computed.append((1, "install_requires"))
    read_from = _requirement_file_names(tree) if computed else []
    if read_from:  # install_requires=open("requirements.txt")...: read that file instead
        return FileReading(tuple(entries_of(strings, [])), tuple(read_from))
    problems = [(line, _COMPUTED.format(name=name)) for line, name in computed]
    entries = entries_of(strings, problems)
    return FileReading(tuple(entries), problems=tuple(problems), complete=not computed)


def _requirement_file_names(tree: ast.Module) -> list[tuple[str, int]]:
    """String literals naming requirement files, the usual source of a computed
    ``install_requires``; they are followed like ``-r`` includes."""
    return [(node.value, node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and _REQUIREMENT_FILE.match(node.value)]


def _is_setup(call: ast.Call) -> bool:
    func = call.func
    return (func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)) == "setup"


def _setup_keywords(
    keywords: Iterable[ast.keyword], literals: dict[str, ast.expr]
) -> Iterator[tuple[str, ast.expr]]:
    """The dependency keywords of a call, looking into ``**{...}`` literal dicts."""
    for keyword in keywords:
        if keyword.arg in (*_SETUPTOOLS_KEYWORDS, "extras_require"):
            yield keyword.arg, keyword.value
        elif keyword.arg is None and isinstance(spread := _resolve(keyword.value, literals),
                                                ast.Dict):
            pairs = [ast.keyword(arg=k.value, value=v) for k, v in zip(spread.keys, spread.values)
                     if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            yield from _setup_keywords(pairs, literals)


def _keyword_strings(
    name: str, value: ast.expr, literals: dict[str, ast.expr]
) -> list[tuple[str, int]] | None:
    """A requirement list, or for ``extras_require`` a dict of them; None if computed."""
    items: list[ast.expr] | None = [value]
    if name == "extras_require":
        extras = _resolve(value, literals)
        literal_dict = isinstance(extras, ast.Dict) and None not in extras.keys
        items = list(extras.values) if literal_dict else None  # type: ignore[union-attr]
    found = [_literal_strings(item, literals) for item in items or []]
    if items is None or any(strings is None for strings in found):
        return None
    return [pair for strings in found for pair in strings or []]


def _module_literals(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level ``NAME = <expr>`` bindings; the last one wins, as at run time."""
    bound: dict[str, ast.expr] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        bound.update({target.id: value for target in targets if isinstance(target, ast.Name)})
    return bound


def _resolve(node: ast.expr, literals: dict[str, ast.expr]) -> ast.expr:
    for _ in range(10):  # NAME = OTHER chains, bounded against NAME = NAME loops
        if not (isinstance(node, ast.Name) and node.id in literals):
            break
        node = literals[node.id]
    return node


def _literal_strings(
    node: ast.expr, literals: dict[str, ast.expr], depth: int = 0
) -> list[tuple[str, int]] | None:
    """The strings of a literal list/tuple/set, of ``a + b`` of them, or of a
    multi-line string (setuptools accepts one), each with its line; None if computed."""
    node = _resolve(node, literals)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        lines = [COMMENT.sub("", line).strip() for line in node.value.splitlines()]
        return [(line, node.lineno) for line in lines if line]
    if depth > 20:
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = [node.left, node.right]
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        parts = node.elts
    else:
        return None
    found = [_literal_strings(part, literals, depth + 1) for part in parts]
    return None if any(f is None for f in found) else [s for f in found for s in f or []]
