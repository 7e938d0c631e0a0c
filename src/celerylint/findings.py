"""The one shape every rule reports in, and the ordering that makes output diffable."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    """How loud a finding is. Values are the strings JSON output carries."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Applicability(str, enum.Enum):
    """Whether a fix keeps behaviour (safe) or changes it on purpose (unsafe)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace the text between two 1-based (line, column) positions; columns are 1-based."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True)
class Fix:
    message: str
    applicability: Applicability
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True, order=False)
class Finding:
    """A single problem at a place. Paths are project-relative with '/' separators."""

    code: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    end_line: int = 0
    end_column: int = 0
    fix_hint: str | None = None
    fix: Fix | None = None
    # Names the finding is about (task, queue, setting...). Used for baseline
    # fingerprints so that a finding survives unrelated edits around it.
    subjects: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.end_line < self.line:
            object.__setattr__(self, "end_line", self.line)
        if self.end_line == self.line and self.end_column < self.column:
            object.__setattr__(self, "end_column", self.column)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)


def sorted_unique(findings: list[Finding]) -> list[Finding]:
    """Deterministic order (path, line, column, code, message) without duplicates."""
    seen: set[tuple[str, int, int, str, str]] = set()
    result: list[Finding] = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        if finding.sort_key in seen:
            continue
        seen.add(finding.sort_key)
        result.append(finding)
    return result
