"""Turn a libcst expression into the picklable Value tree of ``facts``.

Only what static evaluation can use is described; everything else becomes
``Opaque`` so that later stages stay silent instead of guessing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import libcst as cst

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

SpanOf = Callable[[cst.CSTNode], Span]


_BINARY_OPS: dict[type[cst.BaseBinaryOp], str] = {
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
    cst.BitOr: "|",
}


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for Name/Attribute chains, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def callee_name(node: cst.BaseExpression) -> str:
    """Dotted callee; an attribute on a call result keeps the call's callee with ``()``.

    ``add.s(1).delay`` becomes ``add.s().delay`` so rules can still recognise the chain.
    """
    simple = dotted_name(node)
    if simple is not None:
        return simple
    if isinstance(node, cst.Attribute):
        inner = node.value
        if isinstance(inner, cst.Call):
            return callee_name(inner.func) + "()." + node.attr.value
        return "?." + node.attr.value
    return ""


class ValueBuilder(MemoisedValueBuilder[cst.BaseExpression, cst.Call]):
    """Converts expressions with a position callback; depth- and size-bounded."""

    def _build(self, node: cst.BaseExpression, depth: int, span: Span) -> Value:
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value
            if value is not None:
                return Const(value, span)
            if isinstance(node, cst.ConcatenatedString):
                return self._concatenated(node, depth, span)
            return Opaque("string", span)
        if isinstance(node, cst.Integer):
            return Const(int(node.value.replace("_", ""), 0), span)
        if isinstance(node, cst.Float):
            return Const(float(node.value.replace("_", "")), span)
        if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
            return Const({"True": True, "False": False, "None": None}[node.value], span)
        name = dotted_name(node)
        if name is not None:
            return NameRef(name, span)
        if isinstance(node, cst.UnaryOperation):
            return self._unary(node, depth, span)
        if isinstance(node, cst.Dict):
            return self._dict(node, depth, span)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return self._sequence(node, depth, span)
        if isinstance(node, cst.Call):
            return self.call(node, depth)
        if isinstance(node, cst.BinaryOperation):
            op = _BINARY_OPS.get(type(node.operator))
            if op is None:
                return Opaque("operator", span)
            return BinOpValue(
                op, self.build(node.left, depth + 1), self.build(node.right, depth + 1), span
            )
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, depth, span)
        if isinstance(node, cst.Lambda):
            return Lambda(self.build(node.body, depth + 1), span)
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            if isinstance(index, cst.Index):
                return Subscript(
                    self.build(node.value, depth + 1), self.build(index.value, depth + 1), span
                )
        return Opaque(type(node).__name__, span)

    def _unary(self, node: cst.UnaryOperation, depth: int, span: Span) -> Value:
        inner = self.build(node.expression, depth + 1)
        if isinstance(inner, Const) and isinstance(inner.value, (int, float)):
            if isinstance(node.operator, cst.Minus):
                return Const(-inner.value, span)
            if isinstance(node.operator, cst.Plus):
                return Const(inner.value, span)
        if isinstance(node.operator, cst.Not) and isinstance(inner, Const):
            return Const(not inner.value, span)
        return Opaque("unary", span)

    def _dict(self, node: cst.Dict, depth: int, span: Span) -> Value:
        items: list[DictItem] = []
        unpacking = False
        for element in node.elements[:MAX_ITEMS]:
            if isinstance(element, cst.DictElement):
                items.append(
                    DictItem(
                        self.build(element.key, depth + 1),
                        self.build(element.value, depth + 1),
                        self.span_of(element.key),
                    )
                )
            else:
                unpacking = True
        return DictValue(tuple(items), unpacking or len(node.elements) > MAX_ITEMS, span)

    def _sequence(self, node: cst.List | cst.Tuple | cst.Set, depth: int, span: Span) -> Value:
        kind = {cst.List: "list", cst.Tuple: "tuple", cst.Set: "set"}[type(node)]
        items: list[Value] = []
        unpacking = False
        for element in node.elements[:MAX_ITEMS]:
            if isinstance(element, cst.Element):
                items.append(self.build(element.value, depth + 1))
            else:
                unpacking = True
        return SequenceValue(kind, tuple(items), unpacking or len(node.elements) > MAX_ITEMS, span)

    def _fstring(self, node: cst.FormattedString, depth: int, span: Span) -> Value:
        parts = self._fstring_parts(node, depth, span)
        return parts if isinstance(parts, Opaque) else FormattedString(merged_parts(parts), span)

    def _fstring_parts(self, node: cst.FormattedString, depth: int,
                       span: Span) -> list[Value] | Opaque:
        parts: list[Value] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(Const(_cooked(node, part.value), span))
            elif isinstance(part, cst.FormattedStringExpression):
                if part.conversion or part.format_spec or part.equal is not None:
                    return Opaque("fstring-format", span)  # ``{x!r}``, ``{x:>4}``, ``{x=}``
                parts.append(self.build(part.expression, depth + 1))
        return parts

    def _concatenated(self, node: cst.ConcatenatedString, depth: int, span: Span) -> Value:
        """``"a" f"{b}"``: one f-string, as Python (and CPython's ``ast``) reads it."""
        parts: list[Value] = []
        pending: list[cst.BaseExpression] = [node]
        while pending:
            piece = pending.pop(0)
            if isinstance(piece, cst.ConcatenatedString):
                pending[:0] = [piece.left, piece.right]
            elif isinstance(piece, cst.SimpleString) and isinstance(piece.evaluated_value, str):
                parts.append(Const(piece.evaluated_value, span))
            elif isinstance(piece, cst.FormattedString):
                built = self._fstring_parts(piece, depth, span)
                if isinstance(built, Opaque):
                    return built
                parts.extend(built)
            else:
                return Opaque("string", span)
        return FormattedString(merged_parts(parts), span)

    def _call(self, node: cst.Call, depth: int) -> CallValue:
        args: list[Value] = []
        kwargs: list[Keyword] = []
        star_args = star_kwargs = False
        starred: list[Value] = []
        for arg in node.args:
            if arg.star == "*":
                star_args = True
                starred.append(self.build(arg.value, depth + 1))
            elif arg.star == "**":
                star_kwargs = True
            elif arg.keyword is not None:
                kwargs.append(Keyword(arg.keyword.value, self.build(arg.value, depth + 1),
                                      self.span_of(arg.keyword)))
            else:
                args.append(self.build(arg.value, depth + 1))
        return CallValue(
            callee_name(node.func),
            tuple(args),
            tuple(kwargs),
            star_args,
            star_kwargs,
            self.span_of(node),
            tuple(starred),
        )


def _cooked(node: cst.FormattedString, raw: str) -> str:
    """An f-string's literal text as Python reads it: escapes and ``{{`` resolved."""
    prefix = node.prefix.lower().replace("f", "")
    try:
        # The sentinel keeps a text ending in a quote from closing the literal early.
        cooked = ast.literal_eval(prefix + node.quote + raw.replace("{{", "{").replace("}}", "}")
                                  + "_" + node.quote)
    except (SyntaxError, ValueError):
        return raw
    return cooked[:-1] if isinstance(cooked, str) else raw
