"""Declared against installed Celery: majors compared only when both are known."""

from __future__ import annotations

import importlib.metadata

import pytest
from tests.golden.golden import pin_installed_celery

from celerylint.project.celery.celery_versions import celery_versions, installed_celery_version
from celerylint.project.packaging.dependencies import DeclaredDependency, DependencyDeclarations


def declaring(specifier: str) -> DependencyDeclarations:
    dep = DeclaredDependency("celery", "celery", "requirements/base.txt", 3, specifier)
    return DependencyDeclarations((dep,), ("requirements/base.txt",))


def test_an_older_declared_major_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_installed_celery(monkeypatch, "5.4.0")
    versions = celery_versions(declaring(">=4,<5"))
    assert (versions.declared_specifier, versions.declared_at, versions.declared_major) == (
        ">=4,<5", "requirements/base.txt:3", 4)
    assert (versions.installed, versions.installed_major) == ("5.4.0", 5)
    assert versions.majors_differ
    assert versions.mismatch_note == ("the project declares Celery 4.x but settings and "
                                      "schedules are checked against the installed Celery 5.x")


@pytest.mark.parametrize(("declarations", "installed"), [
    (declaring("~=5.3"), "5.4.0"),  # same major
    (declaring(""), "5.4.0"),  # declared, but no major
    (DependencyDeclarations(), "5.4.0"),  # not declared
    (declaring("<5"), None),  # celery not installed
    (declaring("<5"), "weird"),  # an installed version without a major
])
def test_no_mismatch_without_two_known_majors_that_differ(
        monkeypatch: pytest.MonkeyPatch, declarations: DependencyDeclarations,
        installed: str | None) -> None:
    pin_installed_celery(monkeypatch, installed)
    versions = celery_versions(declarations)
    assert not versions.majors_differ and versions.mismatch_note is None


def test_the_installed_version_is_the_one_next_to_celerylint() -> None:
    assert installed_celery_version() == importlib.metadata.version("celery")
