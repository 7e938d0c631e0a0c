"""Where in a module the traversal stands: function, class, TYPE_CHECKING, import guards.

Shared by every collector of the batched traversal so none of them has to
re-derive it. It must run first in the batch.
"""

from __future__ import annotations

import libcst as cst

from celerylint.source.batching import BatchedCollector
from celerylint.source.scan_policy import IMPORT_GUARD_EXCEPTIONS, TYPE_CHECKING_NAMES, ScopeState
from celerylint.source.values import dotted_name


def _is_type_checking_test(test: cst.BaseExpression) -> bool:
    return dotted_name(test) in TYPE_CHECKING_NAMES


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
        self._if_kinds: list[str] = []
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
        kind = "type_checking" if _is_type_checking_test(node.test) else "conditional"
        self._if_kinds.append(kind)
        if kind == "type_checking":
            self.type_checking += 1
        else:
            self.conditional += 1

    def visit_If_orelse(self, node: cst.If) -> None:
        # ``else:`` of ``if TYPE_CHECKING`` runs at load time, conditionally.
        if self._if_kinds and self._if_kinds[-1] == "type_checking":
            self.type_checking -= 1
            self.conditional += 1
            self._if_kinds[-1] = "conditional"

    def leave_If(self, original_node: cst.If) -> None:
        kind = self._if_kinds.pop()
        if kind == "type_checking":
            self.type_checking -= 1
        else:
            self.conditional -= 1

    def visit_Try(self, node: cst.Try) -> None:
        guard = _catches_import_error(node)
        self._try_guards.append(guard)
        self.guarded += guard
        self.conditional += 1

    def leave_Try(self, original_node: cst.Try) -> None:
        self.guarded -= self._try_guards.pop()
        self.conditional -= 1

    # ``with contextlib.suppress(ImportError): import x`` guards like try/except.
    def visit_With(self, node: cst.With) -> None:
        guard = any(_suppresses_import_error(item.item) for item in node.items)
        self._with_guards.append(guard)
        self.guarded += guard

    def leave_With(self, original_node: cst.With) -> None:
        self.guarded -= self._with_guards.pop()
