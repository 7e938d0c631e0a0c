"""The single masking implementation: no password may survive it."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from celerylint.secrets import (
    MASK,
    looks_like_placeholder,
    looks_like_secret_key,
    mask_secrets_in_text,
    mask_url,
    split_credentials,
)

# --- mask_url -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://:s3cret@redis:6379/0", "redis://:****@redis:6379/0"),
        ("amqp://user:pw@h//", "amqp://user:****@h//"),
        (
            "rediss://default:pw@h:6380/1?ssl_cert_reqs=required",
            "rediss://default:****@h:6380/1?ssl_cert_reqs=required",
        ),
        ("sqla+postgresql://u:p@db:5432/x", "sqla+postgresql://u:****@db:5432/x"),
        # unescaped specials in the password: everything up to the last '@' goes
        ("redis://:p@ss/w#rd@h:6379/0", "redis://:****@h:6379/0"),
        ("amqp://user:a:b@h//", "amqp://user:****@h//"),
        # failover lists mask every URL
        (
            "sentinel://:a@h1:26379;sentinel://:b@h2:26379",
            "sentinel://:****@h1:26379;sentinel://:****@h2:26379",
        ),
        # no scheme at all
        ("user:pw@host:5672", "user:****@host:5672"),
    ],
)
def test_mask_url_hides_the_password_and_keeps_the_rest(url: str, expected: str) -> None:
    assert mask_url(url) == expected


@pytest.mark.parametrize(
    "url",
    ["redis://redis:6379/0", "redis://user@h/0", "memory://", "", "not a url", "amqp://h//"],
)
def test_mask_url_leaves_urls_without_password_alone(url: str) -> None:
    assert mask_url(url) == url


@pytest.mark.parametrize(
    ("url", "password"),
    [("redis://:x;ab://c:d@h/0", "x;ab://c:d"), ("redis://:;a://@cache:6379/0", ";a://")],
)
def test_a_failover_separator_inside_a_password_cannot_leak_it(url: str, password: str) -> None:
    assert mask_url(url) == url.replace(password, MASK)


def test_a_failover_list_whose_second_url_has_the_only_password_is_masked_whole() -> None:
    assert mask_url("redis://h1;redis://:x@h2") == "redis://h1;redis:****@h2"


def test_mask_url_is_idempotent() -> None:
    once = mask_url("redis://:s3cret@redis:6379/0")
    assert mask_url(once) == once


def test_split_credentials_reports_the_password_span() -> None:
    assert split_credentials("amqp://u:p@ss@h//") == ("amqp://u:", "p@ss", "@h//")
    assert split_credentials("redis://h:6379")[1] is None


_PASSWORD_ALPHABET = string.ascii_letters + string.digits + string.punctuation


@given(
    scheme=st.sampled_from(["redis", "rediss", "amqp", "sentinel", "sqla+postgresql", "db+mysql"]),
    user=st.text(string.ascii_letters + string.digits, max_size=8),
    password=st.text(_PASSWORD_ALPHABET, min_size=1, max_size=30),
    host=st.from_regex(r"[a-z][a-z0-9.-]{0,15}", fullmatch=True),
    tail=st.sampled_from(["", ":6379", ":6379/0", "//", "/0?ssl_cert_reqs=none"]),
)
def test_password_never_survives_mask_url(
    scheme: str, user: str, password: str, host: str, tail: str
) -> None:
    url = f"{scheme}://{user}:{password}@{host}{tail}"
    masked = mask_url(url)
    assert masked == f"{scheme}://{user}:{MASK}@{host}{tail}"


@given(password=st.text(_PASSWORD_ALPHABET, min_size=1, max_size=30))
def test_password_never_survives_mask_secrets_in_text(password: str) -> None:
    """Whitespace ends a URL in prose; everything else may be in the password."""
    text = f"Broker 'redis://:{password}@cache:6379/0' is unreachable."
    assert mask_secrets_in_text(text) == "Broker 'redis://:****@cache:6379/0' is unreachable."


# --- mask_secrets_in_text ---------------------------------------------------------


def test_masks_urls_inside_prose_and_keeps_other_words() -> None:
    text = "celery -b amqp://bob:hunter2@rabbit// worker; see https://docs.celeryq.dev/ or a@b.c"
    assert mask_secrets_in_text(text) == (
        "celery -b amqp://bob:****@rabbit// worker; see https://docs.celeryq.dev/ or a@b.c"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("REDIS_PASSWORD=hunter2", "REDIS_PASSWORD=****"),
        ("export API_TOKEN = 'abc def'", "export API_TOKEN = '****'"),
        ("PASSWORD=two words here", "PASSWORD=****"),
        ('x = dict(password="pw1", user="bob")', 'x = dict(password="****", user="bob")'),
        ('  "client_secret": "zzz",', '  "client_secret": "****",'),
        ("run --password=abc;", "run --password=****;"),
        ("db_password: s3cr3t", "db_password: ****"),
        ('SECRET_KEY="unterminated', 'SECRET_KEY="****'),
    ],
)
def test_masks_secret_looking_assignments(text: str, expected: str) -> None:
    assert mask_secrets_in_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "TOKENIZERS_PARALLELISM=false",
        "CELERY_TASK_DEFAULT_ROUTING_KEY=default",
        "PASSWORD=changeme",
        "PASSWORD=${REDIS_PASSWORD}",
        'SECRET_KEY = env("DJANGO_SECRET_KEY")',
        "call(token=tok)",
        "POSTGRES_PASSWORD_FILE=/run/secrets/pg",
        "if password == other:",
        "",
    ],
)
def test_leaves_non_secrets_placeholders_and_expressions_readable(text: str) -> None:
    assert mask_secrets_in_text(text) == text


def test_masks_every_line_of_a_whole_file() -> None:
    text = "A=1\nDB_PASSWORD=pw\nBROKER_URL=redis://:pw@r:6379/0\nSECRET_KEY='k'\n"
    assert mask_secrets_in_text(text) == (
        "A=1\nDB_PASSWORD=****\nBROKER_URL=redis://:****@r:6379/0\nSECRET_KEY='****'\n"
    )


def test_masking_text_is_idempotent() -> None:
    text = "PASSWORD=abc and redis://:x@h/0"
    once = mask_secrets_in_text(text)
    assert mask_secrets_in_text(once) == once


@given(st.text(max_size=200))
def test_mask_secrets_in_text_never_raises(text: str) -> None:
    assert isinstance(mask_secrets_in_text(text), str)
    assert isinstance(mask_url(text), str)


# --- Classifiers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "PASSWORD", "REDIS_PASSWORD", "redis-password", "DBPASSWORD", "DB_PASS", "PGPASSWD",
        "SECRET_KEY", "DJANGO_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "API_KEY",
        "APIKEY", "STRIPE_KEY", "PRIVATE_KEY", "SENTRY_DSN", "GOOGLE_CREDENTIALS",
        "CLIENT_SECRET", "SIGNING_KEY",
    ],
)  # fmt: skip
def test_secret_keys(key: str) -> None:
    assert looks_like_secret_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "DEBUG", "BROKER_URL", "TOKENIZERS_PARALLELISM", "PASSWORD_MIN_LENGTH", "TOKEN_TTL",
        "POSTGRES_PASSWORD_FILE", "AUTH_PASSWORD_VALIDATORS", "CELERY_TASK_DEFAULT_ROUTING_KEY",
        "CACHE_KEY_PREFIX", "KEY", "PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY", "AWS_ACCESS_KEY_ID", "",
        "API_KEY_RATE_LIMIT", "TOKEN_REFRESH_INTERVAL",
    ],
)  # fmt: skip
def test_non_secret_keys(key: str) -> None:
    assert not looks_like_secret_key(key)


@pytest.mark.parametrize(
    "value",
    [
        "", "   ", "changeme", "change-me", "CHANGE_ME", "your-key-here", "<your-password>",
        "<...>", "xxx", "XXXX-XXXX", "***", "${VAR}", "$REDIS_PASSWORD", "{{ vault_pw }}",
        "secret", "password", "Password1", "example", "dummy", "test", "todo", "guest",
        "your_api_key", "put-your-token-here", "'changeme'", "!!!SET DJANGO_SECRET_KEY!!!",
    ],
)  # fmt: skip
def test_placeholders(value: str) -> None:
    assert looks_like_placeholder(value)


@pytest.mark.parametrize(
    "value", ["hunter2", "s3cr3t-Pa55", "django-insecure-1x#ab!9", "Tr0ub4dor&3", "a8f5f167f44f"]
)
def test_real_looking_values_are_not_placeholders(value: str) -> None:
    assert not looks_like_placeholder(value)


@pytest.mark.parametrize("text", ["AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
                                  "key id ASIAIOSFODNN7EXAMPLE in a sentence"])
def test_aws_access_key_ids_are_masked_by_shape(text: str) -> None:
    masked = mask_secrets_in_text(text)
    assert "IOSFODNN7EXAMPLE" not in masked
    assert text[text.index("IOSFODNN7EXAMPLE") - 4:][:4] + "****" in masked


def test_words_that_merely_look_like_key_ids_stay_readable() -> None:
    text = "AKIAIOSFODNN7EXAMPLEX is 21 characters; xAKIAIOSFODNN7EXAMPLE is glued"
    assert mask_secrets_in_text(text) == text


@pytest.mark.parametrize(
    "value", ["60/minute", "300", "300s", "true", "https://api.example.com/v1", "/run/secrets/x",
              "ops@example.com", "django.core.mail.backends.smtp.EmailBackend"],
)
def test_values_no_credential_takes(value: str) -> None:
    from celerylint.secrets import looks_like_secret_value

    assert not looks_like_secret_value(value)


@pytest.mark.parametrize("value", ["hunter2", "s3cr3t-Pa55", "SG.a8f5f167f44f4a2c", "Tr0ub4dor&3"])
def test_values_a_credential_could_be(value: str) -> None:
    from celerylint.secrets import looks_like_secret_value

    assert looks_like_secret_value(value)
