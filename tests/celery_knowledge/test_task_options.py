"""The task options come from the installed Celery, each source of them included."""

from __future__ import annotations

import pytest

from celerylint.celery_knowledge.task_options import (
    closest_task_option,
    is_task_option,
    task_setting_attributes,
)


@pytest.mark.parametrize("name", [
    "ignore_result", "max_retries",  # Task attributes
    "queue", "routing_key",  # execution options apply_async copies from the task
    "name", "base", "bind",  # Celery._task_from_fun's parameters
    "shared", "lazy", "filter",  # the decorator Celery.task builds
    "autoretry_for", "retry_backoff", "dont_autoretry_for",  # autoretry options
])
def test_options_celery_acts_on(name: str) -> None:
    assert is_task_option(name)


@pytest.mark.parametrize(("written", "meant"), [
    ("ignore_results", "ignore_result"), ("max_retry", "max_retries"),
    ("autoretry_on", "autoretry_for"), ("queues", "queue"),
])
def test_misspellings_are_unknown_and_get_a_suggestion(written: str, meant: str) -> None:
    assert not is_task_option(written)
    assert closest_task_option(written) == meant


def test_no_suggestion_for_an_unrelated_word() -> None:
    assert closest_task_option("colour") is None


def test_setting_attributes_are_data_not_methods() -> None:
    settings = task_setting_attributes()
    assert {"max_retries", "default_retry_delay", "autoretry_for", "queue"} <= settings
    assert not {"retry", "delay", "apply_async", "request"} & settings
