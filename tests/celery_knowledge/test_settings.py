"""Setting-name knowledge, checked against a real Celery app's ``app.conf``."""

from __future__ import annotations

import subprocess
import sys

import celery
import pytest
from celery.app import defaults as celery_defaults

from celerylint.celery_knowledge import clear_caches
from celerylint.celery_knowledge.settings import (
    MixDirection,
    SettingStatus,
    all_setting_names,
    broker_transport_option_names,
    default_of,
    detect_mixed_names,
    expected_type,
    is_celery_candidate,
    lookup_setting,
    new_to_old,
    old_to_new,
    preferred_key,
)

_SENTINEL = object()


pytestmark = pytest.mark.filterwarnings(
    "ignore::celery.utils.deprecated.CPendingDeprecationWarning"
)


@pytest.fixture(autouse=True)
def _no_broker_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CELERY_BROKER_READ_URL"):
        monkeypatch.delenv(name, raising=False)


def settings_celery_reads(key: str, namespace: str | None) -> set[str]:
    """Ask Celery itself: which settings does ``app.conf`` fill from this one key?"""
    app = celery.Celery(set_as_current=False)
    app.config_from_object(type("Config", (), {key: _SENTINEL}), namespace=namespace)
    return {name for name in celery_defaults.DEFAULTS if app.conf.get(name) is _SENTINEL}


# -- the tables are Celery's -----------------------------------------------------------------


def test_tables_equal_celerys_import_time_tables() -> None:
    assert all_setting_names() == frozenset(celery_defaults.DEFAULTS)
    assert dict(old_to_new()) == celery_defaults._TO_NEW_KEY
    assert dict(new_to_old()) == celery_defaults._TO_OLD_KEY


def test_a_setting_added_to_celery_is_picked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = celery_defaults.Option(7, type="int", old={"celeryd_fancy_limit"})
    monkeypatch.setitem(celery_defaults.NAMESPACES["worker"], "fancy_limit", fake)
    clear_caches()
    try:
        assert "worker_fancy_limit" in all_setting_names()
        assert (
            lookup_setting("CELERY_WORKER_FANCY_LIMIT", "CELERY").status is SettingStatus.NEW_NAME
        )
        old = lookup_setting("CELERYD_FANCY_LIMIT", "CELERY")
        assert (old.status, old.new_name) == (SettingStatus.OLD_NAME, "worker_fancy_limit")
        assert expected_type("worker_fancy_limit") == "int"
        assert default_of("worker_fancy_limit") == 7
    finally:
        monkeypatch.undo()
        clear_caches()
    assert "worker_fancy_limit" not in all_setting_names()


def test_importing_celerylint_does_not_import_celery() -> None:
    code = "import sys, celerylint, celerylint.celery_knowledge; print('celery' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- lookup_setting agrees with app.conf --------------------------------------------------------

CASES = [
    # key, namespace, status, setting
    ("CELERY_TASK_TIME_LIMIT", "CELERY", SettingStatus.NEW_NAME, "task_time_limit"),
    ("task_time_limit", "CELERY", SettingStatus.NEW_NAME, "task_time_limit"),
    ("TASK_TIME_LIMIT", "CELERY", SettingStatus.IGNORED_UNDER_NAMESPACE, "task_time_limit"),
    ("celery_task_time_limit", "CELERY", SettingStatus.IGNORED_UNDER_NAMESPACE, "task_time_limit"),
    ("CELERYD_TASK_TIME_LIMIT", "CELERY", SettingStatus.OLD_NAME, "task_time_limit"),
    ("BROKER_URL", "CELERY", SettingStatus.OLD_NAME, "broker_url"),
    ("CELERYBEAT_SCHEDULE", "CELERY", SettingStatus.OLD_NAME, "beat_schedule"),
    ("CELERY_RESULT_BACKEND", "CELERY", SettingStatus.NEW_NAME, "result_backend"),
    ("CELERY_TASK_TIME_LIMT", "CELERY", SettingStatus.UNKNOWN, "task_time_limit"),
    ("DEBUG", "CELERY", SettingStatus.NOT_CELERY, None),
    ("INSTALLED_APPS", "CELERY", SettingStatus.NOT_CELERY, None),
    ("DATABASE_URL", "CELERY", SettingStatus.NOT_CELERY, None),
    ("TIME_ZONE", "CELERY", SettingStatus.NOT_CELERY, None),
    ("celery_task_time_limit", "celery", SettingStatus.NEW_NAME, "task_time_limit"),
    ("CELERY_TASK_TIME_LIMIT", "celery", SettingStatus.IGNORED_UNDER_NAMESPACE, "task_time_limit"),
    ("task_time_limit", None, SettingStatus.NEW_NAME, "task_time_limit"),
    ("CELERYD_TASK_TIME_LIMIT", None, SettingStatus.OLD_NAME, "task_time_limit"),
    ("CELERY_TASK_TIME_LIMIT", None, SettingStatus.IGNORED_UNDER_NAMESPACE, "task_time_limit"),
    ("TASK_TIME_LIMIT", None, SettingStatus.IGNORED_UNDER_NAMESPACE, "task_time_limit"),
    ("CELERY_BROKER_URL", None, SettingStatus.IGNORED_UNDER_NAMESPACE, "broker_url"),
    ("BROKER_URL", None, SettingStatus.OLD_NAME, "broker_url"),
    ("CELERY_ACKS_LATE", None, SettingStatus.OLD_NAME, "task_acks_late"),
    ("task_acks_lat", None, SettingStatus.UNKNOWN, "task_acks_late"),
    ("worker_concurency", None, SettingStatus.UNKNOWN, "worker_concurrency"),
    ("CELERY_SOMETHING_ELSE", None, SettingStatus.UNKNOWN, None),
    ("REDIS_HOST", None, SettingStatus.NOT_CELERY, None),
    ("my_helper", None, SettingStatus.NOT_CELERY, None),
]


@pytest.mark.parametrize(("key", "namespace", "status", "setting"), CASES)
def test_lookup_setting_status(
    key: str, namespace: str | None, status: SettingStatus, setting: str | None
) -> None:
    lookup = lookup_setting(key, namespace)
    assert (lookup.status, lookup.setting) == (status, setting)


@pytest.mark.parametrize(("key", "namespace", "status", "setting"), CASES)
def test_lookup_setting_matches_what_app_conf_reads(
    key: str,
    namespace: str | None,
    status: SettingStatus,
    setting: str | None,
) -> None:
    lookup = lookup_setting(key, namespace)
    expected = {lookup.setting} if lookup.is_read else set()
    assert settings_celery_reads(key, namespace) == expected


_SPELLINGS = [
    lambda setting: setting,
    lambda setting: setting.upper(),
    lambda setting: f"CELERY_{setting.upper()}",
    lambda setting: f"celery_{setting}",
    lambda setting: celery_defaults._TO_OLD_KEY[setting],
    lambda setting: celery_defaults._TO_OLD_KEY[setting].lower(),
]


def reads_per_key(keys: list[str], namespace: str | None) -> dict[str, set[str]]:
    """One app holding many keys, each with its own marker value: which settings got which key.

    Sound because no key is a spelling of two settings (asserted below), so one
    key cannot shadow another.
    """
    markers = {key: object() for key in keys}
    app = celery.Celery(set_as_current=False)
    app.config_from_object(type("Config", (), markers), namespace=namespace)
    found: dict[str, set[str]] = {key: set() for key in keys}
    by_marker = {id(marker): key for key, marker in markers.items()}
    for name in celery_defaults.DEFAULTS:
        value = app.conf.get(name)
        if id(value) in by_marker:
            found[by_marker[id(value)]].add(name)
    return found


def test_no_key_spells_two_settings() -> None:
    old = celery_defaults._TO_OLD_KEY
    assert len(set(old.values())) == len(old)
    assert not set(old.values()) & {name.upper() for name in old if old[name] != name.upper()}


@pytest.mark.parametrize("namespace", [None, "CELERY", "celery", "PROJ_"])
@pytest.mark.parametrize("spelling", range(len(_SPELLINGS)))
def test_every_spelling_of_every_setting_agrees_with_app_conf(
    namespace: str | None,
    spelling: int,
) -> None:
    keys = [_SPELLINGS[spelling](setting) for setting in sorted(celery_defaults.DEFAULTS)]
    actual = reads_per_key(keys, namespace)
    disagreements = []
    for key in keys:
        lookup = lookup_setting(key, namespace)
        predicted = {lookup.setting} if lookup.is_read else set()
        if predicted != actual[key]:
            disagreements.append((key, predicted, actual[key]))
    assert disagreements == []


def test_ignored_key_names_the_key_celery_reads_instead() -> None:
    assert lookup_setting("TASK_TIME_LIMIT", "CELERY").reads_instead == "CELERY_TASK_TIME_LIMIT"
    assert lookup_setting("CELERY_BROKER_URL", None).reads_instead == "broker_url"
    assert lookup_setting("CELERY_BROKER_URL", None, django=True).reads_instead == "BROKER_URL"


def test_reads_instead_is_actually_read_by_celery() -> None:
    for key, namespace in [
        ("TASK_TIME_LIMIT", "CELERY"),
        ("CELERY_BROKER_URL", None),
        ("celery_task_time_limit", "CELERY"),
    ]:
        lookup = lookup_setting(key, namespace)
        assert lookup.reads_instead is not None
        assert settings_celery_reads(lookup.reads_instead, namespace) == {lookup.setting}


def test_old_name_carries_new_name() -> None:
    lookup = lookup_setting("CELERYD_CONCURRENCY", "CELERY")
    assert (lookup.status, lookup.new_name) == (SettingStatus.OLD_NAME, "worker_concurrency")


@pytest.mark.parametrize(
    ("key", "namespace", "suggestion"),
    [
        ("CELERY_TASK_TIME_LIMT", "CELERY", "CELERY_TASK_TIME_LIMIT"),
        ("CELEY_BROKER_URL", "CELERY", "CELERY_BROKER_URL"),
        ("CELERY_TASK_TIME_LIMT", None, "task_time_limit"),
        ("task_acks_lat", None, "task_acks_late"),
        ("CELERYD_CONCURENCY", None, "CELERYD_CONCURRENCY"),
    ],
)
def test_typo_gets_a_suggestion_that_celery_reads(
    key: str, namespace: str | None, suggestion: str
) -> None:
    lookup = lookup_setting(key, namespace)
    assert (lookup.status, lookup.suggestion) == (SettingStatus.UNKNOWN, suggestion)
    assert settings_celery_reads(suggestion, namespace) == {lookup.setting}


@pytest.mark.parametrize("key", ["GCS_BUCKET_NAME", "S3_BUCKET_NAME", "CELERY_FOO"])
def test_no_far_fetched_suggestions(key: str) -> None:
    assert lookup_setting(key, "CELERY").suggestion is None


@pytest.mark.parametrize(
    ("key", "namespace", "suggestion"),
    [
        ("CELERY_VISIBILITY_TIMEOUT", "CELERY", "CELERY_BROKER_TRANSPORT_OPTIONS"),
        ("visibility_timeout", None, "broker_transport_options"),
        ("BROKER_VISIBILITY_TIMEOUT", None, "broker_transport_options"),
    ],
)
def test_top_level_transport_option_points_to_broker_transport_options(
    key: str,
    namespace: str | None,
    suggestion: str,
) -> None:
    lookup = lookup_setting(key, namespace)
    assert lookup.status is SettingStatus.UNKNOWN
    assert (lookup.transport_option, lookup.suggestion) == ("visibility_timeout", suggestion)
    assert settings_celery_reads(key, namespace) == set()


def test_transport_option_names_come_from_kombu() -> None:
    from kombu.transport.virtual.base import Channel

    names = broker_transport_option_names()
    assert {"visibility_timeout", "global_keyprefix", "polling_interval", "max_retries"} <= names
    assert set(Channel.from_transport_options) <= names
    assert "task_time_limit" not in names


def test_django_drops_lowercase_names() -> None:
    lookup = lookup_setting("broker_url", "CELERY", django=True)
    assert lookup.status is SettingStatus.IGNORED_UNDER_NAMESPACE
    assert lookup.reads_instead == "CELERY_BROKER_URL"
    assert lookup_setting("broker_url", "CELERY").status is SettingStatus.NEW_NAME


# -- candidates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "namespace", "django", "expected"),
    [
        ("CELERY_TASK_TIME_LIMIT", "CELERY", True, True),
        ("CELERY_TASK_TIME_LIMT", "CELERY", True, True),
        ("CELEY_BROKER_URL", "CELERY", True, True),
        ("TASK_TIME_LIMIT", "CELERY", True, True),
        ("BROKER_URL", "CELERY", True, True),
        ("DEBUG", "CELERY", True, False),
        ("INSTALLED_APPS", "CELERY", True, False),
        ("TIME_ZONE", "CELERY", True, False),
        ("DATABASE_URL", "CELERY", True, False),
        ("S3_BUCKET", "CELERY", True, False),
        ("ENABLE_UTC", None, True, False),
        ("DATABASE_URL", None, True, False),
        ("SECRET_KEY", None, True, False),
        ("CELERY_BROKER_URL", None, True, True),
        ("S3_BUCKET", None, False, True),
        ("task_time_limit", None, False, True),
        ("my_helper", None, False, False),
    ],
)
def test_is_celery_candidate(key: str, namespace: str | None, django: bool, expected: bool) -> None:
    assert is_celery_candidate(key, namespace, django) is expected


# -- types and defaults ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("task_time_limit", "float"),
        ("task_acks_late", "bool"),
        ("beat_schedule", "dict"),
        ("accept_content", "list"),
        ("imports", "tuple"),
        ("task_routes", "any"),
        ("broker_url", "string"),
        ("worker_prefetch_multiplier", "int"),
        ("beat_cron_starting_deadline", "int"),
        ("result_compression", "string"),
        ("CELERYD_CONCURRENCY", "any"),
        ("nope", None),
    ],
)
def test_expected_type(name: str, kind: str | None) -> None:
    assert expected_type(name) == kind


def test_default_of_reads_celery_defaults() -> None:
    assert (
        default_of("worker_prefetch_multiplier")
        == celery_defaults.DEFAULTS["worker_prefetch_multiplier"]
    )
    assert default_of("CELERY_TASK_SERIALIZER") == "json"
    assert default_of("task_time_limit") is None
    with pytest.raises(KeyError):
        default_of("task_time_limt")


def test_preferred_key_forms() -> None:
    assert preferred_key("task_time_limit", "CELERY") == "CELERY_TASK_TIME_LIMIT"
    assert preferred_key("task_time_limit", "celery") == "celery_task_time_limit"
    assert preferred_key("task_time_limit", None) == "task_time_limit"
    assert preferred_key("task_time_limit", None, django=True) == "CELERYD_TASK_TIME_LIMIT"


# -- mixing old and new names ------------------------------------------------------------------


def test_all_new_or_all_old_is_fine() -> None:
    assert detect_mixed_names(["broker_url", "task_acks_late"]) is None
    assert detect_mixed_names(["BROKER_URL", "CELERY_ACKS_LATE"]) is None
    assert detect_mixed_names([]) is None


def test_mostly_new_with_an_old_name_asks_to_rename_old() -> None:
    mixed = detect_mixed_names(["broker_url", "task_acks_late", "CELERY_TASK_SERIALIZER"])
    assert mixed is not None
    assert mixed.direction is MixDirection.OLD_INTO_NEW
    assert mixed.renames == (("CELERY_TASK_SERIALIZER", "task_serializer"),)


def test_mostly_old_with_a_new_name_asks_to_rename_new() -> None:
    mixed = detect_mixed_names(["BROKER_URL", "CELERY_TASK_SERIALIZER", "task_acks_late"])
    assert mixed is not None
    assert mixed.direction is MixDirection.NEW_INTO_OLD
    assert mixed.renames == (("task_acks_late", "CELERY_ACKS_LATE"),)


def test_both_spellings_of_one_setting_are_not_a_mix() -> None:
    assert detect_mixed_names(["result_expires", "CELERY_TASK_RESULT_EXPIRES"]) is None


def test_namespace_never_mixes() -> None:
    assert detect_mixed_names(["broker_url", "CELERYD_CONCURRENCY"], namespace="CELERY") is None


def test_mixed_verdict_matches_a_real_app() -> None:
    from celery.exceptions import ImproperlyConfigured

    keys = ["broker_url", "task_acks_late", "CELERYD_CONCURRENCY"]
    app = celery.Celery(set_as_current=False)
    app.config_from_object(type("Config", (), dict.fromkeys(keys, 1)))
    with pytest.raises(ImproperlyConfigured) as raised:
        app.conf.task_acks_late  # noqa: B018 - reading the conf is what loads it
    mixed = detect_mixed_names(keys)
    assert mixed is not None and mixed.message == str(raised.value).strip()
