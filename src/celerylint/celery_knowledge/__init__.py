"""What the installed Celery itself knows, exposed as small pure functions.

Setting names, old-name aliases, defaults and types come from
``celery.app.defaults``; crontab parsing and solar validation come from
``celery.schedules``. Nothing here is hand-copied from Celery, so an upgrade of
Celery upgrades celerylint's knowledge with it.

Celery is imported by the submodules (``settings``, ``schedules``), never by
this package or by ``celerylint`` itself, so ``celerylint --version`` stays cheap.
"""

from __future__ import annotations


def clear_caches() -> None:
    """Forget every table derived from Celery (tests patch Celery's data and need this)."""
    from celerylint.celery_knowledge import schedules, settings

    settings.clear_caches()
    schedules.clear_caches()
