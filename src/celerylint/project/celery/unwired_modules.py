"""Modules that nothing loads: the dispatches they hold are no evidence that a task is used.

A module runs only when something loads it: an import, a dotted name in a string (Django
settings, ``include("app.urls")``, a ``-A`` option, an entry point), a framework that
loads it by its file name, or a command that runs it as a script. When a project wires
modules of one kind explicitly (its other ``api`` modules are imported by a router) and
one module of that kind is wired nowhere, that module is dead code: a task it sends is
sent by no process. The check is deliberately narrow: in a project where no module of
that kind is imported at all, the wiring is simply not visible, and the use counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from celerylint.project.imports import parent_packages
from celerylint.regular_files import read_regular_text
from celerylint.text_mentions import module_mention

if TYPE_CHECKING:
    from celerylint.project.model import Project

# Modules a framework, a test runner or Celery loads by their file name alone.
LOADED_BY_NAME = frozenset({
    "models", "admin", "apps", "signals", "receivers", "urls", "tasks", "settings", "wsgi",
    "asgi", "manage", "conftest", "celery", "__main__", "setup", "celeryconfig",
})
# Packages whose every module is loaded by name (Django's migrations, management
# commands and template tags; tests).
LOADED_PACKAGES = frozenset({"migrations", "commands", "templatetags", "tests", "test"})
SCRIPT_GUARD = re.compile(r"""__name__\s*==\s*['"]__main__['"]|['"]__main__['"]\s*==\s*__name__""")
TEXT_SUFFIXES = frozenset({".py", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".sh", ".json",
                           ".txt", ".conf", ".env", ".service", ".j2", ".html"})
TEXT_NAMES = ("Procfile", "Dockerfile", "Makefile", "docker-compose")
MAX_TEXT_BYTES = 1_000_000


class UnwiredModules:
    """Answers "is this module dead code in a project that wires modules of its kind?"."""

    def __init__(self, project: "Project") -> None:
        self.project = project

    @cached_property
    def _imported(self) -> frozenset[str]:
        """Every first-party module some import statement loads, with its parent packages
        (any context: an import inside a function still loads the module when it runs)."""
        graph = self.project.import_graph
        found: set[str] = set()
        for facts in self.project.modules.values():
            for fact in facts.imports:
                target = graph.target_module(fact)
                if target and target != facts.module:
                    found.update((*parent_packages(target), target))
        return frozenset(found)

    def unwired(self, modules: Iterable[str]) -> set[str]:
        """Those of ``modules`` that no import, string or framework loads, while other
        modules of the same file name are imported."""
        candidates = {m for m in modules if self._looks_unwired(m)}
        if candidates:
            candidates -= self._named_in_text(candidates)
        return candidates

    def _looks_unwired(self, module: str) -> bool:
        facts = self.project.module(module)
        if facts is None or module in self._imported:
            return False
        parts = module.split(".")
        if parts[-1] in LOADED_BY_NAME or parts[-1].startswith("test") \
                or parts[-1].endswith("_test") or LOADED_PACKAGES & set(parts[:-1]):
            return False
        if not any(name != module and name.rsplit(".", 1)[-1] == parts[-1]
                   for name in self._imported if name in self.project.modules):
            return False  # no module of this kind is wired visibly: no evidence either way
        return not SCRIPT_GUARD.search(self._text(facts.path))

    def _named_in_text(self, modules: set[str]) -> set[str]:
        """Modules whose dotted name (or path) appears in another project file."""
        patterns = {m: module_mention(m) for m in modules}
        paths = {m: self.project.module(m).path for m in modules}  # type: ignore[union-attr]
        named: set[str] = set()
        for rel in self.project.inventory.files:
            if len(named) == len(modules):
                break
            if not _may_name_modules(rel):
                continue
            text = self._text(rel)
            for module, pattern in patterns.items():
                if module not in named and rel != paths[module] and (
                        pattern.search(text) or paths[module] in text):
                    named.add(module)
        return named

    def _text(self, rel: str) -> str:
        path = Path(self.project.root) / rel
        try:
            if path.stat().st_size > MAX_TEXT_BYTES:
                return ""
            return read_regular_text(path)
        except OSError:  # NotRegularFileError too: a FIFO is never opened
            return ""


def _may_name_modules(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return Path(name).suffix in TEXT_SUFFIXES or name.startswith(TEXT_NAMES)


def unwired_modules(project: "Project") -> UnwiredModules:
    return project.extension("unwired_modules", UnwiredModules)  # type: ignore[no-any-return]


__all__ = ["UnwiredModules", "unwired_modules"]
