"""The ``graph``, ``inventory`` and ``report`` subcommands: arguments in, a file or stdout out.

Like ``check``, each handler only turns arguments into Settings, asks ``api``
for the model (and findings when the output shows them), and hands it to a
renderer.  Heavy modules are imported inside the handlers so that
``celerylint --version`` stays instant.  Exit codes follow the CLI's: 0 done,
1 ``--check`` found a stale diagram, 2 usage error (raised as UsageError).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celerylint.api import RunResult
    from celerylint.project.model import Project
    from celerylint.settings import Settings

SUBCOMMAND_NAMES = ("graph", "inventory", "report")
DIAGRAM_FORMATS = ("dot", "mermaid", "svg", "png", "json")
TOPOLOGY_LEVELS = ("system", "modules", "tasks")  # diagram.topology_view.TopologyLevel
MAX_DIFF_LINES = 20


def add_subcommands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``graph imports``, ``graph topology``, ``inventory`` and ``report``."""
    graph = subparsers.add_parser("graph", help="draw the import graph or the Celery topology")
    kinds = graph.add_subparsers(dest="graph_kind", metavar="{imports,topology}")
    kinds.required = True
    imports = kinds.add_parser("imports", help="module import graph, clustered by package")
    _diagram_arguments(imports)
    imports.add_argument("--scope", type=_packages, default=(), metavar="PKG[,PKG]",
                         help="only these packages and their direct neighbours; 'project' "
                              "for every module (default: all of a small project, what the "
                              "Celery processes load of a large one)")
    imports.add_argument("--external", action="store_true",
                         help="also draw third-party and standard-library imports")
    imports.add_argument("--depth", type=_positive, metavar="N",
                         help="collapse modules into packages N levels deep")
    imports.set_defaults(command=run_graph_imports)
    topology = kinds.add_parser("topology", help="beat -> tasks -> queues -> workers")
    _diagram_arguments(topology)
    topology.add_argument("--level", choices=TOPOLOGY_LEVELS,
                          help="system (apps, queues with counts, workers), modules (tasks "
                               "grouped by module) or tasks (every task); default: the most "
                               "detailed level that stays readable for the system's size")
    topology.add_argument("--deployment", metavar="NAME",
                          help="only what one deployment runs (a compose file, Procfile, "
                               "folder...): its beat, workers, the queues they consume, and "
                               "the tasks sent to queues it leaves unconsumed")
    topology.set_defaults(command=run_graph_topology)

    inventory = subparsers.add_parser("inventory", help="list apps, tasks, queues, workers...")
    _common_arguments(inventory)
    inventory.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    inventory.set_defaults(command=run_inventory)

    report = subparsers.add_parser("report", help="one Markdown report: findings, diagrams, "
                                                  "inventory")
    _common_arguments(report)
    report.set_defaults(command=run_report)


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH")
    parser.add_argument("-o", "--output", type=Path, help="write to FILE instead of stdout")
    parser.add_argument("--config", type=Path, help="pyproject.toml to read [tool.celerylint] from")


def _diagram_arguments(parser: argparse.ArgumentParser) -> None:
    _common_arguments(parser)
    parser.add_argument("--format", choices=DIAGRAM_FORMATS,
                        help="default: from the -o/--check file name, else dot")
    parser.add_argument("--check", type=Path, metavar="FILE",
                        help="exit 1 when FILE differs from a freshly drawn diagram")


def _packages(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _usage_error(message: str) -> Exception:
    from celerylint.cli_common import UsageError

    return UsageError(message)


def _settings(args: argparse.Namespace) -> Settings:
    from celerylint.settings import load_settings

    if not args.path.exists():
        raise _usage_error(f"path does not exist: {args.path}")
    return load_settings([args.path], args.config, {})


def _project(args: argparse.Namespace) -> Project:
    from celerylint.api import build_project

    return build_project(_settings(args))


def _run(args: argparse.Namespace) -> RunResult:
    """Rules too: the topology and the report draw what they found."""
    from celerylint import api
    from celerylint.project_links import report_hint

    result = api.run(_settings(args))
    for error in result.internal_errors:
        print(f"celerylint: internal error: {error.splitlines()[0]}; {report_hint()}",
              file=sys.stderr)
    return result


def run_graph_imports(args: argparse.Namespace) -> int:
    from celerylint.diagram.imports_view import ImportViewOptions, ScopeError, import_diagram

    options = ImportViewOptions(scope=args.scope, include_external=args.external,
                                depth=args.depth)
    try:
        diagram = import_diagram(_project(args), options)
    except ScopeError as exc:
        raise _usage_error(str(exc)) from None
    return _emit_diagram(args, diagram, "imports")


def run_graph_topology(args: argparse.Namespace) -> int:
    from celerylint.diagram.topology import topology_diagram
    from celerylint.diagram.topology_view import TopologyLevel, UnknownDeploymentError

    result = _run(args)
    level = TopologyLevel(args.level) if args.level else None
    try:
        diagram = topology_diagram(result.project, result.findings, level=level,
                                   deployment=args.deployment)
    except UnknownDeploymentError as exc:
        raise _usage_error(str(exc)) from None
    return _emit_diagram(args, diagram, "topology")


def _emit_diagram(args: argparse.Namespace, diagram: object, kind: str) -> int:
    """Render, then write, print, or compare with ``--check``."""
    from celerylint.cli_common import EXIT_CLEAN
    from celerylint.diagram.render import (
        DiagramFormat,
        GraphvizError,
        format_for_path,
        render_diagram,
    )

    if args.check is not None and args.output is not None:
        raise _usage_error("use either -o FILE or --check FILE, not both")
    fmt = DiagramFormat(args.format) if args.format else \
        format_for_path(args.check or args.output)
    try:
        data = render_diagram(diagram, fmt)  # type: ignore[arg-type]
    except GraphvizError as exc:
        raise _usage_error(str(exc)) from None
    if args.check is not None:
        return check_file(args.check, data, fmt.is_image,
                          f"celerylint graph {kind} {args.path} -o {args.check}")
    if args.output is None and fmt.is_image and sys.stdout.isatty():
        raise _usage_error(f"{fmt.value.upper()} is binary: write it with -o FILE")
    write_output(data, args.output)
    return EXIT_CLEAN


def check_file(path: Path, fresh: bytes, binary: bool, regenerate: str) -> int:
    """0 when ``path`` holds exactly ``fresh``; else 1 and a short hint on what differs."""
    from celerylint.cli_common import EXIT_CLEAN, EXIT_FINDINGS
    from celerylint.printable import printable

    try:
        committed = path.read_bytes()
    except OSError:
        print(printable(f"celerylint: {path} does not exist; create it with: {regenerate}"))
        return EXIT_FINDINGS
    if committed == fresh:
        return EXIT_CLEAN
    print(printable(f"celerylint: {path} is out of date; regenerate it with: {regenerate}"))
    if not binary:
        diff = difflib.unified_diff(committed.decode("utf-8", "replace").splitlines(),
                                    fresh.decode("utf-8", "replace").splitlines(),
                                    f"{path} (committed)", f"{path} (fresh)", lineterm="", n=1)
        lines = list(diff)
        print(printable("\n".join(lines[:MAX_DIFF_LINES])))
        if len(lines) > MAX_DIFF_LINES:
            print(f"... {len(lines) - MAX_DIFF_LINES} more diff lines")
    return EXIT_FINDINGS


def write_output(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise _usage_error(f"cannot write {output}: {exc.strerror}") from None


def run_inventory(args: argparse.Namespace) -> int:
    from celerylint.cli_common import EXIT_CLEAN
    from celerylint.inventory import build_inventory
    from celerylint.inventory_format import InventoryFormat, render_inventory
    from celerylint.printable import encode_output

    text = render_inventory(build_inventory(_project(args)), InventoryFormat(args.format))
    write_output(encode_output(text), args.output)
    return EXIT_CLEAN


def run_report(args: argparse.Namespace) -> int:
    from celerylint.cli_common import EXIT_CLEAN, EXIT_ERROR
    from celerylint.printable import encode_output
    from celerylint.report_markdown import render_report

    result = _run(args)
    write_output(encode_output(render_report(result)), args.output)
    return EXIT_ERROR if result.internal_errors else EXIT_CLEAN


__all__ = ["SUBCOMMAND_NAMES", "add_subcommands", "check_file", "run_graph_imports",
           "run_graph_topology", "run_inventory", "run_report", "write_output"]
