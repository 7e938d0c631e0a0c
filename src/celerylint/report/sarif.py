"""SARIF 2.1.0, as GitHub code scanning accepts it.

Paths are relative to the Git checkout under ``%SRCROOT%``; results carry a
``partialFingerprints`` entry that does not depend on line numbers, so an
alert stays the same alert when code moves. Only rules that produced a
result are described, in code order, and ``ruleIndex`` points into that list.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote

from celerylint.findings import Finding
from celerylint.project_links import homepage_url
from celerylint.report.context import ReportContext
from celerylint.report.fingerprints import FINGERPRINT_VERSION, numbered_fingerprints
from celerylint.report.locations import region
from celerylint.report.sanitize import masked_strings
from celerylint.report.sarif_rules import SARIF_LEVELS, rule_descriptor

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT_KEY = f"celerylint/v{FINGERPRINT_VERSION}"


def render(context: ReportContext) -> str:
    first_by_code: dict[str, Finding] = {}
    for finding in context.findings:
        first_by_code.setdefault(finding.code, finding)
    codes = sorted(first_by_code)
    rule_index = {code: index for index, code in enumerate(codes)}
    fingerprints = numbered_fingerprints(context)
    run = {
        "tool": {"driver": {
            "name": "celerylint",
            "version": context.version,
            "semanticVersion": context.version,
            **({"informationUri": url} if (url := homepage_url()) else {}),
            "rules": [rule_descriptor(context.rule_for(first_by_code[code]), context)
                      for code in codes],
        }},
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(finding, rule_index[finding.code], fingerprint, context)
            for finding, fingerprint in zip(context.findings, fingerprints)
        ],
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(masked_strings(log), indent=2) + "\n"


def artifact_uri(path: str) -> str:
    """The path's original bytes, percent-encoded: a name that is not UTF-8 stays exact."""
    return quote(os.fsencode(path), safe="/")


def _result(finding: Finding, index: int, fingerprint: str,
            context: ReportContext) -> dict[str, Any]:
    location = {"physicalLocation": {
        "artifactLocation": {"uri": artifact_uri(context.repository_path(finding)),
                             "uriBaseId": SOURCE_ROOT},
        "region": region(finding).as_sarif(),
    }}
    return {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": SARIF_LEVELS[finding.severity].value,
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
