"""The one place that decides what is a secret and hides it before output.

Every reporter, message builder and snippet printer goes through
:func:`mask_url` and :func:`mask_secrets_in_text`, so a password found in an
analysed project never reaches a terminal, a CI log or a SARIF upload.  The
functions are deliberately greedy: hiding a little too much is a cosmetic
problem, leaking a password is not.  None of them raises, whatever the input.
"""

from __future__ import annotations

import re

MASK = "****"

_SCHEME_SEPARATOR = "://"

# --- What counts as a secret -------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that, written as a whole key token, mark the key as holding a secret.
_SECRET_KEY_TOKENS = _words(
    "PASS PWD PASSWD PASSPHRASE PASSWORD PASSWORDS SECRET SECRETS TOKEN TOKENS CREDENTIAL "
    "CREDENTIALS CREDS DSN APIKEY SECRETKEY AUTHTOKEN PRIVATEKEY ACCESSKEY"
)
# Substrings that mark a secret even when glued to other words (DBPASSWORD).
_SECRET_KEY_SUBSTRINGS = ("PASSWORD", "PASSWD", "SECRET")
# "<qualifier>_KEY" pairs that hold secrets; a bare "KEY" token is also secret
# unless its qualifier says it is an identifier (ROUTING_KEY, CACHE_KEY, ...).
_NON_SECRET_KEY_QUALIFIERS = _words(
    "ROUTING BINDING CACHE SORT PARTITION PRIMARY FOREIGN PUBLIC PUBLISHABLE LOCK QUEUE "
    "HASH IDEMPOTENCY GROUP RESULT TASK EXCHANGE REDIS CELERY SESSION DEDUP"
)
# A last token that says the key describes a secret rather than holding one:
# PASSWORD_MIN_LENGTH, TOKEN_TTL, POSTGRES_PASSWORD_FILE, PASSWORD_HASHERS.
_METADATA_SUFFIXES = _words(
    "FILE PATH DIR LENGTH LEN MIN MAX TTL TIMEOUT EXPIRY EXPIRES EXPIRATION LIFETIME AGE "
    "HEADER ENABLED VALIDATORS HASHERS BACKEND BACKENDS TYPE ALGORITHM ALGORITHMS CLASS "
    "PREFIX NAME FIELD PARAM ENDPOINT FALLBACKS ROTATION REQUIRED RESET POLICY COUNT SIZE "
    "URI URL HOST PORT ID VERSION LIMIT LIMITS RATE INTERVAL DELAY RETRIES PERIOD WINDOW "
    "QUOTA MODE LEVEL FORMAT SCOPE SCOPES REGION ISSUER AUDIENCE"
)

_KEY_TOKEN_SPLIT = re.compile(r"[^A-Z0-9]+")


def looks_like_secret_key(key: str) -> bool:
    """Whether a variable or setting named ``key`` probably holds a credential.

    Names are compared as upper-case tokens so ``redis_password``,
    ``REDIS-PASSWORD`` and ``REDISPASSWORD`` agree, while ``TOKENIZERS_*`` and
    ``PASSWORD_MIN_LENGTH`` (a token-prefix and a metadata suffix) do not.
    """
    tokens = [token for token in _KEY_TOKEN_SPLIT.split(key.upper()) if token]
    if not tokens or tokens[-1] in _METADATA_SUFFIXES:
        return False
    if any(token in _SECRET_KEY_TOKENS for token in tokens):
        return True
    if any(part in token for token in tokens for part in _SECRET_KEY_SUBSTRINGS):
        return True
    return _has_secret_key_token(tokens)


def _has_secret_key_token(tokens: list[str]) -> bool:
    """``STRIPE_KEY`` or ``API_KEY`` hold secrets; ``ROUTING_KEY`` does not."""
    return any(
        token == "KEY" and index > 0 and tokens[index - 1] not in _NON_SECRET_KEY_QUALIFIERS
        for index, token in enumerate(tokens)
    )


_PLACEHOLDER_WORDS = _words(
    "changeme changethis changeit replaceme secret password passwd pass example dummy "
    "test testing todo fixme tbd placeholder none null nil notset unset redacted sample "
    "default fake foo bar foobar xxx guest mysecret mypassword supersecret secretkey "
    "token apikey key value empty missing undefined required notsecret insecure devsecret "
    "localsecret testsecret"
)
# Matched against the value as written.
_PLACEHOLDER_SHAPES = (
    re.compile(r"<[^<>]*>"),  # <your-password>
    re.compile(r"\$\{[^{}]*\}|\$[A-Za-z_][A-Za-z0-9_]*"),  # ${VAR}, $VAR
    re.compile(r"\{\{.*\}\}|%\([^)]*\)s|@@[^@]*@@|__[A-Z0-9_]+__", re.DOTALL),  # templates
    re.compile(r"[xX*.#?_\-]{3,}"),  # xxx, ***, ..., ----
    re.compile(r"!{2,}[^!]*!{2,}"),  # !!!SET DJANGO_SECRET_KEY!!!
)
# Matched against the lower-cased value without separators.
_PLACEHOLDER_PHRASES = (
    re.compile(r"(your|put|insert|enter|add|paste|replace)[a-z0-9]*here[a-z0-9]*"),
    re.compile(r"your[a-z0-9]+"),  # yourpassword, your_api_key
    re.compile(r"(change|replace)me[a-z0-9]*|[a-z0-9]*changeme"),
)
_PLACEHOLDER_SEPARATORS = re.compile(r"[\s\-_.]+")


def looks_like_placeholder(value: str) -> bool:
    """Whether ``value`` is a stand-in rather than a real credential.

    Used to keep "clear-text password" checks quiet about templates, example
    files and ``${VAR}`` interpolation, where no secret is actually written.
    A weak but real-looking password (``hunter2``) is *not* a placeholder.
    """
    stripped = value.strip().strip("'\"")
    if not stripped:
        return True
    if any(shape.fullmatch(stripped) for shape in _PLACEHOLDER_SHAPES):
        return True
    compact = _PLACEHOLDER_SEPARATORS.sub("", stripped.lower())
    if not compact or any(phrase.fullmatch(compact) for phrase in _PLACEHOLDER_PHRASES):
        return True
    return compact.rstrip("0123456789") in _PLACEHOLDER_WORDS


# Values no credential takes: numbers, switches, rates and durations, plain web
# addresses, paths, e-mail addresses and dotted import paths.
_NOT_SECRET_VALUES = (
    re.compile(r"[+-]?\d+(\.\d+)?"),
    re.compile(r"(?i)true|false|yes|no|on|off|enabled?|disabled?"),
    re.compile(r"(?i)\d+\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)s?"),  # 60/minute
    re.compile(r"(?i)\d+\s*(ms|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)"),
    re.compile(r"(?i)https?://[^@\s]*"),  # no user part: nothing secret in it
    re.compile(r"(~|\.{0,2})/[\w./\-]*"),
    re.compile(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+"),
    re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*\.[A-Za-z_]\w*(:[A-Za-z_]\w*)?"),  # a.b.C
)


def looks_like_secret_value(value: str) -> bool:
    """Whether ``value`` could be a credential at all (``60/minute`` cannot).

    Judges the shape only; a placeholder is :func:`looks_like_placeholder`'s job.
    """
    stripped = value.strip().strip("'\"")
    return bool(stripped) and not any(shape.fullmatch(stripped) for shape in _NOT_SECRET_VALUES)


# --- Masking URLs ------------------------------------------------------------


def split_credentials(url: str) -> tuple[str, str | None, str]:
    """Split ``url`` into (prefix, password, suffix) around the password.

    The password runs from the first ``:`` of the userinfo to the *last* ``@``
    of the URL, so unescaped ``@``, ``/``, ``#`` or ``:`` inside it are still
    covered.  ``password`` is None when the URL has no ``user:password@`` part.
    """
    separator = url.find(_SCHEME_SEPARATOR)
    start = separator + len(_SCHEME_SEPARATOR) if separator >= 0 else 0
    at = url.rfind("@", start)
    if at < 0:
        return url, None, ""
    colon = url.find(":", start, at)
    if colon < 0:
        return url, None, ""
    return url[: colon + 1], url[colon + 1 : at], url[at:]


# Kombu's failover lists join whole URLs with ";".
_FAILOVER_SEPARATOR = re.compile(r";(?=[A-Za-z][A-Za-z0-9+.\-]*://)")


def mask_url(url: str) -> str:
    """Return ``url`` with its password replaced by ``****``, all else intact.

    Works on malformed URLs, on failover lists (``redis://..;redis://..``)
    and on strings without a scheme (``user:pw@host``); a URL without a
    password comes back unchanged, and masking twice changes nothing.
    """
    parts = _FAILOVER_SEPARATOR.split(url)
    if _may_split_a_password(parts):
        return _mask_one_url(url)
    return ";".join(_mask_one_url(part) for part in parts)


def _may_split_a_password(parts: list[str]) -> bool:
    """Whether a ``;scheme://`` boundary could lie inside a password.

    That happens only when a URL without ``@`` is followed by one with an
    ``@``; the whole string is then masked as one URL, hiding a little more.
    """
    seen_without_at = False
    for part in parts:
        has_at = "@" in part
        if has_at and seen_without_at:
            return True
        seen_without_at = seen_without_at or not has_at
    return False


def _mask_one_url(url: str) -> str:
    prefix, password, suffix = split_credentials(url)
    if password is None:
        return url
    return f"{prefix}{MASK}{suffix}"


# --- Masking arbitrary text --------------------------------------------------

# A URL token: a scheme, then everything up to whitespace.  Quotes and
# brackets may be part of a password, so they do not end the token; the
# last-'@' rule then masks too much at worst, never too little.
_URL_IN_TEXT = re.compile(r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*://\S*")
# An env-file style line, ``[export] KEY=value``: an unquoted value runs to
# the end of the line, as python-dotenv reads it (spaces included).
_ENV_LINE_IN_TEXT = re.compile(
    r"""(?m)^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)"""
    r"""[ \t]*=[ \t]*(?P<value>[^\s'"][^\n]*?)[ \t]*$"""
)
# KEY=value, KEY: value, "KEY": "value", --key=value anywhere in a line.  Only
# the key and separator are matched, so a non-secret assignment never swallows
# a secret one that follows it (``x = dict(password="pw")``).
_KEY_IN_TEXT = re.compile(
    r"""(?<![\w.])(?P<kq>["']?)(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)(?P=kq)"""
    r"""[ \t]*(?:=(?!=)|:(?![/:]))[ \t]*"""
)
# The value after it: a quoted string (an unclosed quote runs to the end of
# the line) or a bare token.
_VALUE_IN_TEXT = re.compile(r"""(?P<value>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|["'][^\n]*|\S+)""")
_EXPRESSION_CHARS = frozenset("()[]{}")


# AWS access key ids (long-term AKIA, temporary ASIA): half of a credential pair whatever
# the variable holding them is called, so they are recognised by shape, not by name.
_CLOUD_KEY_ID = re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])")


def mask_secrets_in_text(text: str) -> str:
    """Hide every URL password and every secret-looking ``KEY=value`` in ``text``.

    For messages, snippets and whole files alike.  Placeholders and
    expressions (``${VAR}``, ``os.environ["X"]``) are left readable because
    they carry no secret and explain what the code does.
    """
    masked = _URL_IN_TEXT.sub(lambda match: mask_url(match.group(0)), text)
    masked = _ENV_LINE_IN_TEXT.sub(_mask_assignment, masked)
    masked = _CLOUD_KEY_ID.sub(lambda match: match.group(0)[:4] + MASK, masked)
    return _mask_inline_assignments(masked)


def _mask_inline_assignments(text: str) -> str:
    """Mask the value after every secret-looking ``KEY=`` or ``"KEY":``."""
    pieces: list[str] = []
    done = 0
    for key_match in _KEY_IN_TEXT.finditer(text):
        if key_match.start() < done or not looks_like_secret_key(key_match.group("key")):
            continue
        value_match = _VALUE_IN_TEXT.match(text, key_match.end())
        if value_match is None:
            continue
        pieces.append(text[done : value_match.start()])
        pieces.append(_masked_value(value_match.group("value")))
        done = value_match.end()
    pieces.append(text[done:])
    return "".join(pieces)


def _mask_assignment(match: re.Match[str]) -> str:
    """Mask the value of one env-style line when its key looks secret."""
    if not looks_like_secret_key(match.group("key")):
        return match.group(0)
    start, end = match.start("value") - match.start(0), match.end("value") - match.start(0)
    whole = match.group(0)
    return f"{whole[:start]}{_masked_value(match.group('value'))}{whole[end:]}"


def _masked_value(value: str) -> str:
    """``value`` with its literal content replaced by the mask, quotes kept.

    Placeholders, URLs (already masked by the URL pass) and unquoted
    expressions such as ``env("X")`` stay as written.
    """
    quote = value[0] if value[0] in "'\"" else ""
    closed = bool(quote) and len(value) > 1 and value[-1] == quote
    inner = value[1:-1] if closed else value[len(quote) :]
    tail = ""
    if not quote:
        inner, tail = (inner[:-1], inner[-1]) if inner[-1] in ",;" else (inner, "")
        if _EXPRESSION_CHARS.intersection(inner):
            return value
    if inner == MASK or looks_like_placeholder(inner):
        return value
    if "://" in inner:
        # A secret-keyed URL may carry its secret as the user part (Sentry DSNs:
        # https://KEY@host/1), which URL masking, aimed at passwords, leaves alone.
        scheme, _, rest = inner.partition("://")
        if "@" not in rest:
            return value
        host = rest.rsplit("@", 1)[1]
        return f"{quote}{scheme}://{MASK}@{host}{quote if closed else ''}{tail}"
    return f"{quote}{MASK}{quote if closed else ''}{tail}"
