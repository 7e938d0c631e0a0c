"""JUnit XML for CI test-report views: one test case per file with findings.

Each finding is a ``<failure>`` of its file's test case. A clean run is one
passing test case, so the report is never empty. ``failures`` counts failed
test cases, as JUnit consumers expect (``tests - failures`` passed).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from celerylint.findings import Finding
from celerylint.report.context import ReportContext
from celerylint.report.sanitize import xml_safe
from celerylint.report.summary import plural

SUITE_NAME = "celerylint"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def render(context: ReportContext) -> str:
    by_path: dict[str, list[Finding]] = {}
    for finding in context.findings:
        by_path.setdefault(finding.path, []).append(finding)
    tests = max(len(by_path), 1)
    counts = {"tests": str(tests), "failures": str(len(by_path)), "errors": "0"}
    suites = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": SUITE_NAME, **counts, "skipped": "0"})
    for findings in by_path.values():
        _file_case(suite, findings, context)
    if not by_path:
        ET.SubElement(suite, "testcase", {
            "name": xml_safe(f"{plural(context.files_checked, 'file')} checked"),
            "classname": SUITE_NAME,
        })
    ET.indent(suites)
    return XML_DECLARATION + ET.tostring(suites, encoding="unicode") + "\n"


def _file_case(suite: ET.Element, findings: list[Finding], context: ReportContext) -> None:
    path = xml_safe(context.display_path(findings[0]))
    case = ET.SubElement(suite, "testcase", {"name": path, "classname": SUITE_NAME,
                                             "file": path})
    for finding in findings:
        failure = ET.SubElement(case, "failure", {
            "message": xml_safe(f"{finding.code} [{finding.name}] {finding.message}"),
            "type": finding.code,
        })
        details = (f"{path}:{finding.line}:{finding.column}: "
                   f"{finding.code} [{finding.name}] {finding.message}")
        if finding.fix_hint:
            details += f"\nhelp: {finding.fix_hint}"
        failure.text = xml_safe(details)
