"""Deployment groups and compose merging, on in-memory files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from celerylint.project.deploy.compose_invocations import compose_invocations
from celerylint.project.deploy.deployment_groups import DeploymentGroup, group_deployments
from celerylint.project.deploy.deployments import DeploymentKind, parse_deployment


def groups(files: dict[str, str]) -> list[DeploymentGroup]:
    parsed = [parse_deployment(path, text) for path, text in sorted(files.items())]
    deployments = [facts for facts in parsed if facts is not None]
    composes = frozenset(d.path for d in deployments if d.kind is DeploymentKind.COMPOSE)
    invocations = compose_invocations(files.items(), composes)
    return group_deployments(deployments, set(files), invocations.file_lists,
                             invocations.profiles)


def commands(group: DeploymentGroup) -> dict[str, str]:
    return {placed.service.name: " ".join(c.raw for c in placed.service.commands)
            for placed in group.services}


WORKER = (
    "services:\n  worker:\n    image: proj\n    entrypoint: [celery, -A, proj]\n"
    "    command: worker -Q a\n"
)


def test_override_keeps_the_base_entrypoint_and_replaces_the_command() -> None:
    (group,) = groups({"docker-compose.yml": WORKER,
                       "docker-compose.override.yml": "services:\n  worker:\n    command: worker -Q a,b\n"})
    assert group.files == ("docker-compose.yml", "docker-compose.override.yml")
    (placed,) = group.services
    (command,) = placed.service.commands
    assert command.queues == ("a", "b")
    assert (placed.facts.path, command.line) == ("docker-compose.override.yml", 3)


def test_override_without_a_command_keeps_the_base_command_and_merges_environment() -> None:
    base = WORKER + "    environment:\n      A: '1'\n      B: '2'\n"
    override = "services:\n  worker:\n    environment:\n      B: '3'\n    scale: 2\n"
    (group,) = groups({"compose.yaml": base, "compose.override.yaml": override})
    (placed,) = group.services
    assert placed.facts.path == "compose.yaml"
    assert placed.service.commands[0].queues == ("a",)
    assert [(k, v) for k, v, _line in placed.service.environment] == [("A", "1"), ("B", "3")]
    assert placed.service.replicas == 2


def test_compose_yaml_wins_over_docker_compose_yml_in_one_folder() -> None:
    found = groups({"compose.yaml": WORKER, "docker-compose.yml": WORKER})
    assert [g.files for g in found] == [("compose.yaml",), ("docker-compose.yml",)]


def test_dash_f_lists_from_ci_and_compose_file_variable() -> None:
    files = {
        "docker-compose.yml": WORKER,
        "docker-compose.prod.yml": "services:\n  worker:\n    command: worker -Q p\n",
        "docker-compose.ci.yml": "services:\n  worker:\n    command: worker -Q c\n",
        ".github/workflows/test.yml": (
            "jobs:\n  t:\n    steps:\n      - run: docker compose -f docker-compose.yml "
            "--file=docker-compose.ci.yml up -d\n"),
        ".env": "COMPOSE_FILE=docker-compose.yml:docker-compose.prod.yml\n",
    }
    found = {g.files: commands(g)["worker"] for g in groups(files)}
    assert found == {
        ("docker-compose.yml",): "celery -A proj worker -Q a",
        ("docker-compose.yml", "docker-compose.ci.yml"): "celery -A proj worker -Q c",
        ("docker-compose.yml", "docker-compose.prod.yml"): "celery -A proj worker -Q p",
    }


def test_extends_in_the_same_file_and_profiles() -> None:
    compose = (
        "services:\n  base:\n    command: celery -A proj worker -Q a\n"
        "  other:\n    extends: base\n    environment: [X=1]\n"
        "  debug:\n    extends:\n      service: base\n    profiles: [debug]\n"
    )
    (group,) = groups({"docker-compose.yml": compose})
    assert commands(group) == {name: "celery -A proj worker -Q a"
                               for name in ("base", "other", "debug")}
    assert {p.service.name: p.active for p in group.services} == {
        "base": True, "other": True, "debug": False}


def test_folders_make_one_deployment_per_kind() -> None:
    script = "#!/bin/sh\nexec celery -A proj worker -Q {}\n"
    unit = "[Service]\nExecStart=/bin/celery -A proj worker -Q {}\n"
    found = groups({
        "docker/worker-a.sh": script.format("a"), "docker/worker-b.sh": script.format("b"),
        "deploy/systemd/a.service": unit.format("a"), "deploy/systemd/b.service": unit.format("b"),
        "helm/proj/Chart.yaml": "name: proj\n",
        "helm/proj/templates/worker.yaml": _deployment("worker", "a"),
        "helm/proj/templates/beat/beat.yaml": _deployment("beat", "b"),
        "Procfile": "worker: celery -A proj worker\n",
    })
    assert [g.name for g in found] == [
        "Procfile", "deploy/systemd/ (systemd units)", "docker/ (entrypoint scripts)",
        "helm/proj/ (Kubernetes manifests)"]


def _deployment(name: str, queue: str) -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n"
        "spec:\n  template:\n    spec:\n      containers:\n        - name: c\n"
        f"          command: [celery, -A, proj, worker, -Q, {queue}]\n"
    )


def _docker_compose_works() -> bool:
    if shutil.which("docker") is None:
        return False
    done = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.skipif(not _docker_compose_works(), reason="docker compose is not installed")
def test_merge_agrees_with_docker_compose_config(tmp_path: Path) -> None:
    files = {
        "docker-compose.yml": WORKER + "  beat:\n    image: proj\n    command: celery -A proj beat\n",
        "docker-compose.override.yml": "services:\n  worker:\n    command: worker -Q a,b\n",
        "common.yml": "services:\n  shared:\n    image: proj\n    command: celery -A proj worker -Q c\n",
        "docker-compose.prod.yml": (
            "services:\n  extra:\n    extends:\n      file: common.yml\n      service: shared\n"),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    argv = ["docker", "compose", "-f", "docker-compose.yml", "-f", "docker-compose.override.yml",
            "-f", "docker-compose.prod.yml", "config", "--format", "json"]
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, check=True)
    theirs = {name: " ".join([*(s.get("entrypoint") or []), *(s.get("command") or [])])
              for name, s in json.loads(done.stdout)["services"].items()}
    files["Makefile"] = "up:\n\t" + " ".join(argv[:8]) + " up\n"
    (ours,) = [g for g in groups(files) if len(g.files) == 3]
    assert commands(ours) == theirs


def test_a_file_that_cannot_run_alone_is_read_on_top_of_the_default_project() -> None:
    partial = "services:\n  worker:\n    command: worker -Q p\n"
    whole = "services:\n  worker:\n    image: proj\n    command: celery -A proj worker -Q w\n"
    found = {g.files: commands(g)["worker"] for g in groups({
        "docker-compose.yml": WORKER, "docker-compose.prod.yml": partial,
        "docker-compose.dev.yml": whole})}
    assert found == {
        ("docker-compose.yml",): "celery -A proj worker -Q a",
        ("docker-compose.dev.yml",): "celery -A proj worker -Q w",
        ("docker-compose.yml", "docker-compose.prod.yml"): "celery -A proj worker -Q p",
    }
