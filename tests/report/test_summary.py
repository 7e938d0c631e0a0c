"""The first screen: past 20 findings the text summary counts them per rule and says how
to take a big project in steps (issue 14 item 4)."""

from __future__ import annotations

import pytest
from tests.report.builders import ContextFactory, clear_password, result_get

from celerylint.report.summary import FIRST_SCREEN, RULES_SHOWN, first_rule_to_read
from celerylint.report.text import render


def _tail(text: str) -> list[str]:
    return text.split("Found ", 1)[1].splitlines()


def test_a_small_run_ends_with_one_line(make_context: ContextFactory) -> None:
    findings = [result_get(line) for line in range(1, FIRST_SCREEN + 1)]
    assert _tail(render(make_context(findings, show_source=False))) == [
        "20 problems (20 errors) in 3 files."]


def test_a_big_run_counts_per_rule_and_gives_the_way_in(make_context: ContextFactory) -> None:
    findings = [clear_password(line=n) for n in range(1, 16)]
    findings += [result_get(line) for line in range(1, 7)]
    lines = _tail(render(make_context(findings, show_source=False)))
    assert lines[:3] == ["21 problems (6 errors, 15 warnings) in 3 files.",
                         "  15 CEL501 clear-text-broker-password",
                         "   6 CEL303 result-get-in-task"]
    assert len(lines) == 4
    hint = lines[3]
    assert hint.startswith("21 findings: take them in steps.")
    for way in ("`--statistics`", "`--select CEL303`", "`--write-baseline FILE`",
                "`--baseline FILE`"):
        assert way in hint


def test_many_rules_are_cut_to_the_most_frequent(make_context: ContextFactory) -> None:
    findings = [result_get(code=f"CEL{900 + n}", name=f"rule-{n}", line=n)
                for n in range(FIRST_SCREEN + 1)]
    lines = _tail(render(make_context(findings, show_source=False)))
    assert len(lines) == 1 + RULES_SHOWN + 2
    assert lines[RULES_SHOWN + 1] == f"  … and {FIRST_SCREEN + 1 - RULES_SHOWN} findings of " \
        f"{FIRST_SCREEN + 1 - RULES_SHOWN} more rules"


def test_the_rule_to_read_first_is_the_most_precise_then_the_most_severe(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from celerylint.rules import precision

    findings = [clear_password(), clear_password(line=2), result_get()]
    assert first_rule_to_read(findings) == "CEL303"  # nothing measured: the error
    monkeypatch.setattr(precision, "measured_precision", lambda: {
        "CEL501": precision.Precision(1.0, 30, "2026-12-05"),
        "CEL303": precision.Precision(0.8, 30, "2026-12-05")})
    assert first_rule_to_read(findings) == "CEL501"
