"""The closing lines of the human formats: the count, and on a big first run, the way in."""

from __future__ import annotations

from collections import Counter

from celerylint.findings import Finding, Severity
from celerylint.report.context import ReportContext

# Above this many findings a newcomer needs a way to take the project in steps.
FIRST_SCREEN = 20
RULES_SHOWN = 10  # the most frequent rules' counts; --statistics lists them all


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(context: ReportContext) -> str:
    """``Found 3 problems (2 errors, 1 warning) in 5 files.``, severities loudest first."""
    files = plural(context.files_checked, "file")
    if not context.findings:
        return f"All checks passed ({files})."
    counts = Counter(finding.severity for finding in context.findings)
    parts = ", ".join(_severity_count(counts[s], s) for s in Severity if counts[s])
    return f"Found {plural(len(context.findings), 'problem')} ({parts}) in {files}."


def _severity_count(count: int, severity: Severity) -> str:
    """``2 errors``, ``1 warning``, ``3 info``: "info" has no plural."""
    if severity is Severity.INFO:
        return f"{count} info"
    return plural(count, severity.value)


def first_screen_lines(context: ReportContext) -> list[str]:
    """On a run with more than a screenful of findings: the count of each rule, and one
    line saying how to take them in steps. Nothing on a smaller run."""
    if len(context.findings) <= FIRST_SCREEN:
        return []
    from celerylint.report.statistics import render_statistics

    rows = ["  " + line for line in render_statistics(context).splitlines()]
    if len(rows) > RULES_SHOWN:
        rest = rows[RULES_SHOWN:]
        found = sum(int(row.split()[0]) for row in rest)
        rows = [*rows[:RULES_SHOWN],
                f"  … and {plural(found, 'finding')} of {plural(len(rest), 'more rule')}"]
    start = first_rule_to_read(context.findings)
    return [*rows, (
        f"{len(context.findings)} findings: take them in steps. `--statistics` counts them "
        f"per rule, `--select {start}` shows one rule at a time (this one first: the most "
        "precise and severe), "
        "and `--write-baseline FILE` then `--baseline FILE` accepts the rest and reports "
        "only new ones.")]


def first_rule_to_read(findings: tuple[Finding, ...] | list[Finding]) -> str:
    """The code of the rule whose findings to read first (see ``triage_key``)."""
    from celerylint.rules.precision import triage_key

    counts = Counter(f.code for f in findings)
    severities = {f.code: f.severity.rank for f in findings}
    return min(counts, key=lambda code: triage_key(code, severities[code], counts[code]))
