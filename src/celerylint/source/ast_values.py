"""Turn a CPython ``ast`` expression into the same Value tree ``values`` builds from libcst.

The two builders must agree: ``tests/source/test_scanner_equivalence.py`` runs both on
every Python file the test suite knows and compares the facts.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from celerylint.source.facts import (
    BinOpValue,
    CallValue,
    Const,
    DictItem,
    DictValue,
    FormattedString,
    Keyword,
    Lambda,
    NameRef,
    Opaque,
    SequenceValue,
    Span,
    Subscript,
    Value,
)
from celerylint.source.scan_policy import MAX_ITEMS, MemoisedValueBuilder, merged_parts

AstSpanOf = Callable[[ast.AST], Span]
KeywordSpanOf = Callable[[ast.keyword], Span]

_BINARY_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.BitOr: "|",
}

# The libcst class name each CPython node has, so that Opaque kinds do not depend on
# which parser scanned the file.
_LIBCST_NAMES = {
    "Compare": "Comparison",
    "BoolOp": "BooleanOperation",
    "Starred": "StarredElement",
    "JoinedStr": "FormattedString",
    "YieldFrom": "Yield",
}
_SEQUENCE_KINDS: dict[type[ast.expr], str] = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set"}


def dotted_name(node: ast.AST) -> str | None:
    """``a.b.c`` for Name/Attribute chains, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def callee_name(node: ast.AST) -> str:
    """Dotted callee; ``add.s(1).delay`` becomes ``add.s().delay`` as in ``values``."""
    simple = dotted_name(node)
    if simple is not None:
        return simple
    if isinstance(node, ast.Attribute):
        inner = node.value
        if isinstance(inner, ast.Call):
            return callee_name(inner.func) + "()." + node.attr
        return "?." + node.attr
    return ""


def _opaque_kind(node: ast.AST) -> str:
    name = type(node).__name__
    return _LIBCST_NAMES.get(name, name)


class AstValueBuilder(MemoisedValueBuilder[ast.expr, ast.Call]):
    """Converts expressions with position callbacks; depth- and size-bounded."""

    def __init__(self, span_of: AstSpanOf, keyword_span_of: KeywordSpanOf,
                 parenthesized: Callable[[ast.AST], bool]) -> None:
        super().__init__(span_of)
        self.keyword_span_of = keyword_span_of
        self.parenthesized = parenthesized

    def _build(self, node: ast.expr, depth: int, span: Span) -> Value:
        if isinstance(node, ast.Constant):
            return self._constant(node, span)
        name = dotted_name(node)
        if name is not None:
            return NameRef(name, span)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node, depth, span)
        if isinstance(node, ast.Dict):
            return self._dict(node, depth, span)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return self._sequence(node, depth, span)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.BinOp):
            op = _BINARY_OPS.get(type(node.op))
            if op is None:
                return Opaque("operator", span)
            return BinOpValue(
                op, self.build(node.left, depth + 1), self.build(node.right, depth + 1), span
            )
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, depth, span)
        if isinstance(node, ast.Lambda):
            return Lambda(self.build(node.body, depth + 1), span)
        if isinstance(node, ast.Subscript) and self.single_index(node):
            return Subscript(
                self.build(node.value, depth + 1), self.build(node.slice, depth + 1), span
            )
        return Opaque(_opaque_kind(node), span)

    def single_index(self, node: ast.Subscript) -> bool:
        """``x[k]`` or ``x[(a, b)]``; libcst reads ``x[a, b]`` and slices as something else."""
        if isinstance(node.slice, ast.Slice):
            return False
        return not isinstance(node.slice, ast.Tuple) or self.parenthesized(node.slice)

    @staticmethod
    def _constant(node: ast.Constant, span: Span) -> Value:
        value = node.value
        if value is Ellipsis:
            return Opaque("Ellipsis", span)
        if isinstance(value, complex):
            return Opaque("Imaginary", span)
        return Const(value, span)

    def _unary(self, node: ast.UnaryOp, depth: int, span: Span) -> Value:
        inner = self.build(node.operand, depth + 1)
        if isinstance(inner, Const) and isinstance(inner.value, (int, float)):
            if isinstance(node.op, ast.USub):
                return Const(-inner.value, span)
            if isinstance(node.op, ast.UAdd):
                return Const(inner.value, span)
        if isinstance(node.op, ast.Not) and isinstance(inner, Const):
            return Const(not inner.value, span)
        return Opaque("unary", span)

    def _dict(self, node: ast.Dict, depth: int, span: Span) -> Value:
        items: list[DictItem] = []
        unpacking = False
        for key, value in list(zip(node.keys, node.values))[:MAX_ITEMS]:
            if key is None:
                unpacking = True
                continue
            items.append(DictItem(self.build(key, depth + 1), self.build(value, depth + 1),
                                  self.span_of(key)))
        return DictValue(tuple(items), unpacking or len(node.keys) > MAX_ITEMS, span)

    def _sequence(self, node: ast.List | ast.Tuple | ast.Set, depth: int, span: Span) -> Value:
        items: list[Value] = []
        unpacking = False
        for element in node.elts[:MAX_ITEMS]:
            if isinstance(element, ast.Starred):
                unpacking = True
            else:
                items.append(self.build(element, depth + 1))
        return SequenceValue(_SEQUENCE_KINDS[type(node)], tuple(items),
                             unpacking or len(node.elts) > MAX_ITEMS, span)

    def _fstring(self, node: ast.JoinedStr, depth: int, span: Span) -> Value:
        parts: list[Value] = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append(Const(part.value, span))
            elif isinstance(part, ast.FormattedValue):
                if part.conversion != -1 or part.format_spec is not None:
                    return Opaque("fstring-format", span)
                parts.append(self.build(part.value, depth + 1))
        return FormattedString(merged_parts(parts), span)

    def _call(self, node: ast.Call, depth: int) -> CallValue:
        args: list[Value] = []
        kwargs: list[Keyword] = []
        star_args = star_kwargs = False
        starred: list[Value] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                star_args = True
                starred.append(self.build(arg.value, depth + 1))
            else:
                args.append(self.build(arg, depth + 1))
        for keyword in node.keywords:
            if keyword.arg is None:
                star_kwargs = True
            else:
                kwargs.append(Keyword(keyword.arg, self.build(keyword.value, depth + 1),
                                      self.keyword_span_of(keyword)))
        return CallValue(callee_name(node.func), tuple(args), tuple(kwargs), star_args,
                         star_kwargs, self.span_of(node), tuple(starred))
