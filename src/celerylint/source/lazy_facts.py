"""Facts by path whose cached entries are decoded when a reader first asks for them.

Decoding every cached entry costs more than everything else an incremental run does
(0.6 s of a 189k-line project's 1.3 s after a one-line edit): a run whose rules replay
their stored findings reads the facts of the edited file and of the few files its
recomputed rules look at, never the rest. The mapping holds the same facts an eager
load would; only when each is decoded differs. A reader that walks every file
(building the Celery model) calls ``load_all``, which decodes the rest in one pass
with the cyclic collector paused (``cyclic_gc_paused``).
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, Mapping, Sequence, ValuesView

from celerylint.source.facts import ModuleFacts
from celerylint.source.gc_pause import cyclic_gc_paused

Loader = Callable[[], ModuleFacts]


class LazyFacts(Mapping[str, ModuleFacts]):
    """Every Python file's facts by project-relative path, in inventory order."""

    def __init__(self, order: Sequence[str], loaded: dict[str, ModuleFacts],
                 deferred: dict[str, Loader]) -> None:
        self._order = tuple(order)
        self._loaded = loaded
        self._deferred = deferred

    def __getitem__(self, path: str) -> ModuleFacts:
        found = self._loaded.get(path)
        if found is None:
            found = self._loaded[path] = self._deferred.pop(path)()
        return found

    def __contains__(self, path: object) -> bool:
        return path in self._loaded or path in self._deferred

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def values(self) -> ValuesView[ModuleFacts]:
        self.load_all()
        return super().values()

    def items(self) -> ItemsView[str, ModuleFacts]:
        self.load_all()
        return super().items()

    def load_all(self) -> None:
        """Decode every entry not read yet: one pass, the cyclic collector paused."""
        if self._deferred:
            with cyclic_gc_paused():
                for path in list(self._deferred):
                    self._loaded[path] = self._deferred.pop(path)()

    @property
    def decoded(self) -> frozenset[str]:
        """The files whose facts are in memory: what this run has read so far."""
        return frozenset(self._loaded)
