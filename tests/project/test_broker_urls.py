"""Broker/backend URLs: parsed the kombu way, problems found, passwords never shown."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from celerylint.project.urls.broker_urls import (
    UrlProblemKind,
    host_of,
    is_local_host,
    parse_broker_url,
    url_problems,
)
from celerylint.project.urls.url_parts import known_transports

Kind = UrlProblemKind


def kinds(url: str) -> list[UrlProblemKind]:
    return [problem.kind for problem in url_problems(url)]


# --- Parsing --------------------------------------------------------------------


def test_parses_a_redis_url_without_keeping_the_password() -> None:
    url = parse_broker_url("redis://:s3cret@Redis.Internal:6380/3?socket_timeout=5")
    assert (url.scheme, url.transport, url.host, url.port, url.db) == (
        "redis", "redis", "redis.internal", 6380, 3,
    )  # fmt: skip
    assert url.has_password and not url.password_is_placeholder
    assert url.query_value("socket_timeout") == "5"
    assert url.masked == "redis://:****@Redis.Internal:6380/3?socket_timeout=5"
    assert "s3cret" not in repr(url)


def test_a_missing_redis_db_is_database_zero_and_amqp_paths_are_not_dbs() -> None:
    assert parse_broker_url("redis://redis:6379").db == 0
    assert parse_broker_url("redis://redis:6379/").db == 0
    assert parse_broker_url("amqp://guest:guest@rabbit:5672//").db is None


def test_combined_schemes_resolve_to_the_transport_before_the_plus() -> None:
    assert parse_broker_url("sqla+postgresql://u:p@db/x").transport == "sqla"
    assert parse_broker_url("db+mysql://u:p@db/x").transport == "db"
    assert parse_broker_url("redis+socket:///tmp/redis.sock").transport == "redis"


def test_placeholder_passwords_are_recognised() -> None:
    assert parse_broker_url("redis://:${REDIS_PASSWORD}@r:6379/0").password_is_placeholder
    assert parse_broker_url("amqp://guest:guest@localhost//").password_is_placeholder


def test_ipv6_hosts_lose_their_brackets() -> None:
    url = parse_broker_url("redis://[::1]:6379/2")
    assert (url.host, url.port, url.db) == ("::1", 6379, 2)


def test_a_password_with_unescaped_specials_is_read_as_intended() -> None:
    url = parse_broker_url("redis://:p@ss/w#rd@cache:6379/1")
    assert (url.host, url.port, url.db, url.has_password) == ("cache", 6379, 1, True)


def test_failover_lists_are_split_in_connection_order() -> None:
    url = parse_broker_url("sentinel://:a@h1:26379;sentinel://:b@h2:26379;sentinel://h3:26379")
    assert [u.host for u in url.all_urls()] == ["h1", "h2", "h3"]
    assert url.failover[0].masked == "sentinel://:****@h2:26379"


def test_a_semicolon_inside_a_password_is_not_a_failover_separator() -> None:
    url = parse_broker_url("redis://:pa;ss@cache:6379/0")
    assert url.failover == () and url.host == "cache"


@pytest.mark.parametrize("text", ["rpc", "django-db", "", "not a url"])
def test_values_without_a_scheme_keep_only_their_text(text: str) -> None:
    url = parse_broker_url(text)
    assert (url.scheme, url.host, url.port) == ("", None, None)
    assert url.transport == text.lower()


def test_host_of_is_the_first_host() -> None:
    assert host_of("redis://A:1/0;redis://b:2/0") == "a"
    assert host_of("memory://") is None
    assert host_of("rpc") is None


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True), ("LOCALHOST.", True), ("127.0.0.1", True), ("127.3.4.5", True),
        ("::1", True), ("[::1]", True), ("0.0.0.0", True), ("api.localhost", True),
        ("redis", False), ("10.0.0.5", False), ("localhost.example.com", False), ("", False),
        (None, False),
    ],
)  # fmt: skip
def test_is_local_host(host: str | None, local: bool) -> None:
    assert is_local_host(host) is local


def test_known_transports_come_from_kombu_and_celery() -> None:
    assert {
        "redis",
        "rediss",
        "sentinel",
        "amqp",
        "sqla",
        "db",
        "memory",
        "rpc",
    } <= known_transports()
    assert "django-db" in known_transports()


# --- Problems -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "redis://redis:6379/0",
        "rediss://r:6380/0?ssl_cert_reqs=required",
        "rediss://r:6380/0?ssl_cert_reqs=CERT_NONE",
        "amqp://guest:guest@localhost:5672//",
        "redis://:${REDIS_PASSWORD}@redis:6379/0",
        "sentinel://h1:26379;sentinel://h2:26379",
        "sqla+sqlite:///celery.sqlite",
        "memory://",
        "filesystem://",
        "rpc",
        "rpc://",
        "django-db",
        "myproject.backends:CustomBackend",
        "",
    ],
)
def test_good_values_have_no_problems(url: str) -> None:
    assert url_problems(url) == ()


def test_unknown_scheme_suggests_the_close_one() -> None:
    (problem,) = url_problems("reddis://redis:6379/0")
    assert problem.kind is Kind.UNKNOWN_SCHEME
    assert "did you mean 'redis://'?" in problem.message


def test_not_a_url() -> None:
    assert kinds("redis-server:6379") == [Kind.NOT_A_URL]


@pytest.mark.parametrize(
    ("url", "character"),
    [
        ("redis://:Zk@9w@cache:6379/0", "'@'"),
        ("redis://:Zk/9w@cache:6379/0", "'/'"),
        ("redis://:Zk#9w@cache:6379/0", "'#'"),
        ("amqp://user:Zk?9w@rabbit//", "'?'"),
        ("redis://:Zk;9w@cache:6379/0", "';'"),
    ],
)
def test_unescaped_characters_in_the_password(url: str, character: str) -> None:
    problems = [p for p in url_problems(url) if p.kind is Kind.UNESCAPED_PASSWORD_CHARACTER]
    assert len(problems) == 1
    assert character in problems[0].message
    assert "Zk" not in problems[0].message and "9w" not in problems[0].message


@pytest.mark.parametrize("path", ["/0/0", "/abc", "/-1", "/1.5"])
def test_db_index_must_be_an_integer(path: str) -> None:
    assert kinds(f"redis://cache:6379{path}") == [Kind.INVALID_DB_INDEX]


def test_large_db_indexes_are_only_a_convention() -> None:
    assert url_problems("redis://cache:6379/42") == ()


@pytest.mark.parametrize("port", ["abc", "0", "65536", "99999", "-1"])
def test_port_must_be_an_integer_in_range(port: str) -> None:
    assert kinds(f"redis://cache:{port}/0") == [Kind.INVALID_PORT]


def test_rediss_requires_ssl_cert_reqs() -> None:
    assert kinds("rediss://cache:6380/0") == [Kind.REDISS_WITHOUT_CERT_REQS]
    assert kinds("rediss://cache:6380/0?ssl_cert_reqs=maybe") == [Kind.INVALID_CERT_REQS]


def test_ssl_parameters_need_rediss() -> None:
    assert kinds("redis://cache:6379/0?ssl_cert_reqs=required") == [Kind.SSL_PARAMS_ON_PLAIN_REDIS]


def test_cleartext_password_is_reported_masked() -> None:
    (problem,) = url_problems("redis://:hunter2@cache:6379/0")
    assert problem.kind is Kind.CLEARTEXT_PASSWORD
    assert "hunter2" not in problem.message
    assert "redis://:****@cache:6379/0" in problem.message


def test_every_url_of_a_failover_list_is_checked() -> None:
    assert kinds("redis://a:6379/0;redis://b:6379/x") == [Kind.INVALID_DB_INDEX]


def test_failover_list_mistakes() -> None:
    assert kinds("redis://a:6379/0;") == [Kind.FAILOVER_FRAGMENT]
    assert kinds("redis://a:6379/0;b:6379") == [Kind.FAILOVER_FRAGMENT]
    assert kinds("redis://a:6379/0;amqp://b//") == [Kind.MIXED_FAILOVER_SCHEMES]


def test_messages_never_contain_the_password() -> None:
    url = "reddis://admin:Zq9-pw@cache:99999/x?ssl_cert_reqs=bad"
    problems = url_problems(url)
    assert len(problems) >= 4
    assert all("Zq9-pw" not in problem.message for problem in problems)


@given(st.text(max_size=80))
def test_never_raises_on_any_text(text: str) -> None:
    assert isinstance(url_problems(text), tuple)
    assert parse_broker_url(text).masked is not None


@given(st.binary(max_size=80))
def test_never_raises_on_binary_junk(data: bytes) -> None:
    text = "redis://" + data.decode("latin-1")
    assert isinstance(url_problems(text), tuple)
    assert isinstance(parse_broker_url(text).failover, tuple)
