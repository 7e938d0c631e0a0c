"""No credential found in a fixture ever appears in any output of any command.

The secrets are collected from the fixtures by code, not listed by hand, so a fixture
added tomorrow is covered too: values of secret-looking keys in env files, compose
``environment:`` blocks and Python assignments, dict entries and keyword arguments, and
the password of every URL in any text file (as written, and percent-decoded). Each
fixture project holding secrets is then run through the whole matrix of commands and
formats, and every byte written to stdout, stderr or an output file is searched.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from tests.conftest import FIXTURES
from tests.trust.conftest import CACHE_DIR_NAME, assert_no_crash, copy_fixture, run_cli

from celerylint.project.environment.envfiles import is_env_file_candidate, parse_env_file
from celerylint.report import FORMATS
from celerylint.secrets import looks_like_placeholder, looks_like_secret_key

MIN_SECRET_LENGTH = 6  # shorter values ("guest") occur in outputs for other reasons
# scheme://[user]:password@host, the password running to the last '@' before the host
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@'\"]*:([^\s'\"]+)@[^\s@'\"/]")
_COMPOSE_NAMES = re.compile(r"(docker-)?compose[^/]*\.ya?ml$")
# --requirepass X, --password=X, -token X: command-line options that carry a secret
_SECRET_OPTION = re.compile(r"(?i)(?<!\S)--?[\w-]*(?:pass|secret|token)[\w-]*[= ]+([^\s\"',\]]+)")
PLANTED_TAG = re.compile(r"LEAK\d\d")  # in every secret of fixtures/secrets
_AWS_KEY_ID = re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])")


def _is_secret(value: str) -> bool:
    return len(value) >= MIN_SECRET_LENGTH and not looks_like_placeholder(value) \
        and "****" not in value


def url_passwords(text: str) -> Iterator[str]:
    """Every URL password in ``text``, also percent-decoded (a report may decode it)."""
    for match in _URL_PASSWORD.finditer(text):
        password = match.group(1)
        yield password
        yield unquote(password)


def value_password(value: str) -> Iterator[str]:
    """The password of a URL that is a whole value, spaces or not: to the last '@'."""
    if "://" in value and "@" in value:
        userinfo = value.split("://", 1)[1].rsplit("@", 1)[0]
        if ":" in userinfo:
            yield userinfo.split(":", 1)[1]


def option_secrets(text: str) -> Iterator[str]:
    yield from (match.group(1) for match in _SECRET_OPTION.finditer(text))


def _env_file_secrets(rel: str, data: bytes) -> Iterator[str]:
    for entry in parse_env_file(rel, data).entries:
        if entry.value and looks_like_secret_key(entry.key):
            yield entry.value
        yield from value_password(entry.value or "")


def _compose_secrets(data: bytes) -> Iterator[str]:
    try:
        document = yaml.safe_load(data)
    except yaml.YAMLError:
        return
    services = document.get("services") if isinstance(document, dict) else None
    for service in (services or {}).values():
        environment = service.get("environment") if isinstance(service, dict) else None
        pairs: list[tuple[str, Any]] = []
        if isinstance(environment, dict):
            pairs = list(environment.items())
        elif isinstance(environment, list):
            pairs = [tuple(str(item).split("=", 1)) for item in environment if "=" in str(item)]
        for key, value in pairs:
            if looks_like_secret_key(str(key)):
                yield str(value)
            yield from value_password(str(value))


def _python_secrets(data: bytes) -> Iterator[str]:
    """String constants assigned or passed under a secret-looking name, URL passwords in
    any string constant, and the same in comments that hold code."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return
    yield from _named_constants(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield from value_password(node.value)
    for comment in _comments(data):
        try:
            yield from _named_constants(ast.parse(comment.strip()))
        except (SyntaxError, ValueError):
            continue


def _comments(data: bytes) -> Iterator[str]:
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            if token.type == tokenize.COMMENT:
                yield token.string.lstrip("#")
    except (tokenize.TokenError, SyntaxError):
        return


def _named_constants(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        pairs: list[tuple[str | None, ast.AST | None]] = []
        if isinstance(node, ast.Assign):
            pairs = [(getattr(target, "id", getattr(target, "attr", None)), node.value)
                     for target in node.targets]
        elif isinstance(node, ast.keyword):
            pairs = [(node.arg, node.value)]
        elif isinstance(node, ast.Dict):
            pairs = [(key.value if isinstance(key, ast.Constant) else None, value)
                     for key, value in zip(node.keys, node.values)]
        elif isinstance(node, ast.Call) and len(node.args) >= 2 \
                and isinstance(node.args[0], ast.Constant):  # os.environ.setdefault(K, V)
            pairs = [(str(node.args[0].value), node.args[1])]
        elif isinstance(node, ast.arguments):
            named = [*node.posonlyargs, *node.args]
            pairs = [(arg.arg, default) for arg, default in
                     zip(named[len(named) - len(node.defaults):], node.defaults)]
        for name, value in pairs:
            if isinstance(name, str) and looks_like_secret_key(name) \
                    and isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield value.value


def secrets_in(project: Path) -> set[str]:
    """Every credential committed in ``project``, found the ways described above."""
    found: set[str] = set()
    for path in sorted(project.rglob("*")):
        rel = path.relative_to(project).as_posix()
        if not path.is_file() or rel.startswith(CACHE_DIR_NAME) or rel.endswith(".md"):
            continue
        data = path.read_bytes()
        text = data.decode("utf-8", "replace")
        found.update(url_passwords(text))
        found.update(option_secrets(text))
        found.update(_AWS_KEY_ID.findall(text))
        if is_env_file_candidate(rel):
            found.update(_env_file_secrets(rel, data))
        elif _COMPOSE_NAMES.search(rel):
            found.update(_compose_secrets(data))
        elif rel.endswith(".py"):
            found.update(_python_secrets(data))
    return {secret for secret in found if _is_secret(secret)}


PROJECTS_WITH_SECRETS = [name for name in sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
                         if secrets_in(FIXTURES / name)]


def test_the_collector_finds_the_planted_secrets() -> None:
    """The search below is only as good as this list: every LEAKnn value of the secrets
    fixture is found, and nothing that is not a secret (``LEAK-not-a-secret``) is."""
    found = secrets_in(FIXTURES / "secrets")
    planted = {f"LEAK{number:02d}" for number in range(1, 46)}
    located = {tag for tag in planted if any(tag in secret for secret in found)}
    assert located == planted, sorted(planted - located)
    assert not any("LEAK-not" in secret for secret in found)
    assert {"demo", "secrets"} <= set(PROJECTS_WITH_SECRETS)


def _commands(project: Path, scratch: Path) -> Iterator[list[str]]:
    path = str(project)
    for name in sorted(FORMATS):
        yield ["check", path, "--format", name, "--no-cache", "--verbose"]
    yield ["check", path, "--statistics"]
    yield ["check", path, "--format", "json", "-o", str(scratch / "report.json")]
    yield ["check", path, "--write-baseline", str(scratch / "baseline.json")]
    for name in ("text", "json", "markdown"):
        yield ["inventory", path, "--format", name]
    yield ["report", path]
    yield ["report", path, "-o", str(scratch / "report.md")]
    for kind in ("imports", "topology"):
        for name in ("dot", "mermaid", "json"):
            yield ["graph", kind, path, "--format", name]
    for level in ("system", "modules", "tasks"):
        yield ["graph", "topology", path, "--format", "mermaid", "--level", level]
    yield ["check", path, "--show-source"]
    yield ["check", path, "--diff", "--unsafe-fixes"]
    yield ["check", path, "--fix", "--unsafe-fixes"]  # last: it edits the copy


@pytest.mark.parametrize("fixture", PROJECTS_WITH_SECRETS)
def test_no_secret_reaches_any_output(fixture: str, tmp_path: Path) -> None:
    project = copy_fixture(fixture, tmp_path / fixture)
    secrets = secrets_in(project)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    outputs: dict[str, str] = {}
    for argv in _commands(project, scratch):
        outcome = run_cli(argv, cwd=project)
        assert_no_crash(outcome)
        outputs[" ".join(argv[:1] + argv[2:])] = outcome.text + outcome.err
    for written in sorted(scratch.iterdir()):
        outputs[written.name] = written.read_text(encoding="utf-8", errors="replace")
    leaks = sorted({(where, secret) for where, text in outputs.items()
                    for secret in secrets if secret in text})
    if fixture == "secrets":  # planted ones are tagged: a partly masked secret shows too
        leaks += sorted({(where, tag) for where, text in outputs.items()
                         for tag in PLANTED_TAG.findall(text)})
    assert not leaks, "\n".join(f"{where}: {secret}" for where, secret in leaks[:40])
