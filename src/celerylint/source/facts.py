"""Plain, frozen, picklable facts about one source file.

Nothing here refers to a CST node: facts cross process boundaries and are
cached on disk, and every cross-file stage reads only these.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Span:
    """1-based lines, 1-based columns, end inclusive-of-line."""

    line: int
    column: int
    end_line: int
    end_column: int


NO_SPAN = Span(0, 0, 0, 0)


# --- Static values -----------------------------------------------------------
# Expressions are recorded as a small tree that the project model evaluates
# later, when it can follow names across modules. Anything the scanner cannot
# describe becomes Opaque, and evaluation of Opaque is always "unknown".


@dataclass(frozen=True)
class Const:
    value: str | int | float | bool | None | bytes
    span: Span = NO_SPAN


@dataclass(frozen=True)
class NameRef:
    """A dotted name as written: ``FOO``, ``settings.FOO``, ``celery.schedules.crontab``."""

    dotted: str
    span: Span = NO_SPAN


@dataclass(frozen=True)
class DictItem:
    key: "Value"
    value: "Value"
    span: Span = NO_SPAN  # span of the key


@dataclass(frozen=True)
class DictValue:
    items: tuple[DictItem, ...]
    has_unpacking: bool = False
    span: Span = NO_SPAN


@dataclass(frozen=True)
class SequenceValue:
    kind: str  # "list" | "tuple" | "set"
    items: tuple["Value", ...]
    has_unpacking: bool = False
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Keyword:
    name: str
    value: "Value"
    span: Span = NO_SPAN  # where the keyword's name stands


@dataclass(frozen=True)
class CallValue:
    """A call: ``func`` is the dotted callee as written, or "" when not a name."""

    func: str
    args: tuple["Value", ...] = ()
    kwargs: tuple[Keyword, ...] = ()
    has_star_args: bool = False
    has_star_kwargs: bool = False
    span: Span = NO_SPAN
    starred: tuple["Value", ...] = ()  # what ``*x`` arguments unpack, in order

    def keyword(self, name: str) -> "Value | None":
        for kw in self.kwargs:
            if kw.name == name:
                return kw.value
        return None


@dataclass(frozen=True)
class BinOpValue:
    op: str  # "+", "%", "*", "-", "/", "//"
    left: "Value"
    right: "Value"
    span: Span = NO_SPAN


@dataclass(frozen=True)
class FormattedString:
    """An f-string: parts are Const strings or expressions."""

    parts: tuple["Value", ...]
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Lambda:
    """Only the body expression matters (``lambda: settings.INSTALLED_APPS``)."""

    body: "Value"
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Subscript:
    target: "Value"
    index: "Value"
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Opaque:
    """An expression the scanner does not describe; always unknown."""

    kind: str
    span: Span = NO_SPAN


Value = Union[
    Const, NameRef, DictValue, SequenceValue, CallValue, BinOpValue,
    FormattedString, Lambda, Subscript, Opaque,
]


# --- Imports -------------------------------------------------------------------


class ImportContext(str, enum.Enum):
    """Where an import statement stands; it decides whether it runs at load time."""

    MODULE = "module"
    FUNCTION = "function"
    TYPE_CHECKING = "type_checking"
    GUARDED = "guarded"  # at load time, but its failure is handled or switched off
    SCRIPT = "script"  # under ``if __name__ == "__main__":``: never runs on import


@dataclass(frozen=True)
class ImportFact:
    """One imported binding. ``module`` is absolute (relative imports resolved).

    ``import a.b`` gives module="a.b", name=None, bound="a".
    ``from a import b as c`` gives module="a", name="b", bound="c".
    ``from . import x`` in package p gives module="p", name="x".
    """

    module: str
    name: str | None
    bound: str
    span: Span
    context: ImportContext
    level: int = 0
    conditional: bool = False  # under an ``if`` (other than TYPE_CHECKING)
    beyond_top_level: bool = False  # relative import above the top package
    relative_name: str | None = None  # for relative imports: what follows the dots
    module_span: Span | None = None  # where the module name stands (``from X import``)
    function: str = ""  # enclosing function qualname for function-level imports
    # It cannot fail the program, wherever it stands: under ``try`` with an
    # ImportError/ModuleNotFoundError/Exception handler, ``suppress(ImportError)``, or
    # an ``if`` that is a feature switch (``if settings.USE_S3:``).
    guarded: bool = False


# --- Definitions ----------------------------------------------------------------


class ParamKind(str, enum.Enum):
    POSITIONAL_ONLY = "positional_only"
    POSITIONAL_OR_KEYWORD = "positional_or_keyword"
    VAR_POSITIONAL = "var_positional"
    KEYWORD_ONLY = "keyword_only"
    VAR_KEYWORD = "var_keyword"


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: ParamKind
    has_default: bool


@dataclass(frozen=True)
class FunctionFact:
    name: str
    qualname: str  # "func", "Class.method", "outer.<locals>.inner"
    span: Span
    is_async: bool
    decorators: tuple[Value, ...]
    parameters: tuple[Parameter, ...]
    returns_names: tuple[str, ...] = ()  # dotted names of ``return X`` expressions
    is_module_level: bool = True
    # Handled exceptions and what the handler does, for reliability rules.
    broad_handlers: tuple["ExceptHandlerFact", ...] = ()


@dataclass(frozen=True)
class ExceptHandlerFact:
    span: Span
    catches: str  # "" for bare except, else the dotted name(s) joined by ","
    reraises: bool
    calls: tuple[str, ...]  # dotted callees in the handler body


@dataclass(frozen=True)
class ClassFact:
    name: str
    qualname: str
    span: Span
    bases: tuple[str, ...]
    decorators: tuple[Value, ...] = ()
    is_module_level: bool = True


@dataclass(frozen=True)
class AssignmentFact:
    """``target = value`` at module level or in a class body (``scope`` is the class qualname).

    Subscript assignment ``X["k"] = v`` has target "X" and ``key`` set; augmented
    ``X += v`` has ``augmented`` set. ``conditional`` means it stands under an
    ``if``/``try`` and may not always run.
    """

    target: str
    value: Value
    span: Span
    scope: str = ""
    key: Value | None = None
    augmented: str = ""
    conditional: bool = False
    function: str = ""  # enclosing function qualname, "" at module/class level


@dataclass(frozen=True)
class CallFact:
    """A call whose callee is a dotted name (or attribute on a call result).

    ``func`` is written form (``app.conf.update``, ``self.retry``,
    ``add.s(1).delay``); ``function`` is the enclosing function qualname.
    """

    call: CallValue
    function: str
    conditional: bool = False
    receiver_call: CallValue | None = None  # for ``x(...).get()``: the inner call

    # Cached: every rule and model stage scans every call by its callee.
    @functools.cached_property
    def func(self) -> str:
        return self.call.func

    @functools.cached_property
    def span(self) -> Span:
        return self.call.span


@dataclass(frozen=True)
class CommentFact:
    text: str  # including the leading '#'
    line: int
    column: int
    own_line: bool


@dataclass(frozen=True)
class ParseFailure:
    message: str
    line: int
    column: int


@dataclass(frozen=True)
class ModuleFacts:
    """Everything celerylint knows about one Python file after one traversal."""

    path: str  # project-relative, '/' separators
    module: str  # dotted module name ("" when the file maps to none)
    is_package: bool
    imports: tuple[ImportFact, ...] = ()
    defined_names: frozenset[str] = frozenset()
    all_names: tuple[str, ...] | None = None
    has_star_import: bool = False
    has_module_getattr: bool = False
    functions: tuple[FunctionFact, ...] = ()
    classes: tuple[ClassFact, ...] = ()
    assignments: tuple[AssignmentFact, ...] = ()
    calls: tuple[CallFact, ...] = ()
    comments: tuple[CommentFact, ...] = ()
    skip_file: bool = False  # ``# celerylint: noqa`` near the top
    parse_failure: ParseFailure | None = None
