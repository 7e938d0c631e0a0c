"""The pipeline, in order: discover, extract, model, rules, suppress.

A newcomer reads ``run`` top to bottom and sees every stage. The CLI, the
diagram and inventory commands, and tests all enter here.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from celerylint.discovery import discover
from celerylint.findings import Finding, sorted_unique
from celerylint.project.model import Project
from celerylint.rules.base import ModuleRule, ProjectRule, Rule, RuleMeta
from celerylint.rules.registry import select_rules
from celerylint.settings import Settings
from celerylint.source.facts import ModuleFacts
from celerylint.source.pool import extract_all
from celerylint.suppression import (
    FileSuppressions,
    SuppressionResult,
    apply_suppressions,
    suppressions_from_facts,
    suppressions_from_text,
)


@dataclass
class RunResult:
    findings: list[Finding]
    rules: dict[str, RuleMeta]  # every rule that ran, by code
    project: Project
    suppression: SuppressionResult | None = None
    notes: list[str] = field(default_factory=list)  # skipped inputs, for --verbose
    internal_errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def files_checked(self) -> int:
        return len(self.project.files)


class _Timer:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings

    def phase(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - started
        return now


def build_project(settings: Settings, timings: dict[str, float] | None = None) -> Project:
    """Discovery, extraction and the model: everything before rules."""
    timer = _Timer(timings if timings is not None else {})
    started = time.perf_counter()
    inventory = discover(settings.root, settings.all_excludes, settings.source_roots)
    started = timer.phase("discovery", started)
    facts = extract_all(settings, inventory, timer.timings)
    timer.phase("extraction", started)
    return Project(settings, inventory, facts)


def _run_rule(rule: Rule, project: Project) -> Iterator[Finding]:
    if isinstance(rule, ProjectRule):
        yield from rule.check_project(project)
    if isinstance(rule, ModuleRule):
        for facts in project.python_facts():
            yield from rule.check_module(facts, project)


def _suppressions_lookup(project: Project):  # type: ignore[no-untyped-def]
    def lookup(path: str) -> FileSuppressions | None:
        facts: ModuleFacts | None = project.facts_by_path.get(path)
        if facts is not None:
            return suppressions_from_facts(facts)
        data = project.read_bytes(path)
        if data is None:
            return None
        return suppressions_from_text(path, data.decode("utf-8", "replace"))

    return lookup


def run_rules(project: Project, rules: Sequence[type[Rule]], result: RunResult) -> list[Finding]:
    """Every selected rule over the model; a crashing rule is reported, never fatal."""
    findings: list[Finding] = []
    for rule_class in rules:
        started = time.perf_counter()
        rule = rule_class()
        try:
            findings.extend(_run_rule(rule, project))
        except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the run
            result.internal_errors.append(
                f"rule {rule.code} ({rule.name}) failed: {type(exc).__name__}: {exc}\n"
                + traceback.format_exc()
            )
        result.timings[f"rule {rule.code}"] = time.perf_counter() - started
    return findings


def run(settings: Settings) -> RunResult:
    timings: dict[str, float] = {}
    project = build_project(settings, timings)
    rules = select_rules(settings.select, settings.extend_select, settings.ignore)
    result = RunResult([], {r.code: r.meta() for r in rules}, project,
                       notes=list(project.inventory.notes), timings=timings)
    findings = run_rules(project, rules, result)
    started = time.perf_counter()
    suppression = apply_suppressions(
        findings, _suppressions_lookup(project), settings.per_file_ignores
    )
    result.findings = sorted_unique(suppression.kept)
    result.suppression = suppression
    timings["suppression"] = time.perf_counter() - started
    return result
