"""Which findings a topology box should show, matched by subject name or by location.

Rules name what a finding is about in ``Finding.subjects`` (a task name, a
queue, a beat entry key); that is the primary match, limited to the rule
families that speak about that kind of box (a compose service called
``payments`` is not the queue ``payments``).  Boxes that stand for a place
rather than a name (a beat entry's dict, a worker's service) also collect
findings reported inside that place.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from celerylint.findings import Finding, Severity

DASHED_CODES = frozenset({"CEL302"})  # the task exists, but no worker will run it
# Rule families (code prefixes) that speak about each kind of box.
TASK_FAMILIES = ("CEL2", "CEL3")
QUEUE_FAMILIES = ("CEL4",)
BEAT_FAMILIES = ("CEL5",)
APP_FAMILIES = ("CEL1", "CEL4", "CEL5")


@dataclass(frozen=True)
class NodeProblems:
    """Codes to print on a box, and whether it is drawn red or dashed."""

    codes: frozenset[str] = frozenset()
    problem: bool = False
    dashed: bool = False
    warning: bool = False

    def as_style(self) -> dict[str, Any]:
        return {"codes": self.codes, "problem": self.problem, "dashed": self.dashed,
                "warning": self.warning}


class ProblemIndex:
    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        self._by_subject: dict[str, list[Finding]] = {}
        for finding in self.findings:
            for subject in finding.subjects:
                self._by_subject.setdefault(subject, []).append(finding)

    def named(self, subject: str, families: tuple[str, ...]) -> NodeProblems:
        """Findings about ``subject`` from rules whose code starts with one of ``families``."""
        return _summarise([f for f in self._by_subject.get(subject, [])
                           if f.code.startswith(families)])

    def located(self, path: str, first_line: int, last_line: int, *,
                subject: str | None = None, families: tuple[str, ...] = (),
                drawn_on: tuple[Collection[str], tuple[str, ...]] = ((), ())) -> NodeProblems:
        """Findings reported between two lines of ``path`` (and about ``subject``, if given).

        ``drawn_on`` (names, families) leaves out findings already drawn on
        another box: CEL401 is reported at a worker's command line, but it is
        about a queue, and ``named(queue, families)`` shows it there.
        """
        names, elsewhere = drawn_on
        chosen = [f for f in self.findings
                  if f.path == path and first_line <= f.line <= last_line
                  and not (f.code.startswith(elsewhere) and any(s in names for s in f.subjects))]
        if subject is not None:
            chosen += [f for f in self._by_subject.get(subject, [])
                       if f not in chosen and f.code.startswith(families)]
        return _summarise(chosen)


def merged(found: Sequence[NodeProblems]) -> NodeProblems:
    """Several boxes' findings on the one box that stands for them all."""
    codes = frozenset().union(*(f.codes for f in found)) if found else frozenset()
    problem = any(f.problem for f in found)
    return NodeProblems(codes, problem, any(f.dashed for f in found),
                        any(f.warning for f in found) and not problem)


def _summarise(findings: Sequence[Finding]) -> NodeProblems:
    codes = frozenset(f.code for f in findings)
    red = {f.code for f in findings if f.severity is Severity.ERROR} - DASHED_CODES
    warned = any(f.severity is Severity.WARNING for f in findings)
    return NodeProblems(codes, bool(red), bool(codes & DASHED_CODES), warned and not red)


__all__ = [
    "APP_FAMILIES",
    "BEAT_FAMILIES",
    "DASHED_CODES",
    "QUEUE_FAMILIES",
    "TASK_FAMILIES",
    "NodeProblems",
    "ProblemIndex",
    "merged",
]
