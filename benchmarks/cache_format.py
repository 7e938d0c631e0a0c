"""Cache entries: the JSON fact codec against the allow-list unpickling it replaced.

Extracts the facts of every Python file of a tree (in this process, without the cache: decoded facts
share fewer strings than fresh ones, which would make pickle's entries larger), then
times, in one process and alternating rounds, turning every entry back into facts:

- ``unpickle``: ``pickle.loads`` restricted to the fact classes (the format up to
  schema 2);
- ``json+decode``: ``cache.load_blob`` (JSON parse, header check, validating decode);
- and its two halves, ``json.loads`` alone and ``fact_codec.decode`` alone;

plus writing every entry each way. CPU time (``time.process_time``), so that other
processes on a shared machine count less; the collector is paused, as in a run.

Usage: ``python3 benchmarks/cache_format.py TREE [--rounds 7]``
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import pickle
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from celerylint.discovery import discover
from celerylint.settings import Settings
from celerylint.source import facts as facts_module
from celerylint.source.cache import dump_facts, load_blob
from celerylint.source.fact_codec import decode
from celerylint.source.facts import ModuleFacts
from celerylint.source.pool import extract


class _FactsUnpickler(pickle.Unpickler):
    """The schema-2 loader: only the classes of ``celerylint.source.facts``."""

    def find_class(self, module: str, name: str) -> type:
        found = getattr(facts_module, name, None)
        if module == facts_module.__name__ and isinstance(found, type):
            return found
        raise pickle.UnpicklingError(f"refusing {module}.{name}")


def _unpickle(blob: bytes) -> Any:
    return _FactsUnpickler(io.BytesIO(blob)).load()


def _facts(tree: Path) -> list[ModuleFacts]:
    settings = Settings(root=tree, use_cache=False, jobs=1)  # facts made here, not decoded
    return list(extract(settings, discover(tree, (), ()), {}).facts.values())


def _timed(function: Callable[[Any], Any], items: Sequence[Any]) -> float:
    gc.disable()
    try:
        started = time.process_time()
        for item in items:
            function(item)
        return time.process_time() - started
    finally:
        gc.enable()


def measure(facts: list[ModuleFacts], rounds: int) -> dict[str, list[float]]:
    pickled = [pickle.dumps(f, protocol=pickle.HIGHEST_PROTOCOL) for f in facts]
    entries = [dump_facts(f) for f in facts]
    plain = [json.loads(entry)[3] for entry in entries]
    assert [load_blob(entry) for entry in entries] == facts
    cases: dict[str, tuple[Callable[[Any], Any], Sequence[Any]]] = {
        "read: unpickle (schema 2)": (_unpickle, pickled),
        "read: json+decode (schema 3)": (load_blob, entries),
        "  of which json.loads": (json.loads, entries),
        "  of which decode": (lambda data: decode(ModuleFacts, data), plain),
        "write: pickle.dumps (schema 2)": (
            lambda f: pickle.dumps(f, protocol=pickle.HIGHEST_PROTOCOL), facts),
        "write: dump_facts (schema 3)": (dump_facts, facts),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, (function, items) in cases.items():
            times[name].append(_timed(function, items))
    print(f"{len(facts)} files; entries: pickle {sum(map(len, pickled)) / 1e6:.1f} MB, "
          f"JSON {sum(map(len, entries)) / 1e6:.1f} MB")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    facts = _facts(args.tree.resolve())
    times = measure(facts, args.rounds)
    print(f"CPU seconds over {args.rounds} rounds      min   median")
    for name, values in times.items():
        print(f"{name:32s} {min(values):6.3f}  {statistics.median(values):6.3f}")


if __name__ == "__main__":
    main()
