"""Findings under a header per file, like ruff's grouped format.

```
proj/tasks.py:
   3:1  CEL101 [missing-module] ...
  12:12 CEL303 [result-get-in-task] ...

Found 2 problems (2 errors) in 3 files.
```
"""

from __future__ import annotations

from celerylint.findings import Finding
from celerylint.report.context import ReportContext
from celerylint.report.sanitize import masked
from celerylint.report.summary import summary_line


def render(context: ReportContext) -> str:
    by_path: dict[str, list[Finding]] = {}
    for finding in context.findings:
        by_path.setdefault(finding.path, []).append(finding)
    blocks = [
        [masked(f"{context.display_path(group[0])}:"), *_group_lines(group)]
        for group in by_path.values()
    ]
    blocks.append([summary_line(context)])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _group_lines(findings: list[Finding]) -> list[str]:
    """Lines and columns padded to the group's widest, so codes line up."""
    line_width = max(len(str(finding.line)) for finding in findings)
    column_width = max(len(str(finding.column)) for finding in findings)
    return [
        masked(
            f"  {finding.line:>{line_width}}:{finding.column:<{column_width}} "
            f"{finding.code} [{finding.name}] {finding.message}"
        )
        for finding in findings
    ]
