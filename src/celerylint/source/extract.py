"""One parse and one traversal per file, producing ``ModuleFacts``.

CPython's parser reads every file (its verdict is final on what a worker would refuse)
and its tree gives the facts (``ast_scan``). libcst's pass, the reference the
equivalence tests hold the ``ast`` scanner to, runs only when asked for
(``scanner="libcst"``) or when the fast scan cannot judge a file; it is imported
then, so a run never loads libcst for analysis. Everything returned is plain data, so
it can run in a worker process and be cached.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import sys
import tokenize
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

from celerylint.source.ast_positions import tokenized_comments
from celerylint.source.ast_scan import NestingTooDeep, scan_with_ast
from celerylint.source.facts import CommentFact, ModuleFacts, ParseFailure, Span
from celerylint.source.scan_policy import Gathered, completed_facts
from celerylint.source.templates import (
    TEMPLATE_FAILURE_HINT,
    is_rendered_template,
    source_for_analysis,
)

if TYPE_CHECKING:
    import libcst as cst

Scanner = Literal["auto", "libcst", "ast"]
# What ``scanner="auto"`` runs: CPython's tree, which tests/source/test_scanner_equivalence.py
# holds to libcst's facts (a test of worker crashes sets "libcst" to reach libcst's parser).
RUN_SCANNER: Scanner = "ast"
MAX_FILE_BYTES = 5_000_000
# Words of a file that can hold Celery facts (tests: both sides of it are covered).
_CELERY_WORDS = re.compile(
    rb"celery|shared_task|\.delay\(|apply_async|send_task|crontab|beat_schedule|broker_url",
    re.IGNORECASE)
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
    return f" {TEMPLATE_FAILURE_HINT}" if any(
        marker in data for marker in _TEMPLATE_MARKERS) else ""


def _cpython_verdict(
    text: str, data: bytes,
) -> tuple[ParseFailure | None, ParseFailure | None, ast.Module | None]:
    """CPython's parser runs first: it is fast, it is what a worker runs, and it refuses
    nesting that would crash libcst's native parser.

    Returns (final failure, failure to use if libcst fails too, CPython's tree). Other
    syntax errors are not final: the project may target a newer Python than the one
    running celerylint.
    """
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except SyntaxError as exc:
        failure = ParseFailure(exc.msg + _template_hint(data), exc.lineno or 1, exc.offset or 1)
        return (failure, None, None) if exc.msg in _NESTING_MESSAGES else (None, failure, None)
    except (RecursionError, MemoryError):
        return ParseFailure("expressions nested too deeply for Python's parser", 1, 1), None, None
    except ValueError:
        return None, None, None
    return None, None, tree


def _too_deep(line: int, column: int) -> ParseFailure:
    return ParseFailure(f"expressions nested more than {MAX_NESTING_DEPTH} levels deep, too "
                        "deeply for celerylint to analyse (Python itself may accept them)",
                        line, column)


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


def extract_module_facts(path: str, module: str, is_package: bool, data: bytes,
                         scanner: Scanner = "auto") -> ModuleFacts:
    """Never raises: a file that cannot be read as Python gets ``parse_failure``, and so
    does a file on which a parser or a collector fails unexpectedly (libcst raises
    ``CSTValidationError`` or ``TypeError`` on some inputs), so one file never stops the run.

    ``scanner`` is for tests that hold the two scanners to the same facts; a run leaves
    it to ``RUN_SCANNER``.
    """
    base = ModuleFacts(path=path, module=module, is_package=is_package,
                       skip_file=_skip_requested(data))
    try:
        return _extract(base, data, scanner)
    except Exception as exc:  # noqa: BLE001 - any failure is this file's, never the run's
        return _replace(base, parse_failure=analysis_failure(exc))


def analysis_failure(exc: BaseException) -> ParseFailure:
    """The CEL001 of a file celerylint's own analysis failed on (not the file's syntax)."""
    detail = (str(exc).strip().splitlines() or [""])[0][:200]
    name = type(exc).__name__
    return ParseFailure(f"celerylint's analysis failed on this file ({name}"
                        f"{': ' + detail if detail else ''})", 1, 1)


def _extract(base: ModuleFacts, data: bytes, scanner: Scanner) -> ModuleFacts:
    if len(data) > MAX_FILE_BYTES:
        return _replace(base, parse_failure=ParseFailure(
            f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB; not analysed", 1, 1))
    try:
        text = source_for_analysis(decode_source(data), data,  # templates: markers blanked
                                   is_rendered_template(base.path))
    except ValueError as exc:
        return _replace(base, parse_failure=ParseFailure(str(exc), 1, 1))
    final, if_libcst_fails, tree = _cpython_verdict(text, data)
    if final is not None:
        return _replace(base, parse_failure=final)
    with _recursion_limit(ANALYSIS_RECURSION_LIMIT):
        if scanner == "auto":
            scanner = RUN_SCANNER
        if tree is not None and scanner == "ast":
            try:
                facts = scan_with_ast(base, tree, text, MAX_NESTING_DEPTH)
            except NestingTooDeep as exc:  # rare: measured again to report one position
                where = _deeper_than(tree, MAX_NESTING_DEPTH) or (exc.line, exc.column)
                return _replace(base, parse_failure=_too_deep(*where))
            except (tokenize.TokenError, SyntaxError, RecursionError):
                pass  # tokenize and the parser disagree: libcst decides
            else:
                return _replace(facts, skip_file=_skip_requested_by(facts.comments))
        # Depth is measured before libcst sees the file: its native parser crashes on
        # what it nests too deeply (the ast scanner measures it as it walks).
        too_deep = _deeper_than(tree, MAX_NESTING_DEPTH) if tree is not None else None
        if too_deep is not None:
            return _replace(base, parse_failure=_too_deep(*too_deep))
        return _parse_and_traverse(base, text, data, if_libcst_fails)


def names_celery(data: bytes) -> bool:
    """A bytes scan: whether a file names Celery at all (most files of a large project
    do not)."""
    return _CELERY_WORDS.search(data) is not None


def _parse_and_traverse(base: ModuleFacts, text: str, data: bytes,
                        if_libcst_fails: ParseFailure | None) -> ModuleFacts:
    import libcst as cst

    try:
        tree = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return _replace(base, parse_failure=if_libcst_fails or _libcst_failure(exc, data))
    except (RecursionError, MemoryError):
        return _replace(base, parse_failure=if_libcst_fails or ParseFailure(
            "expressions nested too deeply for libcst's parser", 1, 1))
    try:
        return _traverse(base, tree, text)
    except RecursionError:
        return _replace(base, parse_failure=ParseFailure(
            "expressions nested too deeply for celerylint to analyse (Python itself may "
            "accept them)", 1, 1))


def _comments(text: str, collected: Sequence[CommentFact]) -> tuple[CommentFact, ...]:
    """Comments as tokenize finds them, the reference the fast scanner's are held to:
    libcst places an indented comment on the last line of a module one line too early."""
    try:
        return tokenized_comments(text)
    except (tokenize.TokenError, SyntaxError):
        return tuple(collected)


def _traverse(base: ModuleFacts, tree: cst.Module, text: str) -> ModuleFacts:
    from libcst.metadata import MetadataWrapper, PositionProvider

    from celerylint.source.collectors import (
        CallCollector,
        CommentCollector,
        DefinitionCollector,
        FunctionBodyCollector,
        ImportCollector,
    )
    from celerylint.source.context import ScopeTracker
    from celerylint.source.values import ValueBuilder

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
    facts = completed_facts(base, Gathered(
        imports.imports, imports.has_star_import, definitions.defined, definitions.all_names,
        definitions.has_getattr, definitions.functions, bodies.returns, bodies.handlers,
        definitions.classes, definitions.assignments, calls.calls,
        _comments(text, comments.comments)))
    return _replace(facts, skip_file=_skip_requested_by(comments.comments))


def _replace(facts: ModuleFacts, **changes: object) -> ModuleFacts:

    return dataclasses.replace(facts, **changes)  # type: ignore[arg-type]
