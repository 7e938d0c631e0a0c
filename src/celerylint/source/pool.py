"""Extraction of every Python file's facts: cache first, then parse what is left.

This is the only stage that reads Python sources. Reading failures become parse
failures of that file, so one bad file never stops the run. Parsing runs in
worker processes when there is enough of it to pay for starting them; workers
receive bytes and return ``ModuleFacts`` as cache entries (no syntax tree crosses a
process boundary), write their own cache entries, and the result is assembled
in inventory order, so the facts are the same whatever the process count.

libcst is never imported for a tree CPython parses: facts come from CPython's
tree (``extract``), and libcst's pass runs only on files CPython refuses.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING

from celerylint.regular_files import read_regular_bytes
from celerylint.source import fact_codec
from celerylint.source.cache import (
    FactsCache,
    content_digest,
    dump_facts,
    entry_key,
    entry_of_encoded,
)
from celerylint.source.facts import ModuleFacts, ParseFailure
from celerylint.source.gc_pause import cyclic_gc_paused
from celerylint.source.lazy_facts import LazyFacts, Loader
from celerylint.source.pool_workers import (
    Collector,
    Parsed,
    ParseJob,
    Summarize,
    Summary,
    facts_of,
    parse_in_workers,
)

if TYPE_CHECKING:

    from celerylint.discovery import FileInventory, PythonFile
    from celerylint.progress import Progress
    from celerylint.settings import Settings

# Starting workers costs a fork and some pickling; below these sizes one process wins.
PARALLEL_MIN_FILES = 200
PARALLEL_MIN_BYTES = 100_000
@dataclass(frozen=True)
class ExtractionStats:
    """Counts for ``--verbose``/``--timings``: how much of the run the cache saved."""

    files: int
    cached: int
    parsed: int
    unreadable: int
    processes: int  # 1 when everything was parsed in this process
    notes: tuple[str, ...] = ()


@dataclass
class _Plan:
    """What the cache could not answer, and what it already did."""

    found: dict[str, ModuleFacts] = field(default_factory=dict)
    deferred: dict[str, Loader] = field(default_factory=dict)  # cached, decoded on first use
    jobs: list[ParseJob] = field(default_factory=list)
    unreadable: int = 0
    reparsed: int = 0  # deferred entries that no longer decoded when read, so were parsed


@dataclass(frozen=True)
class Extraction:
    facts: LazyFacts  # by project-relative path, in inventory order
    counted: ExtractionStats  # as planned: every stored entry counted as cached
    plan: _Plan
    summaries: dict[str, Summary] = field(default_factory=dict)  # of the parsed files

    def facts_loaded(self) -> Extraction:
        """This extraction with every file's facts decoded (``stats`` then final)."""
        self.facts.load_all()
        return self

    @property
    def stats(self) -> ExtractionStats:
        """The counts so far: an entry found stored but parsed when read counts as parsed."""
        return replace(self.counted, cached=self.counted.cached - self.plan.reparsed,
                       parsed=self.counted.parsed + self.plan.reparsed)


def extract_all(
    settings: Settings, inventory: FileInventory, timings: dict[str, float]
) -> dict[str, ModuleFacts]:
    """Facts of every Python file by path, all decoded; see ``extract`` for the counts."""
    return dict(extract(settings, inventory, timings).facts.items())


def extract(
    settings: Settings, inventory: FileInventory, timings: dict[str, float],
    progress: Progress | None = None, digests: Mapping[str, str] | None = None,
    summarize: Summarize | None = None,
) -> Extraction:
    """Facts of every Python file, with counts; fills ``timings["cache"]`` and ``["parse"]``.

    Cached facts are decoded when first read (``LazyFacts``). ``digests`` (a file's
    sha256, as the run cache computed it) spare reading a file whose entry is cached.
    ``summarize`` runs on each parsed file's facts where it is parsed (in the worker
    processes): ``Extraction.summaries``."""
    if progress is None:
        from celerylint.progress import NoProgress

        progress = NoProgress()
    progress.start(len(inventory.python))
    notes: list[str] = []
    try:
        started = time.perf_counter()
        cache = FactsCache.open(inventory.root, settings) if settings.use_cache else None
        plan = _plan(str(inventory.root), inventory.python, cache, progress, digests or {})
        timings["cache"] = time.perf_counter() - started
        started = time.perf_counter()
        processes = process_count(settings.jobs, plan.jobs)
        parsed = parse_files(plan.jobs, processes, cache, progress.advance, notes, summarize)
        timings["parse"] = time.perf_counter() - started
        started = time.perf_counter()
        if cache is not None:
            cache.prune()
            notes.extend(cache.notes)
        timings["cache"] += time.perf_counter() - started
    finally:
        progress.finish()  # the report must never share a line with the bar
    facts = LazyFacts([pf.path for pf in inventory.python], {**plan.found, **parsed.facts},
                      plan.deferred)
    stats = ExtractionStats(len(facts), len(plan.found) + len(plan.deferred) - plan.unreadable,
                            len(plan.jobs), plan.unreadable, parsed.processes, tuple(notes))
    return Extraction(facts, stats, plan, parsed.summaries)


def _unreadable(python_file: PythonFile, exc: OSError) -> ModuleFacts:
    return ModuleFacts(
        path=python_file.path, module=python_file.module, is_package=python_file.is_package,
        parse_failure=ParseFailure(f"cannot read file: {exc.strerror or exc}", 1, 1),
    )


def _plan(root: str, files: Sequence[PythonFile], cache: FactsCache | None,
          progress: Progress, digests: Mapping[str, str]) -> _Plan:
    """The cache answers what it can (decoded later, on first use); the rest becomes parse
    jobs. A file whose digest is known and whose entry exists is not read at all."""
    plan = _Plan()

    def deferred(python_file: PythonFile, digest: str) -> str:
        """The entry key; the file is deferred to the cache when its entry exists."""
        key = _key(python_file, digest)
        if cache is not None and cache.has(key):
            plan.deferred[python_file.path] = partial(_cached, cache, key, root, python_file,
                                                      plan)
            progress.advance(cached=1)
        return key

    for python_file in files:
        digest = digests.get(python_file.path)
        if cache is not None and digest is not None and len(digest) == 64:
            deferred(python_file, digest)
            if python_file.path in plan.deferred:
                continue
        try:
            data = read_regular_bytes(os.path.join(root, python_file.path))
        except OSError as exc:
            plan.found[python_file.path] = _unreadable(python_file, exc)
            plan.unreadable += 1
            progress.advance(parsed=1)
            continue
        key = "" if cache is None else deferred(python_file, content_digest(data))
        if python_file.path not in plan.deferred:
            plan.jobs.append(ParseJob(python_file.path, python_file.module,
                                      python_file.is_package, key, data))
    return plan


def _key(python_file: PythonFile, digest: str) -> str:
    return entry_key(python_file.path, python_file.module, python_file.is_package, digest)


def _cached(cache: FactsCache, key: str, root: str, python_file: PythonFile,
            plan: _Plan) -> ModuleFacts:
    """One cached entry, decoded; an entry that no longer decodes is parsed again (the
    file's current bytes, under their own key), as if it had been missing."""
    found = cache.load(key, python_file.path, python_file.module, python_file.is_package)
    if found is not None:
        return found
    plan.reparsed += 1
    try:
        data = read_regular_bytes(os.path.join(root, python_file.path))
    except OSError as exc:
        return _unreadable(python_file, exc)
    job = ParseJob(python_file.path, python_file.module, python_file.is_package,
                   _key(python_file, content_digest(data)), data)
    facts = facts_of(job)
    if cache.writable:
        cache.store(job.key, dump_facts(facts))
    return facts


def available_cpus() -> int:
    """CPUs this process may run on (a container's or taskset's limit, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def process_count(jobs_setting: int, jobs: Sequence[ParseJob]) -> int:
    """How many processes to parse with: 1 unless there is enough work to share."""
    wanted = jobs_setting or available_cpus()
    if wanted <= 1 or len(jobs) < 2:
        return 1
    if len(jobs) < PARALLEL_MIN_FILES and sum(len(j.data) for j in jobs) < PARALLEL_MIN_BYTES:
        return 1
    return min(wanted, len(jobs))


# --- parsing ------------------------------------------------------------------------


def parse_files(jobs: Sequence[ParseJob], processes: int, cache: FactsCache | None,
                advance: Callable[..., None], notes: list[str],
                summarize: Summarize | None = None) -> Parsed:
    """Parse every job, in worker processes when ``processes`` > 1 and the OS allows it;
    ``summarize`` runs on each file's facts where they were parsed."""
    parsed = Parsed()
    remaining: Sequence[ParseJob] = jobs
    if processes > 1:
        with cyclic_gc_paused():  # this process only decodes; the workers keep theirs
            remaining = parse_in_workers(jobs, processes, cache,
                                         Collector(parsed, cache, None, advance, summarize),
                                         notes)
    if remaining:
        _parse_here(remaining, cache, advance, parsed, summarize)
    return parsed


def _parse_here(jobs: Sequence[ParseJob], cache: FactsCache | None,
                advance: Callable[..., None], parsed: Parsed,
                summarize: Summarize | None) -> None:
    for job in jobs:
        facts = facts_of(job)
        encoded = fact_codec.dumps(facts) if cache is not None or summarize is not None \
            else b""
        if cache is not None and cache.writable:
            cache.store(job.key, entry_of_encoded(encoded))
        parsed.facts[job.path] = facts
        if summarize is not None:
            parsed.summaries[job.path] = summarize(facts, encoded)
        advance(parsed=1)


