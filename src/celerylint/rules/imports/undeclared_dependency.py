"""CEL704: a third-party import that no declared dependency provides."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.packaging.dependencies import Provision
from celerylint.rules.base import IMPORT_LOOKUPS, ModuleRule
from celerylint.rules.imports.resolution import can_fail, stdlib_modules
from celerylint.source.facts import ImportContext, ModuleFacts

if TYPE_CHECKING:
    from celerylint.project.model import Project


_FAILURE = {
    ImportContext.MODULE: "a worker or beat that imports this module fails at start-up",
    ImportContext.FUNCTION: "a task that calls this function fails each time",
}


class UndeclaredDependency(ModuleRule):
    code = "CEL704"
    inputs = IMPORT_LOOKUPS
    name = "undeclared-dependency"
    severity = Severity.ERROR
    summary = "A third-party import is not provided by any declared dependency."
    hygiene = True
    process_consequence = "it is the {process} that fails on a clean install"

    def check_module(self, facts: ModuleFacts, project: "Project") -> Iterator[Finding]:
        declarations = project.dependencies
        if not declarations.declares_any:
            return  # a project that declares nothing: we cannot tell what is installed
        reported: set[str] = set()
        for fact in facts.imports:
            if fact.level or not can_fail(fact) or not fact.module:
                continue
            top = fact.module.split(".")[0]
            if top in reported or top in stdlib_modules() or project.is_first_party(top):
                continue
            if declarations.provision(top) is not Provision.MISSING:
                continue  # provided, or a declared distribution's import names are unknown
            reported.add(top)
            sources = ", ".join(declarations.sources) or "the project's dependency files"
            yield self.finding(
                facts.path, fact.span,
                f"'{top}' is imported but no declared dependency provides it (checked "
                f"{sources} and what they install): in an image built from these "
                f"declarations, {_FAILURE[fact.context]} with ModuleNotFoundError.",
                fix_hint=f"Add the distribution that provides '{top}' to your dependencies.",
                subjects=(top,),
            )
