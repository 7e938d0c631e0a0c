"""The CEL201 fix: an ``async def`` task becomes a sync task that runs the coroutine.

```
@app.task                               async def _refresh_async(product_id):
async def refresh(product_id):    ->        ...
    ...
                                        @app.task
                                        def refresh(product_id):
                                            return asyncio.run(_refresh_async(product_id))
```

The sync function keeps the name, decorators and signature, so the task's
registered name and its callers are unchanged; the coroutine function keeps the
body. It is unsafe: code that awaited the task function directly, or relied on
a running event loop, behaves differently. Computed from the file's text when
fixes are applied (see ``fixes.DEFERRED_FIXERS``): it needs the syntax tree,
which the rules never hold.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from celerylint.findings import Edit, Finding
from celerylint.fixes import edit_between

IMPORT = "import asyncio"


def async_task_edits(source: str, finding: Finding) -> tuple[Edit, ...]:
    """Edits rewriting the module-level async task the finding names; () if impossible."""
    try:
        wrapper = MetadataWrapper(cst.parse_module(source))
    except cst.ParserSyntaxError:
        return ()
    module = wrapper.module
    index = _async_def_at(module, wrapper.resolve(PositionProvider), finding.line, finding.column)
    if index is None:
        return ()
    target = module.body[index]
    assert isinstance(target, cst.FunctionDef)
    helper = f"_{target.name.value}_async"
    if re.search(rf"\b{re.escape(helper)}\b", source):
        return ()  # the name is taken; a human has to choose one
    asyncio_name = _asyncio_alias(module.body)
    start = _offset_of(module, index)
    end = start + len(module.code_for_node(target))
    if source[start:end] != module.code_for_node(target):
        return ()  # the offsets are not what libcst printed: edit nothing rather than guess
    replacement = "".join(module.code_for_node(node) for node in
                          _split_task(target, helper, asyncio_name or "asyncio"))
    if asyncio_name is not None:
        return (edit_between(source, start, end, replacement),)
    at, text = _import_insertion(module)
    if at == index:  # nothing but the task's own leading comments before it
        inside = _leading_length(module, target)
        text = IMPORT + module.default_newline * 3  # two blank lines before a def
        replacement = replacement[:inside] + text + replacement[inside:]
        return (edit_between(source, start, end, replacement),)
    position = _offset_of(module, at) + _leading_length(module, module.body[at])
    return (edit_between(source, position, position, text),
            edit_between(source, start, end, replacement))


def _async_def_at(module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange], line: int,
                  column: int) -> int | None:
    """Index of the module-level async function whose name starts at the 1-based position.

    Only module-level tasks are rewritten: a nested one would need re-indenting,
    which could change the content of multi-line strings in its body.
    """
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.FunctionDef) and statement.asynchronous is not None:
            start = positions[statement.name].start
            if (start.line, start.column + 1) == (line, column):
                return index
    return None


def _offset_of(module: cst.Module, index: int) -> int:
    """Where statement ``index`` (with its leading lines) starts in ``module.code``."""
    header = sum(len(module.code_for_node(line)) for line in module.header)
    return header + sum(len(module.code_for_node(s)) for s in module.body[:index])


def _leading_length(module: cst.Module, statement: cst.BaseStatement) -> int:
    """Length of the blank and comment lines libcst attaches before a statement."""
    bare = statement.with_changes(leading_lines=[])
    return len(module.code_for_node(statement)) - len(module.code_for_node(bare))


def _split_task(target: cst.FunctionDef, helper: str,
                asyncio_name: str) -> tuple[cst.FunctionDef, cst.FunctionDef]:
    """The undecorated coroutine function, then the sync task that runs it."""
    coroutine = target.with_changes(name=cst.Name(helper), decorators=[])
    call = f"{asyncio_name}.run({helper}({_call_arguments(target.params)}))"
    sync_task = target.with_changes(
        asynchronous=None,
        leading_lines=[cst.EmptyLine(), cst.EmptyLine()],
        body=cst.IndentedBlock([cst.parse_statement(f"return {call}\n")]),
    )
    return coroutine, sync_task


def _asyncio_alias(body: Sequence[cst.BaseStatement]) -> str | None:
    """The name a module-level ``import asyncio [as x]`` binds, if any."""
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.Import):
                continue
            for alias in small.names:
                if isinstance(alias.name, cst.Name) and alias.name.value == "asyncio":
                    if alias.asname is None:
                        return "asyncio"
                    if isinstance(alias.asname.name, cst.Name):
                        return alias.asname.name.value
    return None


def _call_arguments(params: cst.Parameters) -> str:
    """The parameters passed on in the same shape: positionally, by keyword, starred."""
    parts = [p.name.value for p in (*params.posonly_params, *params.params)]
    if isinstance(params.star_arg, cst.Param):
        parts.append(f"*{params.star_arg.name.value}")
    parts.extend(f"{p.name.value}={p.name.value}" for p in params.kwonly_params)
    if params.star_kwarg is not None:
        parts.append(f"**{params.star_kwarg.name.value}")
    return ", ".join(parts)


def _import_insertion(module: cst.Module) -> tuple[int, str]:
    """Before the first statement after the docstring and ``__future__`` imports.

    A blank line separates it from a following non-stdlib import, as isort would.
    """
    index = 0
    while index < len(module.body) and (_is_docstring(module.body[index], index)
                                        or _is_future(module.body[index])):
        index += 1
    newline = module.default_newline
    following = module.body[index]
    separator = "" if _is_stdlib_import(following) else newline
    return index, IMPORT + newline + separator


def _is_docstring(statement: cst.BaseStatement, index: int) -> bool:
    return (index == 0 and isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1 and isinstance(statement.body[0], cst.Expr)
            and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _is_future(statement: cst.BaseStatement) -> bool:
    return (isinstance(statement, cst.SimpleStatementLine)
            and any(isinstance(s, cst.ImportFrom) and isinstance(s.module, cst.Name)
                    and s.module.value == "__future__" for s in statement.body))


def _is_stdlib_import(statement: cst.BaseStatement) -> bool:
    """Whether ``import asyncio`` belongs in the same import group (isort's view)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if isinstance(small, cst.Import):
        names = [cst.Module([]).code_for_node(alias.name) for alias in small.names]
    elif isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
        names = [cst.Module([]).code_for_node(small.module)]
    else:
        return False
    return all(name.split(".")[0] in sys.stdlib_module_names for name in names)
