"""Settings as a settings module composes them across files, read without running them.

A Django or Celery settings module is rarely one file. It star-imports a base
(``from .base import *``) and assigns over it, includes components with
django-split-settings (``include("components/*.py", optional("local.py"))``),
or is a class (django-configurations' ``class Prod(Base)``, or a plain class
given to ``config_from_object``) whose attributes come from its bases. Each of
these is replayed here in execution order, so that the last assignment of a
name is the one that wins, and every value keeps the file and line where it is
written.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from celerylint.project.evaluate import Evaluator
from celerylint.project.symbols import SymbolKind, SymbolTable
from celerylint.source.facts import (
    AssignmentFact,
    BinOpValue,
    CallFact,
    CallValue,
    ClassFact,
    Const,
    DictValue,
    ImportContext,
    ImportFact,
    ModuleFacts,
    NameRef,
    SequenceValue,
    Value,
)

if TYPE_CHECKING:
    from celerylint.project.model import Project

MAX_DEPTH = 8
SPLIT_INCLUDE = {"split_settings.tools.include", "split_settings.include"}
SPLIT_OPTIONAL = {"split_settings.tools.optional", "split_settings.optional"}
CONFIGURATION_BASES = {"configurations.Configuration", "configurations.base.Configuration"}


@dataclass(frozen=True)
class ComposedAssignment:
    """One assignment that takes part in a composed settings namespace (in-place
    changes such as ``X += [...]`` and ``X["k"] = v`` included: consumers decide)."""

    facts: ModuleFacts  # the file where it is written
    assignment: AssignmentFact
    conditional: bool  # the assignment, or the import/include that reached it, may not run
    # ``X = NAME`` where NAME is bound by an earlier file of the same namespace (a
    # split-settings include sees the names of the files included before it).
    value_from: ComposedAssignment | None = None

    @property
    def value(self) -> Value:
        return (self.value_from or self).assignment.value

    @property
    def value_module(self) -> str:
        """The module to evaluate ``value`` in."""
        return (self.value_from or self).facts.module


@dataclass(frozen=True)
class IncludePattern:
    pattern: str  # as written, relative to the including file
    optional: bool


@dataclass
class SettingsComposer:
    """Replays star imports, split-settings includes and class inheritance."""

    project: Project
    symbols: SymbolTable
    evaluator: Evaluator
    # Includes whose file list could not be read statically: "path:line", for notes.
    unread_includes: list[str] = field(default_factory=list)

    # -- modules -------------------------------------------------------------------------
    def module_assignments(self, module: str) -> list[ComposedAssignment]:
        """Module-level assignments of ``module`` and of what it pulls in, in run order."""
        facts = self.project.module(self.project.canonical_module_name(module))
        if facts is None:
            return []
        return self._replay(facts, set(), {}, 0, False)

    def _replay(self, facts: ModuleFacts, included: set[str],
                namespace: dict[str, ComposedAssignment], depth: int,
                conditional: bool) -> list[ComposedAssignment]:
        """One namespace's assignments in run order; ``included`` and ``namespace`` are
        shared with the files split-settings includes into it."""
        if depth > MAX_DEPTH:
            return []
        result: list[ComposedAssignment] = []

        def add(composed: ComposedAssignment) -> None:
            result.append(composed)
            if composed.assignment.key is None and not composed.assignment.augmented:
                namespace[composed.assignment.target] = composed

        for _, event in sorted(self._events(facts), key=lambda item: item[0]):
            if isinstance(event, AssignmentFact):
                add(ComposedAssignment(facts, event, conditional or event.conditional,
                                       self._shared_value(facts, event, namespace)))
            elif isinstance(event, ImportFact):
                target = self.project.module(self.project.canonical_module_name(event.module))
                if target is not None:  # a guarded import of a file that exists succeeds
                    guarded = event.context is ImportContext.GUARDED
                    for composed in self._replay(target, set(), {}, depth + 1, conditional or (
                            event.conditional and not guarded)):
                        if not composed.assignment.target.startswith("_"):
                            add(composed)  # ``import *`` leaves private names behind
            else:
                for path in self._included_paths(facts, event):
                    if path in included:
                        continue  # split-settings includes a file once per namespace
                    included.add(path)
                    result.extend(self._replay(self.project.facts_by_path[path], included,
                                               namespace, depth + 1,
                                               conditional or event.conditional))
        return result

    def _shared_value(self, facts: ModuleFacts, assignment: AssignmentFact,
                      namespace: dict[str, ComposedAssignment]) -> ComposedAssignment | None:
        value = assignment.value
        if not isinstance(value, NameRef) or "." in value.dotted or \
                value.dotted in self.symbols.bindings(facts.module):
            return None
        found = namespace.get(value.dotted)
        return (found.value_from or found) if found is not None else None

    def _events(self, facts: ModuleFacts) -> list[tuple[tuple[int, int], object]]:
        events: list[tuple[tuple[int, int], object]] = []
        for fact in facts.imports:
            if fact.name == "*" and fact.context in (ImportContext.MODULE, ImportContext.GUARDED):
                events.append(((fact.span.line, fact.span.column), fact))
        for assignment in facts.assignments:
            if not assignment.scope and not assignment.function and "." not in assignment.target:
                events.append(((assignment.span.line, assignment.span.column), assignment))
        for call in facts.calls:
            if not call.function and self._is_include(call, facts.module):
                events.append(((call.span.line, call.span.column), call))
        return events

    def _is_include(self, call: CallFact, module: str) -> bool:
        if not call.func.endswith("include"):
            return False
        return self.evaluator.qualified_callee(call.func, module) in SPLIT_INCLUDE

    # -- split-settings ----------------------------------------------------------------
    def _included_paths(self, facts: ModuleFacts, call: CallFact) -> list[str]:
        """Project files an ``include(...)`` call runs, in the order it runs them.

        A pattern that is not static (``"env/{}.py".format(ENV)``) is left out and
        noted; the patterns around it are still read.
        """
        patterns = self.include_patterns(call.call, facts.module)
        if any(p is None for p in patterns):
            self.unread_includes.append(f"{facts.path}:{call.span.line}")
        base = posixpath.dirname(facts.path)
        found: list[str] = []
        for written in patterns:
            if written is not None:
                wanted = posixpath.normpath(posixpath.join(base, written.pattern))
                found.extend(p for p in sorted(self.project.facts_by_path)
                             if _glob_match(p, wanted))
        return found

    def include_patterns(self, call: CallValue, module: str) -> list[IncludePattern | None]:
        """The file patterns of an ``include`` call; None for each one that is not static."""
        patterns: list[IncludePattern | None] = []
        for value in (*call.args, *call.starred):
            patterns.extend(self._patterns(value, module, False, 0))
        return patterns

    def _patterns(self, value: Value, module: str, optional: bool,
                  depth: int) -> list[IncludePattern | None]:
        if depth > MAX_DEPTH:
            return [None]
        if isinstance(value, Const) and isinstance(value.value, str):
            return [IncludePattern(value.value, optional)]
        if isinstance(value, CallValue) and len(value.args) == 1 and \
                self.evaluator.qualified_callee(value.func, module) in SPLIT_OPTIONAL:
            return self._patterns(value.args[0], module, True, depth + 1)
        if isinstance(value, SequenceValue):
            result = [p for item in value.items
                      for p in self._patterns(item, module, optional, depth + 1)]
            return [*result, None] if value.has_unpacking else result
        if isinstance(value, BinOpValue) and value.op == "+":
            return [*self._patterns(value.left, module, optional, depth + 1),
                    *self._patterns(value.right, module, optional, depth + 1)]
        if isinstance(value, NameRef) and "." not in value.dotted:
            binding = self.symbols.bindings(module).get(value.dotted)
            if isinstance(binding, AssignmentFact):
                return self._patterns(binding.value, module, optional, depth + 1)
        return [None]

    # -- classes -------------------------------------------------------------------------
    def class_assignments(self, module: str, class_name: str,
                          depth: int = 0) -> list[ComposedAssignment]:
        """Attributes of a settings class, bases first, so the class's own come last.

        Bases are replayed right to left, which gives the leftmost base precedence
        over later ones, as the MRO does for the usual mixin layouts.
        """
        found = self._class(module, class_name)
        if found is None or depth > MAX_DEPTH:
            return []
        facts, cls = found
        result: list[ComposedAssignment] = []
        for base in reversed(cls.bases):
            symbol = self.symbols.resolve(facts.module, base)
            if symbol.kind is SymbolKind.CLASS and not symbol.attribute:
                result.extend(self.class_assignments(symbol.module, symbol.name, depth + 1))
        for assignment in facts.assignments:
            if assignment.scope == cls.qualname and not assignment.function \
                    and "." not in assignment.target:
                result.append(ComposedAssignment(facts, assignment, assignment.conditional))
        return result

    def _class(self, module: str, class_name: str) -> tuple[ModuleFacts, ClassFact] | None:
        facts = self.project.module(self.project.canonical_module_name(module))
        if facts is None:
            return None
        cls = next((c for c in facts.classes if c.qualname == class_name), None)
        return (facts, cls) if cls is not None else None

    def is_configuration(self, module: str, class_name: str, depth: int = 0) -> bool:
        """Whether a class derives from django-configurations' ``Configuration``."""
        found = self._class(module, class_name)
        if found is None or depth > MAX_DEPTH:
            return False
        facts, cls = found
        for base in cls.bases:
            symbol = self.symbols.resolve(facts.module, base)
            if symbol.kind is SymbolKind.EXTERNAL and symbol.qualified in CONFIGURATION_BASES:
                return True
            if symbol.kind is SymbolKind.CLASS and not symbol.attribute and \
                    self.is_configuration(symbol.module, symbol.name, depth + 1):
                return True
        return False

    def configuration_classes(self, module: str) -> list[str]:
        """django-configurations classes a settings module defines, in file order."""
        facts = self.project.module(self.project.canonical_module_name(module))
        if facts is None:
            return []
        return [c.qualname for c in facts.classes
                if c.is_module_level and self.is_configuration(facts.module, c.qualname)]


def extends_previous(project: Project, path: str, value: Value, name: str) -> bool:
    """Whether a dict assigned to ``name`` unpacks ``name`` itself (``X = {**X, ...}``):
    it extends the value of the earlier file instead of replacing it. The facts only
    record that a dict unpacks something, so the source of the dict is read for what."""
    if not isinstance(value, DictValue) or not value.has_unpacking:
        return False
    data = project.read_bytes(path)
    lines = data.decode("utf-8", "replace").splitlines() if data is not None else []
    text = "\n".join(lines[value.span.line - 1:value.span.end_line])
    return re.search(rf"\*\*\s*{re.escape(name)}\b", text) is not None


def _glob_match(path: str, pattern: str) -> bool:
    """``glob`` semantics on project paths: ``*`` never crosses a ``/``."""
    path_parts, pattern_parts = path.split("/"), pattern.split("/")
    return len(path_parts) == len(pattern_parts) and all(
        fnmatch.fnmatchcase(p, q) for p, q in zip(path_parts, pattern_parts))
