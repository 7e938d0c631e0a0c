"""Runs a rule doc's examples: the doc is the rule's specification and its test.

Blocks with ``title="path"`` are written into a temporary project; expected
findings are marked on their line (``# error: [CEL701]``) or listed in an
``expect`` block (``Procfile:1: warning: [CEL401]``) for files that cannot
carry comments. The rule alone is run, and the findings must match exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from celerylint.docs import Example, RuleDoc

MARKER = re.compile(r"#\s*(?P<severity>error|warning|info):\s*\[(?P<codes>[^\]]+)\]")
EXPECT_LINE = re.compile(
    r"^(?P<path>[^:\s]+):(?P<line>\d+):\s*(?P<severity>error|warning|info):\s*\[(?P<codes>[^\]]+)\]"
)


@dataclass(frozen=True, order=True)
class ExpectedFinding:
    path: str
    line: int
    code: str
    severity: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: [{self.code}]"


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def expected_findings(example: Example) -> set[ExpectedFinding]:
    expected: set[ExpectedFinding] = set()
    for block in example.blocks:
        if block.language == "expect":
            for raw in block.text.splitlines():
                match = EXPECT_LINE.match(raw.strip())
                if match:
                    for code in _codes(match["codes"]):
                        expected.add(ExpectedFinding(match["path"], int(match["line"]), code,
                                                     match["severity"]))
            continue
        if block.title is None:
            continue
        for number, line in enumerate(block.text.splitlines(), start=1):
            for match in MARKER.finditer(line):
                for code in _codes(match["codes"]):
                    expected.add(ExpectedFinding(block.title, number, code, match["severity"]))
    return expected


def write_example(example: Example, directory: Path) -> None:
    for block in example.blocks:
        if block.title is None:
            continue
        target = directory / block.title
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as handle:
            handle.write(block.text)


def run_example(doc: RuleDoc, example: Example, directory: Path) -> set[ExpectedFinding]:
    """The findings of ``doc``'s rule (only) on the example project."""
    from celerylint import api
    from celerylint.settings import Settings

    write_example(example, directory)
    settings = Settings(root=directory, paths=(directory,), select=(doc.code,), use_cache=False)
    result = api.run(settings)
    if result.internal_errors:
        raise AssertionError("\n".join(result.internal_errors))
    return {
        ExpectedFinding(f.path, f.line, f.code, f.severity.value)
        for f in result.findings
        if f.code == doc.code
    }


def check_example(doc: RuleDoc, example: Example, directory: Path) -> list[str]:
    """Human-readable differences between expected and actual findings (empty = pass)."""
    expected = {e for e in expected_findings(example) if e.code == doc.code}
    actual = run_example(doc, example, directory)
    problems = [f"missing: {e}" for e in sorted(expected - actual)]
    problems += [f"unexpected: {a}" for a in sorted(actual - expected)]
    return problems
