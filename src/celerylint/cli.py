"""Command line: arguments to Settings, ``api.run``, a reporter, an exit code.

Exit codes: 0 clean, 1 findings, 2 usage, configuration or internal error.
Heavy modules are imported inside the commands so ``--version`` stays instant.
``check`` lives in ``cli_check``; ``graph``, ``inventory`` and ``report`` in
``commands``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from celerylint import __version__
from celerylint.cli_common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    UsageError,
)

if TYPE_CHECKING:
    from celerylint.rules.base import Rule

def _codes(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 (automatic) or more")
    return number


def _add_check(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from celerylint.cli_check import run_check
    from celerylint.report import FORMATS

    check = subparsers.add_parser(
        "check", help="lint a project (default command)",
        description="Lint the project in PATH (default: the current directory). Given files "
        "instead, lint their whole project but report only findings in those files.")
    check.add_argument("paths", nargs="*", type=Path, default=[], metavar="PATH")
    report = check.add_argument_group("report")
    # ruff spells it --output-format; both work, so a ruff user's muscle memory does too.
    report.add_argument("--format", "--output-format", dest="format", choices=sorted(FORMATS),
                        default="text", metavar="FORMAT",
                        help=f"one of {', '.join(sorted(FORMATS))} (default: text)")
    report.add_argument("-o", "--output", type=Path, help="write the report to FILE")
    report.add_argument("--show-source", action=argparse.BooleanOptionalAction, default=True,
                        help="show the offending source lines (text format)")
    report.add_argument("--statistics", action="store_true",
                        help="print how many findings each rule produced, instead of them")
    report.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    report.add_argument("--verbose", action="store_true", help="say what was skipped and why")
    report.add_argument("--timings", action="store_true",
                        help="print the time each phase took to stderr")
    rules = check.add_argument_group("rule selection")
    rules.add_argument("--select", type=_codes, help="rule codes, prefixes or names")
    rules.add_argument("--ignore", type=_codes)
    rules.add_argument("--extend-select", type=_codes)
    rules.add_argument("--preview", action=argparse.BooleanOptionalAction, default=None,
                       help="also run preview rules (not yet measured at >= 95%% precision)")
    rules.add_argument("--scope", choices=("celery", "project"), default=None,
                       help="what hygiene rules (imports, commented-out code, env files) "
                       "judge: what Celery processes load (default) or every module")
    rules.add_argument("--config", type=Path, help="pyproject.toml to read [tool.celerylint] from")
    _add_fix_arguments(check.add_argument_group("fixes and suppressions"))
    speed = check.add_argument_group("performance")
    speed.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    speed.add_argument("--cache-dir", help="cache directory (default .celerylint_cache)")
    speed.add_argument("--jobs", type=_positive_int, metavar="N",
                       help="parallel parsing processes (0: automatic)")
    check.set_defaults(command=run_check)


def _add_fix_arguments(fixes: argparse._ArgumentGroup) -> None:
    fixes.add_argument("--fix", action="store_true", help="apply safe fixes")
    fixes.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix or --diff, also apply fixes that change behaviour")
    fixes.add_argument("--diff", action="store_true",
                       help="print the fixes as a unified diff, write nothing; exit 1 if any")
    fixes.add_argument("--add-noqa", action="store_true",
                       help="add '# noqa: CODE' comments on every reported line")
    fixes.add_argument("--baseline", type=Path, metavar="FILE",
                       help="report only findings not recorded in FILE")
    fixes.add_argument("--write-baseline", type=Path, metavar="FILE",
                       help="record the current findings in FILE, report nothing")
    fixes.add_argument("--strict-baseline", action="store_true",
                       help="with --baseline, fail when a recorded finding is gone")


def _add_rule(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rule = subparsers.add_parser("rule", help="explain a rule, or list them all")
    rule.add_argument("rule", nargs="?", help="code (CEL701) or name (missing-module)")
    rule.add_argument("--all", action="store_true", help="list every rule")
    rule.add_argument("--format", choices=("text", "json"), default="text")
    rule.set_defaults(command=run_rule)


def _add_clean(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    clean = subparsers.add_parser("clean", help="remove celerylint's cache of a project")
    clean.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH")
    clean.add_argument("--cache-dir", help="cache directory (default from the config)")
    clean.add_argument("--config", type=Path, help="pyproject.toml to read [tool.celerylint] from")
    clean.set_defaults(command=run_clean)


def build_parser() -> argparse.ArgumentParser:
    from celerylint.commands import add_subcommands

    parser = argparse.ArgumentParser(
        prog="celerylint",
        description="Static analysis for Celery + Redis projects: finds the bugs that "
        "only show up in worker logs, without running anything.",
    )
    parser.add_argument("--version", action="store_true", help="print version and exit")
    subparsers = parser.add_subparsers(dest="subcommand")
    _add_check(subparsers)
    _add_rule(subparsers)
    _add_clean(subparsers)
    add_subcommands(subparsers)
    return parser


def subcommand_names(parser: argparse.ArgumentParser) -> frozenset[str]:
    """Every registered subcommand, so that ``celerylint PATH`` can mean ``check PATH``."""
    return frozenset(name for action in parser._actions
                     if isinstance(action, argparse._SubParsersAction) for name in action.choices)


def version_text() -> str:
    try:
        from importlib.metadata import version

        celery_version = version("celery")
    except Exception:  # noqa: BLE001 - metadata may be absent in odd installs
        celery_version = "not installed"
    return f"celerylint {__version__} (settings checked against Celery {celery_version})"


def _rule_row(rule: type[Rule]) -> dict[str, object]:
    from celerylint.rules.precision import precision_of

    measured = precision_of(rule.code)
    return {"code": rule.code, "name": rule.name, "severity": rule.severity.value,
            "status": rule.meta().status, "precision": measured.as_json() if measured else None,
            "summary": rule.summary}


def run_rule(args: argparse.Namespace) -> int:
    import json

    from celerylint.docs import load_docs, with_status
    from celerylint.rules.precision import precision_text
    from celerylint.rules.registry import all_rules, find_rule

    docs = load_docs()
    if args.all or not args.rule:
        rules = all_rules()
        if args.format == "json":
            rows = [{**_rule_row(r), "doc": with_status(docs[r.code], r)
                     if r.code in docs else None} for r in rules]
            sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        else:
            for r in rules:
                sys.stdout.write(f"{r.code}  {r.name:<34} {r.severity.value:<8} "
                                 f"{r.meta().status:<8} {precision_text(r.code):<14} "
                                 f"{r.summary}\n")
        return EXIT_CLEAN
    rule = find_rule(args.rule)
    if rule is None:
        raise UsageError(f"unknown rule: {args.rule} (see `celerylint rule --all`)")
    doc = docs.get(rule.code)
    text = with_status(doc, rule) if doc else None
    if args.format == "json":
        sys.stdout.write(json.dumps({**_rule_row(rule), "doc": text}, indent=2) + "\n")
    else:
        sys.stdout.write(text or f"{rule.code} {rule.name}: {rule.summary}\n")
    return EXIT_CLEAN


def run_clean(args: argparse.Namespace) -> int:
    """Remove what celerylint cached for the project; never anything else."""
    from celerylint.settings import load_settings
    from celerylint.source.cache import cache_directory, clear_cache
    from celerylint.source.cache_trust import untrusted_cache_reason
    from celerylint.targets import TargetError, resolve_targets

    try:
        root = resolve_targets([args.path], Path.cwd()).root
    except TargetError as exc:
        raise UsageError(str(exc)) from None
    settings = load_settings([root], args.config, {
        "cache_dir": args.cache_dir,
        "cache_dir_from_command_line": True if args.cache_dir else None})
    directory = cache_directory(root, settings)
    refused = untrusted_cache_reason(root, settings)
    if refused:  # a committed or foreign directory is the repository's, not ours to delete
        print(f"celerylint: warning: {refused}; nothing removed", file=sys.stderr)
        return EXIT_CLEAN
    if clear_cache(root, settings):
        print(f"celerylint: removed the cache in {directory}", file=sys.stderr)
    else:
        print(f"celerylint: no cache in {directory}", file=sys.stderr)
    return EXIT_CLEAN


def _silence_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _tune_garbage_collector() -> None:
    """A run builds hundreds of thousands of small, long-lived facts and almost no
    cycles; with CPython's default thresholds the collector re-scans them again and
    again (a third of a warm run on a 188k-line project). Forked workers inherit this."""
    import gc

    gc.set_threshold(50_000, 20, 20)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _tune_garbage_collector()
    parser = build_parser()
    if not argv or (argv[0] not in subcommand_names(parser)
                    and argv[0] not in ("-h", "--help", "--version")):
        argv = ["check", *argv]  # `celerylint PATH` means `celerylint check PATH`
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_ERROR if exc.code not in (0, None) else EXIT_CLEAN
    if args.version:
        print(version_text())
        return EXIT_CLEAN
    if args.subcommand is None:
        parser.print_help()
        return EXIT_ERROR
    from celerylint.config_file import ConfigError
    from celerylint.printable import printable

    try:
        return int(args.command(args))
    except (UsageError, ConfigError) as exc:
        print(f"celerylint: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    except BrokenPipeError:
        _silence_stdout()  # `celerylint rule --all | head`: the reader left, not a bug
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no tracebacks
        from celerylint.project_links import report_hint

        print(f"celerylint: internal error: {type(exc).__name__}: {printable(str(exc))}; "
              f"{report_hint()} (run with --verbose for the traceback)",
              file=sys.stderr)
        if "--verbose" in argv:
            import traceback

            traceback.print_exc()
        return EXIT_ERROR
