"""The inventory: records read from the model, three formats, a JSON schema, no secrets."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from tests.conftest import REPO_ROOT, write_tree
from tests.diagram.shop_project import SECRETS, SHOP
from tests.golden.golden import (
    FIXTURE_NAMES,
    assert_matches_golden,
    fixture_result,
    pin_installed_celery,
)

from celerylint.api import build_project
from celerylint.inventory import Inventory, build_inventory
from celerylint.inventory_format import InventoryFormat, inventory_document, render_inventory
from celerylint.settings import Settings

SCHEMA = json.loads((REPO_ROOT / "docs" / "inventory-schema.json").read_text())
SUFFIX = {InventoryFormat.TEXT: "txt", InventoryFormat.JSON: "json",
          InventoryFormat.MARKDOWN: "md"}

REDIS_FILES = {
    "shop/settings.py": "import os\nRATE_LIMIT_REDIS = os.environ['RATE_LIMIT_URL']\n",
    "shop/limits.py": """\
        from django.conf import settings
        from redis import StrictRedis, ConnectionPool

        pool = ConnectionPool.from_url(settings.RATE_LIMIT_REDIS)
        local = StrictRedis(host="localhost", port=6380, db=3)
        """,
}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    root = write_tree(tmp_path_factory.mktemp("inventory") / "shop_project",
                      {**SHOP, **REDIS_FILES})
    return build_inventory(build_project(Settings(root=root, paths=(root,), use_cache=False)))


def test_app_with_config_sources_and_masked_connections(shop: Inventory) -> None:
    (app,) = shop.apps
    assert app.id == "shop.celery_app:app" and app.location == "shop/celery_app.py:7"
    assert app.broker == "$CELERY_BROKER_URL (default redis://:****@redis:6379/0)"
    assert app.backend == "redis://redis:6379/1"
    assert app.includes == ("shop.orders.tasks",)
    assert "Celery() argument at shop/celery_app.py:7" in app.config_sources
    assert "conf attribute at shop/celery_app.py" in app.config_sources


def test_tasks_with_queue_retry_time_limits_and_bind(shop: Inventory) -> None:
    tasks = {t.name: t for t in shop.tasks}
    order = tasks["shop.orders.tasks.place_order"]
    assert order.location == "shop/orders/tasks.py:12" and order.bind
    assert order.retry == ("max_retries=5", "autoretry_for=(ConnectionError,)")
    assert order.time_limits == ("time_limit=120", "soft_time_limit=60 (app default)")
    assert order.queue == "default"
    assert tasks["shop.billing.tasks.send_invoices"].queue == "billing"  # task_routes glob
    assert not tasks["shop.orders.tasks.charge"].bind


def test_beat_entries_in_words(shop: Inventory) -> None:
    entries = {b.key: b for b in shop.beat_entries}
    assert entries["nightly-invoices"].schedule == "daily at 02:00 UTC"
    assert entries["nightly-invoices"].queue == "billing"
    assert entries["refresh-stock"].schedule == "every 5 minutes"
    assert entries["refresh-stock"].queue == "stock"  # options={"queue": ...} wins


def test_queues_with_producers_and_consumers_per_deployment(shop: Inventory) -> None:
    queues = {q.name: q for q in shop.queues}
    assert set(queues) == {"billing", "default", "payments", "stock"}
    assert [(c.deployment, c.services) for c in queues["billing"].consumers] == [
        ("docker-compose.yml", ("worker",))]
    assert queues["stock"].consumers == ()
    assert any("beat entry 'refresh-stock'" in p for p in queues["stock"].producers)
    assert any("apply_async" in p for p in queues["payments"].producers)
    assert not any(q.declared for q in queues.values())


def test_workers_and_beat_processes(shop: Inventory) -> None:
    workers = {w.service: w for w in shop.workers}
    assert set(workers) == {"worker", "payments", "beat"}
    assert workers["worker"].queues == ("billing", "default")
    assert workers["worker"].concurrency == 4 and not workers["worker"].beat
    assert workers["beat"].kind == "beat" and workers["beat"].beat
    assert workers["beat"].app == "shop.celery_app:app" and workers["beat"].queues is None


def test_env_files_list_keys_never_values(shop: Inventory) -> None:
    (env_file,) = shop.env_files
    assert env_file.path == "config/production.env"
    assert env_file.environment == "production"
    assert env_file.keys == ("CACHE_URL", "CELERY_BROKER_URL")


def test_redis_clients_and_what_feeds_them(shop: Inventory) -> None:
    usages = {u.location: u for u in shop.redis_usages}
    cache = usages["shop/orders/tasks.py:8"]
    assert cache.callee == "redis.Redis.from_url"
    assert cache.target == "redis://:****@cache:6379/2" and cache.env_keys == ("CACHE_URL",)
    pool = usages["shop/limits.py:4"]
    assert pool.callee == "redis.ConnectionPool.from_url" and pool.target is None
    assert pool.settings == ("settings.RATE_LIMIT_REDIS",)
    assert pool.env_keys == ("RATE_LIMIT_URL",)  # through the Django settings module
    local = usages["shop/limits.py:5"]
    assert local.callee == "redis.StrictRedis"
    assert local.target == "host=localhost, port=6380, db=3"


@pytest.mark.parametrize("fmt", list(InventoryFormat))
def test_no_secret_in_any_format(shop: Inventory, fmt: InventoryFormat) -> None:
    text = render_inventory(shop, fmt)
    assert "****" in text and not [s for s in SECRETS if s in text]


def test_json_follows_the_documented_schema(shop: Inventory) -> None:
    jsonschema.validate(json.loads(render_inventory(shop, InventoryFormat.JSON)), SCHEMA)


def test_the_schema_rejects_a_value_where_keys_belong(shop: Inventory) -> None:
    document = inventory_document(shop)
    document["env_files"][0]["values"] = {"CACHE_URL": "x"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


def test_an_empty_project_has_an_empty_inventory(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "empty", {"a.py": "x = 1\n"})
    inventory = build_inventory(build_project(Settings(root=root, paths=(root,), use_cache=False)))
    assert inventory.apps == inventory.tasks == inventory.workers == ()
    assert "Tasks (0)\n  (none)" in render_inventory(inventory, InventoryFormat.TEXT)
    jsonschema.validate(json.loads(render_inventory(inventory, InventoryFormat.JSON)), SCHEMA)


def _inventory_of(root: Path, files: dict[str, str]) -> Inventory:
    write_tree(root, {"proj/__init__.py": "", **files})
    return build_inventory(build_project(Settings(root=root, paths=(root,), use_cache=False)))


MISMATCH = ("the project declares Celery 4.x but settings and schedules are checked "
            "against the installed Celery 5.x")


def test_a_declared_celery_4_under_celery_5_is_a_mismatch_in_every_format(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pin_installed_celery(monkeypatch, "5.4.0")
    inventory = _inventory_of(tmp_path / "old", {"requirements.txt": "celery>=4,<5\n"})
    text = render_inventory(inventory, InventoryFormat.TEXT)
    assert "  declared        celery >=4,<5 at requirements.txt:1 (Celery 4.x)\n" in text
    assert "  installed       5.4.0, which settings and schedules are checked against\n" in text
    assert f"  major versions  differ: {MISMATCH}\n" in text
    document = json.loads(render_inventory(inventory, InventoryFormat.JSON))
    jsonschema.validate(document, SCHEMA)
    assert document["celery_versions"] == {
        "declared_specifier": ">=4,<5", "declared_at": "requirements.txt:1", "declared_major": 4,
        "installed": "5.4.0", "installed_major": 5, "majors_differ": True}
    markdown = render_inventory(inventory, InventoryFormat.MARKDOWN)
    assert "## Celery versions\n\n| Celery | Version |" in markdown
    assert f"| major versions | differ: {MISMATCH} |" in markdown


def test_the_inventory_and_the_verbose_note_say_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from celerylint.run_notes import celery_version_notes

    pin_installed_celery(monkeypatch, "5.4.0")
    root = tmp_path / "old"
    inventory = _inventory_of(root, {"requirements.txt": "celery>=4,<5\n"})
    project = build_project(Settings(root=root, paths=(root,), use_cache=False))
    assert celery_version_notes(project) == [MISMATCH] == [inventory.celery_versions.mismatch_note]


def test_a_declared_celery_5_is_no_mismatch(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pin_installed_celery(monkeypatch, "5.4.0")
    inventory = _inventory_of(tmp_path / "new", {"requirements.txt": "celery[redis]~=5.3\n"})
    assert not inventory.celery_versions.majors_differ
    text = render_inventory(inventory, InventoryFormat.TEXT)
    assert "celery ~=5.3 at requirements.txt:1 (Celery 5.x)" in text
    assert "  major versions  match\n" in text and "differ" not in text
    assert "| major versions | match |" in render_inventory(inventory, InventoryFormat.MARKDOWN)
    assert inventory_document(inventory)["celery_versions"]["majors_differ"] is False


def test_an_undeclared_celery_says_not_declared(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    pin_installed_celery(monkeypatch, "5.4.0")
    inventory = _inventory_of(tmp_path / "none", {"requirements.txt": "redis\n"})
    text = render_inventory(inventory, InventoryFormat.TEXT)
    assert "  declared        not declared\n" in text and "  major versions  unknown\n" in text
    assert "| declared | not declared |" in render_inventory(inventory, InventoryFormat.MARKDOWN)
    document = json.loads(render_inventory(inventory, InventoryFormat.JSON))
    jsonschema.validate(document, SCHEMA)
    assert document["celery_versions"]["declared_specifier"] is None
    assert document["celery_versions"]["majors_differ"] is False


def test_celery_declared_without_a_version_and_not_installed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pin_installed_celery(monkeypatch, None)
    inventory = _inventory_of(tmp_path / "bare", {"requirements.txt": "celery\n"})
    text = render_inventory(inventory, InventoryFormat.TEXT)
    assert "  declared        celery (any version) at requirements.txt:1\n" in text
    assert "  installed       not installed next to celerylint\n" in text
    jsonschema.validate(json.loads(render_inventory(inventory, InventoryFormat.JSON)), SCHEMA)


def test_markdown_cells_cannot_break_the_table(shop: Inventory) -> None:
    from celerylint.inventory_format import markdown_table

    (header, rule, row) = markdown_table(("A", "B"), [("x | y", "line\nbreak")])
    assert row == "| x \\| y | line<br>break |"
    assert header.count("|") == rule.count("|") == 3


@pytest.mark.parametrize("fixture", FIXTURE_NAMES)
@pytest.mark.parametrize("fmt", list(InventoryFormat))
def test_inventory_matches_golden(fixture: str, fmt: InventoryFormat,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    pin_installed_celery(monkeypatch)
    text = render_inventory(build_inventory(fixture_result(fixture).project), fmt)
    if fmt is InventoryFormat.JSON:
        jsonschema.validate(json.loads(text), SCHEMA)
    assert_matches_golden(f"{fixture}_inventory.{SUFFIX[fmt]}", text)


def test_registration_without_any_worker_explains_each_apps_closure(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "proj/__init__.py": "",
        "proj/celery.py": "from celery import Celery\napp = Celery('proj', include=['proj.a'])\n",
        "proj/a.py": "from celery import shared_task\nimport proj.b\n\n\n@shared_task\ndef one():\n"
                     "    pass\n",
        "proj/b.py": "from celery import shared_task\n\n\n@shared_task\ndef two():\n    pass\n",
        "proj/c.py": "from celery import shared_task\n\n\n@shared_task\ndef three():\n    pass\n",
    })
    tasks = {t.name: t for t in build_inventory(
        build_project(Settings(root=root, paths=(root,), use_cache=False))).tasks}
    (two,) = tasks["proj.b.two"].registrations
    assert two.registered is True and two.chain == ("include", "proj.a", "proj.b")
    (three,) = tasks["proj.c.three"].registrations
    assert three.registered is False and "'proj.c' is not imported" in three.reason
