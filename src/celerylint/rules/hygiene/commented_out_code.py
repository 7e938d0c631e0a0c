"""CEL710: code left in comments, one finding per contiguous block."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Applicability, Edit, Finding, Fix, Severity
from celerylint.rules.base import NO_OTHER_INPUTS, ModuleRule
from celerylint.rules.hygiene.commented_code_scope import skip_reason
from celerylint.source.facts import ModuleFacts, Span
from celerylint.source.scan_policy import resolve_relative

if TYPE_CHECKING:
    from celerylint.project.model import Project
    from celerylint.source.commented_code import CommentedCodeBlock


def _absolute(module: str, facts: ModuleFacts) -> str:
    level = len(module) - len(module.lstrip("."))
    if not level:
        return module
    resolved, _ = resolve_relative(facts.module, facts.is_package, level,
                                   module.lstrip(".") or None)
    return resolved


def _missing_imports(block: "CommentedCodeBlock", facts: ModuleFacts,
                     project: "Project") -> list[str]:
    missing = []
    for written in block.imported_modules:
        module = _absolute(written, facts)
        if module and project.is_first_party(module) and not project.module_exists(module):
            missing.append(module)
    return missing


def _definitions(facts: ModuleFacts) -> list[tuple[str, int]]:
    """Where each function and class starts, for telling a ``# score()`` banner from a call."""
    return [(definition.name, definition.span.line)
            for definition in (*facts.functions, *facts.classes)]


class CommentedOutCode(ModuleRule):
    code = "CEL710"
    inputs = NO_OTHER_INPUTS
    name = "commented-out-code"
    severity = Severity.WARNING
    summary = "Code is left in comments, often calls disabled 'until the module exists'."
    preview = True  # below 95 % on the precision benchmark: see its doc's Known limits
    hygiene = True
    process_consequence = "the {process} runs this module without the commented-out code"

    def check_module(self, facts: ModuleFacts, project: "Project") -> Iterator[Finding]:
        if not facts.comments or skip_reason(facts) is not None:
            return
        from celerylint.source.commented_code import find_commented_code

        for block in find_commented_code(facts.comments, _definitions(facts)):
            missing = _missing_imports(block, facts, project)
            # A stated reason ("TODO", "#412", "disabled because") is the author's
            # decision, unless the block imports a first-party module that does not
            # exist: then the reason is the stale "until the module exists".
            if block.reason is not None and not missing:
                continue
            yield self._finding(block, facts, missing)

    def _finding(self, block: "CommentedCodeBlock", facts: ModuleFacts,
                 missing: list[str]) -> Finding:
        lines = block.end_line - block.line + 1
        what = "line" if lines == 1 else f"{lines} lines"
        detail = (f", including a commented-out import of missing module {', '.join(missing)}"
                  if missing else "")
        first = block.code.strip().splitlines()[0] if block.code.strip() else ""
        return self.finding(
            facts.path, Span(block.line, block.column, block.end_line, block.end_column),
            f"Commented-out code ({what}: `{first[:60]}`){detail}. Disabled calls are how "
            "work silently stops happening; restore it or delete it (git keeps history).",
            fix=Fix("Remove the commented-out code", Applicability.UNSAFE, (
                Edit(block.line, 1, block.end_line + 1, 1, ""),)),
            subjects=(first,),
        )
