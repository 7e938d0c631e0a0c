"""Human output: ``path:line:col: CODE [name] message``, then a summary."""

from __future__ import annotations

from collections import Counter

from celerylint.findings import Severity
from celerylint.report.context import ReportContext
from celerylint.secrets import mask_secrets_in_text


def render(context: ReportContext) -> str:
    lines: list[str] = []
    for finding in context.findings:
        location = f"{context.display_path(finding)}:{finding.line}:{finding.column}"
        lines.append(f"{location}: {finding.code} [{finding.name}] {finding.message}")
        if finding.fix_hint:
            lines.append(f"  help: {finding.fix_hint}")
    lines.append(summary_line(context))
    return mask_secrets_in_text("\n".join(lines)) + "\n"


def summary_line(context: ReportContext) -> str:
    counts = Counter(f.severity for f in context.findings)
    if not context.findings:
        return f"All checks passed ({context.files_checked} files)."
    parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in Severity if counts[s]]
    total = len(context.findings)
    return f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) in {context.files_checked} files."
