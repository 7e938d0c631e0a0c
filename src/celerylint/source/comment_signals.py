"""How a parsed comment statement reads: code, prose, or either.

What reaches here did parse (see ``comment_lines`` for what never gets that
far). A statement must read like something a programmer wrote, not like a
sentence, a data sample or a quoted error that happens to be well-formed:
``# e.g. foo(bar)``, ``# {"id": 1}`` and ``# ValueError('bad')`` all parse.

Everything is a pure function of its arguments; nothing is cached.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Sequence


class Signal(enum.Enum):
    """How a parsed statement reads."""

    CODE = "code"  # only a programmer writes this
    WEAK = "weak"  # valid Python that prose also produces; may join code
    PROSE = "prose"  # valid Python that reads as a sentence; rejects the chunk


# Words that follow a verb in prose (``return early``, ``import this``) and
# would otherwise read as a bare name operand.
_FILLER_WORDS = frozenset((
    "early", "now", "here", "there", "it", "this", "that", "them", "these", "those", "nothing",
    "everything", "something", "anything", "all", "immediately", "later", "again", "instead",
    "too", "anyway", "first", "last", "once", "only", "otherwise", "properly", "correctly",
    "manually", "directly", "silently", "quietly", "automatically", "back", "out", "up", "down",
    "off", "away", "true", "false", "null", "nil", "none", "error", "errors", "exception",
    "exceptions",
))
# Labels of docstring-like comments: ``Returns: list[str]`` is documentation.
_DOC_LABELS = frozenset((
    "returns", "raises", "yields", "args", "arguments", "params", "parameters", "example",
    "examples", "note", "notes", "see", "usage", "type", "rtype", "default", "defaults",
    "warning", "todo",
))
_BUILTIN_TYPES = frozenset((
    "int", "str", "float", "bool", "bytes", "list", "dict", "set", "tuple", "frozenset",
    "object", "type", "complex", "bytearray",
))
_JSON_WORDS = frozenset(("true", "false", "null"))
_ERROR_SUFFIXES = ("Error", "Exception", "Warning", "Exit", "Interrupt")
_ALWAYS_CODE = tuple(
    getattr(ast, name)
    for name in (
        "FunctionDef", "AsyncFunctionDef", "ClassDef", "Try", "TryStar", "TypeAlias",
    )
    if hasattr(ast, name)
)
_HEADED_COMPOUND = (
    ast.If, ast.While, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Match,
)
_KEYWORD_ONLY = (ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal, ast.Return, ast.Raise)
_CODELIKE_NODES = (
    ast.Call, ast.Attribute, ast.Subscript, ast.Await, ast.Lambda, ast.Dict,
    ast.DictComp, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.JoinedStr,
    ast.BinOp, ast.List, ast.Set, ast.Starred, ast.NamedExpr,
)
_WORDY_COMPARISONS = (ast.In, ast.NotIn, ast.Is, ast.IsNot)


def is_edge_trimmable(stmt: ast.stmt, signal: Signal) -> bool:
    """A weak expression at the edge of code is prose, a bare ``pass`` is not."""
    return signal is Signal.WEAK and not isinstance(stmt, _KEYWORD_ONLY)


def statement_signal(stmt: ast.stmt, lines: Sequence[str]) -> Signal:
    """Judge one parsed statement; ``lines`` is the source it was parsed from.

    ``...`` passed as an argument or listed as an element (``chord([A, B, ...])``,
    ``@example(...)``) marks pseudo-code in an explanation, never real code.
    """
    signal = _statement_signal(stmt, lines)
    if signal is Signal.CODE and _has_ellipsis_placeholder(stmt, lines):
        return Signal.WEAK
    return signal


def _statement_signal(stmt: ast.stmt, lines: Sequence[str]) -> Signal:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return _import_signal(stmt)
    if isinstance(stmt, (ast.Assign, ast.AugAssign)):
        return Signal.CODE
    if isinstance(stmt, ast.AnnAssign):
        return _annotation_signal(stmt, lines)
    if isinstance(stmt, ast.Return):
        return _operand_signal(stmt.value, bare_name_is_code=True)
    if isinstance(stmt, ast.Raise):
        return _operand_signal(stmt.exc, bare_name_is_code=True)
    if isinstance(stmt, ast.Delete):
        return _operand_signal(stmt.targets[0], bare_name_is_code=True)
    if isinstance(stmt, ast.Assert):
        return _operand_signal(stmt.test, bare_name_is_code=False)
    if isinstance(stmt, ast.Expr):
        return _expression_signal(stmt.value, lines)
    if isinstance(stmt, _ALWAYS_CODE):
        return Signal.CODE
    if isinstance(stmt, _HEADED_COMPOUND):
        return _compound_signal(stmt, lines)
    return Signal.WEAK


def dict_entries_signal(node: ast.expr, *, closed_by_comma: bool) -> Signal:
    """Lines that parse only inside ``{...}`` are code when keyed by literals.

    ``"cleanup": {"task": ...},`` is a commented-out dict entry. ``Note: this``
    also parses as a dict, but its key is a bare word; legends map a number to
    words (``401: Unauthorized``, ``252: 0 - 9``) or, without the trailing
    comma of an entry, a quoted code to a word (``'f': float``).
    """
    if not isinstance(node, ast.Dict) or not node.keys:
        return Signal.PROSE
    for key, value in zip(node.keys, node.values):
        if key is None:
            continue  # **defaults
        if not isinstance(key, ast.Constant):
            return Signal.PROSE
        if not isinstance(key.value, str) and isinstance(value, (ast.Name, ast.BinOp)):
            return Signal.PROSE
    if not closed_by_comma and all(isinstance(value, ast.Name) for value in node.values):
        return Signal.PROSE
    if _has_json_literal(node):
        return Signal.PROSE  # '"enabled": false,' -- a JSON sample, not Python
    return Signal.CODE


def _has_json_literal(node: ast.expr) -> bool:
    """``true``, ``false`` and ``null`` are JSON's words; Python code never names them."""
    return any(
        isinstance(child, ast.Name) and child.id in _JSON_WORDS for child in ast.walk(node)
    )


def _has_ellipsis_placeholder(stmt: ast.stmt, lines: Sequence[str]) -> bool:
    """``...`` standing for code left out: an argument, an element, a value, a body."""
    decorators = getattr(stmt, "decorator_list", ())
    first_line = min([stmt.lineno, *(decorator.lineno for decorator in decorators)])
    if not any("..." in line for line in lines[first_line - 1 : stmt.end_lineno]):
        return False
    for node in ast.walk(stmt):
        if isinstance(node, ast.Call):
            values = [*node.args, *(argument.value for argument in node.keywords)]
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            values = node.elts
        elif isinstance(node, ast.Assign):
            values = [node.value]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            values = [child.value for child in node.body if isinstance(child, ast.Expr)]
        else:
            continue
        if any(isinstance(value, ast.Constant) and value.value is Ellipsis for value in values):
            return True
    return False


def _import_signal(stmt: ast.Import | ast.ImportFrom) -> Signal:
    if isinstance(stmt, ast.Import) and len(stmt.names) == 1:
        alias = stmt.names[0]
        if alias.asname is None and alias.name.lower() in _FILLER_WORDS:
            return Signal.PROSE  # "import this", "import it"
    return Signal.CODE


def _annotation_signal(stmt: ast.AnnAssign, lines: Sequence[str]) -> Signal:
    """``x: int = 5`` is code; what else parses as an annotation is a label.

    ``Returns: dict`` and ``Format: name='x'`` are documentation labels,
    ``fmt: off`` a pragma, ``django.conf:settings`` a ``module:attribute`` path:
    the "type" is not a type, or it is written without the space code uses.
    """
    target = stmt.target
    if isinstance(target, ast.Name) and _is_label_word(target.id):
        return Signal.PROSE
    annotation = stmt.annotation
    if not _is_type_like(annotation) or not _follows_space(annotation, lines):
        return Signal.PROSE
    if stmt.value is not None or not isinstance(target, ast.Name):
        return Signal.CODE
    if isinstance(annotation, (ast.Subscript, ast.BinOp)):
        return Signal.CODE
    return Signal.WEAK  # "timeout: int" -- too bare to be sure


def _is_label_word(name: str) -> bool:
    return name.lower() in _DOC_LABELS or (name[0].isupper() and not name.isupper())


def _is_type_like(expr: ast.expr) -> bool:
    if isinstance(expr, (ast.Subscript, ast.Attribute)):
        return True
    if isinstance(expr, ast.BinOp):
        operands_are_types = _is_type_like(expr.left) and _is_type_like(expr.right)
        return isinstance(expr.op, ast.BitOr) and operands_are_types
    if isinstance(expr, ast.Constant):
        return expr.value is None or isinstance(expr.value, str)
    if isinstance(expr, ast.Name):
        return expr.id in _BUILTIN_TYPES or expr.id[0].isupper()
    return False


def _follows_space(node: ast.expr, lines: Sequence[str]) -> bool:
    encoded = lines[node.lineno - 1].encode("utf-8")
    return node.col_offset > 0 and encoded[node.col_offset - 1 : node.col_offset] in (b" ", b"\t")


def _operand_signal(operand: ast.expr | None, *, bare_name_is_code: bool) -> Signal:
    """``return result`` is code, ``return early`` is a sentence."""
    if operand is None:
        return Signal.WEAK
    if isinstance(operand, ast.Name):
        if operand.id.lower() in _FILLER_WORDS:
            return Signal.PROSE
        return Signal.CODE if bare_name_is_code else Signal.WEAK
    return Signal.CODE


def _expression_signal(value: ast.expr, lines: Sequence[str]) -> Signal:
    if isinstance(value, ast.Call):
        is_code = (_is_tight_call(value, lines) and not _is_notation(value)
                   and not _is_quoted_error(value))
        return Signal.CODE if is_code else Signal.WEAK
    if isinstance(value, ast.Await):
        if isinstance(value.value, ast.Call):
            return _expression_signal(value.value, lines)
        return _operand_signal(value.value, bare_name_is_code=False)
    if isinstance(value, (ast.Yield, ast.YieldFrom)):
        return _operand_signal(value.value, bare_name_is_code=False)
    if (
        isinstance(value, ast.Tuple)
        and _ends_with_comma(value, lines)
        and any(_is_literal_or_call(element) for element in value.elts)
        and not _has_json_literal(value)
    ):
        return Signal.CODE  # '"proj.tasks.old",' -- a commented-out element
    # A bare literal ('{"id": 1, "name": "x"}', '[(a, b), ...]') does nothing as a
    # statement: it is a sample payload or a data shape, not switched-off code.
    return Signal.WEAK


def _is_notation(call: ast.Call) -> bool:
    """``DIRECTIVE(name, value)``: an all-caps callee names a token, not a function."""
    func = call.func
    return isinstance(func, ast.Name) and len(func.id) > 1 and func.id.isupper()


def _is_quoted_error(call: ast.Call) -> bool:
    """``ValueError('bad task')`` on its own line quotes a message; code would raise it."""
    func = call.func
    return (
        isinstance(func, ast.Name)
        and func.id[:1].isupper()
        and func.id.endswith(_ERROR_SUFFIXES)
        and all(isinstance(arg, ast.Constant) for arg in call.args)
        and not call.keywords
    )


def _is_literal_or_call(expr: ast.expr) -> bool:
    return isinstance(expr, (ast.Call, ast.Dict)) or (
        isinstance(expr, ast.Constant) and isinstance(expr.value, (str, int, float))
    )


def _compound_signal(stmt: ast.stmt, lines: Sequence[str]) -> Signal:
    """``if task.enabled:`` is code; ``if needed:``, ``match everything:`` need a code body."""
    children = [*getattr(stmt, "body", ()), *getattr(stmt, "orelse", ())]
    for case in getattr(stmt, "cases", ()):
        children.extend(case.body)
    nested = [statement_signal(child, lines) for child in children]
    if Signal.PROSE in nested:
        return Signal.PROSE
    if Signal.CODE in nested or any(_is_codelike(expr) for expr in _header_expressions(stmt)):
        return Signal.CODE
    return Signal.WEAK


def _header_expressions(stmt: ast.stmt) -> list[ast.expr]:
    if isinstance(stmt, (ast.If, ast.While)):
        return [stmt.test]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return [stmt.iter]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in stmt.items]
    if isinstance(stmt, ast.Match):
        return [stmt.subject]
    return []


def _is_codelike(expr: ast.expr) -> bool:
    """An expression with syntax prose does not produce: calls, attributes, ..."""
    for node in ast.walk(expr):
        if isinstance(node, _CODELIKE_NODES):
            return True
        if isinstance(node, ast.Constant) and not isinstance(node.value, str):
            return True
        if isinstance(node, ast.Compare) and not all(
            isinstance(op, _WORDY_COMPARISONS) for op in node.ops
        ):
            return True
    return False


def _is_tight_call(call: ast.Call, lines: Sequence[str]) -> bool:
    """Code writes ``f(x)`` and ``a.b(x)``; prose writes ``Step (1)``, ``e.g. foo(x)``."""
    func = call.func
    if not isinstance(func, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
        return False
    if func.end_lineno != func.lineno or func.end_col_offset is None:
        return False
    encoded = lines[func.lineno - 1].encode("utf-8")  # ast offsets are UTF-8 bytes
    node: ast.expr = func
    while isinstance(node, ast.Attribute):  # "e.g. foo": whitespace around a dot
        if node.value.end_lineno != node.lineno or node.value.end_col_offset is None:
            return False
        attribute = encoded[node.value.end_col_offset : node.end_col_offset]
        if b" " in attribute or b"\t" in attribute:
            return False
        node = node.value
    return encoded[func.end_col_offset : func.end_col_offset + 1] == b"("


def _ends_with_comma(node: ast.expr, lines: Sequence[str]) -> bool:
    if node.end_lineno is None or node.end_col_offset is None:
        return False
    encoded = lines[node.end_lineno - 1].encode("utf-8")
    return encoded[: node.end_col_offset].rstrip().endswith(b",")
