"""The syntax of Celery broker/backend URLs, split exactly once, the kombu way.

Only :mod:`celerylint.project.urls.broker_urls` uses these pieces: it turns them
into password-free facts and problems.  Nothing here raises or keeps state.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Result backends registered through entry points by popular packages rather
# than listed in celery.app.backends.BACKEND_ALIASES.
_ENTRY_POINT_BACKENDS = frozenset({"django-db", "django-cache"})
# Schemes whose path is a Redis database index.
REDIS_SCHEMES = frozenset({"redis", "rediss", "sentinel"})
FAILOVER_SEPARATOR = ";"
MAX_PORT = 65535
_SCHEME_AND_REST = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://(.*)", re.DOTALL)


@dataclass(frozen=True)
class UrlParts:
    """The raw pieces of one URL, password included: never store or print them."""

    scheme: str
    userinfo: str | None
    hostport: str
    path: str
    query: str


@functools.cache
def known_transports() -> frozenset[str]:
    """Every scheme alias kombu or Celery accept, read from their own tables.

    Imported lazily: loading celery costs time that only URL checks need.
    """
    from celery.app.backends import BACKEND_ALIASES
    from kombu.transport import TRANSPORT_ALIASES

    names = {*TRANSPORT_ALIASES, *BACKEND_ALIASES, *_ENTRY_POINT_BACKENDS}
    return frozenset(name.lower() for name in names)


def transport_of(scheme: str) -> str:
    """``sqla+postgresql`` → ``sqla``: both kombu and Celery split at ``+``."""
    return scheme.split("+", 1)[0].lower()


def split_failover(text: str) -> list[str]:
    """The URLs of a kombu failover list, as the user meant them.

    kombu splits at every ``;``.  A piece without ``scheme://`` whose ``;``
    sits before the URL's last ``@`` is a password containing ``;`` and is
    joined back to the URL it came from (and reported); empty pieces from a
    stray ``;`` are dropped.  At least one (possibly empty) URL is returned.
    """
    parts: list[str] = []
    for piece in text.strip().split(FAILOVER_SEPARATOR):
        if parts and not has_scheme(piece) and "@" in piece:
            parts[-1] = f"{parts[-1]}{FAILOVER_SEPARATOR}{piece}"
        elif piece.strip() or not parts:
            parts.append(piece.strip())
    return parts


def has_scheme(text: str) -> bool:
    return _SCHEME_AND_REST.fullmatch(text.strip()) is not None


def split_url(url: str) -> UrlParts | None:
    """Split one URL; None when it has no ``scheme://``.

    The userinfo ends at the *last* ``@`` (the same rule the masking uses), so
    a password with unescaped ``@``, ``/``, ``?`` or ``#`` is still read as
    the user intended and can be reported, not misread as a path.
    """
    match = _SCHEME_AND_REST.fullmatch(url.strip())
    if match is None:
        return None
    scheme, rest = match.group(1), match.group(2)
    at = rest.rfind("@")
    userinfo = rest[:at] if at >= 0 else None
    after = rest[at + 1 :] if at >= 0 else rest
    hostport_end = len(after)
    for delimiter in "/?#":
        position = after.find(delimiter)
        if 0 <= position < hostport_end:
            hostport_end = position
    remainder = after[hostport_end:].split("#", 1)[0]
    path, _, query = remainder.partition("?")
    return UrlParts(scheme, userinfo, after[:hostport_end], path, query)


def split_host_port(hostport: str) -> tuple[str | None, str | None]:
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


def parse_port(port_text: str | None) -> int | None:
    if port_text is None or not port_text.isdigit():
        return None
    port = int(port_text)
    return port if 0 < port <= MAX_PORT else None


def parse_redis_db(scheme: str, path: str) -> int | None:
    """The Redis database index, as kombu reads it from the path; None if unreadable."""
    if scheme.lower() not in REDIS_SCHEMES:
        return None
    text = path.removeprefix("/")
    if not text:
        return 0
    return int(text) if text.isdigit() else None


def split_userinfo(userinfo: str | None) -> tuple[str | None, str | None]:
    """(username, password) split at the first ``:``, as urllib does."""
    if userinfo is None:
        return None, None
    username, colon, password = userinfo.partition(":")
    return (username or None), (password if colon else None)
