"""Where in a module the traversal stands: function, class, TYPE_CHECKING, import guards.

Shared by every collector of the batched traversal so none of them has to
re-derive it. It must run first in the batch.
"""

from __future__ import annotations

import libcst as cst

from celerylint.source.batching import BatchedCollector
from celerylint.source.scan_policy import IMPORT_GUARD_EXCEPTIONS, IfKind, ScopeState, if_kind
from celerylint.source.values import dotted_name


def _if_kind_of(test: cst.BaseExpression) -> IfKind:
    names = _NamesRead()
    test.visit(names)
    return if_kind(dotted_name(test), _is_main_check(test), names.names)


def _is_main_check(test: cst.BaseExpression) -> bool:
    """``__name__ == "__main__"``, either way round."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Equal)):
        return False
    sides = {_side(test.left), _side(test.comparisons[0].comparator)}
    return sides == {"__name__", "'__main__'"}


def _side(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return repr(value) if isinstance(value, str) else None
    return dotted_name(node)


class _NamesRead(cst.CSTVisitor):
    """Every Name and Attribute chain an expression reads, inner ones included, as
    ``ast.walk`` meets them: attribute names, keyword names and parameters are not reads."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if (name := dotted_name(node)) is not None:
            self.names.append(name)
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Param(self, node: cst.Param) -> bool:
        if node.default is not None:
            node.default.visit(self)
        return False


def _catches_import_error(node: cst.Try) -> bool:
    for handler in node.handlers:
        caught = handler.type
        if caught is None:
            return True
        names = (
            [dotted_name(e.value) for e in caught.elements]
            if isinstance(caught, cst.Tuple)
            else [dotted_name(caught)]
        )
        if any(n and n.split(".")[-1] in IMPORT_GUARD_EXCEPTIONS
               for n in names):
            return True
    return False


def _suppresses_import_error(expression: cst.BaseExpression) -> bool:
    if not isinstance(expression, cst.Call):
        return False
    name = dotted_name(expression.func) or ""
    if name.split(".")[-1] != "suppress":
        return False
    return any((dotted_name(arg.value) or "").split(".")[-1] in
               IMPORT_GUARD_EXCEPTIONS for arg in expression.args)


class ScopeTracker(BatchedCollector, ScopeState):
    """Keeps stacks of enclosing functions/classes and of guarding statements."""

    def __init__(self) -> None:
        BatchedCollector.__init__(self)
        ScopeState.__init__(self)
        self._if_kinds: list[IfKind] = []
        self._try_guards: list[bool] = []
        self._with_guards: list[bool] = []

    # -- scopes ---------------------------------------------------------------
    # Scopes open at the body, so decorators, defaults and bases belong to the
    # enclosing scope, as they do at run time.
    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.scopes.append(("function", node.name.value))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        self.scopes.append(("class", node.name.value))

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        self.scopes.pop()

    # -- guards -----------------------------------------------------------------
    def visit_If(self, node: cst.If) -> None:
        kind = _if_kind_of(node.test)
        self._if_kinds.append(kind)
        self.enter_if(kind)

    def visit_If_orelse(self, node: cst.If) -> None:
        if node.orelse is not None:
            self._if_kinds[-1] = self.enter_else(self._if_kinds[-1])

    def leave_If(self, original_node: cst.If) -> None:
        self.leave_if(self._if_kinds.pop())

    def visit_Try(self, node: cst.Try) -> None:
        guard = _catches_import_error(node)
        self._try_guards.append(guard)
        self.guarded += guard
        self.conditional += 1

    def leave_Try(self, original_node: cst.Try) -> None:
        self.guarded -= self._try_guards.pop()
        self.conditional -= 1

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self.visit_Try(node)  # type: ignore[arg-type] - the same handlers, with ``except*``

    def leave_TryStar(self, original_node: cst.TryStar) -> None:
        self.leave_Try(original_node)  # type: ignore[arg-type]

    # ``with contextlib.suppress(ImportError): import x`` guards like try/except.
    def visit_With(self, node: cst.With) -> None:
        guard = any(_suppresses_import_error(item.item) for item in node.items)
        self._with_guards.append(guard)
        self.guarded += guard

    def leave_With(self, original_node: cst.With) -> None:
        self.guarded -= self._with_guards.pop()
