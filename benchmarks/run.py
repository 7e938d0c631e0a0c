"""Benchmark celerylint against ruff (ERA001), pylint (import-error) and ``ast.parse``.

For each generated size and each real tree given on the command line (copied
under the work directory first: the benchmark writes a cache and edits files) it
measures celerylint cold (no cache), warm (nothing changed) and one file changed
(a file with no Celery facts, then a tasks module), ruff ``--select ERA001
--no-cache``, pylint ``--disable=all --enable=import-error -j 2`` and parsing
every file with ``ast.parse`` in one process: wall time, CPU time and peak memory
of each child process tree. It also times ``celerylint --version`` and a warm run
of a small generated project. Raw figures are merged into
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
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate
from render import render_results

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
SMALL_PROJECT_LINES = 1_000  # the smallest generated project: two packages, 16 files
SKIPPED_DIRS = frozenset({".git", ".hg", ".celerylint_cache", "node_modules", "__pycache__"})
# Parsing every file as CPython does, in one process: the floor a cold run is compared to.
AST_PARSE_SNIPPET = """
import ast, os, sys, warnings
warnings.simplefilter("ignore")
for directory, subdirs, names in os.walk(sys.argv[1]):
    subdirs[:] = [d for d in subdirs if not d.startswith(".") and d != "node_modules"]
    for name in names:
        if name.endswith(".py"):
            with open(os.path.join(directory, name), "rb") as stream:
                data = stream.read()
            try:
                ast.parse(data)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass
"""
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


def _python_files(tree: Path) -> list[Path]:
    return sorted(p for p in tree.rglob("*.py") if not SKIPPED_DIRS.intersection(p.parts))


def edited_files(tree: Path) -> dict[str, Path]:
    """The two files the one-file-changed runs edit, deterministic for a tree: a mid-tree
    module with no Celery facts (celerylint's byte scan finds no Celery word in it; an
    empty ``__init__.py`` would flatter the run, so at least 20 lines) and a mid-tree
    module that defines tasks."""
    sys.path.insert(0, str(REPO / "src"))
    from celerylint.source.extract import names_celery

    plain, tasks = [], []
    for path in _python_files(tree):
        data = path.read_bytes()
        if not names_celery(data):
            if data.count(b"\n") >= 20:
                plain.append(path)
        elif b"shared_task" in data or b".task(" in data or b".task\n" in data:
            tasks.append(path)
    chosen = {}
    for key, candidates in (("edit_plain", plain), ("edit_tasks", tasks)):
        if candidates:
            chosen[key] = candidates[len(candidates) // 2]
    return chosen


def bench_edit(tree: Path, target: Path, repeat: int) -> tuple[dict[str, object], dict[str, float]]:
    """A comment line inserted at the top of ``target`` before each run: every line of the
    file moves, the hard case for a cache keyed on positions."""
    command, env = celerylint_command(tree), celerylint_env()
    original = target.read_bytes()
    counter = [0]

    def edit() -> None:
        counter[0] += 1
        target.write_bytes(f"# benchmark edit {counter[0]}\n".encode() + original)

    try:
        found = asdict(best(command, tree, repeat, edit, env))
        edit()
        return found, phases(tree)
    finally:
        target.write_bytes(original)
        best(command, tree, 1, None, env)  # the cache holds the original again


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
    for key, target in edited_files(tree).items():
        results["edited " + key] = str(target.relative_to(tree))
        results[key], results[f"{key}_phases"] = bench_edit(tree, target, repeat)
    return results


def bench_startup(work_dir: Path, repeat: int) -> dict[str, object]:
    """``--version``, and a warm run of the smallest generated project."""
    env = celerylint_env()
    small = work_dir / "synth-small"
    generate(small, SMALL_PROJECT_LINES)
    files, _ = count_python(small)
    version = best([sys.executable, "-m", "celerylint", "--version"], work_dir, repeat, None, env)
    command = celerylint_command(small)
    best(command, small, 1, None, env)  # fills the cache
    warm = best(command, small, repeat, None, env)
    return {"version": asdict(version), "small_warm": asdict(warm),
            "small_label": f"a generated {files}-file project"}


def copied_tree(source: Path, work_dir: Path) -> Path:
    """A private copy of a real tree (kept between runs): the benchmark writes its cache
    into the tree and edits files, and the originals may be shared read-only."""
    target = work_dir / "trees" / source.name
    if not target.exists():
        shutil.copytree(source, target, symlinks=True,
                        ignore=shutil.ignore_patterns(*SKIPPED_DIRS))
    return target


def ast_parse_time(tree: Path, repeat: int) -> dict[str, object]:
    return asdict(best([sys.executable, "-c", AST_PARSE_SNIPPET, str(tree)], tree, repeat))


def bench_tools(tree: Path, repeat: int, lines: int, pylint_max_lines: int) -> dict[str, object]:
    results: dict[str, object] = {}
    if shutil.which("ruff"):
        results["ruff"] = asdict(best(["ruff", "check", "--select", "ERA001", "--no-cache",
                                       "--exit-zero", str(tree)], tree, repeat))
    if shutil.which("pylint") and lines <= pylint_max_lines:
        # The project's own pylint configuration is left out (an empty --rcfile): its
        # plugins and init-hook may need the project installed (nautobot's imports
        # nautobot and stops at once), and the same check must run on every tree.
        with tempfile.TemporaryDirectory() as empty:
            rcfile = Path(empty) / "pylintrc"
            rcfile.write_text("")
            results["pylint"] = asdict(measure(
                ["pylint", f"--rcfile={rcfile}", "--disable=all", "--enable=import-error",
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma list of 10k,100k,1m ('' for none)")
    parser.add_argument("--tree", type=Path, action="append", default=[],
                        help="a real project (copied under --work-dir before it is measured)")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/celerylint-bench"))
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of warm, edits, ruff, ast.parse and start-up (fastest kept)")
    parser.add_argument("--pylint-max-lines", type=int, default=600_000)
    parser.add_argument("--cold-phases-max-lines", type=int, default=600_000)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    # As ``pip install`` leaves it: celerylint's modules byte-compiled, so no run pays for
    # compiling them (``PYTHONDONTWRITEBYTECODE`` would otherwise make every run do so).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True)
    store = args.work_dir / "results.json"
    saved = json.loads(store.read_text()) if store.exists() else {"results": {}}
    trees = [(f"synthetic {s}", args.work_dir / f"synth-{s}", SIZES[s])
             for s in filter(None, args.sizes.split(","))]
    trees += [(tree.resolve().name, tree.resolve(), 0) for tree in args.tree]
    info = machine()
    for label, tree, size in trees:
        if size:
            generate(tree, size)
        else:
            tree = copied_tree(tree, args.work_dir)
        files, lines = count_python(tree)
        print(f"== {label}: {files} Python files, {lines} lines", flush=True)
        entry: dict[str, object] = {"files": files, "lines": lines, "load_before": info["load"]}
        entry.update(bench_celerylint(tree, args.repeat, lines <= args.cold_phases_max_lines))
        entry.update(bench_tools(tree, args.repeat, lines, args.pylint_max_lines))
        entry["ast_parse"] = ast_parse_time(tree, args.repeat)
        entry["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
        saved["results"][label] = entry
        print(json.dumps(entry, indent=1), flush=True)
        store.write_text(json.dumps(saved, indent=1))
    saved["startup"] = bench_startup(args.work_dir, args.repeat)
    saved["machine"] = machine()
    store.write_text(json.dumps(saved, indent=1))
    text = render_results(saved["results"], saved["machine"], saved.get("startup", {}))
    previous = args.output.read_text() if args.output.exists() else f"{BEGIN}\n{END}\n"
    if BEGIN in previous and END in previous:
        head, rest = previous.split(BEGIN, 1)
        text = head + BEGIN + "\n" + text + "\n" + END + rest.split(END, 1)[1]
    args.output.write_text(text)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
