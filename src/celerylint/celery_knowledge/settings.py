"""Which configuration keys Celery reads, derived from the installed Celery.

Every table here is computed from ``celery.app.defaults`` (``NAMESPACES``,
``flatten`` and the old-name converter Celery uses to build ``_TO_OLD_KEY``) and
from ``celery.utils.collections.ConfigurationView``, the class whose key lookup
decides what ``app.conf`` sees. Modelled behaviour, checked by the tests
against a real ``celery.Celery()`` app:

* Without a namespace Celery reads the lowercase new name and the one old
  uppercase alias of each setting (``task_time_limit``, ``CELERYD_TASK_TIME_LIMIT``).
* With ``namespace="CELERY"`` it reads ``CELERY_`` + the new name in the
  namespace's case, the bare lowercase new name, and the old alias
  (``BROKER_URL``, ``CELERYBEAT_SCHEDULE``): anything else is never read.
* Django's ``django.conf.settings`` only carries UPPERCASE names, so with
  ``django=True`` a lowercase key never reaches Celery.

Broker transport options: kombu declares the keys its Redis channel copies out
of ``broker_transport_options`` (``Channel.from_transport_options``) and reads
a few more with ``transport_options.get(...)``. ``kombu.transport.redis`` cannot
be imported without redis-py, so the names are read from kombu's source with
``ast`` instead. A top-level ``visibility_timeout`` (or
``CELERY_VISIBILITY_TIMEOUT``) is a key Celery never reads: it is reported as
UNKNOWN with ``transport_option`` set, so a rule can say it belongs inside
``broker_transport_options``.
"""

from __future__ import annotations

import difflib
import enum
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from celerylint.celery_knowledge.transport_options import broker_transport_option_names

#: Keys starting with these look meant for Celery in a shared settings module.
#: A heuristic, not Celery data: the old ``CELERY_``/``CELERYD_``/``CELERYBEAT_``
#: namespaces and the un-namespaced ``BROKER_`` names.
CELERY_LOOKING_PREFIXES = ("CELERY", "BROKER_")
#: New-name groups specific enough that ``TASK_TIME_LIMIT`` in a Django module is
#: clearly meant for Celery. ``DATABASE_URL``, ``REDIS_HOST``, ``TIMEZONE`` are
#: left out on purpose: Django projects define those for themselves.
CELERY_SPECIFIC_GROUPS = frozenset({"task", "worker", "beat", "broker", "result"})
_CLOSE_MATCH_CUTOFF = 0.85
_CLOSE_MATCH_CUTOFF_UNPREFIXED = 0.9


class SettingStatus(enum.Enum):
    """What Celery does with one configuration key."""

    NEW_NAME = "new-name"
    OLD_NAME = "old-name"
    IGNORED_UNDER_NAMESPACE = "ignored-under-namespace"
    UNKNOWN = "unknown"
    NOT_CELERY = "not-celery"


@dataclass(frozen=True)
class SettingLookup:
    """The verdict on one key.

    ``setting`` is the canonical lowercase setting the key configures (or would,
    for IGNORED/UNKNOWN with a match). ``new_name`` is set for OLD_NAME;
    ``reads_instead`` is the key Celery reads for IGNORED; ``suggestion`` is a
    close valid key for UNKNOWN; ``transport_option`` names the kombu broker
    transport option an UNKNOWN key looks like.
    """

    key: str
    status: SettingStatus
    setting: str | None = None
    new_name: str | None = None
    reads_instead: str | None = None
    suggestion: str | None = None
    transport_option: str | None = None

    @property
    def is_read(self) -> bool:
        """True when Celery reads this key."""
        return self.status in (SettingStatus.NEW_NAME, SettingStatus.OLD_NAME)


class MixDirection(enum.Enum):
    """Which renaming Celery asks for when a source mixes new and old names."""

    OLD_INTO_NEW = "rename-old-to-new"
    NEW_INTO_OLD = "rename-new-to-old"


@dataclass(frozen=True)
class MixedNames:
    """Celery would raise ImproperlyConfigured at startup; ``renames`` is its advice."""

    direction: MixDirection
    renames: tuple[tuple[str, str], ...]
    message: str


@dataclass(frozen=True)
class _Tables:
    options: Mapping[str, Any]
    to_old: Mapping[str, str]
    to_new: Mapping[str, str]


@functools.lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Rebuild Celery's tables from NAMESPACES with Celery's own flatten/_to_compat.

    Built from NAMESPACES (not the import-time DEFAULTS/_TO_NEW_KEY snapshots) so
    a single source defines everything; a test asserts both agree.
    """
    from celery.app import defaults

    options = dict(defaults.flatten(defaults.NAMESPACES))
    compat = list(defaults.flatten(defaults.NAMESPACES, keyfilter=defaults._to_compat))
    return _Tables(
        options=MappingProxyType(options),
        to_old=MappingProxyType({new: old for old, new, _ in compat}),
        to_new=MappingProxyType({old: new for old, new, _ in compat}),
    )


def clear_caches() -> None:
    """Forget derived tables so a patched ``celery.app.defaults`` is re-read."""
    _tables.cache_clear()
    _readable_keys.cache_clear()
    broker_transport_option_names.cache_clear()


def all_setting_names() -> frozenset[str]:
    """Every lowercase setting name the installed Celery defines."""
    return frozenset(_tables().options)


def old_to_new() -> Mapping[str, str]:
    """Old UPPERCASE alias -> new name, as Celery converts them."""
    return _tables().to_new


def new_to_old() -> Mapping[str, str]:
    """New name -> the one old alias Celery still reads for it."""
    return _tables().to_old


def _canonical(name: str) -> str | None:
    tables = _tables()
    return name if name in tables.options else tables.to_new.get(name)


def expected_type(name: str) -> str | None:
    """Celery's declared type of a setting (new or old name), None if unknown.

    Normalised to Celery's vocabulary: a few Options declare ``type=int`` (a
    class) or ``'str'``; they come back as ``'int'`` and ``'string'``.
    """
    setting = _canonical(name)
    if setting is None:
        return None
    declared = _tables().options[setting].type
    label = declared if isinstance(declared, str) else getattr(declared, "__name__", "any")
    return "string" if label == "str" else label


def default_of(name: str) -> Any:
    """Celery's default for a setting (new or old name); KeyError when Celery has no such setting."""
    setting = _canonical(name)
    if setting is None:
        raise KeyError(name)
    return _tables().options[setting].default


def _prefix_of(namespace: str | None) -> str | None:
    """Celery's own normalisation: ``ConfigurationView`` stores ``rstrip('_') + '_'``."""
    from celery.utils.collections import ConfigurationView

    return ConfigurationView({}, prefix=namespace).prefix


@functools.lru_cache(maxsize=32)
def _readable_keys(namespace: str | None) -> Mapping[str, tuple[str, SettingStatus]]:
    """Every key Celery reads under ``namespace``, via ConfigurationView._to_keys."""
    from celery.utils.collections import ConfigurationView

    tables = _tables()
    converters = (
        lambda key: tables.to_new.get(key, key),
        lambda key: tables.to_old.get(key, key),
    )
    view = ConfigurationView({}, keys=converters, prefix=namespace)
    readable: dict[str, tuple[str, SettingStatus]] = {}
    for setting in tables.options:
        new_forms = {setting, preferred_key(setting, namespace)}
        for key in view._to_keys(setting):
            status = SettingStatus.NEW_NAME if key in new_forms else SettingStatus.OLD_NAME
            if readable.get(key, (None, None))[1] is not SettingStatus.NEW_NAME:
                readable[key] = (setting, status)
    return MappingProxyType(readable)


def preferred_key(setting: str, namespace: str | None, django: bool = False) -> str:
    """The key to write for ``setting`` in this configuration source."""
    from celery.utils.text import match_case

    prefix = _prefix_of(namespace)
    if prefix:
        return match_case(prefix + setting, prefix)
    if django:
        return _tables().to_old.get(setting, setting.upper())
    return setting


@functools.lru_cache(maxsize=4096)
def lookup_setting(key: str, namespace: str | None, django: bool = False) -> SettingLookup:
    """Classify ``key`` the way Celery's ``app.conf`` would treat it.

    ``django=True`` means the source is ``django.conf:settings``, which drops
    every name that is not UPPERCASE before Celery sees it. Cached: a settings
    module is judged by several rules, and a near-miss search costs milliseconds.
    """
    prefix = _prefix_of(namespace)
    hit = _readable_keys(namespace).get(key)
    if hit is not None and (key.isupper() or not django):
        setting, status = hit
        new_name = setting if status is SettingStatus.OLD_NAME else None
        return SettingLookup(key, status, setting=setting, new_name=new_name)
    setting = _setting_behind(key, prefix)
    meant = _looks_meant_for_celery(key, prefix)
    if setting is not None and meant:
        return SettingLookup(
            key,
            SettingStatus.IGNORED_UNDER_NAMESPACE,
            setting=setting,
            reads_instead=preferred_key(setting, namespace, django),
        )
    return _unknown_or_foreign(key, namespace, prefix, meant)


def _setting_behind(key: str, prefix: str | None) -> str | None:
    """The setting a mis-cased or mis-prefixed key was evidently written for."""
    tables = _tables()
    lowered = key.lower()
    stripped = _strip_prefixes(lowered, ((prefix or "").lower(), "celery_"))
    for candidate in (lowered, stripped):
        if candidate in tables.options:
            return candidate
        if candidate.upper() in tables.to_new:
            return tables.to_new[candidate.upper()]
    return None


def _looks_meant_for_celery(key: str, prefix: str | None) -> bool:
    upper = key.upper()
    if prefix and upper.startswith(prefix.upper()):
        return True
    if upper.startswith(CELERY_LOOKING_PREFIXES):
        return True
    return key.split("_", 1)[0].lower() in CELERY_SPECIFIC_GROUPS


def _unknown_or_foreign(
    key: str,
    namespace: str | None,
    prefix: str | None,
    meant: bool,
) -> SettingLookup:
    option = _transport_option_behind(key, prefix)
    if option is not None and (meant or prefix is None):
        return SettingLookup(
            key,
            SettingStatus.UNKNOWN,
            setting="broker_transport_options",
            suggestion=preferred_key("broker_transport_options", namespace),
            transport_option=option,
        )
    near_miss = _close_valid_key(key, namespace, prefix)
    if near_miss is not None:
        suggestion, setting = near_miss
        return SettingLookup(key, SettingStatus.UNKNOWN, setting=setting, suggestion=suggestion)
    upper = key.upper()
    if (prefix and upper.startswith(prefix.upper())) or upper.startswith(CELERY_LOOKING_PREFIXES):
        return SettingLookup(key, SettingStatus.UNKNOWN)
    return SettingLookup(key, SettingStatus.NOT_CELERY)


def _transport_option_behind(key: str, prefix: str | None) -> str | None:
    lowered = _strip_prefixes(key.lower(), ("celery_", (prefix or "").lower()))
    lowered = _strip_prefixes(lowered, ("broker_",))
    return lowered if lowered in broker_transport_option_names() else None


def _close_valid_key(
    key: str,
    namespace: str | None,
    prefix: str | None,
) -> tuple[str, str] | None:
    """(suggestion, setting) for a near miss, or None.

    Two guesses compete: the key itself against keys Celery reads here (only
    Celery-looking ones: ``S3_BUCKET`` is never offered), and the key with its
    ``CELERY_``/namespace prefix stripped against the setting names, whose
    suggestion is then written in this source's form.
    """
    readable = _readable_keys(namespace)
    cutoff = _CLOSE_MATCH_CUTOFF
    if not _looks_meant_for_celery(key, prefix):
        cutoff = _CLOSE_MATCH_CUTOFF_UNPREFIXED
    pool = _celery_looking_keys(namespace, prefix)
    guesses: list[tuple[float, str, str]] = []
    for match in difflib.get_close_matches(key, _within_reach(key, pool, cutoff), 1, cutoff):
        guesses.append((_ratio(key, match), match, readable[match][0]))
    stripped = _strip_prefixes(key.lower(), ("celery_", (prefix or "").lower()))
    if stripped != key.lower():
        options = _within_reach(stripped, list(_tables().options), cutoff)
        for match in difflib.get_close_matches(stripped, options, 1, cutoff):
            guesses.append((_ratio(stripped, match), preferred_key(match, namespace), match))
    if not guesses:
        return None
    _, suggestion, setting = max(guesses)
    return suggestion, setting


@functools.lru_cache(maxsize=32)
def _celery_looking_keys(namespace: str | None, prefix: str | None) -> list[str]:
    return [k for k in _readable_keys(namespace) if k.islower() or _looks_meant_for_celery(k, prefix)]


def _within_reach(key: str, pool: list[str], cutoff: float) -> list[str]:
    """The candidates whose length allows a ratio of ``cutoff``: a ratio is at most
    2 * min(len) / (sum of lengths), so most of the pool is ruled out without difflib."""
    size = len(key)
    return [c for c in pool if 2 * min(size, len(c)) >= cutoff * (size + len(c))]


def _ratio(left: str, right: str) -> float:
    return difflib.SequenceMatcher(None, left, right).ratio()


def _strip_prefixes(lowered: str, prefixes: Iterable[str]) -> str:
    for prefix in prefixes:
        if prefix and lowered.startswith(prefix):
            return lowered[len(prefix) :]
    return lowered


def is_celery_candidate(key: str, namespace: str | None, django: bool) -> bool:
    """Should a rule look at this key at all?

    In a plain Celery config module every key is Celery's. In a Django settings
    module only keys that look meant for Celery are: Django's own settings (and
    ``S3_BUCKET``/``DATABASE_URL``-style names a project uses itself, even when
    Celery happens to read them) are never findings.
    """
    lookup = lookup_setting(key, namespace, django=django)
    if lookup.status is SettingStatus.NOT_CELERY:
        return False
    if not django:
        return True
    prefix = _prefix_of(namespace)
    if lookup.status is SettingStatus.UNKNOWN and lookup.suggestion is not None:
        return True
    if lookup.is_read:
        return key.upper().startswith(CELERY_LOOKING_PREFIXES) or bool(
            prefix and key.upper().startswith(prefix.upper())
        )
    return _looks_meant_for_celery(key, prefix)


def detect_mixed_names(keys: Iterable[str], namespace: str | None = None) -> MixedNames | None:
    """Would Celery refuse this source for mixing new and old names?

    Runs Celery's own ``detect_settings`` on dummy values, so the verdict follows
    the installed Celery. With a namespace Celery never raises.
    """
    from celery.app.utils import E_MIX_NEW_INTO_OLD, detect_settings
    from celery.exceptions import ImproperlyConfigured

    try:
        detect_settings(dict.fromkeys(keys), prefix=namespace)
    except ImproperlyConfigured as exc:
        message = str(exc).strip()
        direction = MixDirection.OLD_INTO_NEW
        if message.split("\n", 1)[0] == E_MIX_NEW_INTO_OLD.strip().split("\n", 1)[0]:
            direction = MixDirection.NEW_INTO_OLD
        renames = tuple(
            (left.strip(), right.strip())
            for left, sep, right in (line.partition(" -> ") for line in message.splitlines())
            if sep
        )
        return MixedNames(direction=direction, renames=renames, message=message)
    return None
