"""Which commented-out blocks disable Celery work, shared by CEL710 and CEL711.

A block disables Celery work when restoring it would send a task of the project
(``t.delay(…)``, ``t.apply_async(…)``, ``app.send_task("name")``, a canvas of
its signatures), await a call, or import a first-party module that does not
exist (the "until the module exists" block). CEL711 reports those blocks and
CEL710 leaves them to it, so each block is one finding.

A reason the block states (a TODO, a ticket, "disabled because") is the author's
decision, except next to an import of a missing module: that reason is the stale
"until the module exists" the rule is for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from celerylint.rules.hygiene.commented_code_scope import skip_reason
from celerylint.rules.imports.resolution import missing_first_party_module
from celerylint.source.comment_work import SEND_TASK, CommentedDispatch
from celerylint.source.facts import CommentFact, ModuleFacts
from celerylint.source.scan_policy import resolve_relative

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.model import Project
    from celerylint.source.commented_code import CommentedCodeBlock


@dataclass(frozen=True)
class DisabledTask:
    name: str  # the registered name when known, else the dotted name the block uses
    call: str  # the dispatch as written: notify_admins.delay("nightly run finished")


@dataclass(frozen=True)
class DisabledWork:
    """What a restored block would do that nothing does while it is commented out."""

    tasks: tuple[DisabledTask, ...] = ()
    missing_modules: tuple[str, ...] = ()
    awaits: tuple[str, ...] = ()  # the await expressions as written

    def __bool__(self) -> bool:
        return bool(self.tasks or self.missing_modules or self.awaits)


def commented_blocks(facts: ModuleFacts) -> Sequence["CommentedCodeBlock"]:
    """The module's commented-out blocks, or none when its file is not judged at all."""
    if not facts.comments or skip_reason(facts) is not None:
        return ()
    definitions = tuple((definition.name, definition.span.line)
                        for definition in (*facts.functions, *facts.classes))
    return _blocks(facts.comments, definitions)


@lru_cache(maxsize=16)
def _blocks(comments: tuple[CommentFact, ...],
            definitions: tuple[tuple[str, int], ...]) -> tuple["CommentedCodeBlock", ...]:
    """Memoised: CEL710 and CEL711 read the same blocks of the same file."""
    from celerylint.source.commented_code import find_commented_code

    return tuple(find_commented_code(comments, definitions))


def disabled_work(block: "CommentedCodeBlock", facts: ModuleFacts,
                  project: "Project") -> DisabledWork | None:
    """The Celery work ``block`` disables, or None when it disables none (or says why)."""
    work = block.work
    if not work:
        return None
    missing = tuple(dict.fromkeys(
        found for imported in work.imports
        if (found := missing_first_party_module(_absolute(imported.module, facts), project))))
    if block.reason is not None and not missing:
        return None
    bound = {name: _absolute(target, facts) or target.lstrip(".")
             for name, target in work.bound_names().items()}
    tasks = tuple(dict.fromkeys(
        task for dispatch in work.dispatches
        if (task := _disabled_task(dispatch, bound, facts, project)) is not None))
    awaits = tuple(dict.fromkeys(awaited.text for awaited in work.awaits))
    found = DisabledWork(tasks, missing, awaits)
    return found or None


def _disabled_task(dispatch: CommentedDispatch, bound: dict[str, str], facts: ModuleFacts,
                   project: "Project") -> DisabledTask | None:
    """The task a commented-out dispatch sends: named by the block's own import, or a task
    of the project (through the module's imports, else by its function name)."""
    if dispatch.method == SEND_TASK:
        known = dispatch.task_name in _model(project).task_names
        return DisabledTask(dispatch.task_name, dispatch.text) if known else None
    first, _, rest = dispatch.receiver.partition(".")
    if first in bound:
        target = bound[first] + (f".{rest}" if rest else "")
        task = _project_task(target, project)
        return DisabledTask(task or target, dispatch.text)
    task = _task_through_imports(dispatch.receiver, facts, project)
    return DisabledTask(task, dispatch.text) if task else None


def _project_task(qualified: str, project: "Project") -> str | None:
    model = _model(project)
    symbol = model.symbols.resolve_qualified(qualified)
    return _registered_name(model, symbol.module, symbol.name, symbol.attribute)


def _task_through_imports(receiver: str, facts: ModuleFacts, project: "Project") -> str | None:
    model = _model(project)
    first = receiver.partition(".")[0]
    if facts.module:
        functions = ["", *(fact.function for fact in facts.imports
                           if fact.function and fact.bound == first)]
        for function in functions:
            symbol = model.symbols.resolve_in_function(facts.module, receiver, function)
            name = _registered_name(model, symbol.module, symbol.name, symbol.attribute)
            if name:
                return name
    if "." in receiver:
        return None
    # The import often goes with the call (a linter removes it once unused): a bare name
    # that is the function of exactly one task of the project names that task.
    named = {task.name or f"{task.module}.{task.qualname}"
             for task in model.tasks if task.function == receiver}
    return named.pop() if len(named) == 1 else None


def _registered_name(model: "CeleryModel", module: str, name: str, attribute: str) -> str | None:
    if not module or not name or attribute:
        return None
    task = model.task_for_function(module, name)
    if task is None:
        return None
    return task.name or f"{task.module}.{task.qualname}"


def _model(project: "Project") -> "CeleryModel":
    from celerylint.project.celery.celery_model import celery_model

    return celery_model(project)


def _absolute(written: str, facts: ModuleFacts) -> str:
    """``..workers.x`` from the module that holds the comment; "" when it cannot be."""
    level = len(written) - len(written.lstrip("."))
    if not level:
        return written
    if not facts.module:
        return ""
    resolved, beyond = resolve_relative(facts.module, facts.is_package, level,
                                        written.lstrip(".") or None)
    return "" if beyond else resolved
