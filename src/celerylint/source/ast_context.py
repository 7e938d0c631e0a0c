"""Where an ``ast`` node stands and what it declares, restating ``context`` and the
libcst collectors' small judgements for CPython's tree."""

from __future__ import annotations

import ast

from celerylint.source.ast_values import dotted_name
from celerylint.source.facts import Parameter, ParamKind
from celerylint.source.scan_policy import (
    IMPORT_GUARD_EXCEPTIONS,
    LOCAL_CALL_LEAVES,
    IfKind,
    if_kind,
)


def catches_import_error(node: ast.Try) -> bool:
    for handler in node.handlers:
        if handler.type is None:
            return True
        caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any((dotted_name(c) or "").split(".")[-1] in IMPORT_GUARD_EXCEPTIONS for c in caught):
            return True
    return False


def suppresses_import_error(expression: ast.expr) -> bool:
    if not isinstance(expression, ast.Call):
        return False
    if (dotted_name(expression.func) or "").split(".")[-1] != "suppress":
        return False
    return any((dotted_name(arg) or "").split(".")[-1] in IMPORT_GUARD_EXCEPTIONS
               for arg in expression.args)


def if_kind_of(test: ast.expr) -> IfKind:
    return if_kind(dotted_name(test), _is_main_check(test), _names_read(test))


def _is_main_check(test: ast.expr) -> bool:
    """``__name__ == "__main__"``, either way round."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = {dotted_name(test.left) or _string(test.left),
             dotted_name(test.comparators[0]) or _string(test.comparators[0])}
    return sides == {"__name__", "'__main__'"}


def _string(node: ast.expr) -> str | None:
    return repr(node.value) if isinstance(node, ast.Constant) and isinstance(node.value, str) \
        else None


def _names_read(node: ast.AST) -> list[str]:
    """Every Name and Attribute chain in an expression, inner ones included."""
    return [name for sub in ast.walk(node) if isinstance(sub, (ast.Name, ast.Attribute))
            and (name := dotted_name(sub)) is not None]


def parameters(arguments: ast.arguments) -> tuple[Parameter, ...]:
    positional = [*arguments.posonlyargs, *arguments.args]
    first_default = len(positional) - len(arguments.defaults)
    result = [
        Parameter(p.arg, ParamKind.POSITIONAL_ONLY if i < len(arguments.posonlyargs)
                  else ParamKind.POSITIONAL_OR_KEYWORD, i >= first_default)
        for i, p in enumerate(positional)
    ]
    if arguments.vararg is not None:
        result.append(Parameter(arguments.vararg.arg, ParamKind.VAR_POSITIONAL, False))
    for p, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        result.append(Parameter(p.arg, ParamKind.KEYWORD_ONLY, default is not None))
    if arguments.kwarg is not None:
        result.append(Parameter(arguments.kwarg.arg, ParamKind.VAR_KEYWORD, False))
    return tuple(result)


def is_celery_local(target: ast.expr, value: ast.expr | None) -> bool:
    if not isinstance(target, ast.Name) or not isinstance(value, ast.Call):
        return False
    func = value.func
    leaf = func.attr if isinstance(func, ast.Attribute) else (
        func.id if isinstance(func, ast.Name) else "")
    return leaf in LOCAL_CALL_LEAVES


def is_attribute_on_app(target: ast.expr) -> bool:
    """``app.conf.x = ...`` inside a factory function still configures the app."""
    name = dotted_name(target)
    if name is None and isinstance(target, ast.Subscript):
        name = dotted_name(target.value)
    return bool(name) and ".conf" in name  # type: ignore[operator]
