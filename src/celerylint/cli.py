"""Command line: arguments to Settings, ``api.run``, a reporter, an exit code.

Exit codes: 0 clean, 1 findings, 2 usage, configuration or internal error.
Heavy modules are imported inside the commands so ``--version`` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from celerylint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
ISSUES_URL = "https://github.com/celerylint/celerylint/issues"
SUBCOMMANDS = ("check", "rule")


class UsageError(Exception):
    """Bad arguments or configuration; printed as one line, exit 2."""


def _codes(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _add_check(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from celerylint.report import FORMATS

    check = subparsers.add_parser("check", help="lint a project (default command)")
    check.add_argument("paths", nargs="*", type=Path, default=[Path(".")], metavar="PATH")
    check.add_argument("--format", choices=sorted(FORMATS), default="text")
    check.add_argument("--select", type=_codes, help="rule codes, prefixes or names")
    check.add_argument("--ignore", type=_codes)
    check.add_argument("--extend-select", type=_codes)
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("-o", "--output", type=Path, help="write the report to FILE")
    check.add_argument("--config", type=Path, help="pyproject.toml to read [tool.celerylint] from")
    check.add_argument("--verbose", action="store_true", help="say what was skipped and why")
    check.set_defaults(command=run_check)


def _add_rule(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rule = subparsers.add_parser("rule", help="explain a rule, or list them all")
    rule.add_argument("rule", nargs="?", help="code (CEL701) or name (missing-module)")
    rule.add_argument("--all", action="store_true", help="list every rule")
    rule.add_argument("--format", choices=("text", "json"), default="text")
    rule.set_defaults(command=run_rule)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="celerylint",
        description="Static analysis for Celery + Redis projects: finds the bugs that "
        "only show up in worker logs, without running anything.",
    )
    parser.add_argument("--version", action="store_true", help="print version and exit")
    subparsers = parser.add_subparsers(dest="subcommand")
    _add_check(subparsers)
    _add_rule(subparsers)
    return parser


def version_text() -> str:
    try:
        from importlib.metadata import version

        celery_version = version("celery")
    except Exception:  # noqa: BLE001 - metadata may be absent in odd installs
        celery_version = "not installed"
    return f"celerylint {__version__} (settings checked against Celery {celery_version})"


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None


def run_check(args: argparse.Namespace) -> int:
    from celerylint import api
    from celerylint.report import renderer
    from celerylint.report.context import ReportContext
    from celerylint.docs import doc_paths
    from celerylint.rules.registry import unknown_selectors
    from celerylint.settings import load_settings

    for path in args.paths:
        if not path.exists():
            raise UsageError(f"path does not exist: {path}")
    selectors = [*(args.select or ()), *(args.ignore or ()), *(args.extend_select or ())]
    unknown = unknown_selectors(selectors)
    if unknown:
        raise UsageError(f"unknown rule selector(s): {', '.join(unknown)} "
                         "(see `celerylint rule --all`)")
    settings = load_settings(args.paths, args.config, {
        "select": args.select, "ignore": args.ignore, "extend_select": args.extend_select,
        "verbose": args.verbose,
    })
    result = api.run(settings)
    context = ReportContext(tuple(result.findings), result.rules, settings.root, Path.cwd(),
                            result.files_checked, doc_paths())
    _write(renderer(args.format)(context), args.output)
    if args.verbose:
        for note in result.notes:
            print(f"celerylint: note: {note}", file=sys.stderr)
    for error in result.internal_errors:
        first = error.splitlines()[0]
        print(f"celerylint: internal error: {first}; please report it at {ISSUES_URL}",
              file=sys.stderr)
        if args.verbose:
            print(error, file=sys.stderr)
    if result.internal_errors:
        return EXIT_ERROR
    if result.findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def run_rule(args: argparse.Namespace) -> int:
    import json

    from celerylint.docs import load_docs
    from celerylint.rules.registry import all_rules, find_rule

    docs = load_docs()
    if args.all or not args.rule:
        rows = [{"code": r.code, "name": r.name, "severity": r.severity.value,
                 "summary": r.summary} for r in all_rules()]
        if args.format == "json":
            for row in rows:
                doc = docs.get(str(row["code"]))
                row["doc"] = doc.text if doc else None
            sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        else:
            for row in rows:
                sys.stdout.write(f"{row['code']}  {row['name']:<34} {row['severity']:<8} "
                                 f"{row['summary']}\n")
        return EXIT_CLEAN
    rule = find_rule(args.rule)
    if rule is None:
        raise UsageError(f"unknown rule: {args.rule} (see `celerylint rule --all`)")
    doc = docs.get(rule.code)
    if args.format == "json":
        sys.stdout.write(json.dumps({"code": rule.code, "name": rule.name,
                                     "severity": rule.severity.value, "summary": rule.summary,
                                     "doc": doc.text if doc else None}, indent=2) + "\n")
    else:
        sys.stdout.write(doc.text if doc else f"{rule.code} {rule.name}: {rule.summary}\n")
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
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

    try:
        return int(args.command(args))
    except (UsageError, ConfigError) as exc:
        print(f"celerylint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no tracebacks
        print(f"celerylint: internal error: {type(exc).__name__}: {exc}; please report it at "
              f"{ISSUES_URL} (run with --verbose for the traceback)", file=sys.stderr)
        if "--verbose" in argv:
            import traceback

            traceback.print_exc()
        return EXIT_ERROR
