"""Golden files: committed expected outputs, compared byte for byte.

Regenerate after an intended change with ``CELERYLINT_UPDATE_GOLDEN=1 python3 -m
pytest tests/diagram tests/test_inventory.py tests/test_report_markdown.py`` and
review the diff like any other code change.

The installed Celery differs from machine to machine, so tests that render the
inventory pin it first (:func:`pin_installed_celery`): goldens show
:data:`GOLDEN_CELERY_VERSION`, never the version of the machine that wrote them.
"""

from __future__ import annotations

import difflib
import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

    from celerylint.api import RunResult

GOLDEN_DIR = Path(__file__).resolve().parent
FIXTURES = GOLDEN_DIR.parents[1] / "fixtures"
UPDATE_VARIABLE = "CELERYLINT_UPDATE_GOLDEN"
GOLDEN_CELERY_VERSION = "5.99.0"  # a placeholder, so no reader takes it for a real install


def pin_installed_celery(monkeypatch: pytest.MonkeyPatch,
                         version: str | None = GOLDEN_CELERY_VERSION) -> None:
    """Make the inventory report ``version`` as the installed Celery for one test."""
    monkeypatch.setattr("celerylint.project.celery.celery_versions.installed_celery_version",
                        lambda: version)


def assert_matches_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with ``tests/golden/<name>``; rewrite it when asked to."""
    path = GOLDEN_DIR / name
    if os.environ.get(UPDATE_VARIABLE) == "1":
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"missing golden file {path}; run with {UPDATE_VARIABLE}=1"
    expected = path.read_text(encoding="utf-8")
    if expected != actual:
        diff = "\n".join(list(difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), f"golden/{name}", "actual",
            lineterm=""))[:60])
        raise AssertionError(f"{name} differs from its golden file "
                             f"(regenerate with {UPDATE_VARIABLE}=1 if intended):\n{diff}")


FIXTURE_NAMES = ("demo", "clean")


@functools.cache
def fixture_result(name: str) -> RunResult:
    """``api.run`` on ``fixtures/<name>`` once per test session (the model is read-only)."""
    from celerylint import api
    from celerylint.settings import load_settings, with_changes

    root = FIXTURES / name
    settings = with_changes(load_settings([root], None, {}), use_cache=False)
    return api.run(settings)
