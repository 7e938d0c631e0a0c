"""Walking the expression trees facts record (``Value``), without recursion.

A 189k-line project records about 70,000 expressions, most of them leaves; rules that
look for one kind of node inside them (dict literals, ``os.environ[...]``) walk them
all. One stack and exact type tests cost a third of a recursive generator per node.
"""

from __future__ import annotations

from collections.abc import Iterator

from celerylint.source.facts import (
    BinOpValue,
    CallValue,
    DictValue,
    FormattedString,
    Lambda,
    SequenceValue,
    Subscript,
    Value,
)


def children(value: Value) -> list[Value]:
    """The values written inside ``value`` (items, arguments, operands, f-string parts),
    in source order."""
    kind = type(value)
    if kind is DictValue:
        return [v for item in value.items for v in (item.key, item.value)]
    if kind is SequenceValue:
        return list(value.items)
    if kind is CallValue:
        return [*value.args, *(keyword.value for keyword in value.kwargs)]
    if kind is BinOpValue:
        return [value.left, value.right]
    if kind is FormattedString:
        return list(value.parts)
    if kind is Subscript:
        return [value.target, value.index]
    if kind is Lambda:
        return [value.body]
    return []


BRANCHES = frozenset({DictValue, SequenceValue, CallValue, BinOpValue, FormattedString,
                      Subscript, Lambda})  # the types ``children`` looks inside


def preorder(value: Value) -> Iterator[Value]:
    """``value`` and every value inside it, outermost first, in source order."""
    stack = [value]
    while stack:
        current = stack.pop()
        yield current
        if type(current) in BRANCHES:
            stack.extend(reversed(children(current)))


def preorder_of(value: Value, wanted: type) -> Iterator[Value]:
    """The values of exactly type ``wanted`` in ``value``, outermost first: ``preorder``
    without handing every leaf to the caller."""
    stack = [value]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is wanted:
            yield current
        if kind in BRANCHES:
            stack.extend(reversed(children(current)))
