"""The scanner of every run: CPython's tree gives the facts libcst's pass gives.

libcst's parse, position metadata and batched visit cost about twenty times CPython's
parse, so the facts (imports, definitions, calls, comments) of every file come from the
tree CPython's parser already built for its verdict, and comments from one scan of the
text (``ast_positions.scan_comments``). ``tests/source/test_scanner_equivalence.py``
holds this scanner to libcst's pass, which stays the reference.
"""

from __future__ import annotations

import ast

from celerylint.source.ast_context import (
    catches_import_error,
    if_kind_of,
    is_attribute_on_app,
    is_celery_local,
    parameters,
    suppresses_import_error,
)
from celerylint.source.ast_positions import Positions, scan_comments
from celerylint.source.ast_values import AstValueBuilder, dotted_name
from celerylint.source.facts import (
    AssignmentFact,
    CallFact,
    ClassFact,
    Const,
    ExceptHandlerFact,
    FunctionFact,
    ImportFact,
    ModuleFacts,
    SequenceValue,
    Span,
    Value,
)
from celerylint.source.scan_policy import Gathered, ScopeState, completed_facts, resolve_relative

_AUGMENTED_NAMES = {
    ast.Add: "AddAssign", ast.Sub: "SubtractAssign", ast.Mult: "MultiplyAssign",
    ast.Div: "DivideAssign", ast.FloorDiv: "FloorDivideAssign", ast.Mod: "ModuloAssign",
    ast.Pow: "PowerAssign", ast.BitOr: "BitOrAssign", ast.BitAnd: "BitAndAssign",
    ast.BitXor: "BitXorAssign", ast.LShift: "LeftShiftAssign", ast.RShift: "RightShiftAssign",
    ast.MatMult: "MatrixMultiplyAssign",
}


# Fields that hold a childless singleton (``Load()``, ``Add()``) or never a node at all.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
_SCALAR_FIELDS = frozenset({"id", "attr", "kind", "type_comment", "arg", "module", "level",
                            "is_async", "conversion", "lineno"})
_CHILD_FIELDS: dict[type, tuple[tuple[str, ...], bool]] = {}
# Nodes no handler gathers from, and how many levels they occupy (a name and its ``ctx``).
_LEAF_LEVELS: dict[type, int] = {ast.Name: 2, ast.Constant: 1}


def _child_fields(node_type: type) -> tuple[tuple[str, ...], bool]:
    """The fields of a node type that may hold child nodes, in ``_fields`` order, and
    whether it has childless singleton children (each one level deeper)."""
    found = _CHILD_FIELDS.get(node_type)
    if found is None:
        names: tuple[str, ...] = getattr(node_type, "_fields", ())
        scalar = _SCALAR_FIELDS | ({"value"} if node_type is ast.Constant else set())
        found = (tuple(n for n in names if n not in _LEAF_FIELDS and n not in scalar),
                 any(n in _LEAF_FIELDS for n in names))
        _CHILD_FIELDS[node_type] = found
    return found


def _call_order(fact: CallFact) -> tuple[int, int, int, int]:
    """Pre-order, as a libcst visit meets them: by start, the enclosing call first."""
    span = fact.call.span
    return (span.line, span.column, -span.end_line, -span.end_column)


class NestingTooDeep(Exception):
    """The tree nests deeper than celerylint analyses; where it first goes too deep."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.line, self.column = line, column


class _Scanner(ScopeState):
    """One recursive walk gathering what the libcst collectors gather, with the same
    notion of where it stands (``context.ScopeTracker``'s rules, restated for ``ast``)."""

    def __init__(self, module: str, is_package: bool, positions: Positions,
                 max_depth: int) -> None:
        self.module, self.is_package, self.positions = module, is_package, positions
        self.values = AstValueBuilder(positions.span, positions.keyword_span,
                                     positions.parenthesized)
        ScopeState.__init__(self)
        self.depth, self.max_depth = -1, max_depth  # the module itself is level 0
        self.imports: list[ImportFact] = []
        self.has_star_import = False
        self.functions: list[FunctionFact] = []
        self.classes: list[ClassFact] = []
        self.assignments: list[AssignmentFact] = []
        self.calls: list[CallFact] = []
        self.defined: set[str] = set()
        self.all_names: tuple[str, ...] | None = None
        self.has_getattr = False
        self.returns: dict[str, list[str]] = {}
        self.handlers: dict[str, list[ExceptHandlerFact]] = {}

    # -- the walk --------------------------------------------------------------------
    def visit(self, node: ast.AST) -> None:
        outer = self.depth
        # Depth as libcst would nest it: a BoolOp of n values is n - 1 levels there.
        depth = outer + 1 + (len(node.values) - 1 if isinstance(node, ast.BoolOp) else 0)
        if depth > self.max_depth:
            raise NestingTooDeep(getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1)
        self.depth = depth
        handler = _HANDLERS.get(type(node))
        if handler is None:
            self.visit_children(node)
        else:
            handler(self, node)
        self.depth = outer

    def visit_children(self, node: ast.AST) -> None:
        """``ast.iter_child_nodes`` without its cost: fields that never hold a node are
        not read, and the childless ``ctx``/``op`` singletons are only counted as a level."""
        fields, has_leaves = _CHILD_FIELDS.get(type(node)) or _child_fields(type(node))
        room = self.max_depth - self.depth  # levels left below this node
        if has_leaves and room < 1:
            raise NestingTooDeep(1, 1)
        for name in fields:
            value = getattr(node, name, None)
            for item in value if isinstance(value, list) else (value,):
                levels = _LEAF_LEVELS.get(type(item))
                if levels is None:
                    if isinstance(item, ast.AST):
                        self.visit(item)
                elif levels > room:  # a name or a constant: nothing to gather, only its depth
                    raise NestingTooDeep(item.lineno, item.col_offset + 1)

    def visit_all(self, nodes: list[ast.AST] | list[ast.stmt] | list[ast.expr]) -> None:
        for node in nodes:
            self.visit(node)

    def visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        module_level = not self.scopes
        if module_level:
            self.defined.add(node.name)
            self.has_getattr |= node.name == "__getattr__"
        self.functions.append(FunctionFact(
            name=node.name,
            qualname=self.qualname(node.name),
            span=self.positions.name_span(node),
            is_async=isinstance(node, ast.AsyncFunctionDef),
            decorators=tuple(self.values.build(d) for d in node.decorator_list),
            parameters=parameters(node.args),
            is_module_level=module_level,
        ))
        # Decorators, defaults and annotations belong to the enclosing scope.
        self.visit_all(node.decorator_list)
        self.visit(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        self.scopes.append(("function", node.name))
        self.visit_all(node.body)
        self.scopes.pop()

    def visit_class(self, node: ast.ClassDef) -> None:
        module_level = not self.scopes
        if module_level:
            self.defined.add(node.name)
        self.classes.append(ClassFact(
            name=node.name,
            qualname=self.qualname(node.name),
            span=self.positions.name_span(node),
            bases=tuple(dotted_name(b.value if isinstance(b, ast.Starred) else b) or "?"
                        for b in node.bases),
            decorators=tuple(self.values.build(d) for d in node.decorator_list),
            is_module_level=module_level,
        ))
        self.visit_all(node.decorator_list)
        self.visit_all(node.bases)
        self.visit_all(node.keywords)
        self.scopes.append(("class", node.name))
        self.visit_all(node.body)
        self.scopes.pop()

    def visit_if(self, node: ast.If) -> None:
        kind = if_kind_of(node.test)
        self.enter_if(kind)
        self.visit(node.test)
        self.visit_all(node.body)
        if node.orelse:
            kind = self.enter_else(kind)
        self.visit_all(node.orelse)
        self.leave_if(kind)

    def visit_try(self, node: ast.Try) -> None:
        guard = catches_import_error(node)
        self.guarded += guard
        self.conditional += 1
        self.visit_children(node)
        self.guarded -= guard
        self.conditional -= 1

    def visit_with(self, node: ast.With | ast.AsyncWith) -> None:
        guard = any(suppresses_import_error(item.context_expr) for item in node.items)
        self.guarded += guard
        self.visit_children(node)
        self.guarded -= guard

    def visit_withitem(self, node: ast.withitem) -> None:
        if not self.scopes and isinstance(node.optional_vars, ast.Name):
            self.defined.add(node.optional_vars.id)
        self.visit_children(node)

    # -- imports ---------------------------------------------------------------------
    def _add_import(self, node: ast.AST, module: str, name: str | None, bound: str,
                    level: int = 0, beyond: bool = False, written: str | None = None,
                    module_span: Span | None = None) -> None:
        self.imports.append(ImportFact(
            module=module, name=name, bound=bound, span=self.positions.span(node),
            context=self.import_context(), level=level, conditional=bool(self.conditional),
            beyond_top_level=beyond, relative_name=written if level else None,
            module_span=module_span, function=self.function_qualname(),
            guarded=bool(self.guarded),
        ))

    def visit_import(self, node: ast.Import) -> None:
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            self._add_import(alias, alias.name, None, bound)
            if alias.asname and not self.scopes:
                self.defined.add(alias.asname)

    def visit_import_from(self, node: ast.ImportFrom) -> None:
        level, written = node.level, node.module
        if level:
            module, beyond = resolve_relative(self.module, self.is_package, level, written)
        else:
            module, beyond = written or "", False
        named_span = self.positions.module_span(node) if written else None
        if len(node.names) == 1 and node.names[0].name == "*":
            if not self.in_function:
                self.has_star_import = True
            self._add_import(node, module, "*", "*", level, beyond, written, named_span)
            return
        module_span = named_span or self.positions.span(node)
        for alias in node.names:
            self._add_import(alias, module, alias.name, alias.asname or alias.name, level,
                             beyond, written, module_span)
            if alias.asname and not self.scopes:
                self.defined.add(alias.asname)

    # -- assignments ------------------------------------------------------------------
    def visit_assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._record(target, node.value)
        self.visit_children(node)

    def visit_ann_assign(self, node: ast.AnnAssign) -> None:
        if node.value is not None or self.class_scope:
            self._record(node.target, node.value)
        self.visit_children(node)

    def visit_aug_assign(self, node: ast.AugAssign) -> None:
        self._record(node.target, node.value, _AUGMENTED_NAMES.get(type(node.op), ""))
        self.visit_children(node)

    def visit_for(self, node: ast.For | ast.AsyncFor) -> None:
        if not self.scopes:
            self.defined.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
        self.visit_children(node)

    def _record(self, target: ast.expr, value: ast.expr | None, augmented: str = "") -> None:
        if self.in_function and not is_attribute_on_app(target) \
                and not is_celery_local(target, value):
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._record(element.value if isinstance(element, ast.Starred) else element, None)
            return
        key: Value | None = None
        name = dotted_name(target)
        if name is None and isinstance(target, ast.Subscript) and (
                isinstance(target.slice, ast.Slice) or self.values.single_index(target)):
            name = dotted_name(target.value)
            if not isinstance(target.slice, ast.Slice):
                key = self.values.build(target.slice)
        if name is None:
            return
        if not self.scopes and "." not in name and key is None:
            self.defined.add(name)
            if name == "__all__" and value is not None:
                self._record_all(self.values.build(value), augmented)
        built = self.values.build(value) if value is not None else self.values.build(target)
        self.assignments.append(AssignmentFact(
            target=name, value=built, span=self.positions.span(target), scope=self.class_scope,
            key=key, augmented=augmented, conditional=bool(self.conditional),
            function=self.function_qualname(),
        ))

    def _record_all(self, value: Value, augmented: str) -> None:
        if isinstance(value, SequenceValue) and not value.has_unpacking and all(
                isinstance(i, Const) for i in value.items):
            names = tuple(str(i.value) for i in value.items if isinstance(i, Const))
            self.all_names = (self.all_names or ()) + names if augmented else names

    # -- calls and function bodies -------------------------------------------------------
    def visit_call(self, node: ast.Call) -> None:
        call = self.values.call(node)
        if call.func:
            func = node.func
            receiver = None
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
                receiver = self.values.call(func.value)
            self.calls.append(CallFact(call, self.function_qualname(), bool(self.conditional),
                                       receiver))
        self.visit_children(node)

    def visit_return(self, node: ast.Return) -> None:
        function = self.function_qualname()
        if node.value is not None and function:
            name = dotted_name(node.value)
            if isinstance(node.value, ast.Constant) and any(
                    node.value.value is singleton for singleton in (None, True, False)):
                name = str(node.value.value)  # names to libcst, constants to CPython
            if name is None and isinstance(node.value, ast.Call):
                name = (dotted_name(node.value.func) or "") + "()"
            if name:
                self.returns.setdefault(function, []).append(name)
        self.visit_children(node)

    def visit_except_handler(self, node: ast.ExceptHandler) -> None:
        if node.name and not self.scopes:
            self.defined.add(node.name)
        function = self.function_qualname()
        caught = "" if node.type is None else (dotted_name(node.type) or "?")
        if function and caught in ("", "Exception", "BaseException"):
            reraises = False
            calls: list[str] = []
            for statement in node.body:
                for sub in ast.walk(statement):
                    if isinstance(sub, ast.Raise):
                        reraises = True
                    elif isinstance(sub, ast.Call):
                        calls.append(dotted_name(sub.func) or "")
            self.handlers.setdefault(function, []).append(ExceptHandlerFact(
                self.positions.span(node), caught, reraises, tuple(sorted(calls))))
        self.visit_children(node)


_HANDLERS = {
    ast.FunctionDef: _Scanner.visit_function,
    ast.AsyncFunctionDef: _Scanner.visit_function,
    ast.ClassDef: _Scanner.visit_class,
    ast.If: _Scanner.visit_if,
    ast.Try: _Scanner.visit_try,
    ast.With: _Scanner.visit_with,
    ast.AsyncWith: _Scanner.visit_with,
    ast.withitem: _Scanner.visit_withitem,
    ast.Import: _Scanner.visit_import,
    ast.ImportFrom: _Scanner.visit_import_from,
    ast.Assign: _Scanner.visit_assign,
    ast.AnnAssign: _Scanner.visit_ann_assign,
    ast.AugAssign: _Scanner.visit_aug_assign,
    ast.For: _Scanner.visit_for,
    ast.AsyncFor: _Scanner.visit_for,
    ast.Call: _Scanner.visit_call,
    ast.Return: _Scanner.visit_return,
    ast.ExceptHandler: _Scanner.visit_except_handler,
}


if hasattr(ast, "TryStar"):  # Python 3.11+: ``except*`` guards like ``except``
    _HANDLERS[ast.TryStar] = _Scanner.visit_try


def scan_with_ast(base: ModuleFacts, tree: ast.Module, text: str, max_depth: int) -> ModuleFacts:
    """``base`` completed from CPython's tree. Raises ``NestingTooDeep`` past
    ``max_depth`` levels, and (from Python 3.12, where comments of files with f-strings
    come from tokenize) ``tokenize.TokenError`` or ``SyntaxError`` when tokenize
    disagrees with the parser (the caller falls back to libcst)."""
    scanner = _Scanner(base.module, base.is_package, Positions(text), max_depth)
    scanner.visit(tree)
    return completed_facts(base, Gathered(
        scanner.imports, scanner.has_star_import, scanner.defined, scanner.all_names,
        scanner.has_getattr, scanner.functions, scanner.returns, scanner.handlers,
        scanner.classes, scanner.assignments, sorted(scanner.calls, key=_call_order),
        scan_comments(text)))
