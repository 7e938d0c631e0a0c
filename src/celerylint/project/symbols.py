"""What a name in a module refers to, followed across imports without importing anything.

``resolve("proj.views", "send_report")`` answers: the function ``send_report`` of
``proj.tasks``; ``resolve("proj.beat", "crontab")`` answers: the external
``celery.schedules.crontab``. Unknown stays unknown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.source.facts import (
    AssignmentFact,
    ClassFact,
    FunctionFact,
    ImportContext,
    ImportFact,
    ModuleFacts,
    NameRef,
)

if TYPE_CHECKING:
    from celerylint.project.model import Project

MAX_HOPS = 12


class SymbolKind(str, enum.Enum):
    MODULE = "module"
    FUNCTION = "function"
    CLASS = "class"
    ASSIGNMENT = "assignment"
    EXTERNAL = "external"  # a name from outside the project: ``qualified`` says which
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Symbol:
    kind: SymbolKind
    module: str  # the first-party module that defines it ("" for external/unknown)
    name: str  # the name in that module ("" for a module itself)
    qualified: str  # "proj.tasks.send_report", "celery.schedules.crontab"
    attribute: str = ""  # remaining attribute path not resolved further (``app.conf``)

    @property
    def known(self) -> bool:
        return self.kind is not SymbolKind.UNKNOWN


UNKNOWN_SYMBOL = Symbol(SymbolKind.UNKNOWN, "", "", "")


class SymbolTable:
    """Per-module lookups (last module-level binding wins), memoised for the whole run."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._bindings: dict[str, dict[str, object]] = {}
        self._cache: dict[tuple[str, str], Symbol] = {}
        self._local_imports: dict[str, dict[str, list[ImportFact]]] = {}

    def bindings(self, module: str) -> dict[str, object]:
        if module not in self._bindings:
            self._bindings[module] = _module_bindings(self.project.module(module))
        return self._bindings[module]

    def resolve_in_function(self, module: str, dotted: str, function: str) -> Symbol:
        """Like ``resolve``, but imports made inside ``function`` (or its enclosing
        functions) take precedence, as they do at run time."""
        if function:
            first, _, rest = dotted.partition(".")
            local = [f for f in self._function_imports(module).get(first, ()) if
                     function == f.function or function.startswith(f.function + ".<locals>.")]
            if local:
                return self._through_import(local[-1], rest, 0)
        return self.resolve(module, dotted)

    def _function_imports(self, module: str) -> dict[str, list[ImportFact]]:
        """Imports made inside functions, by the name they bind, in source order."""
        found = self._local_imports.get(module)
        if found is None:
            found = self._local_imports[module] = {}
            facts = self.project.module(module)
            for fact in facts.imports if facts is not None else ():
                if fact.function:
                    found.setdefault(fact.bound, []).append(fact)
        return found

    def resolve(self, module: str, dotted: str, hops: int = 0) -> Symbol:
        key = (module, dotted)
        if key not in self._cache:
            self._cache[key] = UNKNOWN_SYMBOL  # guards cycles
            self._cache[key] = self._resolve(module, dotted, hops)
        return self._cache[key]

    def _resolve(self, module: str, dotted: str, hops: int) -> Symbol:
        if hops > MAX_HOPS or not dotted:
            return UNKNOWN_SYMBOL
        first, _, rest = dotted.partition(".")
        binding = self.bindings(module).get(first)
        if binding is None:
            return self._through_star_imports(module, dotted, hops)
        if isinstance(binding, FunctionFact):
            return Symbol(SymbolKind.FUNCTION, module, first, f"{module}.{first}", rest)
        if isinstance(binding, ClassFact):
            return Symbol(SymbolKind.CLASS, module, first, f"{module}.{first}", rest)
        if isinstance(binding, AssignmentFact):
            if isinstance(binding.value, NameRef) and binding.value.dotted != first:
                target = binding.value.dotted + (f".{rest}" if rest else "")
                return self.resolve(module, target, hops + 1)
            return Symbol(SymbolKind.ASSIGNMENT, module, first, f"{module}.{first}", rest)
        if isinstance(binding, ImportFact):
            return self._through_import(binding, rest, hops)
        return UNKNOWN_SYMBOL

    def _through_import(self, fact: ImportFact, rest: str, hops: int) -> Symbol:
        if fact.name is None:  # ``import a.b`` binds ``a``; ``import a.b as c`` binds a.b
            base = fact.module if fact.bound != fact.module.split(".")[0] else fact.bound
        else:
            base = f"{fact.module}.{fact.name}" if fact.module else fact.name
        return self.resolve_qualified(base + (f".{rest}" if rest else ""), hops + 1)

    def resolve_qualified(self, qualified: str, hops: int = 0) -> Symbol:
        """``a.b.c``: the longest first-party module prefix, then names inside it."""
        parts = qualified.split(".")
        for cut in range(len(parts), 0, -1):
            module = self.project.canonical_module_name(".".join(parts[:cut]))
            if self.project.module(module) is not None:
                remainder = ".".join(parts[cut:])
                if not remainder:
                    return Symbol(SymbolKind.MODULE, module, "", module)
                return self.resolve(module, remainder, hops + 1)
        if self.project.is_first_party(parts[0]) and self.project.module_exists(parts[0]):
            return UNKNOWN_SYMBOL  # first-party but not resolvable (namespace, missing)
        return Symbol(SymbolKind.EXTERNAL, "", "", qualified)

    def _through_star_imports(self, module: str, dotted: str, hops: int) -> Symbol:
        facts = self.project.module(module)
        if facts is None or not facts.has_star_import:
            return UNKNOWN_SYMBOL
        for fact in facts.imports:
            if fact.name == "*" and fact.context is not ImportContext.FUNCTION:
                target = self.project.canonical_module_name(fact.module)
                if self.project.module(target) is not None:
                    found = self.resolve(target, dotted, hops + 1)
                    if found.known:
                        return found
        return UNKNOWN_SYMBOL


def _module_bindings(facts: ModuleFacts | None) -> dict[str, object]:
    """Module-level bindings in source order; a later binding replaces an earlier one."""
    if facts is None:
        return {}
    ordered: list[tuple[int, int, str, object]] = []
    for fact in facts.imports:
        if fact.context is not ImportContext.FUNCTION and fact.bound != "*":
            ordered.append((fact.span.line, 0 if fact.context is ImportContext.MODULE else 1,
                            fact.bound, fact))
    for function in facts.functions:
        if function.is_module_level:
            ordered.append((function.span.line, 0, function.name, function))
    for cls in facts.classes:
        if cls.is_module_level:
            ordered.append((cls.span.line, 0, cls.name, cls))
    for assignment in facts.assignments:
        if not assignment.scope and not assignment.function and assignment.key is None \
                and "." not in assignment.target and not assignment.augmented:
            ordered.append((assignment.span.line, 1 if assignment.conditional else 0,
                            assignment.target, assignment))
    bindings: dict[str, object] = {}
    # Conditional bindings first, then unconditional ones over them; in each group the
    # later line wins, as it would at run time.
    for _, _, name, binding in sorted(ordered, key=lambda item: (-item[1], item[0])):
        bindings[name] = binding
    return bindings
