"""Shared test helpers: small in-memory projects written to tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from celerylint.source.gc_pause import thaw

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "fixtures"


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    def make(files: Mapping[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "project", files)

    return make


def require_program(program: str, package: str) -> None:
    """Skip visibly on a developer machine without ``program``; fail in CI, which must
    install it (``.ci/run`` does), so a missing system package never passes silently."""
    import os
    import shutil

    if shutil.which(program):
        return
    message = f"{program} is not installed: apt-get install {package}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


DOCS_URL = "https://docs.example.org/celerylint/rules"
HOME_URL = "https://example.org/celerylint"


@pytest.fixture
def project_urls(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str]], None]:
    """Stand in for the ``Project-URL`` entries of celerylint's installed metadata."""
    from celerylint import project_links

    def use(urls: dict[str, str]) -> None:
        monkeypatch.setattr(project_links, "project_urls", lambda: dict(urls))

    use({})
    return use


@pytest.fixture
def preview_rules_as_stable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests of the machinery (CLI, suppression, baselines, trust) use rules such as
    missing-module (CEL701) as handy examples; whether those rules are stable or preview
    is not their subject, so here every rule runs in the default set."""
    from celerylint.rules import catalog_table
    from celerylint.rules.registry import all_rules

    for rule in all_rules():
        if rule.preview:
            monkeypatch.setattr(rule, "preview", False)
    preview = 10  # the row's preview flag: runs with the rule cache select from the catalog
    monkeypatch.setattr(catalog_table, "TABLE", tuple(
        (*row[:preview], False, *row[preview + 1:]) for row in catalog_table.TABLE))


@pytest.fixture(autouse=True)
def _collector_thawed_after_each_test() -> Iterator[None]:
    """Runs freeze what they built (``gc_pause.cyclic_gc_paused``), which a process that
    ends with the run never undoes; the suite runs thousands in one process, so each
    test hands whatever cyclic garbage was frozen back to the collector."""
    yield
    thaw()
