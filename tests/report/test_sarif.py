"""SARIF: valid against the official 2.1.0 schema and shaped as GitHub code scanning reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from tests.conftest import DOCS_URL, HOME_URL
from tests.report.builders import ContextFactory, clear_password, result_get

from celerylint.findings import Severity
from celerylint.report import sarif
from celerylint.report.fingerprints import fingerprint

# OASIS SARIF 2.1.0 errata01 schema (oasis-tcs/sarif-spec, sarif-2.1/schema/).
SCHEMA = json.loads((Path(__file__).parent / "sarif-2.1.0.json").read_text(encoding="utf-8"))
INFO_FINDING = result_get(7, column=5, end_column=16, severity=Severity.INFO,
                          code="CEL710", name="commented-out-code", message="Dead code.")


def schema_errors(log: dict[str, Any]) -> list[str]:
    validator_class = jsonschema.validators.validator_for(SCHEMA)
    validator = validator_class(SCHEMA, format_checker=validator_class.FORMAT_CHECKER)
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(log)]


def render(context_factory: ContextFactory, findings: list[Any], **changes: Any) -> Any:
    return json.loads(sarif.render(context_factory(findings, **changes)))


def test_schema_file_is_the_sarif_2_1_0_schema() -> None:
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    jsonschema.validators.validator_for(SCHEMA).check_schema(SCHEMA)


@pytest.mark.parametrize("findings", [[], [result_get()], [clear_password(), result_get(),
                                                           INFO_FINDING]])
def test_output_validates_against_the_schema(
    make_context: ContextFactory, findings: list[Any]
) -> None:
    assert schema_errors(render(make_context, findings)) == []


def test_the_validator_rejects_a_broken_log(make_context: ContextFactory) -> None:
    log = render(make_context, [result_get()])
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert len(schema_errors(log)) == 2


def test_driver_describes_only_the_rules_used(make_context: ContextFactory,
                                              project_urls: Any) -> None:
    project_urls({"homepage": HOME_URL})
    driver = render(make_context, [result_get(), INFO_FINDING])["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "celerylint", "0.1.0", HOME_URL)
    assert [rule["id"] for rule in driver["rules"]] == ["CEL303", "CEL710"]


def test_links_appear_only_when_the_metadata_names_them(make_context: ContextFactory,
                                                        project_urls: Any) -> None:
    """No guessed repository: without Project-URLs the log carries no link at all."""
    log = render(make_context, [result_get()])
    driver = log["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    assert "helpUri" not in driver["rules"][0]
    assert schema_errors(log) == []


def test_rule_descriptor_comes_from_meta_and_doc(make_context: ContextFactory,
                                                 project_urls: Any) -> None:
    project_urls({"documentation": DOCS_URL})
    context = make_context([result_get()])
    rule = json.loads(sarif.render(context))["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["name"] == "result-get-in-task"
    assert rule["shortDescription"] == {"text": "Waits for a task result inside a task"}
    assert rule["fullDescription"] == {
        "text": "Reports a task that waits for another task's result."}
    assert rule["helpUri"] == f"{DOCS_URL}/calls/result-get-in-task.md"
    assert rule["defaultConfiguration"] == {"level": "error"}
    doc = context.doc_for("CEL303")
    assert doc is not None
    assert rule["help"]["markdown"] == doc.text.strip()  # the whole doc, no link needed
    assert "## Good" in rule["help"]["markdown"] and "## Bad" in rule["help"]["markdown"]
    assert rule["help"]["text"] == (
        "The worker deadlocks when every slot waits.\n\nUse instead:\n\nproj/tasks.py:\n"
        "    chain(resize.s(1), announce.s()).apply_async()"
    )


def test_rule_without_doc_still_has_descriptions(make_context: ContextFactory) -> None:
    rule = render(make_context, [INFO_FINDING])["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["shortDescription"]["text"] == "Commented-out code"
    assert rule["help"] == {"text": "Commented-out code", "markdown": "Commented-out code"}
    assert "helpUri" not in rule
    assert rule["defaultConfiguration"] == {"level": "note"}


def test_results_point_at_rules_and_regions(make_context: ContextFactory) -> None:
    run = render(make_context, [clear_password(), result_get(), INFO_FINDING])["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    result = run["results"][1]
    assert rule_ids[result["ruleIndex"]] == result["ruleId"] == "CEL303"
    assert [r["level"] for r in run["results"]] == ["warning", "error", "note"]
    assert result["message"] == {"text": "Task 'publish' waits for the result of 'resize'."}
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "proj/tasks.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 6, "startColumn": 12, "endLine": 6, "endColumn": 50},
    }


def test_unknown_end_column_is_left_out(make_context: ContextFactory) -> None:
    result = render(make_context, [result_get(end_column=0)])["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 6, "startColumn": 12, "endLine": 6}


def test_uri_is_relative_to_the_git_checkout(tmp_path: Path, make_context: ContextFactory,
                                             project_root: Path) -> None:
    (tmp_path / ".git").mkdir()
    (project_root / "my dir").mkdir()
    log = render(make_context, [result_get(path="my dir/tasks.py")])
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "project/my%20dir/tasks.py"


def test_partial_fingerprints_use_the_line_independent_fingerprint(
    make_context: ContextFactory,
) -> None:
    context = make_context([result_get()])
    result = json.loads(sarif.render(context))["runs"][0]["results"][0]
    assert result["partialFingerprints"] == {
        "celerylint/v1": f"{fingerprint(result_get(), context)}:1"}
