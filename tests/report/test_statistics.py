"""``--statistics``: counts per rule, most frequent first, ties by code."""

from __future__ import annotations

from tests.report.builders import ContextFactory, clear_password, result_get

from celerylint.report.statistics import render_statistics


def test_counts_sorted_by_count_then_code(make_context: ContextFactory) -> None:
    findings = [clear_password(), *(result_get(line) for line in range(1, 11)),
                result_get(code="CEL100", name="unlisted-rule")]
    assert render_statistics(make_context(findings)) == (
        "10 CEL303 result-get-in-task\n"
        " 1 CEL100 unlisted-rule\n"
        " 1 CEL501 clear-text-broker-password\n"
    )


def test_no_findings_no_statistics(make_context: ContextFactory) -> None:
    assert render_statistics(make_context([])) == ""
