"""Links come from celerylint's own package metadata, or there are none."""

from __future__ import annotations

from email.message import Message
from importlib import metadata

import pytest

from celerylint import project_links


@pytest.fixture
def metadata_urls(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def use(entries: list[str] | None) -> None:
        def fake(name: str) -> Message:
            if entries is None:
                raise metadata.PackageNotFoundError(name)
            message = Message()
            for entry in entries:
                message["Project-URL"] = entry
            return message

        monkeypatch.setattr(metadata, "metadata", fake)  # looked up when a link is made
        project_links.project_urls.cache_clear()

    yield use
    project_links.project_urls.cache_clear()


def test_urls_are_read_from_the_project_url_entries(metadata_urls) -> None:  # type: ignore[no-untyped-def]
    metadata_urls(["Documentation, https://docs.example.org/rules/",
                   "Issues, https://example.org/issues", "Broken,"])
    assert project_links.project_urls() == {
        "documentation": "https://docs.example.org/rules/",
        "issues": "https://example.org/issues"}
    assert project_links.rule_doc_url("rules/calls/unregistered-task.md") == (
        "https://docs.example.org/rules/calls/unregistered-task.md")
    assert project_links.report_hint() == "please report it at https://example.org/issues"


@pytest.mark.parametrize("entries", [None, []])
def test_no_metadata_url_means_no_link(metadata_urls, entries) -> None:  # type: ignore[no-untyped-def]
    metadata_urls(entries)
    assert project_links.rule_doc_url("rules/calls/unregistered-task.md") is None
    assert project_links.homepage_url() is None
    assert "http" not in project_links.report_hint()


def test_the_shipped_metadata_names_no_repository_that_does_not_exist() -> None:
    """pyproject.toml must not point users at a guessed address."""
    from tests.conftest import REPO_ROOT

    text = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "github.com/celerylint" not in text
