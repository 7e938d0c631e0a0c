"""Same tree, same bytes: whatever the process count, the cache state or the hash seed.

fixtures/demo is copied once; every output (each report format, the JSON inventory, the
topology in dot and mermaid) is produced under each run condition and compared byte for
byte with the first. Worker processes are forced for this small tree by lowering the
pool's thresholds, and ``--verbose`` proves that they, or the cache, really served.
"""

from __future__ import annotations

import enum
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.trust.conftest import CACHE_DIR_NAME, assert_no_crash, copy_fixture, run_cli

from celerylint.report import FORMATS
from celerylint.source import pool, pool_workers

pytestmark = pytest.mark.usefixtures("preview_rules_as_stable")

FIXTURE = "demo"


class Cache(enum.Enum):
    OFF = "no cache"  # check: --no-cache; other commands: a cache directory nobody reuses
    COLD = "cold cache"
    WARM = "warm cache"


@dataclass(frozen=True)
class Condition:
    jobs: int
    cache: Cache

    def __str__(self) -> str:
        return f"{self.cache.value}, --jobs {self.jobs}"


# Cold runs come before warm ones with the same process count: they fill the cache.
CONDITIONS = (
    Condition(1, Cache.OFF), Condition(2, Cache.OFF), Condition(2, Cache.COLD),
    Condition(1, Cache.WARM), Condition(1, Cache.COLD), Condition(2, Cache.WARM),
)
OTHER_OUTPUTS = (("inventory", "--format", "json"), ("graph", "topology", "--format", "dot"),
                 ("graph", "topology", "--format", "mermaid"))


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo project, with worker processes used even for its handful of files."""
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(pool_workers, "MIN_CHUNK_BYTES", 1)
    return copy_fixture(FIXTURE, tmp_path / "demo")


def _config(directory: Path, condition: Condition) -> Path:
    """``graph``/``inventory`` take no --jobs: a config file outside the project does."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "pyproject.toml"
    cache_dir = (directory / "throwaway-cache").as_posix()
    extra = f'cache-dir = "{cache_dir}"\n' if condition.cache is Cache.OFF else ""
    config.write_text(f"[tool.celerylint]\njobs = {condition.jobs}\n{extra}", encoding="utf-8")
    return config


def _forget_cache(project: Path, config_dir: Path) -> None:
    shutil.rmtree(project / CACHE_DIR_NAME, ignore_errors=True)
    shutil.rmtree(config_dir / "throwaway-cache", ignore_errors=True)


def _outputs(project: Path, condition: Condition, config_dir: Path) -> dict[str, bytes]:
    """Every output under one condition, each command starting from that cache state."""
    config = _config(config_dir, condition)
    flags = ["--jobs", str(condition.jobs), "--config", str(config)]
    if condition.cache is Cache.OFF:
        flags.append("--no-cache")
    if condition.cache is Cache.WARM:
        _assert_served_by(project, [*flags, "--verbose"], "from the cache, 0 parsed")
    outputs: dict[str, bytes] = {}
    commands = [("check", "--format", name, *flags) for name in sorted(FORMATS)]
    commands += [(*command, "--config", str(config)) for command in OTHER_OUTPUTS]
    for command in commands:
        if condition.cache is not Cache.WARM:
            _forget_cache(project, config_dir)
        outcome = run_cli([*command[:2], str(project), *command[2:]] if command[0] == "graph"
                          else [command[0], str(project), *command[1:]], cwd=project)
        assert_no_crash(outcome)
        outputs[" ".join(command[:3])] = outcome.out
    return outputs


def _assert_served_by(project: Path, flags: list[str], expected: str) -> None:
    outcome = run_cli(["check", str(project), *flags], cwd=project)
    assert_no_crash(outcome)
    assert expected in outcome.err, outcome.describe()


def test_every_output_is_identical_under_every_condition(demo: Path, tmp_path: Path) -> None:
    _assert_served_by(demo, ["--jobs", "2", "--no-cache", "--verbose"], "in 2 process(es)")
    reference: dict[str, bytes] | None = None
    for index, condition in enumerate(CONDITIONS):
        outputs = _outputs(demo, condition, tmp_path / f"config-{index}")
        if reference is None:
            reference = outputs
            assert all(reference.values()), "every command is expected to print something"
            continue
        differing = [name for name in reference if outputs[name] != reference[name]]
        assert not differing, f"{condition}: {differing} differ from {CONDITIONS[0]}"


def test_a_changed_tree_changes_the_output(demo: Path) -> None:
    """The comparison above can fail: one edited line is a different JSON report."""
    before = run_cli(["check", str(demo), "--format", "json", "--no-cache"]).out
    tasks = demo / "acme" / "workers" / "tasks.py"
    tasks.write_text(tasks.read_text(encoding="utf-8") + "\nimport acme.gone\n",
                     encoding="utf-8")
    assert run_cli(["check", str(demo), "--format", "json", "--no-cache"]).out != before


_DRIVER = """
import sys
from pathlib import Path
from celerylint.cli import main
from celerylint.report import FORMATS

project, out = Path(sys.argv[1]), Path(sys.argv[2])
commands = [["check", str(project), "--format", name, "--no-cache"] for name in sorted(FORMATS)]
commands += [["inventory", str(project), "--format", "json"],
             ["graph", "topology", str(project), "--format", "dot"],
             ["graph", "imports", str(project), "--format", "mermaid"]]
for number, argv in enumerate(commands):
    with open(out / f"{number}.out", "w", encoding="utf-8") as stream:
        sys.stdout = stream
        main(argv)
        sys.stdout.flush()
"""


def test_outputs_do_not_depend_on_the_hash_seed(demo: Path, tmp_path: Path) -> None:
    """Set and dict order of strings changes with PYTHONHASHSEED between invocations."""
    source = str(Path(pool.__file__).parents[2])
    results = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed-{seed}"
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": source}
        completed = subprocess.run([sys.executable, "-c", _DRIVER, str(demo), str(out)],
                                   cwd=tmp_path, env=env, capture_output=True, timeout=150,
                                   check=False)
        assert completed.returncode == 0, completed.stderr
        assert b"Traceback" not in completed.stderr
        results.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(results[0]) == len(FORMATS) + 3
    json.loads(results[0][f"{sorted(FORMATS).index('json')}.out"])
    differing = [name for name in results[0] if results[0][name] != results[1][name]]
    assert not differing, differing
