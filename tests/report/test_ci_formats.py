"""GitHub annotations, JUnit XML and GitLab Code Quality."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from tests.report.builders import ContextFactory, clear_password, result_get

from celerylint.findings import Severity
from celerylint.report import github, gitlab, junit
from celerylint.report.fingerprints import numbered_fingerprints

INFO_FINDING = result_get(7, column=5, end_column=16, severity=Severity.INFO,
                          code="CEL710", name="commented-out-code", message="Dead code.")
FINDINGS = (clear_password(), result_get(), INFO_FINDING)

GITHUB = """\
::warning file=proj/settings.py,line=1,col=14,endLine=1,endColumn=46,title=CEL501 clear-text-broker-password::broker_url 'redis://:****@redis:6379/0' writes the password in code.
::error file=proj/tasks.py,line=6,col=12,endLine=6,endColumn=50,title=CEL303 result-get-in-task::Task 'publish' waits for the result of 'resize'.
::notice file=proj/tasks.py,line=7,col=5,endLine=7,endColumn=16,title=CEL710 commented-out-code::Dead code.
"""


def test_github_annotations(make_context: ContextFactory) -> None:
    assert github.render(make_context(FINDINGS)) == GITHUB


def test_github_escapes_data_and_properties(make_context: ContextFactory) -> None:
    finding = result_get(path="proj/a,b:c%.py", end_column=0,
                         message="100% sure:\r\nline two, \x1b[31mreally")
    assert github.render(make_context([finding])) == (
        "::error file=proj/a%2Cb%3Ac%25.py,line=6,col=12,endLine=6,"
        "title=CEL303 result-get-in-task::100%25 sure:%0D%0Aline two, \ufffd[31mreally\n"
    )


def test_github_prints_nothing_for_a_clean_run(make_context: ContextFactory) -> None:
    assert github.render(make_context([])) == ""


def test_junit_has_a_test_case_per_file_and_a_failure_per_finding(
    make_context: ContextFactory,
) -> None:
    root = ET.fromstring(junit.render(make_context(FINDINGS)))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == ["proj/settings.py", "proj/tasks.py"]
    assert [len(case.findall("failure")) for case in cases] == [1, 2]
    assert (root.get("tests"), root.get("failures")) == ("2", "2")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "2")
    failure = cases[1].findall("failure")[0]
    assert failure.get("type") == "CEL303"
    assert failure.get("message") == (
        "CEL303 [result-get-in-task] Task 'publish' waits for the result of 'resize'.")
    assert failure.text == (
        "proj/tasks.py:6:12: CEL303 [result-get-in-task] Task 'publish' waits for the "
        "result of 'resize'.\nhelp: Chain the tasks instead."
    )


def test_junit_clean_run_is_one_passing_test_case(make_context: ContextFactory) -> None:
    root = ET.fromstring(junit.render(make_context([])))
    cases = root.findall("./testsuite/testcase")
    assert [(case.get("name"), list(case)) for case in cases] == [("3 files checked", [])]
    assert (root.get("tests"), root.get("failures")) == ("1", "0")


def test_junit_escapes_markup_and_drops_characters_xml_cannot_carry(
    make_context: ContextFactory,
) -> None:
    finding = result_get(message="<script>&\x00\x1b</script>")
    output = junit.render(make_context([finding]))
    failure = ET.fromstring(output).find("./testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "CEL303 [result-get-in-task] <script>&\ufffd\ufffd</script>"


def test_gitlab_code_quality_fields(make_context: ContextFactory) -> None:
    context = make_context(FINDINGS)
    issues = json.loads(gitlab.render(context))
    assert [issue["severity"] for issue in issues] == ["minor", "major", "info"]
    assert [issue["fingerprint"] for issue in issues] == list(numbered_fingerprints(context))
    assert issues[1] == {
        "description": "CEL303 [result-get-in-task] Task 'publish' waits for the result of "
                       "'resize'.",
        "check_name": "CEL303",
        "fingerprint": issues[1]["fingerprint"],
        "severity": "major",
        "location": {"path": "proj/tasks.py", "lines": {"begin": 6, "end": 6}},
    }
    assert len({issue["fingerprint"] for issue in issues}) == 3


def test_gitlab_clean_run_is_an_empty_list(make_context: ContextFactory) -> None:
    assert json.loads(gitlab.render(make_context([]))) == []
