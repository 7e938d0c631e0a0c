"""Hostile env and compose inputs through the whole pipeline, and no env secret in any output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import FIXTURES, write_tree

from celerylint.cli import main
from celerylint.project.environment.envfiles import is_env_file_candidate, parse_env_file
from celerylint.report import FORMATS
from celerylint.secrets import looks_like_placeholder, looks_like_secret_key

ANCHORED_COMPOSE = """\
x-worker: &worker
  image: proj
  environment:
    CELERY_BROKER_URL: redis://redis:6379/0
services:
  redis:
    image: redis:7
  worker:
    <<: *worker
    command: celery -A proj worker -Q default
  reports:
    <<: *worker
    command: celery -A proj worker -Q reports
"""


@pytest.mark.parametrize("name, content", [
    ("config/production.env", b"\x00\xff\xfe junk \x89PNG\r\n\x1a\nKEY=1\n"),
    ("config/huge.env", b"A_KEY=value\n" * 900_000),  # about 10 MB
    ("docker-compose.yml", b"services:\n  worker: [unclosed\n    command: celery worker\n"),
    ("docker-compose.yml", ANCHORED_COMPOSE.encode()),
])
def test_hostile_inputs_end_in_findings_or_silence(tmp_path: Path, capsys, name: str,
                                                   content: bytes) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "p", {"proj/__init__.py": "", name: content})
    code = main(["check", str(root)])
    captured = capsys.readouterr()
    assert code in (0, 1)
    assert "Traceback" not in captured.err and "internal error" not in captured.err


def test_anchors_and_merge_keys_give_each_service_its_command(tmp_path: Path) -> None:
    from celerylint.project.deploy.deployments import parse_deployment

    facts = parse_deployment("docker-compose.yml", ANCHORED_COMPOSE)
    assert facts is not None
    queues = {s.name: [c.queues for c in s.commands] for s in facts.services}
    assert queues["worker"] == [("default",)] and queues["reports"] == [("reports",)]
    environment = {s.name: dict((k, v) for k, v, _ in s.environment) for s in facts.services}
    assert environment["reports"]["CELERY_BROKER_URL"] == "redis://redis:6379/0"


def _fixture_secrets() -> set[str]:
    """Every real-looking secret value in every fixture env file, and URL passwords."""
    secrets: set[str] = set()
    for path in FIXTURES.rglob("*"):
        rel = path.relative_to(FIXTURES).as_posix()
        if not path.is_file() or not is_env_file_candidate(rel):
            continue
        for entry in parse_env_file(rel, path.read_bytes()).entries:
            value = entry.value or ""
            if "://" in value and "@" in value:
                userinfo = value.split("://", 1)[1].rsplit("@", 1)[0]
                password = userinfo.split(":", 1)[1] if ":" in userinfo else ""
                if password and not looks_like_placeholder(password):
                    secrets.add(password)
            elif looks_like_secret_key(entry.key) and value and not looks_like_placeholder(value):
                secrets.add(value)
    return {s for s in secrets if len(s) >= 6}


@pytest.mark.parametrize("fixture", ["demo", "django_shop"])
def test_no_fixture_secret_in_any_format(tmp_path: Path, capsys, fixture: str) -> None:  # type: ignore[no-untyped-def]
    secrets = _fixture_secrets()
    assert secrets, "the fixtures are expected to carry committed secrets to catch"
    project = shutil.copytree(FIXTURES / fixture, tmp_path / fixture)
    outputs = []
    for fmt in sorted(FORMATS):
        main(["check", str(project), "--format", fmt, "--no-cache"])
        outputs.append(capsys.readouterr().out)
    for fmt in ("text", "json", "markdown"):
        main(["inventory", str(project), "--format", fmt])
        outputs.append(capsys.readouterr().out)
    main(["graph", "topology", str(project), "--format", "mermaid"])
    outputs.append(capsys.readouterr().out)
    leaked = {s for s in secrets for out in outputs if s in out}
    assert not leaked
