"""Finds every rule class and answers which rules a run selects.

Rules are discovered by walking this package, so adding a rule is adding a
module; codes and names are checked for collisions here once.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TypeVar

from celerylint.rules.base import CODE_PATTERN, NAME_PATTERN, ModuleRule, ProjectRule, Rule
from celerylint.rules.catalog import CatalogEntry, catalog

_R = TypeVar("_R", type[Rule], CatalogEntry)  # a rule class, or its catalog entry

_PACKAGE = "celerylint.rules"


class RegistryError(Exception):
    """Two rules share a code or name, or a rule's identity is malformed."""


def _subclasses(cls: type) -> Iterable[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    package = importlib.import_module(_PACKAGE)
    for info in pkgutil.walk_packages(package.__path__, _PACKAGE + "."):
        importlib.import_module(info.name)
    found = {
        cls for base in (ModuleRule, ProjectRule) for cls in _subclasses(base)
        if "code" in cls.__dict__
    }
    rules = tuple(sorted(found, key=lambda r: r.code))
    _check_identities(rules)
    return rules


def _check_identities(rules: Sequence[type[Rule]]) -> None:
    codes: dict[str, type[Rule]] = {}
    names: dict[str, type[Rule]] = {}
    for rule in rules:
        if not CODE_PATTERN.match(rule.code):
            raise RegistryError(f"{rule.__name__}: code {rule.code!r} is not CEL + 3 digits")
        if not NAME_PATTERN.match(rule.name):
            raise RegistryError(f"{rule.__name__}: name {rule.name!r} is not kebab-case")
        for key, table in ((rule.code, codes), (rule.name, names)):
            if key in table:
                raise RegistryError(
                    f"{key} is used by both {table[key].__qualname__} and {rule.__qualname__}")
            table[key] = rule
        for old in rule.old_names:
            if old in names and names[old] is not rule:
                raise RegistryError(f"old name {old} of {rule.__qualname__} collides")
            names[old] = rule


def find_rule(code_or_name: str) -> type[Rule] | None:
    key = code_or_name.strip()
    for rule in all_rules():
        if key.upper() == rule.code or key == rule.name or key in rule.old_names:
            return rule
    return None


def _matches(rule: type[Rule] | CatalogEntry, selector: str) -> bool:
    selector = selector.strip()
    if selector.upper() == "ALL":
        return True
    if selector == rule.name or selector in rule.old_names:
        return True
    return rule.code.startswith(selector.upper()) and selector.upper().startswith("CEL")


def _names_exactly(rule: type[Rule] | CatalogEntry, selector: str) -> bool:
    """``CEL701`` or ``missing-module``: a choice of this very rule, not of a family."""
    selector = selector.strip()
    return selector.upper() == rule.code or selector == rule.name or selector in rule.old_names


def _selects(rule: type[Rule] | CatalogEntry, selector: str, preview: bool) -> bool:
    """ruff's preview semantics: a prefix or ALL reaches a preview rule only in preview
    mode; naming the rule exactly always does."""
    if not _matches(rule, selector):
        return False
    return preview or not rule.preview or _names_exactly(rule, selector)


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    rules = catalog()
    return [s for s in selectors if s.strip() and not any(_matches(r, s) for r in rules)]


def is_default(rule: type[Rule] | CatalogEntry, preview: bool = False) -> bool:
    """In the set a run without ``select`` uses: default-enabled, and stable unless
    preview mode is on."""
    return rule.default_enabled and (preview or not rule.preview)


def select_rules(
    select: Sequence[str] | None, extend_select: Sequence[str], ignore: Sequence[str],
    preview: bool = False,
) -> list[type[Rule]]:
    """ruff's semantics: ``select`` replaces the default set, ``extend-select`` adds,
    ``ignore`` removes; the more specific selector wins between select and ignore.
    Preview rules join only in preview mode or when selected by exact code or name."""
    return _select(all_rules(), select, extend_select, ignore, preview)


def select_entries(
    select: Sequence[str] | None, extend_select: Sequence[str], ignore: Sequence[str],
    preview: bool = False,
) -> list[CatalogEntry]:
    """``select_rules`` from the catalog: no rule module is imported."""
    return _select(catalog(), select, extend_select, ignore, preview)


def _select(rules: Iterable[_R], select: Sequence[str] | None, extend_select: Sequence[str],
            ignore: Sequence[str], preview: bool) -> list[_R]:
    chosen: list[_R] = []
    for rule in rules:
        chosen_by = [s for s in (*(select or ()), *extend_select) if _selects(rule, s, preview)]
        in_select = any(_selects(rule, s, preview) for s in select or ())
        selected = (is_default(rule, preview) if select is None else in_select) or any(
            _selects(rule, s, preview) for s in extend_select)
        if not selected:
            continue
        ignored = [s for s in ignore if _matches(rule, s)]
        if ignored and max(map(len, ignored)) >= max(map(len, chosen_by), default=0):
            continue
        chosen.append(rule)
    return chosen
