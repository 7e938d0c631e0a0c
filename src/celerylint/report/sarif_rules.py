"""SARIF ``reportingDescriptor`` objects: what code scanning shows about each rule.

The texts come from the rule's doc: "What it does" is the full description,
"Why it matters at runtime" and the "Good" examples are the plain-text help, and
the whole doc is the Markdown help, so code scanning shows the rule without a link
(``helpUri`` is set only when the package metadata names a Documentation URL). A
rule without a doc still gets a valid descriptor built from its summary.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from celerylint.docs import CodeBlock, RuleDoc
from celerylint.findings import Severity
from celerylint.report.context import ReportContext
from celerylint.rules.base import RuleMeta

WHY_SECTION = "Why it matters at runtime"
WHAT_SECTION = "What it does"
FIX_SECTION = "Good"


class SarifLevel(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


SARIF_LEVELS = {
    Severity.ERROR: SarifLevel.ERROR,
    Severity.WARNING: SarifLevel.WARNING,
    Severity.INFO: SarifLevel.NOTE,
}


def rule_descriptor(meta: RuleMeta, context: ReportContext) -> dict[str, Any]:
    """The descriptor of one rule; strings are masked by the caller with the whole log."""
    doc = context.doc_for(meta.code)
    summary = meta.summary or (doc.summary if doc else "") or meta.name
    what = doc.sections.get(WHAT_SECTION, "").strip() if doc else ""
    help_text, help_markdown = _help(doc, summary)
    descriptor: dict[str, Any] = {
        "id": meta.code,
        "name": meta.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": what or summary},
        "help": {"text": help_text, "markdown": help_markdown},
    }
    url = context.url_for(meta.code)
    if url:
        descriptor["helpUri"] = url
    descriptor["defaultConfiguration"] = {"level": SARIF_LEVELS[meta.severity].value}
    if doc is not None:
        descriptor["properties"] = {"tags": [_family(doc)]}
    return descriptor


def _help(doc: RuleDoc | None, summary: str) -> tuple[str, str]:
    """(plain text, Markdown): why the rule matters, then the code to write instead."""
    if doc is None:
        return summary, summary
    why = doc.sections.get(WHY_SECTION, "").strip() or summary
    blocks = [
        block
        for example in doc.examples
        if example.section == FIX_SECTION
        for block in example.blocks
        if block.text.strip()
    ]
    markdown = doc.text.strip()
    if not blocks:
        return why, markdown
    text_parts = [why, "Use instead:", *(_block_text(block) for block in blocks)]
    return "\n\n".join(text_parts), markdown


def _block_text(block: CodeBlock) -> str:
    code = "\n".join(f"    {line}".rstrip() for line in block.text.rstrip("\n").split("\n"))
    return f"{block.title}:\n{code}" if block.title else code


def _family(doc: RuleDoc) -> str:
    """``calls`` for ``rules/calls/result-get-in-task.md``."""
    parts = doc.path.split("/")
    return parts[-2] if len(parts) >= 2 else "celerylint"
