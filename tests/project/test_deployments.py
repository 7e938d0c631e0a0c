"""Which files are deployments, and parsing that never raises whatever the input."""

from __future__ import annotations

import pickle
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from celerylint.project.deploy.deployments import (
    DeploymentKind,
    DeploymentProblemKind,
    ProcessKind,
    deployment_kind_for,
    parse_deployment,
)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("docker-compose.yml", DeploymentKind.COMPOSE),
        ("docker-compose.prod.yaml", DeploymentKind.COMPOSE),
        ("deploy/compose.yaml", DeploymentKind.COMPOSE),
        ("compose.override.yml", DeploymentKind.COMPOSE),
        ("stack/app.compose.yml", DeploymentKind.COMPOSE),
        ("Docker-Compose.YML", DeploymentKind.COMPOSE),
        ("k8s/worker.yaml", DeploymentKind.KUBERNETES),
        ("production.yml", DeploymentKind.KUBERNETES),  # decided by content when parsed
        ("Procfile", DeploymentKind.PROCFILE),
        ("Procfile.dev", DeploymentKind.PROCFILE),
        ("deploy/celery.service", DeploymentKind.SYSTEMD),
        ("deploy/celery@.service", DeploymentKind.SYSTEMD),
        ("supervisord.conf", DeploymentKind.SUPERVISORD),
        ("etc/supervisor/conf.d/worker.conf", DeploymentKind.SUPERVISORD),
        ("deploy/supervisor/celery.ini", DeploymentKind.SUPERVISORD),
        ("deploy/celery.conf", DeploymentKind.SUPERVISORD),
        ("Makefile", DeploymentKind.MAKEFILE),
        ("mk/celery.mk", DeploymentKind.MAKEFILE),
        ("Dockerfile", DeploymentKind.DOCKERFILE),
        ("docker/Dockerfile.worker", DeploymentKind.DOCKERFILE),
        ("worker.Dockerfile", DeploymentKind.DOCKERFILE),
        ("bin/start-worker.sh", DeploymentKind.SHELL),
        ("scripts/run.bash", DeploymentKind.SHELL),
        ("docker/entrypoint", DeploymentKind.SHELL),
        ("docker-entrypoint.sh", DeploymentKind.SHELL),
        ("compose/local/django/celery/worker/start", DeploymentKind.SHELL),
        ("bin/worker", DeploymentKind.SHELL),
    ],
)
def test_candidates_by_path(path: str, kind: DeploymentKind) -> None:
    assert deployment_kind_for(path) is kind


@pytest.mark.parametrize(
    "path",
    [
        "proj/celery.py",
        "bin/procfile.py",
        "docs/entrypoint.md",
        "README.md",
        "nginx.conf",
        ".pre-commit-config.yaml",
        "mkdocs.yml",
        ".github/workflows/ci.yml",
        "node_modules/x/docker-compose.yml",
        ".venv/lib/site-packages/celery/bin/worker.sh",
        "LICENSE",
        "docs/",
        "",
    ],
)
def test_non_candidates(path: str) -> None:
    assert deployment_kind_for(path) is None


def test_windows_separators_are_accepted() -> None:
    assert deployment_kind_for("deploy\\supervisor\\x.conf") is DeploymentKind.SUPERVISORD


def test_non_candidate_paths_parse_to_none() -> None:
    assert parse_deployment("proj/tasks.py", "celery -A proj worker") is None


def test_facts_are_frozen_and_picklable() -> None:
    facts = parse_deployment(
        "docker-compose.yml", "services:\n  w:\n    command: celery -A p worker\n"
    )
    assert facts is not None
    assert pickle.loads(pickle.dumps(facts)) == facts
    assert [command.kind for command in facts.commands] == [ProcessKind.WORKER]
    with pytest.raises(AttributeError):
        facts.path = "x"  # type: ignore[misc]


def test_tabs_in_yaml_are_a_problem_not_a_crash() -> None:
    facts = parse_deployment("docker-compose.yml", "services:\n\tworker:\n\t\timage: x\n")
    assert facts is not None
    assert facts.problems[0].kind is DeploymentProblemKind.INVALID_YAML


def test_tabs_in_scripts_are_plain_blanks() -> None:
    facts = parse_deployment("run.sh", "\tcelery\t-A\tproj\tworker\t-Q\ta\n")
    assert facts is not None
    assert facts.commands[0].queues == ("a",)


BINARY_JUNK = bytes(range(256)).decode("latin-1") * 4


@pytest.mark.parametrize(
    "path",
    [
        "docker-compose.yml",
        "k8s/x.yaml",
        "Procfile",
        "run.sh",
        "x.service",
        "supervisord.conf",
        "Makefile",
        "Dockerfile",
    ],
)
def test_binary_junk_never_raises(path: str) -> None:
    for text in (BINARY_JUNK, "celery " + BINARY_JUNK, "\ufeff\x00celery -A p worker"):
        facts = parse_deployment(path, text)
        assert facts is None or facts.path == path


@pytest.mark.parametrize("text", ["[" * 100_000, "{a: " * 50_000, "]" * 10 + "[{" * 30_000])
def test_deeply_nested_yaml_never_raises(text: str) -> None:
    """libyaml overflows the C stack on deep flow nesting; the run must survive it."""
    facts = parse_deployment("docker-compose.yml", text)
    assert facts is not None
    assert facts.problems


def test_alias_bomb_is_read_without_blowing_up() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = "\n".join(lines) + "\nkind: Deployment\napiVersion: v1\n"
    started = time.perf_counter()
    facts = parse_deployment("k8s/bomb.yaml", text)
    assert facts is not None and facts.services == ()
    assert time.perf_counter() - started < 5


def test_huge_script_is_read_quickly() -> None:
    text = "echo padding line with some words\n" * 5_000 + "celery -A proj worker -Q a\n"
    text *= 3
    started = time.perf_counter()
    facts = parse_deployment("run.sh", text)
    assert facts is not None
    assert [command.line for command in facts.commands] == [5_001, 10_002, 15_003]
    assert time.perf_counter() - started < 10


def test_huge_compose_file() -> None:
    services = "".join(
        f"  w{i}:\n    image: x\n    command: celery -A proj worker -Q q{i}\n" for i in range(3000)
    )
    facts = parse_deployment("docker-compose.yml", "services:\n" + services)
    assert facts is not None
    assert len(facts.commands) == 3000
    assert facts.services[-1].commands[0].queues == ("q2999",)


_PATHS = st.sampled_from(
    ["docker-compose.yml", "k8s/a.yaml", "Procfile", "a.sh", "a.service", "supervisord.conf",
     "Makefile", "Dockerfile"]
)  # fmt: skip
_FRAGMENTS = st.sampled_from(
    ["celery", "-A", "proj", "worker", "beat", "-Q", "$Q", "services:", "command:", "\n", "  ",
     "\t", "- ", "[", "]", "{", "}", "'", '"', "\\", "&&", "${X:-a}", "[program:w]", "command=",
     "ExecStart=", "kind: Pod", "apiVersion: v1", "containers:", "<<: *a", "&a", "%(ENV_X)s",
     "{{ .Values.x }}", ":", "#", "CMD ", "FROM x AS y"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_PATHS, st.lists(_FRAGMENTS, max_size=40))
def test_parse_never_raises(path: str, fragments: list[str]) -> None:
    facts = parse_deployment(path, " ".join(fragments))
    if facts is not None:
        for command in facts.commands:
            assert command.line >= 1 and command.column >= 1
