"""One finding per place and subject, when several deployments share a line.

A line can run in several deployments: a compose base file used alone and with an
override, or a script line outside the ``if`` whose arms are modes.  The first
deployment (in name order) to report it names it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from celerylint.findings import Finding

__all__ = ["once_per_place"]


def once_per_place(findings: Iterable[Finding]) -> Iterator[Finding]:
    seen: set[tuple[str, int, int, tuple[str, ...]]] = set()
    for finding in findings:
        place = (finding.path, finding.line, finding.column, tuple(finding.subjects))
        if place not in seen:
            seen.add(place)
            yield finding
