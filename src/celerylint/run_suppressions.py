"""Suppression of one run's findings: each file's noqa comments, read once, and the
noqa comments that suppressed nothing (CEL002).

Python files' comments come from the rule cache's per-file record when it has one, so
an incremental run reads no unchanged file for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from celerylint.findings import Finding

if TYPE_CHECKING:
    from celerylint.project.model import Project
    from celerylint.suppression import FileSuppressions, NoqaDirective, SuppressionResult

SuppressionLookup = Callable[[str], "FileSuppressions | None"]


def suppressions_lookup(project: Project,
                        stored: SuppressionLookup | None = None) -> SuppressionLookup:
    """Each file's noqa comments, read once per run; ``stored`` (the rule cache's record
    of each Python file's) spares decoding the facts of files that did not change."""
    from celerylint.suppression import suppressions_from_facts, suppressions_from_text

    known: dict[str, FileSuppressions | None] = {}

    def lookup(path: str) -> FileSuppressions | None:
        if path not in known:
            found = stored(path) if stored is not None and path in project.facts_by_path \
                else None
            if found is not None:
                known[path] = found
                return found
            facts = project.facts_by_path.get(path)
            if facts is not None and facts.parse_failure is None:
                known[path] = suppressions_from_facts(facts)
            else:
                data = project.read_bytes(path)
                known[path] = None if data is None else suppressions_from_text(
                    path, data.decode("utf-8", "replace"))
        return known[path]

    return lookup


def _all_directives(project: Project, lookup: SuppressionLookup) -> Iterator[NoqaDirective]:
    from celerylint.rules.tool.unused_suppression import may_carry_noqa

    for path in project.files:
        if path in project.facts_by_path or may_carry_noqa(path):
            suppressions = lookup(path)
            if suppressions is not None and not suppressions.skip_file:
                yield from suppressions.by_line.values()


def _line_reader(project: Project) -> Callable[[str, int], str | None]:
    lines: dict[str, list[str]] = {}

    def line_of(path: str, number: int) -> str | None:
        if path not in lines:
            data = project.read_bytes(path)
            lines[path] = [] if data is None else data.decode("utf-8", "replace").splitlines()
        found = lines[path]
        return found[number - 1] if 0 < number <= len(found) else None

    return line_of


def unused_suppressions(project: Project, suppression: SuppressionResult,
                        ran: Mapping[str, str], lookup: SuppressionLookup) -> list[Finding]:
    """CEL002 findings, themselves subject to noqa and per-file ignores; ``ran`` names
    the rules that ran without crashing, by code."""
    from celerylint.rules.catalog import catalog
    from celerylint.rules.tool.unused_suppression import unused_noqa_findings
    from celerylint.suppression import apply_suppressions

    findings = unused_noqa_findings(
        _all_directives(project, lookup), suppression.used, ran,
        {rule.code for rule in catalog()}, _line_reader(project))
    return apply_suppressions(findings, lookup, project.settings.per_file_ignores).kept
