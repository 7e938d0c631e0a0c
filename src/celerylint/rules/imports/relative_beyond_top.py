"""CEL703: a relative import with more dots than the package is deep."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.rules.base import IMPORT_LOOKUPS, ModuleRule
from celerylint.rules.imports.resolution import (
    unimportable_folder,
    unresolvable_relative_imports,
)
from celerylint.source.facts import ModuleFacts

if TYPE_CHECKING:
    from celerylint.project.model import Project


class RelativeImportBeyondTopLevel(ModuleRule):
    code = "CEL703"
    inputs = IMPORT_LOOKUPS
    name = "relative-import-beyond-top-level"
    severity = Severity.ERROR
    summary = "A relative import climbs above the top-level package."
    hygiene = True
    process_consequence = "it is the {process} that fails"

    def check_module(self, facts: ModuleFacts, project: "Project") -> Iterator[Finding]:
        if unimportable_folder(facts.path) is not None:
            return  # not a package at all: one --verbose note says so for the folder
        reported: set[int] = set()
        for fact in unresolvable_relative_imports(facts, project):
            if fact.span.line in reported:
                continue
            reported.add(fact.span.line)
            dots = "." * fact.level
            yield self.finding(
                facts.path, fact.span,
                f"Relative import '{dots}{fact.relative_name or ''}' goes above the top-level "
                f"package of '{facts.module or facts.path}'; Python raises ImportError "
                "(attempted relative import beyond top-level package) when it runs, so a "
                "worker or beat that imports this module fails.",
                fix_hint="Use fewer dots or an absolute import.",
                subjects=(f"{dots}{fact.relative_name or ''}",),
            )
