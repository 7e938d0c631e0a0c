"""Reading Celery broker and result-backend URLs without connecting to anything.

Celery hands these strings to kombu and to its result backends, which fail at
worker start (or, worse, silently talk to the wrong database) when a URL is
subtly wrong.  Here they are split the way kombu splits them and checked for
the mistakes that keep recurring: unescaped characters in passwords, a bad
Redis database index, ``rediss://`` without ``ssl_cert_reqs``, typos in the
scheme, and passwords written in clear text.

Every function accepts any string and never raises.  Passwords are never
stored in the parsed facts, and every message shows the URL masked.
"""

from __future__ import annotations

import difflib
import enum
import functools
import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from celerylint.secrets import looks_like_placeholder, mask_url, split_credentials

# Result backends registered through entry points by popular packages rather
# than listed in celery.app.backends.BACKEND_ALIASES.
_ENTRY_POINT_BACKENDS = frozenset({"django-db", "django-cache"})
# Schemes whose path is a Redis database index.
_REDIS_SCHEMES = frozenset({"redis", "rediss", "sentinel"})
# Values kombu and the Redis result backend accept for ssl_cert_reqs.
_SSL_CERT_REQS_VALUES = frozenset(
    {"CERT_REQUIRED", "CERT_OPTIONAL", "CERT_NONE", "required", "optional", "none"}
)
_SSL_QUERY_KEYS = frozenset({"ssl_cert_reqs", "ssl_ca_certs", "ssl_certfile", "ssl_keyfile"})
_SCHEME_AND_REST = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://(.*)", re.DOTALL)
_DOTTED_PATH = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+(:[A-Za-z_]\w*)?")
_FAILOVER_SEPARATOR = ";"
_MAX_PORT = 65535


class UrlProblemKind(enum.Enum):
    """What is wrong with a broker or backend URL; rules map kinds to codes."""

    NOT_A_URL = "not-a-url"
    UNKNOWN_SCHEME = "unknown-scheme"
    FAILOVER_FRAGMENT = "failover-fragment"
    MIXED_FAILOVER_SCHEMES = "mixed-failover-schemes"
    UNESCAPED_PASSWORD_CHARACTER = "unescaped-password-character"
    INVALID_DB_INDEX = "invalid-db-index"
    INVALID_PORT = "invalid-port"
    REDISS_WITHOUT_CERT_REQS = "rediss-without-cert-reqs"
    INVALID_CERT_REQS = "invalid-cert-reqs"
    SSL_PARAMS_ON_PLAIN_REDIS = "ssl-params-on-plain-redis"
    CLEARTEXT_PASSWORD = "cleartext-password"


@dataclass(frozen=True)
class UrlProblem:
    """One mistake in a URL; ``message`` names it, says why it matters and the fix."""

    kind: UrlProblemKind
    message: str


@dataclass(frozen=True)
class BrokerUrl:
    """One broker/backend URL, split as kombu splits it, without its password.

    ``transport`` is the alias that picks the kombu transport or Celery
    backend: the scheme, or its part before ``+`` (``sqla`` for
    ``sqla+postgresql://``).  ``host``/``port``/``db`` are None when absent or
    unreadable.  ``failover`` holds the further URLs of a ``;``-separated list.
    """

    scheme: str
    transport: str
    username: str | None
    has_password: bool
    password_is_placeholder: bool
    host: str | None
    port: int | None
    path: str
    db: int | None
    query: tuple[tuple[str, str], ...]
    masked: str
    failover: tuple[BrokerUrl, ...] = field(default=())

    def all_urls(self) -> tuple[BrokerUrl, ...]:
        """This URL followed by its failover alternatives, in connection order."""
        return (self, *self.failover)

    def query_value(self, name: str) -> str | None:
        """The last value of query parameter ``name``, as kombu's dict() keeps it."""
        values = [value for key, value in self.query if key == name]
        return values[-1] if values else None


@dataclass(frozen=True)
class _Authority:
    """The pieces of one URL; only this module ever sees the password."""

    scheme: str
    userinfo: str | None
    hostport: str
    path: str
    query: str


# --- Known schemes ------------------------------------------------------------


@functools.cache
def known_transports() -> frozenset[str]:
    """Every scheme alias kombu or Celery accept, read from their own tables.

    Imported lazily: loading celery costs time that only URL checks need.
    """
    names: set[str] = set(_ENTRY_POINT_BACKENDS)
    try:
        from kombu.transport import TRANSPORT_ALIASES

        names.update(TRANSPORT_ALIASES)
    except ImportError:  # pragma: no cover - kombu is a declared dependency
        pass
    try:
        from celery.app.backends import BACKEND_ALIASES

        names.update(BACKEND_ALIASES)
    except ImportError:  # pragma: no cover - celery is a declared dependency
        pass
    return frozenset(name.lower() for name in names)


def _transport_of(scheme: str) -> str:
    """``sqla+postgresql`` → ``sqla``: both kombu and Celery split at ``+``."""
    return scheme.split("+", 1)[0].lower()


# --- Splitting ------------------------------------------------------------------


def _split_failover(text: str) -> list[str]:
    return text.strip().split(_FAILOVER_SEPARATOR)


def _split_authority(url: str) -> _Authority | None:
    """Split one URL; None when it has no ``scheme://``.

    The userinfo ends at the *last* ``@`` (the same rule the masking uses), so
    a password with unescaped ``@``, ``/``, ``?`` or ``#`` is still read as
    the user intended and can be reported, not misread as a path.
    """
    match = _SCHEME_AND_REST.fullmatch(url.strip())
    if match is None:
        return None
    scheme, rest = match.group(1), match.group(2)
    prefix, password, _ = split_credentials(rest)
    at = rest.rfind("@")
    userinfo = rest[:at] if at >= 0 else None
    after = rest[at + 1 :] if at >= 0 else rest
    del prefix, password
    hostport_end = len(after)
    for delimiter in "/?#":
        position = after.find(delimiter)
        if 0 <= position < hostport_end:
            hostport_end = position
    remainder = after[hostport_end:].split("#", 1)[0]
    path, _, query = remainder.partition("?")
    return _Authority(scheme, userinfo, after[:hostport_end], path, query)


def _split_host_port(hostport: str) -> tuple[str | None, str | None]:
    """(host, port text) with IPv6 brackets removed; either may be None."""
    if hostport.startswith("["):
        closing = hostport.find("]")
        if closing > 0:
            port_text = hostport[closing + 1 :]
            port = port_text[1:] if port_text.startswith(":") else None
            return hostport[1:closing] or None, port or None
    if "," in hostport:  # a host list (mongodb): no single host or port
        return hostport or None, None
    host, colon, port = hostport.rpartition(":")
    if not colon:
        return hostport or None, None
    return host or None, port or None


def _parse_port(port_text: str | None) -> int | None:
    if port_text is None or not port_text.isdigit():
        return None
    port = int(port_text)
    return port if 0 < port <= _MAX_PORT else None


def _parse_db(scheme: str, path: str) -> int | None:
    """The Redis database index, as kombu reads it from the path; None if unreadable."""
    if scheme.lower() not in _REDIS_SCHEMES:
        return None
    text = path[1:] if path.startswith("/") else path
    if not text:
        return 0
    return int(text) if text.isdigit() else None


# --- Parsing --------------------------------------------------------------------


def _parse_one(url: str) -> BrokerUrl:
    """Parse a single URL (no ``;``); a non-URL yields a BrokerUrl with scheme ''."""
    authority = _split_authority(url)
    if authority is None:
        alias = url.strip()
        return BrokerUrl("", alias.lower(), None, False, False, None, None, "", None, (), mask_url(url))
    username, password = _split_userinfo(authority.userinfo)
    host, port_text = _split_host_port(authority.hostport)
    return BrokerUrl(
        scheme=authority.scheme.lower(),
        transport=_transport_of(authority.scheme),
        username=username,
        has_password=bool(password),
        password_is_placeholder=bool(password) and looks_like_placeholder(password or ""),
        host=host.lower() if host else None,
        port=_parse_port(port_text),
        path=authority.path,
        db=_parse_db(authority.scheme, authority.path),
        query=tuple(parse_qsl(authority.query, keep_blank_values=True)),
        masked=mask_url(url),
    )


def _split_userinfo(userinfo: str | None) -> tuple[str | None, str | None]:
    """(username, password) split at the first ``:``, as urllib does."""
    if userinfo is None:
        return None, None
    username, colon, password = userinfo.partition(":")
    return (username or None), (password if colon else None)


def parse_broker_url(url: str) -> BrokerUrl:
    """Parse a broker/backend setting value, following ``;`` failover lists.

    The first URL is returned, the rest are in its ``failover`` field.
    Never raises; unreadable parts come back as None.
    """
    try:
        parts = [_parse_one(part) for part in _split_failover(url)]
    except Exception:  # noqa: BLE001 - the contract is "never raise"
        return BrokerUrl("", "", None, False, False, None, None, "", None, (), mask_url(url))
    first = parts[0]
    return BrokerUrl(**{**first.__dict__, "failover": tuple(parts[1:])})


def host_of(url: str) -> str | None:
    """The host the first URL of ``url`` connects to, lower-cased, or None."""
    return parse_broker_url(url).host


def is_local_host(host: str | None) -> bool:
    """Whether ``host`` names this machine: localhost, 127.0.0.0/8, ::1, 0.0.0.0.

    A production broker on a local address usually means a development value
    leaked into a deployed configuration (inside a container it points at the
    container itself).  An absent host is not local by this definition:
    callers decide what a client's default means.
    """
    if not host:
        return False
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost") or name == "localhost.localdomain":
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def is_url_like(text: str) -> bool:
    """Whether ``text`` is worth checking as a URL (has ``scheme://``)."""
    return _SCHEME_AND_REST.fullmatch(text.strip()) is not None


def is_known_alias_or_class_path(text: str) -> bool:
    """A bare backend alias (``rpc``, ``django-db``) or a dotted class path."""
    stripped = text.strip()
    return stripped.lower() in known_transports() or _DOTTED_PATH.fullmatch(stripped) is not None


def did_you_mean(scheme: str) -> str | None:
    """The known scheme alias closest to a misspelt one, if any is close."""
    matches = difflib.get_close_matches(scheme.lower(), sorted(known_transports()), n=1, cutoff=0.6)
    return matches[0] if matches else None
