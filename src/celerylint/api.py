"""The pipeline, in order: discover, extract, model, rules, suppress, scope, filter, baseline.

A newcomer reads ``run`` top to bottom and sees every stage. The CLI, the
diagram and inventory commands, and tests all enter here.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from celerylint.discovery import (
    FileInventory,
    UnreadFile,
    discover,
    inventory_of,
    list_project_files,
)
from celerylint.findings import Finding, sorted_unique
from celerylint.rules.base import RuleMeta
from celerylint.settings import Settings, with_changes
from celerylint.source.cache_trust import untrusted_cache_reason
from celerylint.source.pool import Extraction, ExtractionStats

if TYPE_CHECKING:
    from celerylint.baseline import Baseline, BaselineEntry
    from celerylint.progress import Progress
    from celerylint.project.model import Project
    from celerylint.rule_cache import RuleCache
    from celerylint.rules.base import Rule
    from celerylint.rules.catalog import RuleSource
    from celerylint.run_cache import RunInputs, RunStore
    from celerylint.suppression import SuppressionResult


@dataclass
class RunResult:
    findings: list[Finding]
    rules: dict[str, RuleMeta]  # every rule that ran, by code
    project: Project | None  # None when the run was replayed from the cache
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
    files: int | None = None  # files checked, when there is no project (a replay)
    # What really ran: a replayed run is "replayed"; otherwise rule codes (and "CODE path"
    # for module rules) that were computed rather than replayed from the rule cache.
    recomputed: list[str] = field(default_factory=list)

    @property
    def files_checked(self) -> int:
        return len(self.project.files) if self.project is not None else self.files or 0


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


def _build_project(settings: Settings, timings: dict[str, float], progress: Progress | None,
                   inventory: FileInventory | None = None,
                   digests: Mapping[str, str] | None = None) -> tuple[Project, Extraction]:
    """The project over lazily decoded facts; ``digests`` (the run cache's file hashes)
    spare reading the files whose facts are cached, and ask for each parsed file's rule
    input digests, made where it is parsed (``rule_inputs.file_digests``)."""
    from celerylint.project.model import Project
    from celerylint.source.pool import extract

    timer = _Timer(timings)
    started = time.perf_counter()
    if inventory is None:
        inventory = _discover(settings, timings)
        started = time.perf_counter()
    summarize = None
    if digests is not None:
        from celerylint.rule_inputs import file_digests as summarize
    extraction = extract(settings, inventory, timer.timings, progress, digests, summarize)
    timer.phase("extraction", started)
    return Project(settings, inventory, extraction.facts), extraction


def _discover(settings: Settings, timings: dict[str, float]) -> FileInventory:
    started = time.perf_counter()
    inventory = discover(settings.root, settings.all_excludes, settings.source_roots)
    _Timer(timings).phase("discovery", started)
    return inventory


def _run_rule(rule: Rule, project: Project) -> Iterator[Finding]:
    from celerylint.rules.base import ModuleRule, ProjectRule

    if isinstance(rule, ProjectRule):
        yield from rule.check_project(project)
    if isinstance(rule, ModuleRule):
        for facts in project.python_facts():
            yield from rule.check_module(facts, project)


def run_rules(project: Project, rules: Sequence[RuleSource], result: RunResult,
              cache: RuleCache | None = None) -> list[Finding]:
    """Every selected rule over the model; a crashing rule is reported, never fatal.
    With a rule cache, a rule whose inputs did not change replays its findings (and its
    module is never imported)."""
    from celerylint.rules.catalog import rule_class

    findings: list[Finding] = []
    for rule in rules:
        started = time.perf_counter()
        try:
            findings.extend(_run_rule(rule_class(rule)(), project) if cache is None
                            else cache.findings(rule, project))
        except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the run
            result.failed_rules.add(rule.code)
            result.internal_errors.append(
                f"rule {rule.code} ({rule.name}) failed: {type(exc).__name__}: {exc}\n"
                + traceback.format_exc()
            )
        key = f"rule {rule.code}"
        result.timings[key] = result.timings.get(key, 0.0) + time.perf_counter() - started
    return findings


VARIANTS = "settings-modules"  # the rule cache's entry for how many there are


def run_rules_per_settings_module(project: Project, rules: Sequence[RuleSource],
                                  result: RunResult, cache: RuleCache | None = None
                                  ) -> list[Finding]:
    """``run_rules``, with the rules that read settings run once per Django settings
    module Celery processes run with, when there are several (``settings_findings``).
    Those per-module runs bypass the rule cache, which keys one result per rule."""
    from celerylint.project.celery import settings_findings as per_module
    from celerylint.rules.catalog import module_of

    again = [rule for rule in rules if per_module.reads_settings(module_of(rule), rule.hygiene)]

    def count() -> int:
        return len(per_module.settings_variants(project))

    if not again or (count() if cache is None else cache.model_count(VARIANTS, count)) < 2:
        return run_rules(project, rules, result, cache)
    variants = per_module.settings_variants(project)
    findings = run_rules(project, [rule for rule in rules if rule not in again], result, cache)
    runs = [per_module.VariantFindings(variant, run_rules(
        per_module.project_under(project, variant), again, result)) for variant in variants]
    return findings + per_module.merged_findings(runs)


def run(
    settings: Settings,
    *,
    report_paths: Collection[str] | None = None,
    baseline: Baseline | None = None,
    progress: Progress | None = None,
    replay: bool = False,
    before_analysis: Callable[[], None] | None = None,
) -> RunResult:
    """Analyse the whole project; report findings in ``report_paths`` (all when None)
    that the baseline does not accept. The model is always the whole project, so a
    file's findings do not depend on which other files are reported.

    With ``replay`` (and the cache on), a run whose inputs all match a stored run
    returns its result without loading facts or building the model, and otherwise
    rules whose declared inputs are unchanged replay their findings; the result then
    has no ``project``. ``before_analysis`` runs when the run is not replayed."""
    timings: dict[str, float] = {}
    settings, warnings = trusted_settings(settings)
    started = time.perf_counter()
    notes: list[str] = []
    unread: list[UnreadFile] = []
    files = list_project_files(settings.root, settings.all_excludes, notes, unread)
    timings["discovery"] = time.perf_counter() - started
    store, inputs = _run_store(settings, files, unread, timings) \
        if replay and settings.use_cache else (None, None)
    if store is not None and inputs is not None:
        replayed = _replayed(store, inputs, settings, warnings, timings)
        if replayed is not None:
            return _deliver(replayed, replayed.findings, report_paths, baseline, settings)
    if before_analysis is not None:
        before_analysis()
    started = time.perf_counter()
    inventory = _inventory(settings, files, notes, unread, store, inputs)
    timings["discovery"] += time.perf_counter() - started
    project, extraction = _build_project(settings, timings, progress, inventory,
                                         None if inputs is None else inputs.hashes)
    result = _analyse(project, extraction, warnings, timings, store, inputs)
    return _deliver(result, result.findings, report_paths, baseline, settings)


def _inventory(settings: Settings, files: list[str], notes: list[str],
               unread: list[UnreadFile], store: RunStore | None,
               inputs: RunInputs | None) -> FileInventory:
    """Module names and source roots: stored while the files they come from hold."""
    from celerylint.run_records import CorruptEntry, decode_inventory, encode_inventory

    key = None if store is None or inputs is None else inputs.inventory_key()
    if store is not None and key is not None:
        record = store.load_inventory(key)
        if record is not None:
            try:
                return decode_inventory(record, settings.root, files, notes, unread)
            except (CorruptEntry, ValueError, TypeError):
                pass
    inventory = inventory_of(settings.root, files, settings.source_roots, notes, unread)
    if store is not None and key is not None:
        store.save_inventory(key, encode_inventory(inventory))
    return inventory


def _run_store(settings: Settings, files: Sequence[str], unread: Sequence[UnreadFile],
               timings: dict[str, float]) -> tuple[RunStore | None, RunInputs | None]:
    """The stored runs, and the digests of this run's inputs (special files that are
    listed but never read count by path and reason: CEL001 reports them)."""
    from celerylint.run_cache import RunStore

    started = time.perf_counter()
    store = RunStore.open(settings)
    inputs = None if store is None else store.inputs(
        settings, files, [f"{u.path}\0{u.reason}" for u in unread])
    timings["replay"] = time.perf_counter() - started
    return store, inputs


def _analyse(project: Project, extraction: Extraction, warnings: list[str],
             timings: dict[str, float], store: RunStore | None,
             inputs: RunInputs | None) -> RunResult:
    """Rules, notes, suppression and scope: the findings of the whole project."""
    from celerylint.rule_scope import judge_scope
    from celerylint.rules.registry import select_entries, select_rules
    from celerylint.rules.tool.unused_suppression import UnusedNoqa
    from celerylint.run_notes import project_notes
    from celerylint.run_suppressions import suppressions_lookup, unused_suppressions
    from celerylint.suppression import apply_suppressions

    settings = project.settings
    cache = None
    if store is not None and inputs is not None:
        from celerylint.rule_cache import RuleCache

        cache = RuleCache(store, inputs, project, extraction.summaries)
    # With the rule cache, rules come from the catalog: a replayed rule is never imported.
    rules: Sequence[RuleSource] = (select_rules if cache is None else select_entries)(
        settings.select, settings.extend_select, settings.ignore, settings.preview)
    stats = extraction.stats
    result = RunResult([], {r.code: r.meta() for r in rules}, project,
                       notes=[*project.inventory.notes, *stats.notes],
                       timings=timings, warnings=warnings)
    from celerylint.source.templates import at_template_columns

    findings = at_template_columns(run_rules_per_settings_module(project, rules, result, cache),
                                   project)
    started = time.perf_counter()
    result.notes.extend(project_notes(project, result.rules) if cache is None
                        else cache.notes(lambda: project_notes(project, result.rules)))
    timings["notes"] = time.perf_counter() - started
    started = time.perf_counter()
    lookup = suppressions_lookup(project, None if cache is None else cache.digests.suppressions)
    suppression = apply_suppressions(findings, lookup, settings.per_file_ignores)
    judged = judge_scope(suppression.kept, {rule.code: rule for rule in rules}, project,
                         None if cache is None else cache.scope_verdicts())
    kept, result.out_of_scope = judged.kept, judged.out_of_scope
    if UnusedNoqa.code in result.rules:
        kept += unused_suppressions(
            project, suppression, {code: meta.name for code, meta in result.rules.items()
                                   if code not in result.failed_rules}, lookup)
    result.suppression = suppression
    result.findings = sorted_unique(kept)
    result.extraction = extraction.stats  # after the rules: what they decoded is counted
    timings["suppression"] = time.perf_counter() - started
    if cache is not None and store is not None and inputs is not None:
        result.recomputed = cache.recomputed
        _store(store, inputs, cache, result, rules)
    return result


def _store(store: RunStore, inputs: RunInputs, cache: RuleCache, result: RunResult,
           rules: Sequence[RuleSource]) -> None:
    """Keep the rule findings, and the whole result when every rule declared its inputs."""
    from celerylint.rule_inputs import RuleInput, git_digest
    from celerylint.run_records import encode_run

    cache.forget(result.failed_rules)
    cache.save()
    store.save_stat_table(inputs)
    if result.internal_errors or any(rule.inputs is None for rule in rules):
        return
    probes = {}
    if any(RuleInput.GIT in (rule.inputs or ()) for rule in rules):
        probes["git"] = git_digest(result.project.root if result.project else Path("."))
    suppressed = result.suppression.suppressed if result.suppression else []
    store.save_run(inputs.run_key(), encode_run(
        result.findings, suppressed, list(result.rules.values()), result.notes,
        result.out_of_scope, result.files_checked, result.extraction, probes))
    store.prune_other_namespaces()


def _replayed(store: RunStore, inputs: RunInputs, settings: Settings, warnings: list[str],
              timings: dict[str, float]) -> RunResult | None:
    """The stored result of a run with exactly these inputs, or None."""
    from celerylint.rule_inputs import git_digest
    from celerylint.run_records import CorruptEntry, decode_run

    record = store.load_run(inputs.run_key())
    if record is None:
        return None
    try:
        run = decode_run(record)
    except (CorruptEntry, ValueError, TypeError):
        return None
    if "git" in run.probes and run.probes["git"] != git_digest(settings.root):
        return None
    if inputs.stat_table_grew:  # files written just before the stored run have settled
        store.save_stat_table(inputs)
    from celerylint.suppression import SuppressionResult

    return RunResult(run.findings, {meta.code: meta for meta in run.rules}, None,
                     suppression=SuppressionResult(run.findings, run.suppressed, set(), []),
                     notes=run.notes, warnings=warnings, timings=timings,
                     extraction=run.extraction, out_of_scope=run.out_of_scope,
                     files=run.files, recomputed=["replayed"])


def _deliver(result: RunResult, kept: list[Finding], report_paths: Collection[str] | None,
             baseline: Baseline | None, settings: Settings) -> RunResult:
    """The reported files and the baseline: applied after the cache, never stored in it."""
    if report_paths is not None:
        wanted = frozenset(report_paths)
        kept = [finding for finding in kept if finding.path in wanted]
    if baseline is not None:
        kept = _apply_baseline(kept, baseline, result, report_paths, settings.root)
    result.findings = sorted_unique(kept)
    return result


def _apply_baseline(findings: list[Finding], baseline: Baseline, result: RunResult,
                    report_paths: Collection[str] | None, root: Path) -> list[Finding]:
    from celerylint.baseline import match_baseline, project_fingerprinter

    ran = set(result.rules) - result.failed_rules
    scope = None if report_paths is None else frozenset(report_paths)

    def in_scope(path: str) -> bool:  # entries of files not reported cannot be stale
        return scope is None or path in scope

    match = match_baseline(findings, baseline, project_fingerprinter(root),
                           ran, in_scope)
    result.baselined = len(match.accepted)
    result.stale_baseline = match.stale
    return match.new
