"""Identities for findings that survive unrelated edits, for SARIF, GitLab and baselines.

A fingerprint hashes what the finding is about, never where it is: the rule,
the file, the reported source text with whitespace normalised, and the
finding's ``subjects``. Inserting lines above a finding, or re-indenting it,
keeps its fingerprint; editing the reported code changes it. The source text
is masked before hashing so that no hash is derived from a password.
"""

from __future__ import annotations

import hashlib
import json
import re

from celerylint.findings import Finding
from celerylint.report.context import ReportContext
from celerylint.secrets import mask_secrets_in_text

FINGERPRINT_VERSION = "1"
_WHITESPACE = re.compile(r"\s+")


def fingerprint(finding: Finding, context: ReportContext) -> str:
    """A 32-hex-digit identity of ``finding`` that does not depend on its line number.

    When the file cannot be read the message stands in for the source text.
    Identical findings on identical lines of one file share a fingerprint;
    :func:`numbered_fingerprints` tells them apart.
    """
    lines = context.source_lines(finding)
    content = [_normalised(line) for line in lines] if lines else [_normalised(finding.message)]
    payload = json.dumps(
        [FINGERPRINT_VERSION, finding.code, finding.path, content, list(finding.subjects)],
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()[:32]


def numbered_fingerprints(context: ReportContext) -> tuple[str, ...]:
    """``fingerprint:n`` for each finding, n counting repeats of the same fingerprint.

    Code scanning services merge results that share a fingerprint, so two
    identical findings in one file must still differ; numbering in report
    order keeps each stable as long as the repeats keep their order.
    """
    seen: dict[str, int] = {}
    numbered: list[str] = []
    for finding in context.findings:
        base = fingerprint(finding, context)
        seen[base] = seen.get(base, 0) + 1
        numbered.append(f"{base}:{seen[base]}")
    return tuple(numbered)


def _normalised(text: str) -> str:
    return _WHITESPACE.sub(" ", mask_secrets_in_text(text)).strip()
