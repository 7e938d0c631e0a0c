"""Settings Celery reads without declaring them in ``celery.app.defaults``.

A few options (``result_backend_thread_safe``) are read straight from the
configuration with ``conf.get('name')``; they are real settings even though the
defaults table does not list them. They are found in celery's own source, so a new
one is picked up without a code change here.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

_READ = re.compile(r"""\bconf\.get\(\s*['"]([a-z][a-z0-9_]+)['"]""")


@functools.lru_cache(maxsize=1)
def undeclared_setting_names() -> frozenset[str]:
    try:
        import celery
    except ImportError:
        return frozenset()
    names: set[str] = set()
    for path in Path(celery.__file__).parent.rglob("*.py"):
        try:
            names.update(_READ.findall(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
    from celerylint.celery_knowledge.settings import all_setting_names

    return frozenset(names - set(all_setting_names()))


def reads_undeclared(key: str, namespace: str | None) -> bool:
    """Whether ``key`` (as written, under ``namespace``) names such a setting."""
    lowered = key.lower()
    prefix = f"{namespace.lower()}_" if namespace else ""
    if prefix and lowered.startswith(prefix):
        lowered = lowered[len(prefix):]
    return lowered in undeclared_setting_names()
