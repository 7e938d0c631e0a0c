"""The keys kombu's Redis transport reads from ``broker_transport_options``.

Read from kombu's own source, never from a copied list: ``kombu.transport.redis``
cannot be imported without redis-py, so its source is parsed instead.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
from collections.abc import Iterable
from pathlib import Path

_KOMBU_SOURCES = ("kombu.transport.virtual.base", "kombu.transport.redis", "kombu.connection")
_OPTION_HOLDERS = frozenset({"transport_options", "transport_opts"})


@functools.lru_cache(maxsize=1)
def broker_transport_option_names() -> frozenset[str]:
    """Keys kombu's Redis transport reads from ``broker_transport_options``.

    Read from kombu's source without importing it (``kombu.transport.redis``
    needs redis-py at import time): ``from_transport_options`` tuples plus
    ``transport_options.get('x')``/``['x']``/``'x' in transport_options``.
    """
    names: set[str] = set()
    for module in _KOMBU_SOURCES:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            continue
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        names.update(_option_names_in(tree))
    return frozenset(names)


def _is_option_holder(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in _OPTION_HOLDERS
    return isinstance(node, ast.Name) and node.id in _OPTION_HOLDERS


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _option_names_in(tree: ast.AST) -> Iterable[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "from_transport_options" for t in node.targets
        ):
            yield from (s for n in ast.walk(node.value) if (s := _string(n)) is not None)
        elif (name := _option_read_by(node)) is not None:
            yield name


def _option_read_by(node: ast.AST) -> str | None:
    """'x' from ``transport_options.get('x')``, ``transport_options['x']``, ``'x' in ...``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        if node.func.attr == "get" and _is_option_holder(node.func.value):
            return _string(node.args[0])
    elif isinstance(node, ast.Subscript) and _is_option_holder(node.value):
        return _string(node.slice)
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In):
        return _string(node.left) if _is_option_holder(node.comparators[0]) else None
    return None


__all__ = ["broker_transport_option_names"]
