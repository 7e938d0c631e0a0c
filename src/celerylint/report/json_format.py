"""ruff-shaped JSON so existing tooling can read it; nothing else goes to stdout."""

from __future__ import annotations

import json
from typing import Any

from celerylint.findings import Finding
from celerylint.report.context import ReportContext
from celerylint.report.sanitize import masked_strings


def finding_to_dict(finding: Finding, context: ReportContext) -> dict[str, Any]:
    """One finding as ruff's JSON shape, every string in it masked."""
    fix = None
    if finding.fix is not None:
        fix = {
            "applicability": finding.fix.applicability.value,
            "message": finding.fix.message,
            "edits": [
                {"content": e.content, "location": {"row": e.line, "column": e.column},
                 "end_location": {"row": e.end_line, "column": e.end_column}}
                for e in finding.fix.edits
            ],
        }
    return masked_strings({
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
        "severity": finding.severity.value,
        "filename": context.display_path(finding),
        "location": {"row": finding.line, "column": finding.column},
        "end_location": {"row": finding.end_line, "column": finding.end_column},
        "fix": fix,
        "url": context.url_for(finding.code),
    })


def render(context: ReportContext) -> str:
    payload = [finding_to_dict(f, context) for f in context.findings]
    return json.dumps(payload, indent=2, sort_keys=False) + "\n"
