"""Settings Celery reads with conf.get() but does not declare are still settings."""

from __future__ import annotations

from celerylint.celery_knowledge.undeclared import reads_undeclared, undeclared_setting_names


def test_found_in_celery_source() -> None:
    assert "result_backend_thread_safe" in undeclared_setting_names()
    assert "task_time_limit" not in undeclared_setting_names()  # declared ones stay out


def test_namespace_prefix_is_understood() -> None:
    assert reads_undeclared("CELERY_RESULT_BACKEND_THREAD_SAFE", "CELERY")
    assert reads_undeclared("result_backend_thread_safe", None)
    assert not reads_undeclared("CELERY_RESULT_BACKEND_THREAD_SAFF", "CELERY")
