"""One line per finding, then the summary: for terminals, editors and grep."""

from __future__ import annotations

from celerylint.report.context import ReportContext
from celerylint.report.summary import summary_line
from celerylint.report.text import finding_header


def render(context: ReportContext) -> str:
    lines = [finding_header(finding, context) for finding in context.findings]
    lines.append(summary_line(context))
    return "\n".join(lines) + "\n"
