"""The configuration entries the settings rules judge, with how to read each key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.project.celery.celery_apps import SettingEntry, SourceKind
from celerylint.project.celery.celery_model import celery_model

if TYPE_CHECKING:
    from celerylint.celery_knowledge.settings import SettingLookup
    from celerylint.project.model import Project

# Keys in these sources are settings by construction: an unrecognised one is a typo.
EXPLICIT_SOURCES = (SourceKind.UPDATE, SourceKind.ATTRIBUTE, SourceKind.ITEM)


@dataclass(frozen=True)
class JudgedEntry:
    entry: SettingEntry
    lookup: "SettingLookup"

    @property
    def explicit(self) -> bool:
        return self.entry.source in EXPLICIT_SOURCES


def judged_entries(project: "Project") -> Iterator[JudgedEntry]:
    """Every written key once (a config module shared by two apps is judged once)."""
    from celerylint.celery_knowledge.settings import lookup_setting

    seen: set[tuple[str, int, int, str]] = set()
    model = celery_model(project)
    for app_id in sorted(model.configs):
        for entry in model.configs[app_id].entries:
            if entry.source is SourceKind.CONSTRUCTOR:
                continue
            key = (entry.path, entry.span.line, entry.span.column, entry.key)
            if key in seen:
                continue
            seen.add(key)
            yield JudgedEntry(entry, lookup_setting(entry.key, entry.namespace, entry.django))
