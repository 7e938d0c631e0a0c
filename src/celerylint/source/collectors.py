"""The collectors of the single batched libcst traversal.

Each collector is named after what it gathers and reads the shared
``ScopeTracker`` for where it stands; none of them keeps a CST node.
"""

from __future__ import annotations

import libcst as cst

from celerylint.source.batching import BatchedCollector
from celerylint.source.context import ScopeTracker
from celerylint.source.facts import (
    AssignmentFact,
    CallFact,
    ClassFact,
    CommentFact,
    Const,
    ExceptHandlerFact,
    FunctionFact,
    ImportFact,
    Parameter,
    ParamKind,
    SequenceValue,
    Span,
    Value,
)
from celerylint.source.scan_policy import LOCAL_CALL_LEAVES, resolve_relative
from celerylint.source.values import SpanOf, ValueBuilder, dotted_name


class ImportCollector(BatchedCollector):
    def __init__(self, scope: ScopeTracker, span_of: SpanOf, module: str, is_package: bool) -> None:
        super().__init__()
        self.scope, self.span_of = scope, span_of
        self.module, self.is_package = module, is_package
        self.imports: list[ImportFact] = []
        self.has_star_import = False

    def _add(self, node: cst.CSTNode, module: str, name: str | None, bound: str,
             level: int = 0, beyond: bool = False, written: str | None = None,
             module_node: cst.CSTNode | None = None) -> None:
        self.imports.append(ImportFact(
            module=module, name=name, bound=bound, span=self.span_of(node),
            context=self.scope.import_context(), level=level,
            conditional=bool(self.scope.conditional), beyond_top_level=beyond,
            relative_name=written if level else None,
            module_span=self.span_of(module_node) if module_node is not None else None,
            function=self.scope.function_qualname(), guarded=bool(self.scope.guarded),
        ))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            bound = (alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name)
                     else full.split(".")[0])
            self._add(alias, full, None, bound)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        level = len(node.relative)
        written = dotted_name(node.module) if node.module else None
        if level:
            module, beyond = resolve_relative(self.module, self.is_package, level, written)
        else:
            module, beyond = written or "", False
        if isinstance(node.names, cst.ImportStar):
            if self.scope.at_module_level or not self.scope.in_function:
                self.has_star_import = True
            self._add(node, module, "*", "*", level, beyond, written, node.module)
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            bound = (alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name)
                     else name)
            self._add(alias, module, name, bound, level, beyond, written,
                      node.module or node)


def _parameters(params: cst.Parameters) -> tuple[Parameter, ...]:
    result: list[Parameter] = []
    for p in params.posonly_params:
        result.append(Parameter(p.name.value, ParamKind.POSITIONAL_ONLY, p.default is not None))
    for p in params.params:
        result.append(Parameter(p.name.value, ParamKind.POSITIONAL_OR_KEYWORD, p.default is not None))
    if isinstance(params.star_arg, cst.Param):
        result.append(Parameter(params.star_arg.name.value, ParamKind.VAR_POSITIONAL, False))
    for p in params.kwonly_params:
        result.append(Parameter(p.name.value, ParamKind.KEYWORD_ONLY, p.default is not None))
    if params.star_kwarg is not None:
        result.append(Parameter(params.star_kwarg.name.value, ParamKind.VAR_KEYWORD, False))
    return tuple(result)


class FunctionBodyCollector(BatchedCollector):
    """Returns and broad exception handlers, per enclosing function, in the same pass."""

    def __init__(self, scope: ScopeTracker, span_of: SpanOf) -> None:
        super().__init__()
        self.scope, self.span_of = scope, span_of
        self.returns: dict[str, list[str]] = {}
        self.handlers: dict[str, list[ExceptHandlerFact]] = {}

    def visit_Return(self, node: cst.Return) -> None:
        function = self.scope.function_qualname()
        if node.value is None or not function:
            return
        name = dotted_name(node.value)
        if name is None and isinstance(node.value, cst.Call):
            name = (dotted_name(node.value.func) or "") + "()"
        if name:
            self.returns.setdefault(function, []).append(name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        function = self.scope.function_qualname()
        caught = "" if node.type is None else (dotted_name(node.type) or "?")
        if not function or caught not in ("", "Exception", "BaseException"):
            return
        calls: list[str] = []
        reraises = False
        for sub in _walk(node.body):  # only this handler's own, usually tiny, body
            if isinstance(sub, cst.Raise):
                reraises = True
            elif isinstance(sub, cst.Call):
                calls.append(dotted_name(sub.func) or "")
        self.handlers.setdefault(function, []).append(
            ExceptHandlerFact(self.span_of(node), caught, reraises, tuple(sorted(calls))))


def _is_celery_local(target: cst.BaseExpression, value: cst.BaseExpression | None) -> bool:
    if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
        return False
    func = value.func
    leaf = func.attr.value if isinstance(func, cst.Attribute) else (
        func.value if isinstance(func, cst.Name) else "")
    return leaf in LOCAL_CALL_LEAVES


def _walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.children)
    return found


class DefinitionCollector(BatchedCollector):
    """Functions, classes, module/class-level assignments and the names a module defines."""

    def __init__(self, scope: ScopeTracker, span_of: SpanOf, values: ValueBuilder) -> None:
        super().__init__()
        self.scope, self.span_of, self.values = scope, span_of, values
        self.functions: list[FunctionFact] = []
        self.classes: list[ClassFact] = []
        self.assignments: list[AssignmentFact] = []
        self.defined: set[str] = set()
        self.all_names: tuple[str, ...] | None = None
        self.has_getattr = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        module_level = self.scope.at_module_level
        if module_level:
            self.defined.add(node.name.value)
            self.has_getattr |= node.name.value == "__getattr__"
        self.functions.append(FunctionFact(
            name=node.name.value,
            qualname=self.scope.qualname(node.name.value),
            span=self.span_of(node.name),
            is_async=node.asynchronous is not None,
            decorators=tuple(self.values.build(d.decorator) for d in node.decorators),
            parameters=_parameters(node.params),
            is_module_level=module_level,
        ))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.scope.at_module_level:
            self.defined.add(node.name.value)
        self.classes.append(ClassFact(
            name=node.name.value,
            qualname=self.scope.qualname(node.name.value),
            span=self.span_of(node.name),
            bases=tuple(dotted_name(a.value) or "?" for a in node.bases if a.keyword is None),
            decorators=tuple(self.values.build(d.decorator) for d in node.decorators),
            is_module_level=self.scope.at_module_level,
        ))

    def _record(self, target: cst.BaseExpression, value: cst.BaseExpression | None,
                augmented: str = "") -> None:
        if self.scope.in_function and not self._is_attribute_on_app(target) \
                and not _is_celery_local(target, value):
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._record(element.value, None)
            return
        key: Value | None = None
        name = dotted_name(target)
        if name is None and isinstance(target, cst.Subscript) and len(target.slice) == 1:
            index = target.slice[0].slice
            name = dotted_name(target.value)
            if isinstance(index, cst.Index):
                key = self.values.build(index.value)
        if name is None:
            return
        if self.scope.at_module_level and "." not in name and key is None:
            self.defined.add(name)
            if name == "__all__" and value is not None:
                self._record_all(self.values.build(value), augmented)
        built = self.values.build(value) if value is not None else self.values.build(target)
        self.assignments.append(AssignmentFact(
            target=name, value=built, span=self.span_of(target), scope=self.scope.class_scope,
            key=key, augmented=augmented, conditional=bool(self.scope.conditional),
            function=self.scope.function_qualname(),
        ))

    def _is_attribute_on_app(self, target: cst.BaseExpression) -> bool:
        """``app.conf.x = ...`` inside a factory function still configures the app."""
        name = dotted_name(target)
        if name is None and isinstance(target, cst.Subscript):
            name = dotted_name(target.value)
        return bool(name) and ".conf" in name  # type: ignore[operator]

    def _record_all(self, value: Value, augmented: str) -> None:
        if isinstance(value, SequenceValue) and not value.has_unpacking and all(
                isinstance(i, Const) for i in value.items):
            names = tuple(str(i.value) for i in value.items if isinstance(i, Const))
            self.all_names = (self.all_names or ()) + names if augmented else names

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._record(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None or self.scope.class_scope:
            self._record(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        op = type(node.operator).__name__
        self._record(node.target, node.value, augmented=op)

    def visit_For(self, node: cst.For) -> None:
        if self.scope.at_module_level:
            for sub in _walk(node.target):
                if isinstance(sub, cst.Name):
                    self.defined.add(sub.value)

    def visit_AsName(self, node: cst.AsName) -> None:
        if self.scope.at_module_level and isinstance(node.name, cst.Name):
            self.defined.add(node.name.value)


class CallCollector(BatchedCollector):
    """Calls whose callee is a dotted name, with arguments as static values."""

    def __init__(self, scope: ScopeTracker, values: ValueBuilder) -> None:
        super().__init__()
        self.scope, self.values = scope, values
        self.calls: list[CallFact] = []

    def visit_Call(self, node: cst.Call) -> None:
        call = self.values.call(node)
        if not call.func:
            return
        receiver = None
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call):
            receiver = self.values.call(func.value)
        self.calls.append(CallFact(call, self.scope.function_qualname(),
                                   bool(self.scope.conditional), receiver))


class CommentCollector(BatchedCollector):
    """Every comment, flagged own-line or trailing."""

    def __init__(self, span_of: SpanOf) -> None:
        super().__init__()
        self.span_of = span_of
        self.comments: list[CommentFact] = []
        self._own_line: set[int] = set()

    def visit_EmptyLine(self, node: cst.EmptyLine) -> None:
        if node.comment is not None:
            self._own_line.add(id(node.comment))

    def visit_Comment(self, node: cst.Comment) -> None:
        span: Span = self.span_of(node)
        self.comments.append(CommentFact(node.value, span.line, span.column,
                                         id(node) in self._own_line))
