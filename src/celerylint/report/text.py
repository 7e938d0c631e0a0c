"""Human output, like ruff's full format: a header, the source with carets, a help line.

```
proj/tasks.py:12:12: CEL303 [result-get-in-task] Task 'publish' waits for ...
  12 |     size = result.get(timeout=30)
     |            ^^^^^^^^^^^^^^^^^^^^^^
  help: Chain the tasks instead.

Found 1 problem (1 error) in 3 files.
```

Past 20 findings the summary also counts them per rule and says how to take them in
steps (``--statistics``, ``--select``, a baseline).
"""

from __future__ import annotations

from celerylint.findings import Finding
from celerylint.report.context import ReportContext
from celerylint.report.sanitize import masked
from celerylint.report.snippet import snippet_lines
from celerylint.report.summary import first_screen_lines, summary_line

__all__ = ["finding_header", "render", "summary_line"]


def finding_header(finding: Finding, context: ReportContext) -> str:
    """``path:line:col: CODE [name] message``, masked: the one-line form of a finding."""
    location = f"{context.display_path(finding)}:{finding.line}:{finding.column}"
    return masked(f"{location}: {finding.code} [{finding.name}] {finding.message}")


def render(context: ReportContext) -> str:
    blocks = [_finding_block(finding, context) for finding in context.findings]
    blocks.append([summary_line(context), *first_screen_lines(context)])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _finding_block(finding: Finding, context: ReportContext) -> list[str]:
    lines = [finding_header(finding, context)]
    if context.show_source:
        lines.extend(snippet_lines(finding, context))
    if finding.fix_hint:
        lines.append(f"  help: {masked(finding.fix_hint)}")
    return lines
