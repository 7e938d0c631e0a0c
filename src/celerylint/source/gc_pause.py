"""Pausing the cyclic garbage collector while many acyclic facts are built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Facts are acyclic, yet while hundreds of thousands of them are created the cyclic
    collector keeps re-scanning them: three quarters of loading a 100k-line cache
    (measured). Not used around in-process parsing, whose syntax trees may hold cycles.

    What was built while paused is then frozen (``gc.freeze``): moved to the permanent
    generation, which no collection walks. Thawing it into the oldest generation is not
    enough: the next full collection walks every fact again (0.8 s of a 189k-line
    project's cold run, measured), and the objects the model builds next trigger one.
    Frozen objects are still freed by reference counting, and facts hold no cycles, so
    nothing leaks; ``thaw`` gives a long-lived process (the test suite) its collector back.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def thaw() -> None:
    """Return frozen objects to the collector (between runs in one process)."""
    gc.unfreeze()
