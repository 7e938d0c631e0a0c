"""``--statistics``: how many findings each rule produced, most frequent first."""

from __future__ import annotations

from collections import Counter

from celerylint.report.context import ReportContext
from celerylint.report.sanitize import masked


def render_statistics(context: ReportContext) -> str:
    """``count CODE name`` lines, counts right-aligned; empty when nothing was found."""
    counts = Counter(finding.code for finding in context.findings)
    names = {finding.code: context.rule_for(finding).name for finding in context.findings}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max((len(str(count)) for _code, count in rows), default=0)
    return "".join(masked(f"{count:>{width}} {code} {names[code]}") + "\n" for code, count in rows)
