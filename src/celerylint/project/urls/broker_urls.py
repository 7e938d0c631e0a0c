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

import dataclasses
import difflib
import enum
import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from celerylint.project.urls.url_parts import (
    FAILOVER_SEPARATOR,
    REDIS_SCHEMES,
    UrlParts,
    has_scheme,
    known_transports,
    parse_port,
    parse_redis_db,
    split_failover,
    split_host_port,
    split_url,
    split_userinfo,
    transport_of,
)
from celerylint.secrets import looks_like_placeholder, mask_url

# Values kombu and the Redis result backend accept for ssl_cert_reqs.
_SSL_CERT_REQS_VALUES = frozenset({"required", "optional", "none"})
_SSL_QUERY_KEYS = frozenset({"ssl_cert_reqs", "ssl_ca_certs", "ssl_certfile", "ssl_keyfile"})
_DOTTED_PATH = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+(:[A-Za-z_]\w*)?")


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
    masked: str
    username: str | None = None
    has_password: bool = False
    password_is_placeholder: bool = False
    host: str | None = None
    port: int | None = None
    path: str = ""
    db: int | None = None
    query: tuple[tuple[str, str], ...] = ()
    failover: tuple[BrokerUrl, ...] = field(default=())

    def all_urls(self) -> tuple[BrokerUrl, ...]:
        """This URL followed by its failover alternatives, in connection order."""
        return (self, *self.failover)

    def query_value(self, name: str) -> str | None:
        """The last value of query parameter ``name``, as kombu's dict() keeps it."""
        values = [value for key, value in self.query if key == name]
        return values[-1] if values else None


# --- Parsing --------------------------------------------------------------------


def _parse_one(url: str) -> BrokerUrl:
    """Parse a single URL (no ``;``); a non-URL yields a BrokerUrl with scheme ''."""
    authority = split_url(url)
    if authority is None:
        return _unparsed(url)
    username, password = split_userinfo(authority.userinfo)
    host, port_text = split_host_port(authority.hostport)
    return BrokerUrl(
        scheme=authority.scheme.lower(),
        transport=transport_of(authority.scheme),
        username=username,
        has_password=bool(password),
        password_is_placeholder=looks_like_placeholder(password) if password else False,
        host=host.lower() if host else None,
        port=parse_port(port_text),
        path=authority.path,
        db=parse_redis_db(authority.scheme, authority.path),
        query=tuple(parse_qsl(authority.query, keep_blank_values=True)),
        masked=mask_url(url),
    )


def parse_broker_url(url: str) -> BrokerUrl:
    """Parse a broker/backend setting value, following ``;`` failover lists.

    The first URL is returned, the rest are in its ``failover`` field.
    Never raises; unreadable parts come back as None.
    """
    try:
        first, *rest = [_parse_one(part) for part in split_failover(url)]
    except Exception:  # noqa: BLE001 - the contract is "never raise"
        return _unparsed(url)
    return dataclasses.replace(first, failover=tuple(rest))


def _unparsed(text: str) -> BrokerUrl:
    """What is known about a value without ``scheme://``: only its text."""
    alias = text.strip()
    return BrokerUrl(scheme="", transport=alias.lower(), masked=mask_url(alias))


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


# --- Problems -------------------------------------------------------------------

# One actionable sentence per kind; ``{url}`` is always the masked URL.
_MESSAGES: dict[UrlProblemKind, str] = {
    UrlProblemKind.NOT_A_URL: (
        "'{url}' is not a URL: it has no 'scheme://' and is no known backend alias; "
        "write it as e.g. 'redis://host:6379/0'."
    ),
    UrlProblemKind.UNKNOWN_SCHEME: (
        "'{url}' uses scheme '{scheme}', which neither kombu nor Celery knows, so the worker "
        "fails to start; {hint}"
    ),
    UrlProblemKind.FAILOVER_FRAGMENT: (
        "'{url}' has {what} in its ';'-separated failover list, which kombu still tries as a "
        "URL; remove the stray ';' or give every entry its own scheme, e.g. "
        "'redis://a:6379/0;redis://b:6379/0'."
    ),
    UrlProblemKind.MIXED_FAILOVER_SCHEMES: (
        "'{url}' mixes transports ({transports}) in one failover list; kombu uses the first "
        "URL's transport for every entry. Use one transport throughout."
    ),
    UrlProblemKind.UNESCAPED_PASSWORD_CHARACTER: (
        "'{url}' has unescaped {chars} in its user or password, so clients split the URL in the "
        "wrong place and connect with wrong credentials or to a wrong host; percent-encode "
        "them as {escapes} (urllib.parse.quote(password, safe=''))."
    ),
    UrlProblemKind.INVALID_DB_INDEX: (
        "'{url}' has Redis database '{db}', which is not an integer; kombu and the Redis "
        "backend raise ValueError. Use one number, e.g. '/0'."
    ),
    UrlProblemKind.INVALID_PORT: (
        "'{url}' has port '{port}', which is not a number between 1 and 65535; the client "
        "raises ValueError when it connects. Fix the port (Redis uses 6379, RabbitMQ 5672)."
    ),
    UrlProblemKind.REDISS_WITHOUT_CERT_REQS: (
        "'{url}' uses rediss:// without 'ssl_cert_reqs'; Celery's Redis result backend refuses "
        "to start without it. Add '?ssl_cert_reqs=required' to verify the server certificate."
    ),
    UrlProblemKind.INVALID_CERT_REQS: (
        "'{url}' sets ssl_cert_reqs='{value}'; kombu and Celery accept only required, optional "
        "or none (or CERT_REQUIRED, CERT_OPTIONAL, CERT_NONE), and fail on anything else."
    ),
    UrlProblemKind.SSL_PARAMS_ON_PLAIN_REDIS: (
        "'{url}' passes ssl_* parameters to a plain redis:// URL; Celery's Redis result backend "
        "raises ValueError for it. Use rediss:// for TLS connections."
    ),
    UrlProblemKind.CLEARTEXT_PASSWORD: (
        "'{url}' contains a password in clear text; anyone who can read it can use the broker. "
        "Read the URL or the password from an environment variable or a secret store."
    ),
}
# Characters that end the userinfo early in kombu/urllib, with their escapes.
_USERINFO_BREAKERS = (("@", "%40"), ("/", "%2F"), ("?", "%3F"), ("#", "%23"), (";", "%3B"))


def _problem(kind: UrlProblemKind, url: str, **details: str) -> UrlProblem:
    return UrlProblem(kind, _MESSAGES[kind].format(url=url, **details))


def url_problems(url: str) -> tuple[UrlProblem, ...]:
    """Every recognisable mistake in a broker/backend setting value.

    An empty value (Celery's default), a bare alias (``rpc``, ``django-db``)
    and a dotted backend class path are accepted.  Messages quote the URL
    masked, never the password.  Whether a clear-text password matters
    (committed code or a local ``.env``) is for the caller to decide.
    """
    try:
        return tuple(_all_problems(url))
    except Exception:  # noqa: BLE001 - the contract is "never raise"
        return ()


def _all_problems(text: str) -> list[UrlProblem]:
    shown = mask_url(text.strip())
    parts = split_failover(text)
    if len(parts) == 1 and not has_scheme(parts[0]):
        if not parts[0] or _is_alias_or_class_path(parts[0]):
            return []
        return [_problem(UrlProblemKind.NOT_A_URL, shown)]
    problems = _failover_problems(text, parts, shown)
    for authority in filter(None, map(split_url, parts)):
        problems.extend(_scheme_problems(authority, shown))
        problems.extend(_userinfo_problems(authority, shown))
        problems.extend(_port_problems(authority, shown))
        problems.extend(_db_problems(authority, shown))
        problems.extend(_ssl_problems(authority, shown))
    return problems


def _is_alias_or_class_path(text: str) -> bool:
    return text.lower() in known_transports() or _DOTTED_PATH.fullmatch(text) is not None


def _failover_problems(text: str, parts: list[str], shown: str) -> list[UrlProblem]:
    problems: list[UrlProblem] = []
    kind = UrlProblemKind.FAILOVER_FRAGMENT
    if any(not piece.strip() for piece in text.strip().split(FAILOVER_SEPARATOR)):
        problems.append(_problem(kind, shown, what="an empty entry"))
    if any(not has_scheme(part) for part in parts):
        problems.append(_problem(kind, shown, what="an entry without 'scheme://'"))
    transports = sorted({transport_of(a.scheme) for a in map(split_url, parts) if a})
    if len(transports) > 1:
        kind = UrlProblemKind.MIXED_FAILOVER_SCHEMES
        problems.append(_problem(kind, shown, transports=", ".join(transports)))
    return problems


def _scheme_problems(authority: UrlParts, shown: str) -> list[UrlProblem]:
    transport = transport_of(authority.scheme)
    if transport in known_transports():
        return []
    close = difflib.get_close_matches(transport, sorted(known_transports()), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}://'?" if close else "check the transport name."
    return [_problem(UrlProblemKind.UNKNOWN_SCHEME, shown, scheme=authority.scheme, hint=hint)]


def _userinfo_problems(authority: UrlParts, shown: str) -> list[UrlProblem]:
    problems: list[UrlProblem] = []
    userinfo = authority.userinfo or ""
    breakers = [(char, escape) for char, escape in _USERINFO_BREAKERS if char in userinfo]
    if breakers:
        chars = ", ".join(f"'{char}'" for char, _ in breakers)
        escapes = ", ".join(f"'{escape}'" for _, escape in breakers)
        kind = UrlProblemKind.UNESCAPED_PASSWORD_CHARACTER
        problems.append(_problem(kind, shown, chars=chars, escapes=escapes))
    username, password = split_userinfo(authority.userinfo)
    # A password equal to the user name (``app:app@``) is a demo stack's default.
    if password and not looks_like_placeholder(password) and password != username:
        problems.append(_problem(UrlProblemKind.CLEARTEXT_PASSWORD, shown))
    return problems


def _port_problems(authority: UrlParts, shown: str) -> list[UrlProblem]:
    _, port_text = split_host_port(authority.hostport)
    if port_text is None or parse_port(port_text) is not None:
        return []
    return [_problem(UrlProblemKind.INVALID_PORT, shown, port=port_text)]


def _db_problems(authority: UrlParts, shown: str) -> list[UrlProblem]:
    if authority.scheme.lower() not in REDIS_SCHEMES:
        return []
    if parse_redis_db(authority.scheme, authority.path) is not None:
        return []
    return [_problem(UrlProblemKind.INVALID_DB_INDEX, shown, db=authority.path[1:])]


def _ssl_problems(authority: UrlParts, shown: str) -> list[UrlProblem]:
    query = dict(parse_qsl(authority.query, keep_blank_values=True))
    scheme = authority.scheme.lower()
    cert_reqs = query.get("ssl_cert_reqs")
    if scheme == "rediss" and cert_reqs is None:
        return [_problem(UrlProblemKind.REDISS_WITHOUT_CERT_REQS, shown)]
    if (
        cert_reqs is not None
        and cert_reqs.removeprefix("CERT_").lower() not in _SSL_CERT_REQS_VALUES
    ):
        return [_problem(UrlProblemKind.INVALID_CERT_REQS, shown, value=cert_reqs)]
    if scheme == "redis" and _SSL_QUERY_KEYS.intersection(query):
        return [_problem(UrlProblemKind.SSL_PARAMS_ON_PLAIN_REDIS, shown)]
    return []
