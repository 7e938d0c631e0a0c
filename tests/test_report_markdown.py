"""The Markdown report: every part present, findings explained, diagrams valid, no secrets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import write_tree
from tests.diagram.mermaid_grammar import check_mermaid
from tests.diagram.shop_project import SECRETS, shop_result
from tests.golden.golden import (
    FIXTURE_NAMES,
    assert_matches_golden,
    fixture_result,
    pin_installed_celery,
)

from celerylint import api
from celerylint.api import RunResult
from celerylint.findings import Finding, Severity
from celerylint.report_markdown import celery_packages, render_report
from celerylint.settings import Settings

MERMAID_BLOCK = re.compile(r"```mermaid\n(.*?)```", re.DOTALL)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, str]:
    result = shop_result(tmp_path_factory.mktemp("report"))
    return result, render_report(result)


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]


def test_parts_in_reading_order(shop: tuple[RunResult, str]) -> None:
    _, text = shop
    titles = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert titles[:6] == ["Summary", "Recommended next steps", "Topology",
                          "Imports of the Celery packages", "Celery inventory of `shop_project`",
                          "Findings"]


def test_summary_counts_by_severity(shop: tuple[RunResult, str]) -> None:
    result, text = shop
    summary = _section(text, "Summary")
    errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
    assert f"| error | {errors} |" in summary
    assert f"| total | {len(result.findings)} |" in summary
    assert "| `CEL401` unconsumed-queue | error | 1 |" in summary


def test_next_steps_start_with_errors_and_carry_the_fix(shop: tuple[RunResult, str]) -> None:
    _, text = shop
    steps = re.findall(r"^\d\. (.+)$", _section(text, "Recommended next steps"), re.MULTILINE)
    assert steps[0].startswith("**")
    assert "(`CEL302`, error" in steps[0] or "(`CEL401`, error" in steps[0]
    assert any("Add 'stock' to a worker's -Q list" in step for step in steps)


def test_next_steps_put_the_most_precise_rules_first(
        shop: tuple[RunResult, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from celerylint.rules import precision

    result, _ = shop
    quiet = sorted({f.code for f in result.findings if f.severity is not Severity.ERROR})
    loud = sorted({f.code for f in result.findings if f.severity is Severity.ERROR})
    assert quiet and loud
    table = {code: precision.Precision(0.5, 10, "2026-12-05") for code in (*loud, *quiet)}
    table[quiet[0]] = precision.Precision(1.0, 40, "2026-12-05")
    monkeypatch.setattr(precision, "measured_precision", lambda: table)
    steps = re.findall(r"^\d\. (.+)$", _section(render_report(result), "Recommended next steps"),
                       re.MULTILINE)
    assert f"(`{quiet[0]}`, " in steps[0]
    assert "precision 100 % of 40 findings (2026-12-05)" in steps[0]
    # Among equally measured rules, the more severe comes first.
    assert any(f"(`{code}`, error, precision 50 %" in steps[1] for code in loud)


def test_findings_grouped_by_severity_with_why_and_fix(shop: tuple[RunResult, str]) -> None:
    _, text = shop
    findings = _section(text, "Findings")
    assert findings.index("### Errors") < findings.index("### Warnings") < \
        findings.index("### Info")
    block = findings[findings.index("#### `CEL401` unconsumed-queue"):]
    assert "**Why it matters at runtime.** Nothing errors" in block
    assert "- `docker-compose.yml:5:14`: Queue 'stock' receives" in block
    assert "  - **How to fix:** Add 'stock' to a worker's -Q list" in block
    assert "Rule documentation: `celerylint rule CEL401`" in block  # no metadata URL: no link


def test_diagrams_are_embedded_and_valid(shop: tuple[RunResult, str]) -> None:
    _, text = shop
    blocks = MERMAID_BLOCK.findall(text)
    assert len(blocks) == 2
    for block in blocks:
        assert check_mermaid(block) == []
    assert "Celery topology of shop_project" in blocks[0]
    assert "Imports of shop_project (scope: shop)" in blocks[1]


def test_no_secret_anywhere(shop: tuple[RunResult, str]) -> None:
    _, text = shop
    assert "****" in text and not [s for s in SECRETS if s in text]


def test_celery_packages_are_the_outermost_packages_with_tasks(shop: tuple[RunResult, str]) -> None:
    result, _ = shop
    assert celery_packages(result.project) == ("shop",)


def test_a_secret_in_a_message_is_masked_even_if_a_rule_forgot(
        shop: tuple[RunResult, str]) -> None:
    result, _ = shop
    leaky = Finding("CEL999", "leaky-rule", Severity.WARNING, "a.py", 1, 1,
                    "connects to redis://:leaked-pw@host:6379/0")
    text = render_report(RunResult([leaky], result.rules, result.project))
    assert "leaked-pw" not in text and "redis://:****@host:6379/0" in text


def test_a_clean_project_says_so(shop: tuple[RunResult, str]) -> None:
    result, _ = shop
    text = render_report(RunResult([], result.rules, result.project))
    assert "Nothing to fix." in text and "_No findings._" in text
    assert "| total | 0 |" in text


def test_the_report_notes_a_celery_major_mismatch(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    pin_installed_celery(monkeypatch, "5.4.0")
    root = write_tree(tmp_path / "old", {"requirements.txt": "celery>=4,<5\n", "a.py": ""})
    text = render_report(api.run(Settings(root=root, paths=(root,), use_cache=False)))
    versions = _section(text, "Celery inventory of `old`")
    assert "### Celery versions\n" in versions
    assert ("| major versions | differ: the project declares Celery 4.x but settings and "
            "schedules are checked against the installed Celery 5.x |") in versions


@pytest.mark.parametrize("fixture", FIXTURE_NAMES)
def test_report_matches_golden(fixture: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pin_installed_celery(monkeypatch)
    text = render_report(fixture_result(fixture))
    for block in MERMAID_BLOCK.findall(text):
        assert check_mermaid(block) == []
    assert_matches_golden(f"{fixture}_report.md", text)
