"""The project model: built once from file facts, then only read.

Rules, diagrams and the inventory all read this one object; there is no second
analysis. Heavier parts (the Celery model, deployments, env files) are built on
first use so that a run selecting only import rules does not pay for them.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, ItemsView, Iterator, Mapping, ValuesView
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celerylint.discovery import FileInventory
from celerylint.project.imports import ImportGraph
from celerylint.regular_files import read_regular_bytes
from celerylint.source.facts import ModuleFacts
from celerylint.source.lazy_facts import LazyFacts

if TYPE_CHECKING:
    from celerylint.project.packaging.dependencies import DependencyDeclarations
    from celerylint.project.process_scope import LoadingChain, ProcessScope
    from celerylint.settings import Settings


class Project:
    def __init__(
        self,
        settings: "Settings",
        inventory: FileInventory,
        facts: Mapping[str, ModuleFacts],
    ) -> None:
        self.settings = settings
        self.root: Path = inventory.root
        self.inventory = inventory
        # Facts are decoded from the cache when first read (``LazyFacts``): a run whose
        # rules replay never reads most of them. ``modules`` maps names to the same facts.
        self.facts_by_path: Mapping[str, ModuleFacts] = (
            facts if isinstance(facts, LazyFacts) else dict(facts))
        paths_by_module: dict[str, str] = {}
        for python_file in inventory.python:
            if python_file.module and python_file.path in self.facts_by_path:
                paths_by_module.setdefault(python_file.module, python_file.path)
        self.modules: Mapping[str, ModuleFacts] = _FactsByModule(paths_by_module,
                                                                 self.facts_by_path)
        self._aliases: dict[str, str] = {}
        self.names_by_path: dict[str, tuple[str, ...]] = {
            pf.path: tuple(n for n in (pf.module, *pf.aliases) if n) for pf in inventory.python
        }
        for python_file in inventory.python:
            for alias in python_file.aliases:
                if alias not in self.modules:
                    self._aliases.setdefault(alias, python_file.module)
        self._extensions: dict[str, Any] = {}
        self._on_disk: dict[str, bool] = {}  # module_exists' answers from the disk

    # -- modules -------------------------------------------------------------------
    def module(self, name: str) -> ModuleFacts | None:
        found = self.modules.get(name)
        if found is None and name in self._aliases:
            found = self.modules.get(self._aliases[name])
        return found

    def has_module(self, name: str) -> bool:
        return self.module(name) is not None

    def canonical_module_name(self, name: str) -> str:
        return name if name in self.modules else self._aliases.get(name, name)

    @cached_property
    def _package_prefixes(self) -> frozenset[str]:
        """Every dotted prefix of a known module: namespace packages count as existing."""
        prefixes: set[str] = set()
        for name in (*self.modules, *self._aliases):
            parts = name.split(".")
            prefixes.update(".".join(parts[:i]) for i in range(1, len(parts)))
        return frozenset(prefixes)

    def module_exists(self, name: str) -> bool:
        """A module, a namespace package, or a file git ignores but that is on disk."""
        if self.has_module(name) or name in self._package_prefixes:
            return True
        found = self._on_disk.get(name)
        if found is None:  # asked once per name: the same imports recur in many files
            rel = name.replace(".", "/")
            root = str(self.root)
            found = self._on_disk[name] = any(
                _exists_on_disk(os.path.join(root, source_root) if source_root else root, rel)
                for source_root in self.inventory.source_roots)
        return found

    @cached_property
    def first_party_top_levels(self) -> frozenset[str]:
        names = {name.split(".")[0] for name in self.modules}
        names.update(alias.split(".")[0] for alias in self._aliases)
        return frozenset(names)

    def is_first_party(self, module: str) -> bool:
        return module.split(".")[0] in self.first_party_top_levels

    def python_facts(self) -> Iterator[ModuleFacts]:
        """Every file's facts, by path: decodes them all, in one pass."""
        if isinstance(self.facts_by_path, LazyFacts):
            self.facts_by_path.load_all()
        for path in sorted(self.facts_by_path):
            yield self.facts_by_path[path]

    @cached_property
    def import_graph(self) -> ImportGraph:
        return ImportGraph(self.modules, self.first_party_top_levels, self.canonical_module_name)

    # -- other inputs -----------------------------------------------------------------
    @property
    def files(self) -> list[str]:
        return self.inventory.files

    def read_bytes(self, rel: str) -> bytes | None:
        try:
            return read_regular_bytes(self.root / rel)
        except OSError:
            return None

    @cached_property
    def dependencies(self) -> "DependencyDeclarations":
        from celerylint.project.packaging.dependencies import read_declarations

        return read_declarations(self.root, self.files)

    # -- what Celery runs ----------------------------------------------------------------
    def process_scope(self) -> "ProcessScope":
        """The modules and files Celery's worker and beat processes load or read."""
        from celerylint.project.process_scope import process_scope

        return process_scope(self)

    def loading_chain(self, module: str) -> "LoadingChain | None":
        """Which Celery process loads ``module`` and through which imports (None: none)."""
        return self.process_scope().loading_chain(module)

    def extension(self, key: str, build: Callable[["Project"], Any]) -> Any:
        """Lazily built, memoised sub-models (Celery model, deployments, env files)."""
        if key not in self._extensions:
            self._extensions[key] = build(self)
        return self._extensions[key]

    def with_extensions(self, given: Mapping[str, Any]) -> "Project":
        """The same files and facts under other assumptions (another Django settings
        module): the sub-models in ``given`` are used as they are, the others rebuilt."""
        view = copy.copy(self)
        view._extensions = dict(given)
        return view


class _FactsByModule(Mapping[str, ModuleFacts]):
    """Module name -> facts, each read from the facts by path when asked for."""

    def __init__(self, paths: dict[str, str], facts: Mapping[str, ModuleFacts]) -> None:
        self._paths = paths
        self._facts = facts

    def __getitem__(self, name: str) -> ModuleFacts:
        return self._facts[self._paths[name]]

    def __contains__(self, name: object) -> bool:
        return name in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def values(self) -> ValuesView[ModuleFacts]:
        if isinstance(self._facts, LazyFacts):
            self._facts.load_all()
        return super().values()

    def items(self) -> ItemsView[str, ModuleFacts]:
        if isinstance(self._facts, LazyFacts):
            self._facts.load_all()
        return super().items()


def _exists_on_disk(base: str, rel: str) -> bool:
    """A module file, a regular package, or a directory of modules (namespace package)."""
    directory = os.path.join(base, rel)
    if os.path.isfile(directory + ".py") or os.path.isfile(os.path.join(directory, "__init__.py")):
        return True
    try:
        with os.scandir(directory) as entries:
            # as ``glob("*.py")`` matches: any entry so named, hidden ones aside
            return any(entry.name.endswith(".py") and not entry.name.startswith(".")
                       for entry in entries)
    except OSError:  # not a directory, or unreadable
        return False
