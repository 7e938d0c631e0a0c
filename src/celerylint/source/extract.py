"""One parse and one batched traversal per file, producing ``ModuleFacts``.

This is the only place that touches libcst for analysis. Everything it returns
is plain data, so it can run in a worker process and be cached.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from celerylint.source.collectors import (
    CallCollector,
    CommentCollector,
    DefinitionCollector,
    FunctionBodyCollector,
    ImportCollector,
)
from celerylint.source.context import ScopeTracker
from celerylint.source.facts import CommentFact, ImportContext, ModuleFacts, ParseFailure, Span
from celerylint.source.values import ValueBuilder

MAX_FILE_BYTES = 5_000_000
_SKIP_FILE = re.compile(rb"^\s*#\s*celerylint\s*:\s*noqa\s*$", re.MULTILINE | re.IGNORECASE)
_SKIP_FILE_COMMENT = re.compile(r"#\s*celerylint\s*:\s*noqa\s*", re.IGNORECASE)
SKIP_FILE_HEAD_LINES = 10
_TEMPLATE_MARKERS = (b"{%", b"{{")
# CPython's tokenizer refuses more than 200 open brackets; libcst's native parser does not,
# and overflows its stack on inputs CPython refuses, so CPython's verdict on those is final.
_NESTING_MESSAGES = ("too many nested parentheses",)
# libcst turns some flat CPython nodes into deep trees (a 20,000-term ``a and a and ...``
# is one BoolOp for CPython and 20,000 nested nodes for libcst, which segfaults its native
# parser), and its parse time and memory grow faster than linearly with depth. Code past
# this depth is never hand-written, so it is refused before libcst sees it.
MAX_NESTING_DEPTH = 1_000
# Enough Python frames for libcst's visitors to walk MAX_NESTING_DEPTH levels of the worst
# constructs; every caller gets the same limit, so the facts do not depend on the process.
ANALYSIS_RECURSION_LIMIT = 6_000


def decode_source(data: bytes) -> str:
    """Decode like Python does (PEP 263 cookie, BOM); raise ValueError on failure."""
    if b"\x00" in data:
        raise ValueError("file contains NUL bytes (binary file?)")
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except (SyntaxError, LookupError) as exc:
        raise ValueError(f"cannot decode source ({getattr(exc, 'msg', None) or exc}); save it "
                         "as UTF-8 or declare its encoding with '# -*- coding: ... -*-'") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValueError(f"cannot decode source: byte 0x{data[exc.start]:02x} on line {line} is "
                         f"not valid {encoding}; add a '# -*- coding: ... -*-' declaration or "
                         "re-save the file as UTF-8") from None


def _skip_requested(data: bytes) -> bool:
    """Raw-text check, for files that do not parse; parsed files use their real comments."""
    head = b"\n".join(data.splitlines()[:SKIP_FILE_HEAD_LINES])
    return bool(_SKIP_FILE.search(head))


def _skip_requested_by(comments: Sequence[CommentFact]) -> bool:
    """An own-line ``# celerylint: noqa`` near the top; text inside a string never counts."""
    return any(c.own_line and c.line <= SKIP_FILE_HEAD_LINES
               and _SKIP_FILE_COMMENT.fullmatch(c.text) for c in comments)


def _template_hint(data: bytes) -> str:
    return " (the file looks like a template, e.g. Jinja)" if any(
        marker in data for marker in _TEMPLATE_MARKERS) else ""


def _cpython_verdict(text: str, data: bytes) -> tuple[ParseFailure | None, ParseFailure | None]:
    """CPython's parser runs first: it is fast, it is what a worker runs, and it refuses
    nesting that would crash libcst's native parser.

    Returns (final failure, failure to use if libcst fails too). Other syntax errors are
    not final: the project may target a newer Python than the one running celerylint.
    """
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except SyntaxError as exc:
        failure = ParseFailure(exc.msg + _template_hint(data), exc.lineno or 1, exc.offset or 1)
        return (failure, None) if exc.msg in _NESTING_MESSAGES else (None, failure)
    except (RecursionError, MemoryError):
        return ParseFailure("expressions nested too deeply for Python's parser", 1, 1), None
    except ValueError:
        return None, None
    too_deep = _deeper_than(tree, MAX_NESTING_DEPTH)
    if too_deep is not None:
        return ParseFailure(f"expressions nested more than {MAX_NESTING_DEPTH} levels deep, too "
                            "deeply for celerylint to analyse (Python itself may accept them)",
                            too_deep[0], too_deep[1]), None
    return None, None


def _deeper_than(tree: ast.AST, limit: int) -> tuple[int, int] | None:
    """Where the tree, as libcst would nest it, first goes past ``limit`` levels.

    Iterative, so any depth CPython accepts is measured without recursion. A BoolOp of
    n values counts as n - 1 levels: libcst nests it that way.
    """
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1
        if depth > limit:
            return getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


@contextmanager
def _recursion_limit(limit: int) -> Iterator[None]:
    """At least ``limit`` Python frames for the block; a caller's higher limit is kept."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _libcst_failure(exc: cst.ParserSyntaxError, data: bytes) -> ParseFailure:
    """libcst refused a file CPython accepts (or could not judge): say so honestly."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
    return ParseFailure(f"libcst cannot parse this file: {message}{_template_hint(data)}",
                        exc.raw_line, exc.raw_column + 1)


def extract_module_facts(path: str, module: str, is_package: bool, data: bytes) -> ModuleFacts:
    """Never raises for bad input: a file that cannot be read as Python gets ``parse_failure``."""
    base = ModuleFacts(path=path, module=module, is_package=is_package,
                       skip_file=_skip_requested(data))
    if len(data) > MAX_FILE_BYTES:
        return _replace(base, parse_failure=ParseFailure(
            f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB; not analysed", 1, 1))
    try:
        text = decode_source(data)
    except ValueError as exc:
        return _replace(base, parse_failure=ParseFailure(str(exc), 1, 1))
    final, if_libcst_fails = _cpython_verdict(text, data)
    if final is not None:
        return _replace(base, parse_failure=final)
    with _recursion_limit(ANALYSIS_RECURSION_LIMIT):
        return _parse_and_traverse(base, text, data, if_libcst_fails)


def _parse_and_traverse(base: ModuleFacts, text: str, data: bytes,
                        if_libcst_fails: ParseFailure | None) -> ModuleFacts:
    try:
        tree = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return _replace(base, parse_failure=if_libcst_fails or _libcst_failure(exc, data))
    except (RecursionError, MemoryError):
        return _replace(base, parse_failure=if_libcst_fails or ParseFailure(
            "expressions nested too deeply for libcst's parser", 1, 1))
    try:
        return _traverse(base, tree)
    except RecursionError:
        return _replace(base, parse_failure=ParseFailure(
            "expressions nested too deeply for celerylint to analyse (Python itself may "
            "accept them)", 1, 1))


def _traverse(base: ModuleFacts, tree: cst.Module) -> ModuleFacts:
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)

    def span_of(node: cst.CSTNode) -> Span:
        found = positions.get(node)
        if found is None:
            return Span(0, 0, 0, 0)
        return Span(found.start.line, found.start.column + 1, found.end.line, found.end.column + 1)

    values = ValueBuilder(span_of)
    scope = ScopeTracker()
    imports = ImportCollector(scope, span_of, base.module, base.is_package)
    definitions = DefinitionCollector(scope, span_of, values)
    calls = CallCollector(scope, values)
    comments = CommentCollector(span_of)
    bodies = FunctionBodyCollector(scope, span_of)
    wrapper.visit_batched([scope, imports, definitions, calls, comments, bodies])
    defined = set(definitions.defined)
    for fact in imports.imports:
        if fact.bound != "*" and fact.context is not ImportContext.FUNCTION:
            defined.add(fact.bound)
    return _replace(
        base,
        imports=tuple(imports.imports),
        defined_names=frozenset(defined),
        all_names=definitions.all_names,
        has_star_import=imports.has_star_import,
        has_module_getattr=definitions.has_getattr,
        functions=tuple(
            dataclasses.replace(f, returns_names=tuple(bodies.returns.get(f.qualname, ())),
                                broad_handlers=tuple(bodies.handlers.get(f.qualname, ())))
            for f in definitions.functions),
        classes=tuple(definitions.classes),
        assignments=tuple(definitions.assignments),
        calls=tuple(calls.calls),
        comments=tuple(comments.comments),
        skip_file=_skip_requested_by(comments.comments),
    )


def _replace(facts: ModuleFacts, **changes: object) -> ModuleFacts:
    import dataclasses

    return dataclasses.replace(facts, **changes)  # type: ignore[arg-type]
