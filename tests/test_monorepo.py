"""fixtures/monorepo: a backend/ source root, namespace packages, one app per worker type."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import FIXTURES

from celerylint import api
from celerylint.inventory import Inventory, build_inventory
from celerylint.settings import Settings

MODEL_RULES = ("CEL301", "CEL302", "CEL307", "CEL701", "CEL702", "CEL703")
CONFIG = "backend/alpha/background/celeryconfig.py"


@pytest.fixture()
def monorepo(tmp_path: Path) -> Path:
    root = tmp_path / "monorepo"
    shutil.copytree(FIXTURES / "monorepo", root)
    return root


def run(root: Path) -> api.RunResult:
    return api.run(Settings(root=root, paths=(root,), use_cache=False, select=MODEL_RULES))


def inventory(root: Path) -> Inventory:
    return build_inventory(api.build_project(Settings(root=root, paths=(root,),
                                                      use_cache=False)))


def test_apps_tasks_beat_and_workers_are_all_seen(monorepo: Path) -> None:
    found = inventory(monorepo)
    assert [a.id for a in found.apps] == ["alpha.background.celery_app:app",
                                          "beta.background.celery_app:app"]
    assert [t.name for t in found.tasks] == ["alpha.background.jobs.cleanup.cleanup",
                                             "alpha.sync_accounts", "beta.send_digest"]
    assert [(b.key, b.task) for b in found.beat_entries] == [
        ("digest", "beta.send_digest"), ("sync-accounts", "alpha.sync_accounts")]
    assert {(w.service, w.app) for w in found.workers} == {
        ("alpha_worker", "alpha.background.celery_app:app"),
        ("alpha_beat", "alpha.background.celery_app:app"),
        ("beta_worker", "beta.background.celery_app:app"),
        ("beta_beat", "beta.background.celery_app:app")}


def test_inventory_explains_each_registration(monorepo: Path) -> None:
    tasks = {t.name: t for t in inventory(monorepo).tasks}
    by_worker = {r.service: r for r in tasks["alpha.sync_accounts"].registrations}
    assert by_worker["alpha_worker"].registered is True
    assert by_worker["alpha_worker"].chain == ("imports", "alpha.background.tasks")
    assert by_worker["beta_worker"].registered is False
    assert "alpha.background.tasks" in by_worker["beta_worker"].reason


def test_no_false_missing_module_or_registration_finding(monorepo: Path) -> None:
    result = run(monorepo)
    assert not result.internal_errors
    assert [(f.code, f.path, f.line) for f in result.findings] == []


def test_a_deleted_imports_module_is_reported_at_its_line(monorepo: Path) -> None:
    config = monorepo / CONFIG
    config.write_text(config.read_text().replace(
        '"alpha.background.jobs.cleanup")', '"alpha.background.jobs.cleanup",\n'
        '           "alpha.background.retired")'))
    found = [(f.code, f.path, f.line) for f in run(monorepo).findings]
    assert found == [("CEL307", CONFIG, 7)]  # the retired name's own line


def test_a_task_dispatched_from_a_migration_but_not_imported_is_unregistered(
        monorepo: Path) -> None:
    config = monorepo / CONFIG
    config.write_text(config.read_text().replace(', "alpha.background.jobs.cleanup"', ""))
    findings = run(monorepo).findings
    assert [(f.code, f.path) for f in findings] == [
        ("CEL302", "backend/alpha/background/jobs/cleanup.py")]
    assert "backend/alpha/migrations/0091_backfill.py" in findings[0].message
