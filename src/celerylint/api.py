"""The pipeline, in order: discover, extract, model, rules, suppress, scope, filter, baseline.

A newcomer reads ``run`` top to bottom and sees every stage. The CLI, the
diagram and inventory commands, and tests all enter here.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from celerylint.discovery import discover
from celerylint.findings import Finding, sorted_unique
from celerylint.project.model import Project
from celerylint.rule_scope import judge_scope
from celerylint.rules.base import ModuleRule, ProjectRule, Rule, RuleMeta
from celerylint.rules.registry import all_rules, select_rules
from celerylint.rules.tool.unused_suppression import (
    UnusedNoqa,
    may_carry_noqa,
    unused_noqa_findings,
)
from celerylint.settings import Settings, with_changes
from celerylint.source.cache_trust import untrusted_cache_reason
from celerylint.source.facts import ModuleFacts
from celerylint.source.pool import ExtractionStats, extract
from celerylint.source.templates import at_template_columns, template_notes
from celerylint.suppression import (
    FileSuppressions,
    NoqaDirective,
    SuppressionResult,
    apply_suppressions,
    suppressions_from_facts,
    suppressions_from_text,
)

if TYPE_CHECKING:
    from celerylint.baseline import Baseline, BaselineEntry
    from celerylint.progress import Progress

SuppressionLookup = Callable[[str], FileSuppressions | None]


@dataclass
class RunResult:
    findings: list[Finding]
    rules: dict[str, RuleMeta]  # every rule that ran, by code
    project: Project
    suppression: SuppressionResult | None = None
    notes: list[str] = field(default_factory=list)  # skipped inputs, for --verbose
    warnings: list[str] = field(default_factory=list)  # printed on every run
    internal_errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    failed_rules: set[str] = field(default_factory=set)  # codes whose rule crashed
    extraction: ExtractionStats | None = None
    baselined: int = 0  # findings the baseline accepted
    out_of_scope: int = 0  # hygiene findings about code no Celery process loads
    stale_baseline: list[BaselineEntry] = field(default_factory=list)

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


def build_project(settings: Settings, timings: dict[str, float] | None = None,
                  progress: Progress | None = None) -> Project:
    """Discovery, extraction and the model: everything before rules."""
    settings, _ = trusted_settings(settings)
    return _build_project(settings, timings if timings is not None else {}, progress)[0]


def trusted_settings(settings: Settings) -> tuple[Settings, list[str]]:
    """The settings with the cache off when the repository chose its directory, and why."""
    if settings.use_cache and (refused := untrusted_cache_reason(settings.root, settings)):
        return with_changes(settings, use_cache=False), [f"{refused}; running without the cache"]
    return settings, []


def _build_project(settings: Settings, timings: dict[str, float],
                   progress: Progress | None) -> tuple[Project, ExtractionStats]:
    timer = _Timer(timings)
    started = time.perf_counter()
    inventory = discover(settings.root, settings.all_excludes, settings.source_roots)
    started = timer.phase("discovery", started)
    extraction = extract(settings, inventory, timer.timings, progress)
    timer.phase("extraction", started)
    return Project(settings, inventory, extraction.facts), extraction.stats


def _run_rule(rule: Rule, project: Project) -> Iterator[Finding]:
    if isinstance(rule, ProjectRule):
        yield from rule.check_project(project)
    if isinstance(rule, ModuleRule):
        for facts in project.python_facts():
            yield from rule.check_module(facts, project)


def _suppressions_lookup(project: Project) -> SuppressionLookup:
    """Each file's noqa comments, read once per run."""
    known: dict[str, FileSuppressions | None] = {}

    def lookup(path: str) -> FileSuppressions | None:
        if path not in known:
            facts: ModuleFacts | None = project.facts_by_path.get(path)
            if facts is not None and facts.parse_failure is None:
                known[path] = suppressions_from_facts(facts)
            else:
                data = project.read_bytes(path)
                known[path] = None if data is None else suppressions_from_text(
                    path, data.decode("utf-8", "replace"))
        return known[path]

    return lookup


def _all_directives(project: Project, lookup: SuppressionLookup) -> Iterator[NoqaDirective]:
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


def unused_suppressions(project: Project, suppression: SuppressionResult, result: RunResult,
                        lookup: SuppressionLookup) -> list[Finding]:
    """CEL002 findings, themselves subject to noqa and per-file ignores."""
    ran = {code: meta.name for code, meta in result.rules.items()
           if code not in result.failed_rules}
    findings = unused_noqa_findings(
        _all_directives(project, lookup), suppression.used, ran,
        {rule.code for rule in all_rules()}, _line_reader(project))
    return apply_suppressions(findings, lookup, project.settings.per_file_ignores).kept


def run_rules(project: Project, rules: Sequence[type[Rule]], result: RunResult) -> list[Finding]:
    """Every selected rule over the model; a crashing rule is reported, never fatal."""
    findings: list[Finding] = []
    for rule_class in rules:
        started = time.perf_counter()
        rule = rule_class()
        try:
            findings.extend(_run_rule(rule, project))
        except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the run
            result.failed_rules.add(rule.code)
            result.internal_errors.append(
                f"rule {rule.code} ({rule.name}) failed: {type(exc).__name__}: {exc}\n"
                + traceback.format_exc()
            )
        result.timings[f"rule {rule.code}"] = time.perf_counter() - started
    return findings


def import_rule_notes(project: Project) -> list[str]:
    """What the import rules could not judge: folders Python cannot import, and
    distributions whose import names are unknown."""
    from celerylint.rules.imports.resolution import unimportable_folder_notes as notes

    unknown = project.dependencies.unknown_note()
    return [*notes(project), *([unknown] if unknown else [])]


def deployment_notes(project: Project) -> list[str]:
    """Helm values the deployment files use but ``values.yaml`` does not answer."""
    from celerylint.project.deploy.deployment_files import deployment_notes as notes

    return notes(project)


def celery_version_notes(project: Project) -> list[str]:
    """Celery's rules changed across majors: say once when we judge by another one."""
    from celerylint.project.celery.celery_versions import celery_versions

    note = celery_versions(project.dependencies).mismatch_note
    return [note] if note else []


def settings_notes(project: Project) -> list[str]:
    """Which settings module the findings are for, and what of it could not be read."""
    from celerylint.project.celery.celery_model import celery_model

    configs = celery_model(project).configs.values()
    return sorted({note for config in configs for note in config.notes})


def run(
    settings: Settings,
    *,
    report_paths: Collection[str] | None = None,
    baseline: Baseline | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Analyse the whole project; report findings in ``report_paths`` (all when None)
    that the baseline does not accept. The model is always the whole project, so a
    file's findings do not depend on which other files are reported."""
    timings: dict[str, float] = {}
    settings, warnings = trusted_settings(settings)
    project, stats = _build_project(settings, timings, progress)
    rules = select_rules(settings.select, settings.extend_select, settings.ignore,
                         settings.preview)
    result = RunResult([], {r.code: r.meta() for r in rules}, project,
                       notes=[*project.inventory.notes, *(stats.notes if stats else ())],
                       timings=timings, extraction=stats, warnings=warnings)
    findings = at_template_columns(run_rules(project, rules, result), project)
    result.notes.extend(celery_version_notes(project))
    result.notes.extend(settings_notes(project))
    result.notes.extend(import_rule_notes(project))
    result.notes.extend(template_notes(project))
    result.notes.extend(deployment_notes(project))
    if "CEL302" in result.rules:  # say which workers the rule could not judge
        from celerylint.project.celery.celery_model import celery_model

        result.notes.extend(celery_model(project).unfollowed_worker_notes())
    started = time.perf_counter()
    lookup = _suppressions_lookup(project)
    suppression = apply_suppressions(findings, lookup, settings.per_file_ignores)
    judged = judge_scope(suppression.kept, {rule.code: rule() for rule in rules}, project)
    kept, result.out_of_scope = judged.kept, judged.out_of_scope
    if UnusedNoqa.code in result.rules:
        kept += unused_suppressions(project, suppression, result, lookup)
    result.suppression = suppression
    if report_paths is not None:
        wanted = frozenset(report_paths)
        kept = [finding for finding in kept if finding.path in wanted]
    if baseline is not None:
        kept = _apply_baseline(kept, baseline, result, report_paths)
    result.findings = sorted_unique(kept)
    timings["suppression"] = time.perf_counter() - started
    return result


def _apply_baseline(findings: list[Finding], baseline: Baseline, result: RunResult,
                    report_paths: Collection[str] | None) -> list[Finding]:
    from celerylint.baseline import match_baseline, project_fingerprinter

    ran = set(result.rules) - result.failed_rules
    scope = None if report_paths is None else frozenset(report_paths)

    def in_scope(path: str) -> bool:  # entries of files not reported cannot be stale
        return scope is None or path in scope

    match = match_baseline(findings, baseline, project_fingerprinter(result.project.root),
                           ran, in_scope)
    result.baselined = len(match.accepted)
    result.stale_baseline = match.stale
    return match.new
