"""``celerylint check``: one analysis, then one of four ways to act on it.

Report (the default), ``--fix``/``--diff``, ``--add-noqa`` and
``--write-baseline`` all start from the same ``api.run`` result, so what gets
fixed, silenced or recorded is exactly what would have been reported.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from celerylint.cli_common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    UsageError,
    check_config_selectors,
    write_output,
)
from celerylint.project_links import report_hint

if TYPE_CHECKING:
    from celerylint.api import RunResult
    from celerylint.baseline import Baseline
    from celerylint.settings import Settings

MAX_FIX_PASSES = 10  # fixes that overlapped are retried on the fixed text, as ruff does


@dataclass(frozen=True)
class CheckRun:
    """What every mode needs: the settings, the reported files, the baseline."""

    settings: Settings
    report_paths: frozenset[str] | None
    baseline: Baseline | None
    args: argparse.Namespace

    def run(self) -> RunResult:
        from celerylint import api
        from celerylint.progress import progress_for

        return api.run(self.settings, report_paths=self.report_paths, baseline=self.baseline,
                       progress=progress_for(True), replay=True,
                       before_analysis=self.check_selectors)

    def check_selectors(self) -> None:
        """Refuse unknown rule codes. Only before an analysis: a replayed run had the
        same settings and celerylint, and its first run passed this check."""
        from celerylint.rules.registry import unknown_selectors

        args = self.args
        selectors = [*(args.select or ()), *(args.ignore or ()), *(args.extend_select or ())]
        unknown = unknown_selectors(selectors)
        if unknown:
            raise UsageError(f"unknown rule selector(s): {', '.join(unknown)} "
                             "(see `celerylint rule --all`)")
        check_config_selectors(self.settings)


def run_check(args: argparse.Namespace) -> int:
    check = prepare(args)
    if args.write_baseline:
        return write_baseline_mode(check, args.write_baseline)
    if args.add_noqa:
        return add_noqa_mode(check)
    if args.diff:
        return diff_mode(check)
    fixed = fix_mode(check) if args.fix else None
    result = check.run()
    if fixed is not None:
        remaining = len(result.findings)
        print(f"celerylint: fixed {fixed} problem{'' if fixed == 1 else 's'}, "
              f"{remaining} remaining.", file=sys.stderr)
    return report(check, result)


def prepare(args: argparse.Namespace) -> CheckRun:
    """Arguments to settings, refusing contradictions before any work is done."""
    from celerylint.settings import load_settings
    from celerylint.targets import TargetError, resolve_targets

    _refuse_conflicts(args)
    try:
        targets = resolve_targets(args.paths, Path.cwd())
    except TargetError as exc:
        raise UsageError(str(exc)) from None
    settings = load_settings([targets.root], args.config, {
        "select": args.select, "ignore": args.ignore, "extend_select": args.extend_select,
        "verbose": args.verbose, "cache_dir": args.cache_dir, "jobs": args.jobs,
        "cache_dir_from_command_line": True if args.cache_dir else None,
        "use_cache": False if args.no_cache else None,
        "preview": args.preview, "scope": args.scope,
    })
    baseline = None
    if args.baseline and not args.write_baseline:
        from celerylint.baseline import BaselineError, load_baseline

        try:
            baseline = load_baseline(args.baseline)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
    return CheckRun(settings, targets.report_paths, baseline, args)


def _refuse_conflicts(args: argparse.Namespace) -> None:
    modes = [flag for flag, on in (("--fix", args.fix), ("--diff", args.diff),
                                   ("--add-noqa", args.add_noqa),
                                   ("--write-baseline", args.write_baseline)) if on]
    if len(modes) > 1 and modes != ["--fix", "--diff"]:  # ruff: --fix --diff means --diff
        raise UsageError(f"{' and '.join(modes)} cannot be combined")
    if args.strict_baseline and not args.baseline:
        raise UsageError("--strict-baseline needs --baseline FILE")
    if args.write_baseline and args.paths and not all(p.is_dir() for p in args.paths):
        raise UsageError("--write-baseline records the whole project: pass its directory, "
                         "not files")


def report(check: CheckRun, result: RunResult) -> int:
    """Render the findings, tell stderr what went wrong, and decide the exit code."""
    from celerylint.docs import doc_paths
    from celerylint.report import renderer
    from celerylint.report.context import ReportContext

    args = check.args
    context = ReportContext(tuple(result.findings), result.rules, check.settings.root, Path.cwd(),
                            result.files_checked, doc_paths(), show_source=args.show_source,
                            statistics=args.statistics)
    if args.statistics:
        from celerylint.report.statistics import render_statistics

        write_output(render_statistics(context), args.output)
    else:
        write_output(renderer(args.format)(context), args.output)
    _print_notes(args, result)
    stale = result.stale_baseline if args.strict_baseline else []
    for entry in stale:
        copies = f" ({entry.count} copies)" if entry.count > 1 else ""
        print(f"celerylint: stale baseline entry: {entry.path}: {entry.code} {entry.message}"
              f"{copies} no longer occurs; regenerate the baseline with --write-baseline",
              file=sys.stderr)
    if result.internal_errors:
        return EXIT_ERROR
    if (result.findings or stale) and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _print_notes(args: argparse.Namespace, result: RunResult) -> None:
    for warning in result.warnings:
        print(f"celerylint: warning: {warning}", file=sys.stderr)
    if args.verbose:
        for note in result.notes:
            print(f"celerylint: note: {note}", file=sys.stderr)
        stats = result.extraction
        if stats is not None:
            print(f"celerylint: note: {stats.files} Python files: {stats.cached} from the cache, "
                  f"{stats.parsed} parsed in {stats.processes} process(es)", file=sys.stderr)
        if result.recomputed == ["replayed"]:
            print("celerylint: note: nothing changed since a stored run: its result was "
                  "replayed", file=sys.stderr)
        elif result.recomputed:
            files = sum(1 for entry in result.recomputed if " " in entry)
            rules = sum(1 for entry in result.recomputed if " " not in entry
                        and entry.startswith("CEL"))
            print(f"celerylint: note: {rules} project rule(s) and {files} (module rule, file) "
                  "pair(s) were computed; the others replayed stored findings", file=sys.stderr)
        if result.out_of_scope:
            print(f"celerylint: note: {result.out_of_scope} hygiene finding(s) about code no "
                  "Celery process loads were left out (--scope project shows them)",
                  file=sys.stderr)
        if result.baselined:
            print(f"celerylint: note: {result.baselined} finding(s) accepted by the baseline",
                  file=sys.stderr)
    for error in result.internal_errors:
        first = error.splitlines()[0]
        print(f"celerylint: internal error: {first}; {report_hint()}",
              file=sys.stderr)
        if args.verbose:
            print(error, file=sys.stderr)
    if args.timings:
        print_timings(result.timings)


SLOWEST_RULES_SHOWN = 10


def print_timings(timings: dict[str, float]) -> None:
    """Phases slowest first (rules summed into one), then the slowest rules."""
    rules = {name: seconds for name, seconds in timings.items() if name.startswith("rule ")}
    phases = {name: seconds for name, seconds in timings.items() if name not in rules}
    phases["rules"] = sum(rules.values())
    print("celerylint: timings (seconds):", file=sys.stderr)
    for name, seconds in _slowest_first(phases):
        print(f"  {seconds:8.3f}  {name}", file=sys.stderr)
    if rules:
        print("celerylint: slowest rules (seconds):", file=sys.stderr)
        for name, seconds in _slowest_first(rules)[:SLOWEST_RULES_SHOWN]:
            print(f"  {seconds:8.3f}  {name.removeprefix('rule ')}", file=sys.stderr)


def _slowest_first(timings: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(timings.items(), key=lambda item: (-item[1], item[0]))


def fix_mode(check: CheckRun) -> int:
    """Apply fixes, re-analysing while overlapping fixes wait; returns how many were applied."""
    from celerylint.fixes import plan_fixes, write_fixes

    fixed = 0
    for _ in range(MAX_FIX_PASSES):
        plan = plan_fixes(check.run().findings, check.settings.root, check.args.unsafe_fixes)
        for note in plan.notes:
            print(f"celerylint: {note}", file=sys.stderr)
        write_fixes(plan, check.settings.root)
        fixed += plan.applied_count
        if not plan.has_conflicts:
            break
    return fixed


def diff_mode(check: CheckRun) -> int:
    """What ``--fix`` would change, as a diff; exit 1 when it would change anything."""
    from celerylint.fixes import plan_fixes, unified_diff
    from celerylint.secrets import mask_secrets_in_text

    result = check.run()
    plan = plan_fixes(result.findings, check.settings.root, check.args.unsafe_fixes)
    for note in plan.notes:
        print(f"celerylint: {note}", file=sys.stderr)
    root, cwd = check.settings.root, Path.cwd()

    def display(path: str) -> str:
        return Path(os.path.relpath(root / path, cwd)).as_posix()

    # Masked like every output: a diff's context lines can hold a password. A hunk that
    # shows one no longer applies with ``git apply``; ``--fix`` applies the same change.
    write_output(mask_secrets_in_text(unified_diff(plan, display)), check.args.output)
    count = plan.applied_count
    print(f"celerylint: would fix {count} problem{'' if count == 1 else 's'}.", file=sys.stderr)
    if result.internal_errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if plan.files else EXIT_CLEAN


def add_noqa_mode(check: CheckRun) -> int:
    from celerylint.add_noqa import add_noqa

    result = check.run()
    outcome = add_noqa(result.findings, check.settings.root)
    for skipped in outcome.skipped:
        print(f"celerylint: no noqa added at {skipped}", file=sys.stderr)
    print(f"celerylint: added {outcome.added} noqa code(s) in {len(outcome.files)} file(s).",
          file=sys.stderr)
    return EXIT_ERROR if result.internal_errors else EXIT_CLEAN


def write_baseline_mode(check: CheckRun, path: Path) -> int:
    from celerylint.baseline import (
        BaselineError,
        baseline_from_findings,
        project_fingerprinter,
        write_baseline,
    )

    result = check.run()
    baseline = baseline_from_findings(result.findings,
                                      project_fingerprinter(check.settings.root))
    try:
        write_baseline(path, baseline)
    except BaselineError as exc:
        raise UsageError(str(exc)) from None
    print(f"celerylint: recorded {baseline.total} finding(s) in {path}.", file=sys.stderr)
    for error in result.internal_errors:
        print(f"celerylint: internal error: {error.splitlines()[0]}", file=sys.stderr)
    return EXIT_ERROR if result.internal_errors else EXIT_CLEAN
