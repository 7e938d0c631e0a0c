"""CEL711: Celery work switched off in a comment, one finding per contiguous block."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Applicability, Edit, Finding, Fix, Severity
from celerylint.rules.base import WHOLE_PROJECT, ModuleRule
from celerylint.rules.hygiene.disabled_work import DisabledWork, commented_blocks, disabled_work
from celerylint.source.facts import ModuleFacts, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project
    from celerylint.source.commented_code import CommentedCodeBlock


def _names(items: tuple[str, ...]) -> str:
    quoted = [f"'{item}'" for item in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def describe(work: DisabledWork) -> str:
    """What never happens while the block is commented out, and the fix, as sentences."""
    missing = _names(work.missing_modules) if work.missing_modules else ""
    gone = (f"{missing}, a module that does not exist in the project (the block waits "
            "\"until the module exists\")") if missing else ""
    if work.tasks:
        names = _names(tuple(task.name for task in work.tasks))
        calls = "; ".join(f"`{task.call}`" for task in work.tasks[:2])
        several = len(work.tasks) > 1
        what = (f"{'Tasks' if several else 'Task'} {names} {'are' if several else 'is'} never "
                f"sent: {'their dispatches' if several else 'its dispatch'} ({calls}) "
                f"{'are' if several else 'is'} commented out")
        what += f", together with the import of {gone}" if gone else ""
    elif work.awaits:
        what = f"`{work.awaits[0]}` never runs: it is commented out"
        what += f", together with the import of {gone}" if gone else ""
    else:
        what = f"The import of {gone} is commented out, with the code that needs it"
    fix = (f"Create {missing} and restore the block, or delete the block if that work is no "
           "longer wanted" if missing else
           "Restore the block, or delete it if that work is no longer wanted (git keeps it)")
    return f"{what}, and nothing fails to say so. {fix}."


class DisabledTaskCall(ModuleRule):
    code = "CEL711"
    inputs = WHOLE_PROJECT  # the project's tasks and modules decide what a block disables
    name = "disabled-task-call"
    severity = Severity.WARNING
    summary = ("Celery work is commented out: a task dispatch, an await, an import of a "
               "missing module.")
    hygiene = True
    process_consequence = "the {process} runs this module without it"

    def check_module(self, facts: ModuleFacts, project: "Project") -> Iterator[Finding]:
        for block in commented_blocks(facts):
            work = disabled_work(block, facts, project)
            if work:
                yield self._finding(block, facts, work)

    def _finding(self, block: "CommentedCodeBlock", facts: ModuleFacts,
                 work: DisabledWork) -> Finding:
        return self.finding(
            facts.path, Span(block.line, block.column, block.end_line, block.end_column),
            describe(work),
            fix=Fix("Remove the commented-out block", Applicability.UNSAFE, (
                Edit(block.line, 1, block.end_line + 1, 1, ""),)),
            subjects=(*(task.name for task in work.tasks), *work.missing_modules, *work.awaits),
        )
