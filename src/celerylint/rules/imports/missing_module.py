"""CEL701: an import of a first-party module that does not exist."""

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
    missing_part,
)
from celerylint.source.facts import ImportContext, ImportFact, ModuleFacts

if TYPE_CHECKING:
    from celerylint.project.model import Project


def suggest_module(missing: str, project: "Project") -> str | None:
    """A sibling with a similar last component (a typo), else a module elsewhere with the
    same last component (a move)."""
    parent, _, leaf = missing.rpartition(".")
    siblings = {m.rpartition(".")[2]: m for m in project.modules if m.rpartition(".")[0] == parent}
    close = difflib.get_close_matches(leaf, list(siblings), n=1, cutoff=0.8)
    if close:
        return siblings[close[0]]
    moved = sorted(m for m in project.modules if m.rpartition(".")[2] == leaf)
    return moved[0] if len(moved) == 1 else None


class MissingModule(ModuleRule):
    code = "CEL701"
    inputs = IMPORT_LOOKUPS
    name = "missing-module"
    severity = Severity.ERROR
    summary = "An import names a first-party module that does not exist."
    hygiene = True
    process_consequence = "it is the {process} that fails"

    def check_module(self, facts: ModuleFacts, project: "Project") -> Iterator[Finding]:
        reported: set[tuple[int, str]] = set()
        for fact in facts.imports:
            if not can_fail(fact):
                continue
            missing = self._missing(fact, facts, project)
            if missing is None or (fact.span.line, missing) in reported:
                continue
            reported.add((fact.span.line, missing))
            yield self._report(fact, facts, project, missing)

    def _missing(self, fact: ImportFact, facts: ModuleFacts, project: "Project") -> str | None:
        candidates = candidate_modules(fact, facts, project)
        if not candidates:
            return None
        results = []
        for module in candidates:
            if not module or not is_judged_top_level(module.split(".")[0], project):
                return None
            missing = missing_part(module, project)
            if missing is None:
                return None
            results.append(missing)
        return results[0]

    def _report(self, fact: ImportFact, facts: ModuleFacts, project: "Project",
                missing: str) -> Finding:
        suggestion = suggest_module(missing, project)
        hint = f"did you mean '{suggestion}'?" if suggestion else \
            "restore the module, or remove or update the import"
        where = ("when this module loads, so a worker or beat that imports it fails at "
                 "start-up") if fact.context is ImportContext.MODULE else \
            "when this function runs, so a task that calls it fails each time"
        return self.finding(
            facts.path, fact.module_span or fact.span,
            f"Module '{missing}' does not exist in this project; the import raises "
            f"ModuleNotFoundError {where}.",
            fix_hint=hint[0].upper() + hint[1:],
            subjects=(missing,),
        )
