"""Who reads a ``CELERY_``-prefixed Django setting that Celery itself does not.

``namespace="CELERY"`` makes every ``CELERY_X`` look like Celery's, but Django
settings are shared: django-celery-email reads ``CELERY_EMAIL_BACKEND``, and a
project reads its own ``settings.CELERY_ENABLED``. Such a key is somebody's
setting, not a typo of Celery's. Three ways to know, cheapest first:

* the project's own code reads it (``settings.CELERY_X``,
  ``getattr(settings, "CELERY_X", ...)``);
* an installed distribution with "celery" in its name mentions it in its
  source (read as text, never imported);
* :data:`WELL_KNOWN_OWNERS`, for libraries that are usually not installed
  where celerylint runs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from celerylint.text_mentions import settings_reads

if TYPE_CHECKING:
    from celerylint.project.model import Project

# Settings of libraries built on Celery that read their configuration from Django
# settings under the CELERY_ prefix. Listed because the library is rarely installed in
# the environment that runs celerylint; each name is read by the library's own code.
WELL_KNOWN_OWNERS: dict[str, frozenset[str]] = {
    # djcelery_email/conf.py and backends.py: settings.CELERY_EMAIL_*
    "django-celery-email": frozenset({
        "CELERY_EMAIL_BACKEND", "CELERY_EMAIL_TASK_CONFIG", "CELERY_EMAIL_CHUNK_SIZE",
        "CELERY_EMAIL_MESSAGE_EXTRA_ATTRIBUTES",
    }),
}  # fmt: skip
_MAX_SOURCE_BYTES = 512 * 1024


def _reads_pattern(keys: Iterable[str]) -> re.Pattern[str]:
    return settings_reads("|".join(sorted(re.escape(key) for key in keys)))


def read_by_project(project: "Project", keys: Collection[str]) -> frozenset[str]:
    """The keys some first-party Python file reads from Django's settings object."""
    if not keys:
        return frozenset()
    pattern = _reads_pattern(keys)
    found: set[str] = set()
    for facts in project.python_facts():
        data = project.read_bytes(facts.path)
        if data is None or b"settings" not in data:
            continue
        text = data.decode("utf-8", errors="replace")
        found.update(m.group("attr") or m.group("getattr") for m in pattern.finditer(text))
        if found >= set(keys):
            break
    return frozenset(found)


@functools.lru_cache(maxsize=1)
def _installed_celery_sources() -> tuple[tuple[str, str], ...]:
    """(distribution, source text) of every installed add-on with "celery" in its name."""
    from importlib.metadata import distributions

    sources: list[tuple[str, str]] = []
    for dist in distributions():
        name = (dist.metadata["Name"] or "").lower()
        if "celery" not in name or name == "celery":
            continue
        for file in dist.files or ():
            if file.suffix != ".py":
                continue
            try:
                path = file.locate()
                if path.stat().st_size <= _MAX_SOURCE_BYTES:
                    sources.append((name, path.read_text(encoding="utf-8", errors="replace")))
            except OSError:
                continue
    return tuple(sources)


def library_owner(key: str) -> str | None:
    """The distribution that reads ``key`` from Django's settings, when one is known."""
    for name, text in _installed_celery_sources():
        if key in text:
            return name
    for name, keys in WELL_KNOWN_OWNERS.items():
        if key in keys:
            return name
    return None
