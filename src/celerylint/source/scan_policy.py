"""What both scanners record, stated once: the libcst pass and the ``ast`` pass read it.

Free of libcst so that the fast scanner and the rules can use it without loading libcst.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Generic, TypeVar

from celerylint.source.facts import (
    AssignmentFact,
    CallFact,
    CallValue,
    ClassFact,
    CommentFact,
    Const,
    ExceptHandlerFact,
    FunctionFact,
    ImportContext,
    ImportFact,
    ModuleFacts,
    Opaque,
    Span,
    Value,
)

NodeT = TypeVar("NodeT")
CallT = TypeVar("CallT")

# Bounds on the Value tree of one expression: deeper or longer literals are not config.
MAX_DEPTH = 24
MAX_ITEMS = 2000

# ``except``/``suppress`` of these guards an import: the module may legitimately be absent.
IMPORT_GUARD_EXCEPTIONS = frozenset({"ImportError", "ModuleNotFoundError", "Exception",
                                     "BaseException"})
TYPE_CHECKING_NAMES = frozenset({"TYPE_CHECKING", "typing.TYPE_CHECKING", "t.TYPE_CHECKING"})
# An ``if`` whose test reads configuration, the environment, the interpreter or what is
# installed is a feature switch: what it imports may be absent wherever the switch is
# off (``if settings.USE_S3:``, ``if os.environ.get("SENTRY_DSN"):``, ``if DEBUG:``,
# ``if sys.version_info < (3, 11):``, ``if find_spec("ujson"):``).
FEATURE_SWITCH_SEGMENTS = frozenset({
    "settings", "conf", "config", "environ", "getenv", "find_spec", "is_installed",
    "version_info", "platform",
})
# Local variables worth knowing inside functions: results of sending tasks, and apps
# built in factories. Everything else local is left out to keep facts small.
LOCAL_CALL_LEAVES = frozenset({
    "delay", "apply_async", "send_task", "AsyncResult", "apply", "Celery", "group", "chord",
    "chain", "signature", "s", "si", "GroupResult",
})


class ScopeState:
    """Where a walk stands: enclosing functions and classes, and the guards around it.

    Both scanners push and pop the same things at the same places (a scope opens at
    the body, so decorators, defaults and bases belong to the enclosing scope).
    """

    def __init__(self) -> None:
        self.scopes: list[tuple[str, str]] = []  # ("function"|"class", name)
        self.type_checking = 0
        self.guarded = 0  # imports here cannot fail the program (see ``is_feature_switch``)
        self.script = 0  # inside ``if __name__ == "__main__":``
        self.conditional = 0

    # -- queries ------------------------------------------------------------------
    @property
    def in_function(self) -> bool:
        return any(kind == "function" for kind, _ in self.scopes)

    @property
    def class_scope(self) -> str:
        """Qualname of the directly enclosing class body, or "" outside one."""
        if self.scopes and self.scopes[-1][0] == "class" and not self.in_function:
            return ".".join(name for _, name in self.scopes)
        return ""

    @property
    def at_module_level(self) -> bool:
        return not self.scopes

    def qualname(self, name: str | None = None) -> str:
        parts: list[str] = []
        for kind, scope in self.scopes:
            parts.append(scope)
            if kind == "function":
                parts.append("<locals>")
        if name is not None:
            parts.append(name)
        elif parts and parts[-1] == "<locals>":
            parts.pop()
        return ".".join(parts)

    def function_qualname(self) -> str:
        """Qualname of the innermost enclosing function, or ""."""
        depth = max((i for i, (k, _) in enumerate(self.scopes) if k == "function"), default=-1)
        if depth < 0:
            return ""
        parts: list[str] = []
        for kind, scope in self.scopes[: depth + 1]:
            parts.append(scope)
            if kind == "function":
                parts.append("<locals>")
        return ".".join(parts[:-1])

    # -- ``if`` statements: both scanners call these at the same three points ----------
    def enter_if(self, kind: "IfKind") -> None:
        if kind is IfKind.TYPE_CHECKING:
            self.type_checking += 1
            return
        self.conditional += 1
        self.script += kind is IfKind.SCRIPT
        self.guarded += kind is IfKind.FEATURE_SWITCH

    def enter_else(self, kind: "IfKind") -> "IfKind":
        """Switch to the ``else:`` branch; the kind now in force. The ``else:`` of
        ``if TYPE_CHECKING`` or of the ``__main__`` check runs on import, conditionally;
        that of a feature switch still depends on the configuration."""
        if kind is IfKind.TYPE_CHECKING:
            self.type_checking -= 1
            self.conditional += 1
        elif kind is IfKind.SCRIPT:
            self.script -= 1
        return IfKind.FEATURE_SWITCH if kind is IfKind.FEATURE_SWITCH else IfKind.CONDITIONAL

    def leave_if(self, kind: "IfKind") -> None:
        if kind is IfKind.TYPE_CHECKING:
            self.type_checking -= 1
            return
        self.conditional -= 1
        self.script -= kind is IfKind.SCRIPT
        self.guarded -= kind is IfKind.FEATURE_SWITCH

    def import_context(self) -> ImportContext:
        if self.in_function:
            return ImportContext.FUNCTION
        if self.type_checking:
            return ImportContext.TYPE_CHECKING
        if self.script:
            return ImportContext.SCRIPT
        if self.guarded:
            return ImportContext.GUARDED
        return ImportContext.MODULE


class IfKind(enum.Enum):
    """What an ``if`` statement's test says about the imports under it."""

    TYPE_CHECKING = "type_checking"  # never runs; its ``else:`` runs, conditionally
    SCRIPT = "script"  # ``__name__ == "__main__"``: runs only as a script, never on import
    FEATURE_SWITCH = "feature_switch"  # both branches depend on configuration
    CONDITIONAL = "conditional"


def if_kind(test_name: str | None, is_main_check: bool, test_names: Iterable[str]) -> IfKind:
    """The kind of an ``if`` from its test: the test as a dotted name (or None), whether
    it compares ``__name__`` with ``"__main__"``, and every dotted name it reads (each
    Name and Attribute chain, inner ones included)."""
    if test_name in TYPE_CHECKING_NAMES:
        return IfKind.TYPE_CHECKING
    if is_main_check:
        return IfKind.SCRIPT
    return IfKind.FEATURE_SWITCH if is_feature_switch(test_names) else IfKind.CONDITIONAL


def is_feature_switch(test_names: Iterable[str]) -> bool:
    """Whether a test reads configuration: a name in :data:`FEATURE_SWITCH_SEGMENTS`,
    django-environ's ``env(...)``, or an UPPER_CASE constant such as ``DEBUG``."""
    for name in test_names:
        parts = name.split(".")
        if FEATURE_SWITCH_SEGMENTS.intersection(parts) or parts[0] == "env":
            return True
        if parts[-1].isupper() and len(parts[-1]) > 1:
            return True
    return False


def resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> tuple[str, bool]:
    """Absolute module for ``from <level dots><name> import``; flag when it climbs too high."""
    package_parts = module.split(".") if module else []
    if not is_package:
        package_parts = package_parts[:-1]
    climb = level - 1
    beyond = climb > len(package_parts) - 1 if package_parts else True
    base = package_parts[: len(package_parts) - climb] if climb <= len(package_parts) else []
    parts = base + ([name] if name else [])
    return ".".join(p for p in parts if p), beyond


def merged_parts(parts: list[Value]) -> tuple[Value, ...]:
    """Adjacent literal pieces joined, empty ones dropped, as CPython's tree has them."""
    merged: list[Value] = []
    for part in parts:
        if isinstance(part, Const) and part.value == "":
            continue
        previous = merged[-1] if merged else None
        if isinstance(part, Const) and isinstance(previous, Const) \
                and isinstance(previous.value, str) and isinstance(part.value, str):
            merged[-1] = Const(previous.value + part.value, previous.span)
        else:
            merged.append(part)
    return tuple(merged)


class MemoisedValueBuilder(Generic[NodeT, CallT]):
    """What both Value builders share: the depth bound, the memo and the fallback.

    Nested calls are each recorded as calls too: without the memo a call inside a call
    inside a call would be converted once per level. Subclasses say how one node of
    their tree becomes a Value (``_build``) and how a call does (``_call``).
    """

    def __init__(self, span_of: Callable[[NodeT], Span]) -> None:
        self.span_of = span_of
        self._memo: dict[tuple[int, str], Value] = {}

    def build(self, node: NodeT, depth: int = 0) -> Value:
        key = (id(node), "value")
        found = self._memo.get(key)
        if found is not None:
            return found
        span = self.span_of(node)
        if depth > MAX_DEPTH:
            return Opaque("too-deep", span)
        try:
            value = self._build(node, depth, span)
        except (ValueError, SyntaxError, RecursionError, TypeError):
            value = Opaque("unevaluable", span)
        self._memo[key] = value
        return value

    def call(self, node: CallT, depth: int = 0) -> CallValue:
        key = (id(node), "call")
        found = self._memo.get(key)
        if isinstance(found, CallValue):
            return found
        built = self._call(node, depth)
        self._memo[key] = built
        return built

    def _build(self, node: NodeT, depth: int, span: Span) -> Value:
        raise NotImplementedError

    def _call(self, node: CallT, depth: int) -> CallValue:
        raise NotImplementedError


@dataclasses.dataclass
class Gathered:
    """What one walk of a module gathered, before it becomes ``ModuleFacts``."""

    imports: Sequence[ImportFact]
    has_star_import: bool
    defined: Iterable[str]
    all_names: tuple[str, ...] | None
    has_getattr: bool
    functions: Sequence[FunctionFact]
    returns: Mapping[str, Sequence[str]]
    handlers: Mapping[str, Sequence[ExceptHandlerFact]]
    classes: Sequence[ClassFact]
    assignments: Sequence[AssignmentFact]
    calls: Sequence[CallFact]
    comments: Sequence[CommentFact]


def completed_facts(base: ModuleFacts, gathered: Gathered) -> ModuleFacts:
    """``base`` with what the walk gathered; module-level imports define names too."""
    defined = set(gathered.defined)
    defined.update(fact.bound for fact in gathered.imports
                   if fact.bound != "*" and fact.context is not ImportContext.FUNCTION)
    return dataclasses.replace(
        base,
        imports=tuple(gathered.imports),
        defined_names=frozenset(defined),
        all_names=gathered.all_names,
        has_star_import=gathered.has_star_import,
        has_module_getattr=gathered.has_getattr,
        functions=tuple(
            dataclasses.replace(f, returns_names=tuple(gathered.returns.get(f.qualname, ())),
                                broad_handlers=tuple(gathered.handlers.get(f.qualname, ())))
            for f in gathered.functions),
        classes=tuple(gathered.classes),
        assignments=tuple(gathered.assignments),
        calls=tuple(gathered.calls),
        comments=tuple(gathered.comments),
    )
