"""The one place findings are silenced: noqa comments, skipped files, per-file ignores.

Rules never look at suppression comments. A blanket ``# noqa`` (no codes) is
deliberately not honoured: it belongs to other linters and would hide ours.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from celerylint.findings import Finding
from celerylint.source.facts import ModuleFacts

# Codes of other linters may share the directive (``noqa: E501, CEL701``); only ours count.
NOQA = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*[,\s]\s*[A-Z]+[0-9]+)*)",
                  re.IGNORECASE)
CODE = re.compile(r"\bCEL\d{3}\b", re.IGNORECASE)
SKIP_FILE = re.compile(r"^\s*#\s*celerylint\s*:\s*noqa\s*$", re.IGNORECASE)
SKIP_FILE_HEAD_LINES = 10


@dataclass(frozen=True)
class NoqaDirective:
    path: str
    line: int
    column: int
    codes: tuple[str, ...]


@dataclass
class FileSuppressions:
    skip_file: bool = False
    by_line: dict[int, NoqaDirective] = field(default_factory=dict)


def parse_noqa(text: str) -> tuple[str, ...] | None:
    match = NOQA.search(text)
    if match is None:
        return None
    return tuple(sorted({c.upper() for c in CODE.findall(match.group("codes"))}))


def suppressions_from_facts(facts: ModuleFacts) -> FileSuppressions:
    """Python files: only real comments count, never text inside strings."""
    result = FileSuppressions(skip_file=facts.skip_file)
    for comment in facts.comments:
        codes = parse_noqa(comment.text)
        if codes:
            match = NOQA.search(comment.text)
            offset = match.start() if match else 0
            result.by_line[comment.line] = NoqaDirective(
                facts.path, comment.line, comment.column + offset, codes)
    return result


def suppressions_from_text(path: str, text: str) -> FileSuppressions:
    """Env, YAML, Procfile and other line-based files: ``# noqa: CODE`` anywhere on the line."""
    result = FileSuppressions()
    for number, line in enumerate(text.splitlines(), start=1):
        if number <= SKIP_FILE_HEAD_LINES and SKIP_FILE.match(line):
            result.skip_file = True
        match = NOQA.search(line)
        codes = parse_noqa(line)
        if match and codes:
            result.by_line[number] = NoqaDirective(path, number, match.start() + 1, codes)
    return result


def _selects(finding: Finding, selector: str) -> bool:
    """The registry's selector forms: a code or code prefix, a rule name, or ALL."""
    upper = selector.strip().upper()
    if upper == "ALL" or selector.strip() == finding.name:
        return True
    return upper.startswith("CEL") and finding.code.startswith(upper)


def _per_file_ignored(finding: Finding, per_file: Sequence[tuple[str, tuple[str, ...]]]) -> bool:
    file_name = finding.path.rsplit("/", 1)[-1]
    for pattern, codes in per_file:
        matches = fnmatch.fnmatch(finding.path, pattern) or fnmatch.fnmatch(file_name, pattern)
        if matches and any(_selects(finding, c) for c in codes):
            return True
    return False


@dataclass
class SuppressionResult:
    kept: list[Finding]
    suppressed: list[Finding]
    used: set[tuple[str, int, str]]  # (path, line, code) of noqa codes that matched
    directives: list[NoqaDirective]


def apply_suppressions(
    findings: Iterable[Finding],
    lookup: Callable[[str], FileSuppressions | None],
    per_file_ignores: Sequence[tuple[str, tuple[str, ...]]] = (),
) -> SuppressionResult:
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    used: set[tuple[str, int, str]] = set()
    seen_files: dict[str, FileSuppressions | None] = {}
    for finding in findings:
        if finding.path not in seen_files:
            seen_files[finding.path] = lookup(finding.path)
        file_suppressions = seen_files[finding.path]
        if _per_file_ignored(finding, per_file_ignores):
            suppressed.append(finding)
            continue
        if file_suppressions is not None:
            if file_suppressions.skip_file:
                suppressed.append(finding)
                continue
            directive = file_suppressions.by_line.get(finding.line)
            if directive is not None and finding.code in directive.codes:
                used.add((finding.path, finding.line, finding.code))
                suppressed.append(finding)
                continue
        kept.append(finding)
    directives = [d for fs in seen_files.values() if fs for d in fs.by_line.values()]
    return SuppressionResult(kept, suppressed, used, directives)
