"""Effective settings of one app: which entry wins for each setting Celery reads.

Names are mapped the way Celery's ``ConfigurationView`` reads them (namespace
prefix, then the old-name fallback), using the installed celery's tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from celerylint.project.celery.celery_apps import SettingEntry, SourceKind
from celerylint.project.evaluate import UNKNOWN, Evaluator, plain

PRECEDENCE = {SourceKind.OBJECT: 0, SourceKind.UPDATE: 1, SourceKind.ATTRIBUTE: 1,
               SourceKind.ITEM: 1, SourceKind.CONSTRUCTOR: 2}


@lru_cache(maxsize=1)
def _tables() -> tuple[frozenset[str], dict[str, str], dict[str, Any]]:
    from celery.app import defaults

    return frozenset(defaults.SETTING_KEYS), dict(defaults._TO_NEW_KEY), dict(defaults.DEFAULTS)


def canonical_setting_name(key: str, namespace: str | None, django: bool = False) -> str | None:
    """The setting Celery reads a key as, or None when Celery never reads it."""
    from celerylint.celery_knowledge.settings import lookup_setting

    lookup = lookup_setting(key, namespace, django)
    return lookup.setting if lookup.is_read else None


def celery_default(name: str) -> Any:
    return _tables()[2].get(name, UNKNOWN)


@dataclass
class EffectiveSettings:
    """Entries per setting, lowest precedence first; the last one is what Celery uses."""

    by_name: dict[str, list[SettingEntry]]
    evaluator: Evaluator
    # What is derived from these settings once per run (compiled routers, for instance).
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_entries(cls, entries: Iterable[SettingEntry], evaluator: Evaluator) -> "EffectiveSettings":
        by_name: dict[str, list[SettingEntry]] = {}
        ordered = sorted(enumerate(entries), key=lambda item: (PRECEDENCE[item[1].source], item[0]))
        for _, entry in ordered:
            name = canonical_setting_name(entry.key, entry.namespace, entry.django)
            if name:
                by_name.setdefault(name, []).append(entry)
        return cls(by_name, evaluator)

    def entry(self, name: str) -> SettingEntry | None:
        entries = self.by_name.get(name)
        return entries[-1] if entries else None

    def is_set(self, name: str) -> bool:
        return name in self.by_name

    def raw(self, name: str) -> Any:
        """Evaluated value (EnvValue kept), or UNKNOWN when set but not knowable."""
        entry = self.entry(name)
        if entry is None:
            return celery_default(name)
        if entry.conditional and len(self.by_name[name]) == 1:
            return UNKNOWN  # set only under an ``if``: may or may not apply
        return self.evaluator.evaluate(entry.value, entry.module)

    def value(self, name: str) -> Any:
        return plain(self.raw(name))
