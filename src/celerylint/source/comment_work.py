"""What Celery work a chunk of commented-out code would do if it were restored.

Read from the statements a comment chunk parsed to, while the parser still has
them: the task dispatches it holds (``t.delay(…)``, ``t.apply_async(…)``,
``app.send_task("name")``, signatures inside a ``chain``/``group``/``chord`` or a
``|`` pipe, a canvas that is applied), the ``await``s of calls, and the names its
imports bind. Whether a dispatch names a task of the project is the rule's
question (``rules/hygiene/disabled_task_call.py``); this module only reads syntax.
Pure functions of their arguments.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

DISPATCH_METHODS = frozenset(("delay", "apply_async"))
SIGNATURE_METHODS = frozenset(("s", "si", "signature"))
CANVAS_FUNCTIONS = frozenset(("chain", "group", "chord", "chunks"))
SEND_TASK = "send_task"
_TEXT_LIMIT = 60


@dataclass(frozen=True)
class CommentedImport:
    """``from a.b import c as d`` binds ``d`` to ``a.b.c``; ``import a.b`` binds ``a``."""

    module: str  # as written, relative dots included
    bindings: tuple[tuple[str, str], ...]  # (bound name, what it names, as written: "..b.c")


@dataclass(frozen=True)
class CommentedDispatch:
    """A call that would send a task: ``receiver.method(…)`` or ``send_task("name")``."""

    method: str  # delay, apply_async, s, si, signature, send_task
    receiver: str  # dotted task expression ("notify_admins", "tasks.notify"); "" for send_task
    task_name: str  # send_task's literal name; "" otherwise
    text: str  # the call as written, shortened


@dataclass(frozen=True)
class CommentedAwait:
    callee: str  # dotted callee, or "" when it is not a plain name
    text: str


@dataclass(frozen=True)
class CommentedWork:
    imports: tuple[CommentedImport, ...] = ()
    dispatches: tuple[CommentedDispatch, ...] = ()
    awaits: tuple[CommentedAwait, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.imports or self.dispatches or self.awaits)

    def merged(self, other: "CommentedWork") -> "CommentedWork":
        return CommentedWork(
            tuple(dict.fromkeys(self.imports + other.imports)),
            tuple(dict.fromkeys(self.dispatches + other.dispatches)),
            tuple(dict.fromkeys(self.awaits + other.awaits)),
        )

    def bound_names(self) -> dict[str, str]:
        """Each name the block's imports bind, and what it names as written (``..b.c``)."""
        return {name: target for imported in self.imports for name, target in imported.bindings}


def celery_work(statements: Iterable[ast.stmt], source: list[str]) -> CommentedWork:
    """The imports, dispatches and awaits of ``statements`` (parsed from ``source``)."""
    nodes = [node for stmt in statements for node in ast.walk(stmt)]
    text = "\n".join(source)
    imports = tuple(_imports(nodes))
    dispatches = tuple(dict.fromkeys(_dispatches(nodes, text))) if _may_dispatch(text) else ()
    awaits = tuple(
        CommentedAwait(_dotted(node.value.func), _segment(text, node))
        for node in nodes
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call)
    )
    return CommentedWork(imports, dispatches, awaits)


def _may_dispatch(text: str) -> bool:
    return any(f"{word}(" in text for word in (*DISPATCH_METHODS, *SIGNATURE_METHODS, SEND_TASK)) \
        or "|" in text


def _imports(nodes: list[ast.AST]) -> Iterator[CommentedImport]:
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                target = alias.name if alias.asname else bound
                yield CommentedImport(alias.name, ((bound, target),))
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            prefix = module if module.endswith(".") else module + "."
            bindings = tuple((alias.asname or alias.name, prefix + alias.name)
                             for alias in node.names if alias.name != "*")
            yield CommentedImport(module, bindings)


def _dispatches(nodes: list[ast.AST], text: str) -> Iterator[CommentedDispatch]:
    canvas_parts = {id(part) for node in nodes for part in _canvas_members(node)}
    for node in nodes:
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        receiver = node.func.value
        if method == SEND_TASK:
            name = _literal_name(node)
            if name:
                yield CommentedDispatch(SEND_TASK, "", name, _segment(text, node))
        elif _dotted(receiver) and (method in DISPATCH_METHODS or (
                method in SIGNATURE_METHODS and id(node) in canvas_parts)):
            yield CommentedDispatch(method, _dotted(receiver), "", _segment(text, node))


def _canvas_members(node: ast.AST) -> Iterator[ast.AST]:
    """Signatures a canvas holds: arguments of chain/group/chord, operands of ``|``, and
    a signature that is applied (``t.s(1).apply_async()``)."""
    if isinstance(node, ast.Call) and _dotted(node.func).rpartition(".")[2] in CANVAS_FUNCTIONS:
        for argument in (*node.args, *(keyword.value for keyword in node.keywords)):
            yield from _signatures_in(argument)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        yield from _signatures_in(node.left)
        yield from _signatures_in(node.right)
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
          and node.func.attr in DISPATCH_METHODS):
        yield from _signatures_in(node.func.value)


def _signatures_in(node: ast.AST) -> Iterator[ast.AST]:
    for child in ast.walk(node):
        if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                and child.func.attr in SIGNATURE_METHODS):
            yield child


def _literal_name(call: ast.Call) -> str:
    first = call.args[0] if call.args else next(
        (keyword.value for keyword in call.keywords if keyword.arg == "name"), None)
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return ""


def _dotted(node: ast.AST) -> str:
    """``a.b.c`` for a plain name or attribute chain, else ""."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


def _segment(text: str, node: ast.AST) -> str:
    segment = ast.get_source_segment(text, node) or ""
    flat = " ".join(segment.split())
    return flat if len(flat) <= _TEXT_LIMIT else flat[: _TEXT_LIMIT - 1] + "…"
