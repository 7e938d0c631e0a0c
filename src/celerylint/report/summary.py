"""The closing line shared by the human formats."""

from __future__ import annotations

from collections import Counter

from celerylint.findings import Severity
from celerylint.report.context import ReportContext


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(context: ReportContext) -> str:
    """``Found 3 problems (2 errors, 1 warning) in 5 files.``, severities loudest first."""
    files = plural(context.files_checked, "file")
    if not context.findings:
        return f"All checks passed ({files})."
    counts = Counter(finding.severity for finding in context.findings)
    parts = ", ".join(_severity_count(counts[s], s) for s in Severity if counts[s])
    return f"Found {plural(len(context.findings), 'problem')} ({parts}) in {files}."


def _severity_count(count: int, severity: Severity) -> str:
    """``2 errors``, ``1 warning``, ``3 info``: "info" has no plural."""
    if severity is Severity.INFO:
        return f"{count} info"
    return plural(count, severity.value)
