"""Imports a worker makes at start-up by computed name, which no import graph can follow.

An application factory that runs ``importlib.import_module(name)`` over a list of its
own apps registers tasks that no ``import`` statement names. When such a call runs
while the worker starts (at module level, or in a function that module-level code
calls, a few calls deep), the worker's registration closure is not known statically,
and the rules that judge it stay silent rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from celerylint.source.facts import Const

if TYPE_CHECKING:
    from celerylint.project.model import Project
    from celerylint.source.facts import CallFact

DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__", "import_string"})
MAX_CALL_DEPTH = 4  # function-calls-function steps followed from module-level code


def _callee(call: CallFact) -> str:
    return call.func.rsplit(".", 1)[-1]


def _load_time_functions(calls: list[tuple[str, CallFact]], started: Iterable[str]) -> set[str]:
    """Names of functions that run while the modules load: called at module level (or
    ``started``: a factory that the worker's start-up runs), or called by such a function
    (by name, a few steps deep; names are matched loosely, which can only make the
    closure less certain, never add a finding)."""
    running = {_callee(call) for _, call in calls if not call.function}
    running.update(name.split(".")[-1] for name in started)
    for _ in range(MAX_CALL_DEPTH):
        more = {_callee(call) for _, call in calls
                if call.function and call.function.split(".")[-1] in running}
        if more <= running:
            break
        running |= more
    return running


def dynamic_imports_at_start(project: Project, modules: Iterable[str],
                             started: Iterable[str] = ()) -> list[str]:
    """``path:line`` of every computed-name import that runs while ``modules`` load, or
    while the ``started`` functions run."""
    calls: list[tuple[str, CallFact]] = []
    for name in sorted(modules):
        facts = project.module(name)
        if facts is not None:
            calls.extend((facts.path, call) for call in facts.calls)
    running = _load_time_functions(calls, started)
    found = []
    for path, call in calls:
        if _callee(call) not in DYNAMIC_IMPORTERS:
            continue
        first = call.call.args[0] if call.call.args else None
        if isinstance(first, Const):
            continue  # a literal name: an ordinary import in another spelling
        if not call.function or call.function.split(".")[-1] in running:
            found.append(f"a computed import_module() at {path}:{call.call.span.line}")
    return found


__all__ = ["dynamic_imports_at_start"]
