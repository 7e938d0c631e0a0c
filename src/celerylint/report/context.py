"""What every reporter receives: findings plus what is needed to present them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from celerylint import REPOSITORY_URL, __version__
from celerylint.findings import Finding
from celerylint.rules.base import RuleMeta


@dataclass(frozen=True)
class ReportContext:
    findings: tuple[Finding, ...]
    rules: dict[str, RuleMeta]
    root: Path
    cwd: Path
    files_checked: int = 0
    doc_paths: dict[str, str] = field(default_factory=dict)  # code -> "rules/x/y.md"
    show_source: bool = True
    statistics: bool = False
    version: str = __version__

    def display_path(self, finding: Finding) -> str:
        """Relative to the current directory, '/' separators, as ruff prints paths."""
        absolute = self.root / finding.path
        try:
            relative = os.path.relpath(absolute, self.cwd)
        except ValueError:
            relative = str(absolute)
        return relative.replace(os.sep, "/")

    def url_for(self, code: str) -> str | None:
        doc = self.doc_paths.get(code)
        return f"{REPOSITORY_URL}/blob/main/{doc}" if doc else None

    def source_line(self, finding: Finding) -> str | None:
        try:
            with (self.root / finding.path).open("rb") as handle:
                for number, raw in enumerate(handle, start=1):
                    if number == finding.line:
                        return raw.decode("utf-8", "replace").rstrip("\r\n")
        except OSError:
            return None
        return None
