"""Oracle: which setting names Celery reads, and when it refuses a configuration.

Proves the runtime claims of `setting-ignored-by-namespace` (CEL102) and
`mixed-setting-names` (CEL103) with Celery's own configuration loading, in process
(the settings source is a module object, as `config_from_object` receives it), plus one
real worker that refuses to start.
"""

from __future__ import annotations

import types
from typing import Any

import pytest
from celery import Celery
from celery.exceptions import ImproperlyConfigured

from .conftest import MakeOracleProject

pytestmark = pytest.mark.oracle


def _conf(settings: dict[str, Any], namespace: str | None = None) -> Any:
    """The configuration an app sees once it loads settings from a module."""
    module = types.ModuleType("shop.settings")
    for name, value in settings.items():
        setattr(module, name, value)
    app = Celery("shop", set_as_current=False)
    app.config_from_object(module, namespace=namespace)
    return app.conf


def test_bad_unprefixed_uppercase_names_ignored_under_namespace_cel102() -> None:
    conf = _conf(
        {
            "CELERY_BROKER_URL": "redis://redis:6379/0",
            "TASK_TIME_LIMIT": 600,
            "WORKER_PREFETCH_MULTIPLIER": 1,
        },
        namespace="CELERY",
    )
    assert conf.broker_url == "redis://redis:6379/0"
    assert conf.task_time_limit is None
    assert conf.worker_prefetch_multiplier == 4  # Celery's default, not 1


def test_good_prefixed_names_read_under_namespace_cel102() -> None:
    conf = _conf(
        {"CELERY_TASK_TIME_LIMIT": 600, "CELERY_WORKER_PREFETCH_MULTIPLIER": 1},
        namespace="CELERY",
    )
    assert (conf.task_time_limit, conf.worker_prefetch_multiplier) == (600, 1)


def test_old_style_names_still_read_under_namespace_cel102() -> None:
    """The doc's "(and falls back to the old-style names)"."""
    conf = _conf({"CELERYD_TASK_TIME_LIMIT": 300, "BROKER_URL": "redis://old:6379/0"}, "CELERY")
    assert (conf.task_time_limit, conf.broker_url) == (300, "redis://old:6379/0")


def test_lowercase_unprefixed_names_are_read_under_namespace_cel102() -> None:
    """Celery's lookup under a namespace tries `CELERY_BROKER_URL`, then `broker_url`:
    a lowercase name is read. (In Django it is lost anyway: django.conf.settings keeps
    only UPPERCASE names, before Celery looks.)"""
    conf = _conf({"broker_url": "redis://lower:6379/0", "task_time_limit": 3}, "CELERY")
    assert (conf.broker_url, conf.task_time_limit) == ("redis://lower:6379/0", 3)


def test_prefixed_names_ignored_without_namespace_cel102() -> None:
    conf = _conf({"CELERY_TASK_TIME_LIMIT": 600, "CELERY_WORKER_PREFETCH_MULTIPLIER": 1})
    assert (conf.task_time_limit, conf.worker_prefetch_multiplier) == (None, 4)


MIXED = {
    "broker_url": "redis://redis:6379/0",
    "CELERY_RESULT_BACKEND": "redis://redis:6379/1",
    "task_routes": {"proj.tasks.*": {"queue": "default"}},
}


def test_bad_old_and_new_names_mixed_raise_improperly_configured_cel103() -> None:
    with pytest.raises(ImproperlyConfigured, match="Cannot mix new and old setting keys") as err:
        _ = _conf(MIXED).result_backend
    assert "CELERY_RESULT_BACKEND" in str(err.value) and "result_backend" in str(err.value)


def test_good_new_names_only_load_cel103() -> None:
    conf = _conf({"broker_url": "redis://redis:6379/0", "result_backend": "redis://redis:6379/1"})
    assert conf.result_backend == "redis://redis:6379/1"


def test_mixed_names_under_namespace_do_not_raise_cel103() -> None:
    """The doc's known limit: with a namespace Celery accepts both conventions."""
    conf = _conf({"CELERY_BROKER_URL": "redis://redis:6379/0", "CELERYD_CONCURRENCY": 3}, "CELERY")
    assert conf.worker_concurrency == 3


def test_bad_mixed_names_stop_the_worker_from_starting_cel103(
    oracle_project: MakeOracleProject,
) -> None:
    project = oracle_project(
        {
            "proj/__init__.py": "",
            "proj/celeryconfig.py": """
                import os

                broker_url = os.environ["ORACLE_BROKER_URL"]
                CELERY_RESULT_BACKEND = os.environ["ORACLE_BROKER_URL"]
                task_routes = {"proj.tasks.*": {"queue": "default"}}
            """,
            "proj/celery.py": """
                from celery import Celery

                app = Celery("proj")
                app.config_from_object("proj.celeryconfig")
            """,
        }
    )
    worker = project.start_worker("proj.celery", wait_ready=False)
    log = worker.wait_for_log("Cannot mix new and old setting keys")
    assert worker.process.wait(timeout=20) != 0
    assert " ready." not in log
