"""Parsing in forked worker processes, and recovering when a worker dies.

Workers receive bytes (``ParseJob``) in chunks of about equal size and return each
file's cache entry (``fact_codec`` JSON) and summary; they write their own cache entries. When a worker dies (out of memory, a
segfault in a native parser), the unfinished chunks are redone each in a process of
its own, and a chunk that kills its process again file by file, so that only the file
that crashes the parser is lost, as a parse failure of that file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from celerylint.source import fact_codec
from celerylint.source.cache import FactsCache, entry_of_encoded, load_blob, write_entry
from celerylint.source.facts import ModuleFacts, ParseFailure

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor


CHUNKS_PER_PROCESS = 8  # small enough to balance uneven files, large enough to amortise IPC
MIN_CHUNK_BYTES = 16_000

Summary = list[str]  # what a caller derives from one file's facts (``extract``'s ``summarize``)
Summarize = Callable[[ModuleFacts, bytes], Summary]  # the facts, and their ``fact_codec`` JSON
Result = tuple[str, bytes, bool, Summary | None]  # path, cache entry, written, summary


@dataclass(frozen=True)
class ParseJob:
    """One file to parse: everything a worker needs, nothing it would have to read."""

    path: str
    module: str
    is_package: bool
    key: str  # cache key, "" when the cache is off
    data: bytes


@dataclass
class Parsed:
    facts: dict[str, ModuleFacts] = field(default_factory=dict)
    summaries: dict[str, Summary] = field(default_factory=dict)
    processes: int = 1


def facts_of(job: ParseJob) -> ModuleFacts:
    """The job's facts; whatever goes wrong on one file is that file's CEL001, never the run's
    (``extract_module_facts`` already promises it; this holds it for any stage in between)."""
    from celerylint.source import extract

    try:
        return extract.extract_module_facts(job.path, job.module, job.is_package, job.data)
    except Exception as exc:  # noqa: BLE001 - one file never stops the run
        return ModuleFacts(path=job.path, module=job.module, is_package=job.is_package,
                           parse_failure=extract.analysis_failure(exc))


def parse_chunk(jobs: Sequence[ParseJob], entries_dir: str | None,
                summarize: Summarize | None = None) -> list[Result]:
    """Worker side: ``(path, facts as a cache entry, cache entry written, summary)`` for
    each job (the summary made here, in parallel, rather than in the parent)."""
    results: list[Result] = []
    for job in jobs:
        facts = facts_of(job)
        encoded = fact_codec.dumps(facts)
        blob = entry_of_encoded(encoded)
        written = entries_dir is not None and write_entry(entries_dir, job.key, blob)
        results.append((job.path, blob, written,
                        None if summarize is None else summarize(facts, encoded)))
    return results


def chunked(jobs: Sequence[ParseJob], processes: int) -> Iterator[list[ParseJob]]:
    """Consecutive runs of files of about equal total size, several per process."""
    total = sum(len(job.data) for job in jobs)
    target = max(MIN_CHUNK_BYTES, total // (processes * CHUNKS_PER_PROCESS))
    chunk: list[ParseJob] = []
    size = 0
    for job in jobs:
        chunk.append(job)
        size += len(job.data)
        if size >= target:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def parse_in_workers(jobs: Sequence[ParseJob], processes: int, cache: FactsCache | None,
                   collect: Collector, notes: list[str]) -> list[ParseJob]:
    """Parse in worker processes; return the jobs left for this process if the pool fails."""
    from concurrent.futures import as_completed

    import celerylint.source.extract  # noqa: F401 - forked workers inherit it instead of importing

    chunks = list(chunked(jobs, processes))
    workers = min(processes, len(chunks))
    if workers < 2:
        return list(jobs)
    entries_dir = cache.worker_entries_dir if cache is not None else None
    try:
        executor = _new_executor(workers)
    except (OSError, ImportError, NotImplementedError, ValueError) as exc:
        notes.append(f"parsing in one process: cannot start worker processes ({exc})")
        return list(jobs)
    pending: dict[Future[list[Result]], list[ParseJob]] = {}
    collect.entries_dir = entries_dir
    broken: BaseException | None = None
    try:
        pending = {executor.submit(parse_chunk, chunk, entries_dir, collect.summarize): chunk
                   for chunk in chunks}
        for future in as_completed(list(pending)):
            results = future.result()
            collect(pending[future], results)  # a chunk whose results fail stays pending
            del pending[future]
    except Exception as exc:  # noqa: BLE001 - a dead worker, or a result that does not load
        broken = exc
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    left = [] if broken is None else _recover(list(pending.values()), broken, collect, notes)
    if not left:
        collect.parsed.processes = workers
    return left


@dataclass
class Collector:
    """Takes a worker's results into ``parsed`` and tells the cache what was written."""

    parsed: Parsed
    cache: FactsCache | None
    entries_dir: str | None
    advance: Callable[..., None]
    summarize: Summarize | None = None

    def __call__(self, chunk: Sequence[ParseJob], results: list[Result]) -> None:
        for job, (path, blob, written, summary) in zip(chunk, results):
            self.parsed.facts[path] = load_blob(blob)
            if summary is not None:
                self.parsed.summaries[path] = summary
            if self.cache is not None and self.entries_dir is not None:
                self.cache.stored_elsewhere(job.key, written)
        self.advance(parsed=len(results))

    def crashed(self, job: ParseJob) -> None:
        """Never cached: the crash may have been the machine's (out of memory), not the file's."""
        self.parsed.facts[job.path] = ModuleFacts(
            path=job.path, module=job.module, is_package=job.is_package,
            parse_failure=ParseFailure("celerylint's parser crashed on this file (its worker "
                                       "process died)", 1, 1))
        self.advance(parsed=1)


def _recover(chunks: list[list[ParseJob]], exc: BaseException, collect: Collector,
             notes: list[str]) -> list[ParseJob]:
    """A worker died: redo each unfinished chunk in a process of its own, and a chunk that
    kills its process again file by file, so that only the file that crashes the parser
    (libcst's native code can segfault) is lost, as a parse failure of that file.

    When not even an empty file parses in a fresh process, processes are what is broken,
    not a file: the rest is left for this process, as before the pool was tried.
    """
    notes.append(f"worker processes failed ({type(exc).__name__}: {exc}); "
                 "parsing the unfinished files again, each chunk in a process of its own")
    probe = ParseJob("<probe>.py", "probe", False, "", b"")
    if _parse_isolated([probe], None) is None:
        notes.append("worker processes cannot run at all; parsing the rest in one process")
        return [job for chunk in chunks for job in chunk]
    for chunk in chunks:
        results = _parse_isolated(chunk, collect.entries_dir, collect.summarize)
        if results is not None:
            collect(chunk, results)
            continue
        for job in chunk:
            alone = _parse_isolated([job], collect.entries_dir, collect.summarize)
            if alone is None:
                notes.append(f"the parser crashed on {job.path}")
                collect.crashed(job)
            else:
                collect([job], alone)
    return []


def _parse_isolated(jobs: Sequence[ParseJob], entries_dir: str | None,
                    summarize: Summarize | None = None) -> list[Result] | None:
    """``parse_chunk`` in a fresh process of its own; None when that process dies."""
    try:
        executor = _new_executor(1)
    except (OSError, ImportError, NotImplementedError, ValueError):
        return None
    try:
        return executor.submit(parse_chunk, jobs, entries_dir, summarize).result()
    except Exception:  # noqa: BLE001 - a dead process or a failed chunk: the caller decides
        return None
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _new_executor(workers: int) -> ProcessPoolExecutor:
    """Fork on Linux: workers start in milliseconds with the scanner already imported."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = None
    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)
