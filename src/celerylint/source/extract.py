"""One parse and one batched traversal per file, producing ``ModuleFacts``.

This is the only place that touches libcst for analysis. Everything it returns
is plain data, so it can run in a worker process and be cached.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from celerylint.source.collectors import (
    CallCollector,
    CommentCollector,
    DefinitionCollector,
    ImportCollector,
)
from celerylint.source.context import ScopeTracker
from celerylint.source.facts import ImportContext, ModuleFacts, ParseFailure, Span
from celerylint.source.values import ValueBuilder

MAX_FILE_BYTES = 5_000_000
_SKIP_FILE = re.compile(rb"^#\s*celerylint:\s*noqa\s*$", re.MULTILINE)
_TEMPLATE_MARKERS = (b"{%", b"{{")


def decode_source(data: bytes) -> str:
    """Decode like Python does (PEP 263 cookie, BOM); raise ValueError on failure."""
    if b"\x00" in data:
        raise ValueError("file contains NUL bytes (binary file?)")
    try:
        import io
        import tokenize

        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot decode source: {exc}") from None


def _skip_requested(data: bytes) -> bool:
    head = b"\n".join(data.splitlines()[:10])
    return bool(_SKIP_FILE.search(head))


def _failure_from(exc: Exception, data: bytes, text: str | None = None) -> ParseFailure:
    if isinstance(exc, cst.ParserSyntaxError) and text is not None:
        # CPython's own parser names the real position and gives the familiar message.
        import ast
        import warnings

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(text)
        except SyntaxError as syntax_error:
            message = syntax_error.msg
            if any(marker in data for marker in _TEMPLATE_MARKERS):
                message += " (the file looks like a template, e.g. Jinja)"
            return ParseFailure(message, syntax_error.lineno or 1, syntax_error.offset or 1)
        except (ValueError, RecursionError, MemoryError):
            pass
    if isinstance(exc, cst.ParserSyntaxError):
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
        if any(marker in data for marker in _TEMPLATE_MARKERS):
            message += " (the file looks like a template, e.g. Jinja)"
        return ParseFailure(message, exc.raw_line, exc.raw_column + 1)
    return ParseFailure(str(exc) or type(exc).__name__, 1, 1)


def extract_module_facts(path: str, module: str, is_package: bool, data: bytes) -> ModuleFacts:
    """Never raises for bad input: a file that cannot be read as Python gets ``parse_failure``."""
    base = ModuleFacts(path=path, module=module, is_package=is_package)
    if len(data) > MAX_FILE_BYTES:
        return _replace(base, parse_failure=ParseFailure(
            f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB; not analysed", 1, 1))
    text: str | None = None
    try:
        text = decode_source(data)
        tree = cst.parse_module(text)
    except (ValueError, cst.ParserSyntaxError, RecursionError, MemoryError) as exc:
        return _replace(base, parse_failure=_failure_from(exc, data, text))
    try:
        return _traverse(base, tree, _skip_requested(data))
    except RecursionError:
        return _replace(base, parse_failure=ParseFailure(
            "expression nesting too deep to analyse", 1, 1))


def _traverse(base: ModuleFacts, tree: cst.Module, skip_file: bool) -> ModuleFacts:
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
    wrapper.visit_batched([scope, imports, definitions, calls, comments])
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
        functions=tuple(definitions.functions),
        classes=tuple(definitions.classes),
        assignments=tuple(definitions.assignments),
        calls=tuple(calls.calls),
        comments=tuple(comments.comments),
        skip_file=skip_file,
    )


def _replace(facts: ModuleFacts, **changes: object) -> ModuleFacts:
    import dataclasses

    return dataclasses.replace(facts, **changes)  # type: ignore[arg-type]
