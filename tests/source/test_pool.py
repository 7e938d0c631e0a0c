"""Extraction of a whole inventory: serial and parallel agree, failures stay per file."""

from __future__ import annotations

import random
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint.discovery import FileInventory, PythonFile, discover
from celerylint.settings import Settings
from celerylint.source import pool, pool_workers
from celerylint.source.pool import (
    PARALLEL_MIN_BYTES,
    PARALLEL_MIN_FILES,
    Extraction,
    extract,
    extract_all,
    process_count,
)
from celerylint.source.pool_workers import ParseJob, chunked

_BODIES = (
    "import os\nfrom {other} import helper\n\n\ndef helper():\n    return os.getenv('X')\n",
    ("from celery import shared_task\n\n\n@shared_task(bind=True)\ndef job(self, n):\n"
     "    # job.delay(n)\n    return n\n"),
    "CELERY_BROKER_URL = 'redis://localhost:6379/0'\nbeat_schedule = {{'a': {{'task': 't'}}}}\n",
    "def broken(:\n    pass\n",
    "",
)


def generated_tree(root: Path, count: int = 300, seed: int = 7) -> Path:
    """``count`` small modules across packages, with syntax errors and undecodable files."""
    rng = random.Random(seed)
    files: dict[str, str | bytes] = {}
    for index in range(count):
        package = f"pkg{index % 12}"
        files[f"{package}/__init__.py"] = ""
        other = f"pkg{rng.randrange(12)}.mod{rng.randrange(count)}"
        files[f"{package}/mod{index}.py"] = rng.choice(_BODIES).format(other=other)
    files["pkg0/latin.py"] = b"x = '\xe9'\n"
    return write_tree(root, files)


def run(root: Path, **changes: object) -> Extraction:
    settings = Settings(root=root, use_cache=False, **changes)  # type: ignore[arg-type]
    return extract(settings, discover(root, (), ()), {})


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_tree(tmp_path_factory.mktemp("pool") / "tree")


@pytest.fixture(scope="module")
def serial(tree: Path) -> Extraction:
    return run(tree, jobs=1)


@pytest.fixture(scope="module")
def parallel(tree: Path) -> Extraction:
    """Two worker processes, writing the cache as they go."""
    return extract(Settings(root=tree, jobs=2), discover(tree, (), ()), {})


def test_parallel_and_serial_extraction_give_identical_facts(
    serial: Extraction, parallel: Extraction
) -> None:
    assert (parallel.stats.processes, parallel.stats.parsed) == (2, len(serial.facts))
    assert serial.stats.processes == 1
    assert list(parallel.facts) == list(serial.facts)
    assert parallel.facts == serial.facts
    assert sum(1 for f in serial.facts.values() if f.parse_failure) > 10


def test_workers_summarise_the_files_they_parse(tree: Path, serial: Extraction) -> None:
    """The rule cache's per-file digests are made where a file is parsed, in parallel,
    and equal what the parent would compute from the facts."""
    from celerylint.rule_inputs import file_digests

    summarised = extract(Settings(root=tree, jobs=2, use_cache=False), discover(tree, (), ()),
                         {}, summarize=file_digests)
    assert summarised.stats.processes == 2
    assert summarised.summaries == {path: file_digests(facts)
                                    for path, facts in serial.facts.items()}


def test_entries_written_by_workers_serve_the_next_run(
    tree: Path, serial: Extraction, parallel: Extraction
) -> None:
    cached = extract(Settings(root=tree, jobs=1), discover(tree, (), ()), {})
    assert (cached.stats.cached, cached.stats.parsed) == (len(serial.facts), 0)
    assert cached.facts == serial.facts


@pytest.fixture
def small_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Forty files, with the thresholds lowered so that they still go to worker processes."""
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(pool_workers, "MIN_CHUNK_BYTES", 1)
    return generated_tree(tmp_path / "small", count=40)


class _BrokenExecutor:
    """Every submitted chunk dies as if its worker had been killed."""

    _max_workers = 2

    def submit(self, *args: object) -> Future[object]:
        future: Future[object] = Future()
        future.set_exception(BrokenProcessPool("worker killed"))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def test_broken_worker_processes_fall_back_to_one_process(
    small_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run(small_tree, jobs=1).facts
    monkeypatch.setattr(pool_workers, "_new_executor", lambda workers: _BrokenExecutor())
    result = run(small_tree, jobs=2)
    assert result.facts == expected
    assert result.stats.processes == 1
    assert any("worker processes failed" in note for note in result.stats.notes)


def test_no_process_pool_available_falls_back_to_one_process(
    small_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run(small_tree, jobs=1).facts
    assert run(small_tree, jobs=2).stats.processes == 2

    def refuse(workers: int) -> None:
        raise NotImplementedError("no sem_open on this platform")

    monkeypatch.setattr(pool_workers, "_new_executor", refuse)
    result = run(small_tree, jobs=2)
    assert result.facts == expected
    assert result.stats.processes == 1
    assert any("cannot start worker processes" in note for note in result.stats.notes)


def test_unreadable_file_becomes_a_parse_failure_of_that_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"ok.py": "import os\n"})
    inventory = FileInventory(root, ["ok.py", "gone.py"],
                              [PythonFile("ok.py", "ok", False), PythonFile("gone.py", "gone", False)],
                              [""])
    facts = extract_all(Settings(root=root, use_cache=False), inventory, {})
    assert facts["gone.py"].parse_failure is not None
    assert facts["gone.py"].parse_failure.message.startswith("cannot read file")
    assert [i.module for i in facts["ok.py"].imports] == ["os"]


def test_timings_name_the_cache_and_parse_phases(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"a.py": "x = 1\n"})
    timings: dict[str, float] = {}
    extract_all(Settings(root=root), discover(root, (), ()), timings)
    assert set(timings) == {"cache", "parse"}


class _Recorder:
    def __init__(self) -> None:
        self.total = self.parsed = self.cached = 0
        self.finished = False

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, parsed: int = 0, cached: int = 0) -> None:
        self.parsed += parsed
        self.cached += cached

    def finish(self) -> None:
        self.finished = True


def test_progress_counts_every_file_once(tmp_path: Path) -> None:
    root = generated_tree(tmp_path / "tree", count=30)
    first, second = _Recorder(), _Recorder()
    extract(Settings(root=root, jobs=1), discover(root, (), ()), {}, first)
    extract(Settings(root=root, jobs=1), discover(root, (), ()), {}, second)
    assert (first.parsed, first.cached, first.finished) == (first.total, 0, True)
    assert (second.parsed, second.cached) == (0, second.total)


def _jobs(sizes: list[int]) -> list[ParseJob]:
    return [ParseJob(f"m{i}.py", f"m{i}", False, "", b"x" * size) for i, size in enumerate(sizes)]


def test_small_work_stays_in_one_process() -> None:
    assert process_count(0, _jobs([100] * 10)) == 1
    assert process_count(4, _jobs([100] * (PARALLEL_MIN_FILES - 1))) == 1
    assert process_count(1, _jobs([100] * 5000)) == 1


def test_enough_work_uses_the_requested_processes() -> None:
    assert process_count(4, _jobs([100] * PARALLEL_MIN_FILES)) == 4
    assert process_count(3, _jobs([PARALLEL_MIN_BYTES // 2] * 2)) == 2


def test_chunks_keep_every_job_once_and_in_order() -> None:
    jobs = _jobs([random.Random(3).randrange(1, 50_000) for _ in range(500)])
    chunks = list(chunked(jobs, 4))
    assert [job for chunk in chunks for job in chunk] == jobs
    assert 4 <= len(chunks) <= 4 * pool_workers.CHUNKS_PER_PROCESS + 1
