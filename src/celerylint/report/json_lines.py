"""The JSON format's objects, one per line, so large reports can be streamed and grepped."""

from __future__ import annotations

import json

from celerylint.report.context import ReportContext
from celerylint.report.json_format import finding_to_dict


def render(context: ReportContext) -> str:
    return "".join(
        json.dumps(finding_to_dict(finding, context)) + "\n" for finding in context.findings
    )
