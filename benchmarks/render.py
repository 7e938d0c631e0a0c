"""The speed section of ``RESULTS.md``: figures, ratios against the targets, phases.

Targets (issue 16), each a ratio measured in one run on the same tree:

- warm ≤ 1.5× ruff ERA001 uncached;
- one file changed (a file with no Celery facts, and separately a tasks module) ≤ 3× ruff;
- cold ≥ 6× faster than pylint ``-j 2`` import-error, and ≤ 15× parsing every file with
  ``ast.parse``;
- 100k → 1M lines ≤ 11× in time; peak RSS < 1 GB at 1M lines;
- ``celerylint --version`` and a warm run of a small project under 0.3 s.
"""

from __future__ import annotations

from typing import Any

Entry = dict[str, Any]

WARM_OVER_RUFF = 1.5
EDIT_OVER_RUFF = 3.0
PYLINT_OVER_COLD = 6.0
COLD_OVER_AST_PARSE = 15.0
SCALING = 11.0
PEAK_RSS_MIB = 1024.0
STARTUP_SECONDS = 0.3
# api.run's timings in pipeline order; any other phase it records follows these.
PHASE_ORDER = ("discovery", "cache", "parse", "extraction", "model", "rules (all)",
               "suppression")
RUNS = (("cold", "cold"), ("warm", "warm"), ("edit_plain", "edit, no Celery facts"),
        ("edit_tasks", "edit, tasks module"))


def _get(entry: Entry, key: str, field: str) -> float | None:
    found = entry.get(key)
    return found.get(field) if isinstance(found, dict) else None


def _wall(entry: Entry, key: str) -> float | None:
    return _get(entry, key, "wall")


def _cpu(entry: Entry, key: str) -> float | None:
    return _get(entry, key, "cpu")


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _judged(value: float | None, limit: float, at_most: bool) -> str:
    if value is None:
        return "n/a"
    met = value <= limit if at_most else value >= limit
    return f"{value:.2f} {'✓' if met else '✗'}"


def _cell(entry: Entry, key: str) -> str:
    wall, cpu = _wall(entry, key), _cpu(entry, key)
    return f"{wall:.2f} / {cpu:.2f}" if wall is not None and cpu is not None else "—"


def figures_table(results: dict[str, Entry]) -> list[str]:
    lines = ["| tree | files | lines | cold | warm | edit, no Celery facts | edit, tasks module "
             "| ruff ERA001 | pylint import-error -j2 | ast.parse of every file "
             "| peak RSS cold, largest process / whole tree (MiB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, e in results.items():
        cold = e.get("cold", {})
        lines.append(
            f"| {label} | {e['files']} | {e['lines']} | {_cell(e, 'cold')} | {_cell(e, 'warm')} "
            f"| {_cell(e, 'edit_plain')} | {_cell(e, 'edit_tasks')} | {_cell(e, 'ruff')} "
            f"| {_cell(e, 'pylint')} | {_cell(e, 'ast_parse')} "
            f"| {cold.get('peak_rss_mb', 0):.0f} / {cold.get('peak_tree_rss_mb', 0):.0f} |")
    return lines


def targets_table(results: dict[str, Entry]) -> list[str]:
    """Each ratio on wall time, then on CPU time (the fairer one on a busy machine)."""
    lines = [f"| tree | warm / ruff (≤ {WARM_OVER_RUFF}) | edit, no Celery facts / ruff "
             f"(≤ {EDIT_OVER_RUFF:.0f}) | edit, tasks module / ruff (≤ {EDIT_OVER_RUFF:.0f}) "
             f"| pylint / cold (≥ {PYLINT_OVER_COLD:.0f}) "
             f"| cold / ast.parse (≤ {COLD_OVER_AST_PARSE:.0f}) |",
             "|---|---:|---:|---:|---:|---:|"]
    for label, e in results.items():
        cells = []
        for numerator, denominator, limit, at_most in (
                ("warm", "ruff", WARM_OVER_RUFF, True),
                ("edit_plain", "ruff", EDIT_OVER_RUFF, True),
                ("edit_tasks", "ruff", EDIT_OVER_RUFF, True),
                ("pylint", "cold", PYLINT_OVER_COLD, False),
                ("cold", "ast_parse", COLD_OVER_AST_PARSE, True)):
            cells.append(" / ".join(
                _judged(_ratio(clock(e, numerator), clock(e, denominator)), limit, at_most)
                for clock in (_wall, _cpu)))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def scaling_lines(results: dict[str, Entry]) -> list[str]:
    small, large = results.get("synthetic 100k"), results.get("synthetic 1m")
    if not (small and large):
        return []
    runs = ", ".join(
        f"{name} {_judged(_ratio(_wall(large, key), _wall(small, key)), SCALING, True)} wall"
        for key, name in RUNS)
    peak = _get(large, "cold", "peak_tree_rss_mb")
    return [f"Scaling 100k → 1M lines (≤ {SCALING:.0f}×): {runs}; cold CPU "
            f"{_judged(_ratio(_cpu(large, 'cold'), _cpu(small, 'cold')), SCALING, True)}.",
            "",
            f"Peak RSS at 1M lines, whole process tree, cold (< {PEAK_RSS_MIB:.0f} MiB): "
            f"{_judged(peak, PEAK_RSS_MIB, True)} MiB."]


def startup_lines(startup: Entry) -> list[str]:
    if not startup:
        return []
    parts = []
    for key, name in (("version", "`celerylint --version`"),
                      ("small_warm", f"warm run of {startup.get('small_label', 'a small project')}")):
        wall = _wall(startup, key)
        parts.append(f"{name} {_judged(wall, STARTUP_SECONDS, True)} s wall"
                     if wall is not None else f"{name} n/a")
    return [f"Start-up (< {STARTUP_SECONDS} s, fastest of the repeats): " + "; ".join(parts) + "."]


def edited_lines(results: dict[str, Entry]) -> list[str]:
    edits = [f"{label}: `{e.get('edited edit_plain', '—')}` (no Celery facts), "
             f"`{e.get('edited edit_tasks', '—')}` (tasks module)" for label, e in results.items()]
    return ["Files edited by the one-file-changed runs (a comment line inserted at the top): "
            + "; ".join(edits) + "."] if edits else []


def phases_table(results: dict[str, Entry]) -> list[str]:
    seen: list[str] = []
    for e in results.values():
        for key, _ in RUNS:
            for phase in e.get(f"{key}_phases") or {}:
                if phase not in seen:
                    seen.append(phase)
    columns = [c for c in PHASE_ORDER if c in seen] + [c for c in seen if c not in PHASE_ORDER]
    lines = ["| tree | run | " + " | ".join(columns) + " |",
             "|---|---|" + "---:|" * len(columns)]
    for label, e in results.items():
        for key, name in RUNS:
            found = e.get(f"{key}_phases") or {}
            if found:
                lines.append(f"| {label} | {name} | " + " | ".join(
                    f"{found[c]:.2f}" if c in found else "—" for c in columns) + " |")
    return lines


def render_results(results: dict[str, Entry], info: dict[str, str], startup: Entry) -> str:
    described = ", ".join(f"{k}: {v}" for k, v in info.items())
    legend = ("Times are `wall / CPU` seconds (CPU = user + system of the whole process tree); "
              "warm, edit, ruff and ast.parse figures are the fastest of the repeats, cold is "
              "one run. ✓ marks a target met, ✗ one missed.")
    return "\n".join([
        "## Measured figures", "", f"Machine and tools: {described}.", "", legend, "",
        *figures_table(results), "", "### Ratios against the targets (wall / CPU)", "",
        *targets_table(results), "", *scaling_lines(results), "", *startup_lines(startup), "",
        *edited_lines(results), "",
        "### Phases of celerylint (seconds, in-process `api.run`)", "",
        *phases_table(results),
    ])
