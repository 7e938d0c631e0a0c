"""What every reporter receives: findings plus what is needed to present them."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from celerylint import __version__
from celerylint.docs import RuleDoc
from celerylint.findings import Finding
from celerylint.project_links import rule_doc_url
from celerylint.regular_files import read_regular_bytes
from celerylint.rules.base import RuleMeta

# Python's own line breaks; str.splitlines would also split on form feeds and
# other separators and shift every line number after them.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class ReportContext:
    """Read-only input of a reporter; source files are read at most once per context.

    ``docs`` is None in normal runs: the rule docs are then loaded on first use,
    so formats that never show them (text, json) never read them.
    """

    findings: tuple[Finding, ...]
    rules: dict[str, RuleMeta]
    root: Path
    cwd: Path
    files_checked: int = 0
    doc_paths: dict[str, str] = field(default_factory=dict)  # code -> "rules/x/y.md"
    show_source: bool = True
    statistics: bool = False
    version: str = __version__
    docs: Mapping[str, RuleDoc] | None = None
    _file_lines: dict[str, tuple[str, ...] | None] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def display_path(self, finding: Finding) -> str:
        """Relative to the current directory, '/' separators, as ruff prints paths."""
        absolute = self.root / finding.path
        try:
            relative = os.path.relpath(absolute, self.cwd)
        except ValueError:
            relative = str(absolute)
        return relative.replace(os.sep, "/")

    def repository_path(self, finding: Finding) -> str:
        """The path relative to the enclosing Git checkout, for code scanning uploads.

        GitHub and GitLab match results to files by repository-relative path, and
        the analysed root may be a sub-folder of the checkout. Without a checkout
        the project-relative path is the best available answer.
        """
        return self._checkout_prefix + finding.path

    @cached_property
    def _checkout_prefix(self) -> str:
        return _checkout_prefix(self.root)

    def url_for(self, code: str) -> str | None:
        doc = self.doc_paths.get(code)
        return rule_doc_url(doc) if doc else None

    def doc_for(self, code: str) -> RuleDoc | None:
        """The rule's documentation, or None when the docs are not available."""
        if self.docs is not None:
            return self.docs.get(code)
        return _installed_docs().get(code)

    def rule_for(self, finding: Finding) -> RuleMeta:
        """The metadata of the rule that reported ``finding``, even if it did not 'run'."""
        meta = self.rules.get(finding.code)
        if meta is not None:
            return meta
        return RuleMeta(finding.code, finding.name, finding.severity, "")

    def source_line(self, finding: Finding) -> str | None:
        """The first reported line, without its line ending; None if unreadable."""
        lines = self.source_lines(finding)
        return lines[0] if lines else None

    def source_lines(self, finding: Finding) -> tuple[str, ...]:
        """Lines ``line..end_line`` of the finding's file, unmasked: mask before output."""
        lines = self._lines_of(finding.path)
        if lines is None or finding.line < 1:
            return ()
        return lines[finding.line - 1 : max(finding.end_line, finding.line)]

    def _lines_of(self, path: str) -> tuple[str, ...] | None:
        if path not in self._file_lines:
            try:
                data = read_regular_bytes(self.root / path)
            except OSError:
                self._file_lines[path] = None
            else:
                text = data.decode("utf-8", "replace")
                self._file_lines[path] = tuple(_LINE_BREAK.split(text))
        return self._file_lines[path]


def _checkout_prefix(root: Path) -> str:
    """``"sub/dir/"`` when ``root`` lies inside a Git checkout, else ``""``."""
    resolved = root.resolve()
    for candidate in (resolved, *resolved.parents):
        if (candidate / ".git").exists():
            relative = resolved.relative_to(candidate).as_posix()
            return "" if relative == "." else relative + "/"
    return ""


def _installed_docs() -> Mapping[str, RuleDoc]:
    """The shipped rule docs; a broken docs folder degrades output, never fails it."""
    from celerylint.docs import load_docs

    try:
        return load_docs()
    except (OSError, ValueError):
        return {}
