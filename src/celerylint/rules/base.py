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
from celerylint.source.facts import ModuleFacts, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project

CODE_PATTERN = re.compile(r"^CEL[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class RuleMeta:
    code: str
    name: str
    severity: Severity
    summary: str
    old_names: tuple[str, ...] = ()
    default_enabled: bool = True


class Rule:
    """Common parts: identity, and a helper that builds findings with the rule's identity."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    old_names: ClassVar[tuple[str, ...]] = ()
    default_enabled: ClassVar[bool] = True

    @classmethod
    def meta(cls) -> RuleMeta:
        return RuleMeta(
            cls.code, cls.name, cls.severity, cls.summary, cls.old_names, cls.default_enabled
        )

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
