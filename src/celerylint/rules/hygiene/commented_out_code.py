"""CEL710: code left in comments, one finding per contiguous block."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Applicability, Edit, Finding, Fix, Severity
from celerylint.rules.base import WHOLE_PROJECT, ModuleRule
from celerylint.rules.hygiene.disabled_work import commented_blocks, disabled_work
from celerylint.source.facts import ModuleFacts, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project
    from celerylint.source.commented_code import CommentedCodeBlock


class CommentedOutCode(ModuleRule):
    code = "CEL710"
    inputs = WHOLE_PROJECT  # it leaves alone the blocks CEL711 reports, which need the project
    name = "commented-out-code"
    severity = Severity.WARNING
    summary = "Code is left in comments."
    preview = True  # below 95 % on the precision benchmark: see its doc's Known limits
    hygiene = True
    process_consequence = "the {process} runs this module without the commented-out code"

    def check_module(self, facts: ModuleFacts, project: "Project") -> Iterator[Finding]:
        for block in commented_blocks(facts):
            # A stated reason ("TODO", "#412", "disabled because") is the author's
            # decision; a block that disables Celery work is disabled-task-call's (CEL711).
            if block.reason is None and not disabled_work(block, facts, project):
                yield self._finding(block, facts)

    def _finding(self, block: "CommentedCodeBlock", facts: ModuleFacts) -> Finding:
        lines = block.end_line - block.line + 1
        what = "line" if lines == 1 else f"{lines} lines"
        first = block.code.strip().splitlines()[0] if block.code.strip() else ""
        return self.finding(
            facts.path, Span(block.line, block.column, block.end_line, block.end_column),
            f"Commented-out code ({what}: `{first[:60]}`). Disabled calls are how work "
            "silently stops happening; restore it or delete it (git keeps history).",
            fix=Fix("Remove the commented-out code", Applicability.UNSAFE, (
                Edit(block.line, 1, block.end_line + 1, 1, ""),)),
            subjects=(first,),
        )
