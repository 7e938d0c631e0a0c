"""CEL702: ``from first_party.module import Name`` where the module has no such name."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.rules.base import IMPORT_LOOKUPS, ModuleRule
from celerylint.rules.imports.resolution import (
    can_fail,
    candidate_modules,
    is_judged_top_level,
)
from celerylint.source.facts import ImportContext, ImportFact, ModuleFacts

if TYPE_CHECKING:
    from celerylint.project.model import Project


def _defines(module: str, name: str, project: "Project") -> bool | None:
    """True/False when known; None when the module can provide names we cannot see."""
    if project.module_exists(f"{module}.{name}"):
        return True
    target = project.module(module)
    if target is None:
        return None  # a namespace package, or ignored file on disk: no facts to check
    if target.parse_failure is not None or target.has_star_import or target.has_module_getattr:
        return None
    if name in target.defined_names:
        return True
    if target.all_names is not None and name in target.all_names:
        return None  # promised by __all__ yet not visibly defined: dynamic, stay silent
    return False


class MissingImportedName(ModuleRule):
    code = "CEL702"
    inputs = IMPORT_LOOKUPS
    name = "missing-imported-name"
    severity = Severity.ERROR
    summary = "A from-import asks a first-party module for a name it does not define."
    hygiene = True
    process_consequence = "it is the {process} that fails"

    def check_module(self, facts: ModuleFacts, project: "Project") -> Iterator[Finding]:
        for fact in facts.imports:
            if not can_fail(fact) or not fact.name or fact.name == "*":
                continue
            module = self._checked_module(fact, facts, project)
            if module is None:
                continue
            yield self._report(fact, facts, project, module)

    def _checked_module(self, fact: ImportFact, facts: ModuleFacts,
                        project: "Project") -> str | None:
        """The module to report against, only when the name is missing under every reading."""
        candidates = candidate_modules(fact, facts, project)
        found: str | None = None
        for module in candidates:
            if not module or not is_judged_top_level(module.split(".")[0], project):
                return None
            if not project.module_exists(module):
                return None  # CEL701's finding
            defined = _defines(module, fact.name or "", project)
            if defined is not False:
                return None
            found = found or module
        return found

    def _report(self, fact: ImportFact, facts: ModuleFacts, project: "Project",
                module: str) -> Finding:
        target = project.module(module)
        names = sorted(target.defined_names) if target else []
        close = difflib.get_close_matches(fact.name or "", names, n=1, cutoff=0.7)
        hint = f"Did you mean '{close[0]}'?" if close else \
            f"Define '{fact.name}' in {module}, or import it from where it now lives."
        return self.finding(
            facts.path, fact.span,
            f"'{module}' does not define '{fact.name}'; this import raises ImportError "
            + ("when the module loads, so a worker or beat that imports it fails at start-up."
               if fact.context is ImportContext.MODULE else
               "when the function runs, so a task that calls it fails each time."),
            fix_hint=hint,
            subjects=(module, fact.name or ""),
        )
