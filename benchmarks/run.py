"""Benchmark celerylint against ruff (ERA001) and pylint (import-error) on the same trees.

For each generated size and each real tree given on the command line it
measures celerylint cold (no cache), warm (nothing changed) and incremental
(one file edited), ruff ``--select ERA001 --no-cache`` and pylint
``--disable=all --enable=import-error -j 2``: wall time, CPU time and peak
memory of each child process tree. Raw figures are merged into
``<work-dir>/results.json`` so that sizes measured in separate invocations (the
1M-line tree takes a while) end up in one report, ``benchmarks/RESULTS.md``,
between the ``results`` markers; text outside the markers is kept.

Usage: ``python3 benchmarks/run.py [--sizes 10k,100k] [--tree PATH ...]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
PHASE_COLUMNS = ("discovery", "cache", "parse", "extraction", "rules (all)", "suppression")
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
PHASES_SNIPPET = """
import json, sys
from pathlib import Path
from celerylint import api
from celerylint.settings import load_settings
result = api.run(load_settings([Path(sys.argv[1])], None, {}))
rules = sum(v for k, v in result.timings.items() if k.startswith("rule "))
phases = {k: v for k, v in result.timings.items() if not k.startswith("rule ")}
phases["rules (all)"] = rules
print(json.dumps(phases))
"""


@dataclass
class Measurement:
    wall: float  # seconds
    cpu: float  # user + system seconds of the whole process tree
    peak_rss_mb: float  # largest single process
    peak_tree_rss_mb: float  # sampled sum over the process tree
    returncode: int


def _tree_rss_kb(root_pid: int) -> int:
    """Sum of VmRSS over ``root_pid`` and its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    family, frontier = {root_pid}, [root_pid]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in family]
        family.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in family)


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None,
            timeout: float = 7200) -> Measurement:
    """Run once; wall clock, CPU and memory come from wait4 and /proc sampling."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    peak_tree = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            if sys.platform == "linux":
                peak_tree[0] = max(peak_tree[0], _tree_rss_kb(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    timer.cancel()
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    scale = 1024 if sys.platform == "linux" else 1024 * 1024  # ru_maxrss: KiB vs bytes, to MiB
    return Measurement(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / scale,
                       peak_tree[0] / 1024, child.returncode)


def best(command: list[str], cwd: Path, repeat: int, before=None, env=None) -> Measurement:  # type: ignore[no-untyped-def]
    """Fastest of ``repeat`` runs: the machine's noise only ever adds time."""
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(measure(command, cwd, env))
    return min(runs, key=lambda m: m.wall)


def celerylint_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


def celerylint_command(tree: Path) -> list[str]:
    return [sys.executable, "-m", "celerylint", "check", "--exit-zero", "--format", "json",
            str(tree)]


def phases(tree: Path) -> dict[str, float]:
    """Per-phase timings of one in-process run (api.run's own timings)."""
    done = subprocess.run([sys.executable, "-c", PHASES_SNIPPET, str(tree)], env=celerylint_env(),
                          capture_output=True, text=True, timeout=7200, check=False)
    if done.returncode != 0:
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


def count_python(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for directory, subdirs, names in os.walk(tree):
        subdirs[:] = [d for d in subdirs if not d.startswith(".") and d not in ("node_modules",)]
        for name in names:
            if name.endswith(".py"):
                files += 1
                with open(os.path.join(directory, name), "rb") as stream:
                    lines += stream.read().count(b"\n")
    return files, lines


def touched_file(tree: Path) -> Path:
    """A deterministic mid-tree module, edited for the incremental run."""
    candidates = sorted(p for p in tree.rglob("*.py") if ".celerylint_cache" not in p.parts)
    return candidates[len(candidates) // 2]


def bench_celerylint(tree: Path, repeat: int, cold_phases: bool) -> dict[str, object]:
    cache = tree / ".celerylint_cache"
    clear = lambda: shutil.rmtree(cache, ignore_errors=True)
    command, env = celerylint_command(tree), celerylint_env()
    results: dict[str, object] = {"cold_phases": {}}
    if cold_phases:
        clear()
        results["cold_phases"] = phases(tree)
    results["cold"] = asdict(best(command, tree, 1, clear, env))
    results["warm"] = asdict(best(command, tree, repeat, None, env))
    results["warm_phases"] = phases(tree)
    target = touched_file(tree)
    original = target.read_bytes()
    counter = [0]

    def edit() -> None:
        counter[0] += 1
        target.write_bytes(original + f"# benchmark edit {counter[0]}\n".encode())

    try:
        results["incremental"] = asdict(best(command, tree, repeat, edit, env))
        edit()
        results["incremental_phases"] = phases(tree)
    finally:
        target.write_bytes(original)
    return results


def bench_tools(tree: Path, repeat: int, lines: int, pylint_max_lines: int) -> dict[str, object]:
    results: dict[str, object] = {}
    if shutil.which("ruff"):
        results["ruff"] = asdict(best(["ruff", "check", "--select", "ERA001", "--no-cache",
                                       "--exit-zero", str(tree)], tree, repeat))
    if shutil.which("pylint") and lines <= pylint_max_lines:
        results["pylint"] = asdict(measure(["pylint", "--disable=all", "--enable=import-error",
                                            "-j", "2", "--recursive=y", "."], tree))
    return results


def machine() -> dict[str, str]:
    cpu = "unknown"
    memory = "unknown"
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        total_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines()
                        if l.startswith("MemTotal"))
        memory = f"{total_kb / 1024 / 1024:.1f} GiB"
    versions = {}
    for tool in ("ruff", "pylint"):
        if shutil.which(tool):
            out = subprocess.run([tool, "--version"], capture_output=True, text=True,
                                 check=False).stdout
            versions[tool] = out.splitlines()[0] if out else "?"
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()
    return {"cpu": cpu, "nproc": str(os.cpu_count()), "memory": memory,
            "python": platform.python_version(), "os": platform.platform(),
            "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "commit": commit or "?", **versions, "date": time.strftime("%Y-%m-%d %H:%M")}


def _wall(entry: dict, key: str) -> float | None:  # type: ignore[type-arg]
    found = entry.get(key)
    return found["wall"] if isinstance(found, dict) and "wall" in found else None


def _cpu(entry: dict, key: str) -> float | None:  # type: ignore[type-arg]
    found = entry.get(key)
    return found["cpu"] if isinstance(found, dict) and "cpu" in found else None


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a and b else "n/a"


def _cell(entry: dict, key: str) -> str:  # type: ignore[type-arg]
    wall, cpu = _wall(entry, key), _cpu(entry, key)
    return f"{wall:.2f} / {cpu:.2f}" if wall is not None and cpu is not None else "—"


def _figures_table(results: dict) -> list[str]:  # type: ignore[type-arg]
    header = ("| tree | files | lines | cold | warm | one file changed | ruff ERA001 | "
              "pylint import-error -j2 | peak RSS, largest process / whole tree (MiB) |")
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, e in results.items():
        cold = e.get("cold", {})
        lines.append(
            f"| {label} | {e['files']} | {e['lines']} | {_cell(e, 'cold')} | {_cell(e, 'warm')} | "
            f"{_cell(e, 'incremental')} | {_cell(e, 'ruff')} | {_cell(e, 'pylint')} | "
            f"{cold.get('peak_rss_mb', 0):.0f} / {cold.get('peak_tree_rss_mb', 0):.0f} |")
    return lines


def _targets_table(results: dict) -> list[str]:  # type: ignore[type-arg]
    lines = ["| tree | warm / ruff (≤ 3) | one file / ruff (≤ 4) | pylint / cold (≥ 4) |",
             "|---|---:|---:|---:|"]
    for label, e in results.items():
        cells = []
        for measure_fn in (_wall, _cpu):
            cells.append((_ratio(measure_fn(e, "warm"), measure_fn(e, "ruff")),
                          _ratio(measure_fn(e, "incremental"), measure_fn(e, "ruff")),
                          _ratio(measure_fn(e, "pylint"), measure_fn(e, "cold"))))
        lines.append(f"| {label} | " + " | ".join(
            f"{w} / {c}" for w, c in zip(cells[0], cells[1])) + " |")
    small, large = results.get("synthetic 100k"), results.get("synthetic 1m")
    if small and large:
        scaling = ("Scaling 100k → 1M lines (≤ 11): cold "
                   f"{_ratio(_wall(large, 'cold'), _wall(small, 'cold'))} wall / "
                   f"{_ratio(_cpu(large, 'cold'), _cpu(small, 'cold'))} CPU; warm "
                   f"{_ratio(_wall(large, 'warm'), _wall(small, 'warm'))} wall. "
                   f"Peak RSS at 1M (< 1.5 GB): {large['cold']['peak_tree_rss_mb']:.0f} MiB "
                   "for the whole process tree.")
        lines += ["", scaling]
    return lines


def _phases_table(results: dict) -> list[str]:  # type: ignore[type-arg]
    lines = ["| tree | run | " + " | ".join(PHASE_COLUMNS) + " |",
             "|---|---|" + "---:|" * len(PHASE_COLUMNS)]
    for label, e in results.items():
        for run in ("cold", "warm", "incremental"):
            found = e.get(f"{run}_phases") or {}
            if found:
                lines.append(f"| {label} | {run} | " + " | ".join(
                    f"{found.get(c, 0):.2f}" for c in PHASE_COLUMNS) + " |")
    return lines


def render_results(results: dict, info: dict[str, str]) -> str:  # type: ignore[type-arg]
    described = ", ".join(f"{k}: {v}" for k, v in info.items())
    legend = ("Times are `wall / CPU` seconds (CPU = user + system of the whole process tree); "
              "warm, one-file and ruff figures are the fastest of the repeats.")
    return "\n".join([
        "## Measured figures", "", f"Machine and tools: {described}.", "", legend, "",
        *_figures_table(results), "", "### Ratios against the targets (wall / CPU)", "",
        *_targets_table(results), "", "### Phases of celerylint (seconds, in-process `api.run`)",
        "", *_phases_table(results),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma list of 10k,100k,1m ('' for none)")
    parser.add_argument("--tree", type=Path, action="append", default=[], help="a real project")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/celerylint-bench"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of warm/incremental/ruff")
    parser.add_argument("--pylint-max-lines", type=int, default=200_000)
    parser.add_argument("--cold-phases-max-lines", type=int, default=200_000)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    store = args.work_dir / "results.json"
    saved = json.loads(store.read_text()) if store.exists() else {"results": {}}
    trees = [(f"synthetic {s}", args.work_dir / f"synth-{s}", SIZES[s])
             for s in filter(None, args.sizes.split(","))]
    trees += [(tree.resolve().name, tree.resolve(), 0) for tree in args.tree]
    info = machine()
    for label, tree, size in trees:
        if size:
            generate(tree, size)
        files, lines = count_python(tree)
        print(f"== {label}: {files} Python files, {lines} lines", flush=True)
        entry: dict[str, object] = {"files": files, "lines": lines, "load_before": info["load"]}
        entry.update(bench_celerylint(tree, args.repeat, lines <= args.cold_phases_max_lines))
        entry.update(bench_tools(tree, args.repeat, lines, args.pylint_max_lines))
        entry["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
        saved["results"][label] = entry
        print(json.dumps(entry, indent=1), flush=True)
        store.write_text(json.dumps(saved, indent=1))
    saved["machine"] = machine()
    store.write_text(json.dumps(saved, indent=1))
    text = render_results(saved["results"], saved["machine"])
    previous = args.output.read_text() if args.output.exists() else f"{BEGIN}\n{END}\n"
    if BEGIN in previous and END in previous:
        head, rest = previous.split(BEGIN, 1)
        text = head + BEGIN + "\n" + text + "\n" + END + rest.split(END, 1)[1]
    args.output.write_text(text)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
