"""The two kinds of rule, and the metadata every rule declares.

A module rule sees one file's facts; a project rule sees the whole model.
Rules never read suppression comments: that happens once, after all rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from celerylint.findings import Finding, Fix, Severity
from celerylint.rule_inputs import RuleInput
from celerylint.source.facts import ModuleFacts, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project
    from celerylint.project.process_scope import ProcessScope

CODE_PATTERN = re.compile(r"^CEL[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

# What most project rules read: the facts of every Python file and every other file.
WHOLE_PROJECT = frozenset({RuleInput.PYTHON, RuleInput.OTHER_FILES})
# Also what git tracks and ignores.
WITH_GIT = WHOLE_PROJECT | {RuleInput.GIT}
# Also what Python source text says beyond the facts (module names in comments, ...).
WITH_PYTHON_TEXT = WHOLE_PROJECT | {RuleInput.PYTHON_TEXT}
# Nothing besides the settings, the file list and (for a module rule) its own file.
NO_OTHER_INPUTS: frozenset[RuleInput] = frozenset()
# What a module rule that looks up modules, names and declared dependencies reads.
IMPORT_LOOKUPS = frozenset({RuleInput.IMPORTS, RuleInput.OTHER_FILES})


@dataclass(frozen=True)
class RuleMeta:
    code: str
    name: str
    severity: Severity
    summary: str
    old_names: tuple[str, ...] = ()
    default_enabled: bool = True
    preview: bool = False
    hygiene: bool = False

    @property
    def status(self) -> str:
        """``preview`` or ``stable``, as ``rule --all``, the docs and the README show it."""
        return "preview" if self.preview else "stable"


class Rule:
    """Common parts: identity, and a helper that builds findings with the rule's identity."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    old_names: ClassVar[tuple[str, ...]] = ()
    default_enabled: ClassVar[bool] = True
    # Not yet measured at >= 95 % on the precision benchmark: runs only with --preview
    # (or ``preview = true``), or when selected by its exact code or name.
    preview: ClassVar[bool] = False
    # A general hygiene rule (imports, commented-out code, env files): by default it
    # judges only what a Celery process loads or reads; ``scope = "project"`` widens it.
    hygiene: ClassVar[bool] = False
    # What goes wrong in the process that loads the finding's module, for the sentence
    # the pipeline adds to an in-scope hygiene finding ("the worker fails at start-up").
    # ``{process}`` is replaced by the process kind (worker, beat).
    process_consequence: ClassVar[str] = ""
    # What the rule reads besides the settings, the file list and (for a module rule)
    # its own file: its findings are replayed while these are unchanged. None, the
    # default, means undeclared: the rule runs on every run.
    inputs: ClassVar[frozenset[RuleInput] | None] = None

    @classmethod
    def meta(cls) -> RuleMeta:
        return RuleMeta(
            cls.code, cls.name, cls.severity, cls.summary, cls.old_names, cls.default_enabled,
            cls.preview, cls.hygiene,
        )

    def judged_in_scope(self, finding: Finding, scope: "ProcessScope") -> bool:
        """Whether a hygiene finding is about something a Celery process loads or reads.

        The default asks about the finding's file; a rule whose findings are about
        something else (an env variable) overrides this."""
        return scope.covers_path(finding.path)

    def finding(
        self,
        path: str,
        span: Span,
        message: str,
        *,
        severity: Severity | None = None,
        fix_hint: str | None = None,
        fix: Fix | None = None,
        subjects: tuple[str, ...] = (),
    ) -> Finding:
        return Finding(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            path=path,
            line=max(span.line, 1),
            column=max(span.column, 1),
            end_line=span.end_line,
            end_column=span.end_column,
            message=message,
            fix_hint=fix_hint,
            fix=fix,
            subjects=subjects,
        )


class ModuleRule(Rule):
    """Sees one Python file's facts; may also read the project model for lookups."""

    def check_module(self, facts: ModuleFacts, project: "Project") -> Iterator[Finding]:
        raise NotImplementedError


class ProjectRule(Rule):
    """Sees the whole, read-only project model."""

    def check_project(self, project: "Project") -> Iterator[Finding]:
        raise NotImplementedError
