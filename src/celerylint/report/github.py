"""GitHub Actions workflow commands: each finding becomes an annotation on the PR diff.

``::error file=proj/tasks.py,line=12,col=12,endLine=12,endColumn=34,title=CEL303 name::text``

Escaping follows the Actions runner: ``%``, CR and LF in the message; those
plus ``:`` and ``,`` in property values, which would otherwise end the value.
"""

from __future__ import annotations

from enum import Enum

from celerylint.findings import Finding, Severity
from celerylint.report.context import ReportContext
from celerylint.report.locations import region
from celerylint.report.sanitize import terminal_safe
from celerylint.secrets import mask_secrets_in_text


class AnnotationCommand(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


COMMANDS = {
    Severity.ERROR: AnnotationCommand.ERROR,
    Severity.WARNING: AnnotationCommand.WARNING,
    Severity.INFO: AnnotationCommand.NOTICE,
}


def escape_data(text: str) -> str:
    """Masked message text, escaped so the runner reads it back unchanged."""
    escaped = mask_secrets_in_text(text).replace("%", "%25")
    return terminal_safe(escaped.replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """A masked property value; ``:`` and ``,`` would otherwise end it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, context: ReportContext) -> str:
    """One workflow command; the path is repository-relative, as annotations need."""
    where = region(finding)
    properties = [
        ("file", context.repository_path(finding)),
        ("line", str(where.line)),
        ("col", str(where.column)),
        ("endLine", str(where.end_line)),
    ]
    if where.end_column is not None:
        properties.append(("endColumn", str(where.end_column)))
    properties.append(("title", f"{finding.code} {finding.name}"))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMANDS[finding.severity].value} {rendered}::{escape_data(finding.message)}"


def render(context: ReportContext) -> str:
    return "".join(annotation(finding, context) + "\n" for finding in context.findings)
