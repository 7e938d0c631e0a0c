"""GitLab Code Quality JSON, shown in merge request widgets and diffs.

GitLab identifies an issue by its fingerprint across pipelines, so the
line-independent fingerprint is used, numbered to keep repeats distinct.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from celerylint.findings import Finding, Severity
from celerylint.report.context import ReportContext
from celerylint.report.fingerprints import numbered_fingerprints
from celerylint.report.sanitize import masked_strings


class CodeQualitySeverity(str, Enum):
    """GitLab's scale; celerylint uses the middle of it and keeps the extremes free."""

    INFO = "info"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    BLOCKER = "blocker"


SEVERITIES = {
    Severity.ERROR: CodeQualitySeverity.MAJOR,
    Severity.WARNING: CodeQualitySeverity.MINOR,
    Severity.INFO: CodeQualitySeverity.INFO,
}


def render(context: ReportContext) -> str:
    issues = [
        _issue(finding, fingerprint, context)
        for finding, fingerprint in zip(context.findings, numbered_fingerprints(context))
    ]
    return json.dumps(masked_strings(issues), indent=2) + "\n"


def _issue(finding: Finding, fingerprint: str, context: ReportContext) -> dict[str, Any]:
    return {
        "description": f"{finding.code} [{finding.name}] {finding.message}",
        "check_name": finding.code,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[finding.severity].value,
        "location": {
            "path": context.repository_path(finding),
            "lines": {"begin": finding.line, "end": finding.end_line},
        },
    }
