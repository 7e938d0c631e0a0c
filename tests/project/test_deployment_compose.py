"""docker-compose files: services, commands, anchors, environment, env files, scaling."""

from __future__ import annotations

import textwrap

import pytest

from celerylint.project.deploy.deployment_yaml import _first_position
from celerylint.project.deploy.deployments import (
    DeploymentFacts,
    DeploymentKind,
    DeploymentProblemKind,
    ProcessKind,
    ServiceFacts,
    parse_deployment,
)


def compose(text: str, path: str = "docker-compose.yml") -> DeploymentFacts:
    facts = parse_deployment(path, textwrap.dedent(text))
    assert facts is not None
    return facts


def service(facts: DeploymentFacts, name: str) -> ServiceFacts:
    (found,) = [item for item in facts.services if item.name == name]
    return found


ANCHORED = """\
x-celery: &celery
  image: proj:latest
  environment:
    - DJANGO_SETTINGS_MODULE=proj.settings
    - PASSED_THROUGH
  env_file: .env
  depends_on: [redis]

services:
  worker:
    <<: *celery
    command: celery -A proj worker -Q ${QUEUES:-default} -c 4
    deploy:
      replicas: 3
  beat:
    <<: *celery
    command: ["celery", "-A", "proj", "beat"]
  redis:
    image: redis:7
"""


def test_services_in_file_order_with_their_lines() -> None:
    facts = compose(ANCHORED)
    assert facts.kind is DeploymentKind.COMPOSE
    assert [(item.name, item.line) for item in facts.services] == [
        ("worker", 10),
        ("beat", 15),
        ("redis", 18),
    ]
    assert facts.problems == ()


def test_merge_keys_bring_the_anchor_settings() -> None:
    beat = service(compose(ANCHORED), "beat")
    assert beat.image == "proj:latest"
    assert beat.depends_on == ("redis",)
    assert beat.env_files == ((".env", 6),)
    assert beat.environment == (
        ("DJANGO_SETTINGS_MODULE", "proj.settings", 4),
        ("PASSED_THROUGH", None, 5),
    )


def test_string_command_with_variable_queues() -> None:
    worker = service(compose(ANCHORED), "worker")
    (command,) = worker.commands
    assert (command.kind, command.app, command.queues_known, command.concurrency) == (
        ProcessKind.WORKER,
        "proj",
        False,
        4,
    )
    assert (command.line, command.column) == (12, 14)
    assert worker.replicas == 3


def test_list_command_is_located_at_the_value() -> None:
    (command,) = service(compose(ANCHORED), "beat").commands
    assert (command.kind, command.line, command.column) == (ProcessKind.BEAT, 17, 14)


def test_variables_with_defaults() -> None:
    facts = compose(
        """\
        # ${IN_A_COMMENT}
        services:
          web:
            image: "app:${TAG:-latest}"
            environment:
              URL: ${BROKER_URL}
              REQUIRED: ${SECRET:?set it}
              LITERAL: $${NOT_A_VARIABLE}
              BARE: $HOME
              TAGGED: $QUEUE
              ALTERNATIVE: ${DEBUG:+--loglevel=debug}
              ESCAPED_THEN_VARIABLE: $$$REAL
        """
    )
    # ${SECRET:?...} stops compose with the author's message, $HOME is always set,
    # ${X:+alt} never warns: none of them is an unset variable.
    assert facts.variables == (
        ("TAG", "latest", 4),
        ("BROKER_URL", None, 6),
        ("QUEUE", None, 10),
        ("DEBUG", "", 11),
        ("REAL", None, 12),
    )


def test_environment_mapping_form_values_become_strings() -> None:
    facts = compose(
        """\
        services:
          worker:
            image: x
            environment:
              CONCURRENCY: 4
              DEBUG: true
              EMPTY:
              TEXT: "a=b"
        """
    )
    assert service(facts, "worker").environment == (
        ("CONCURRENCY", "4", 5),
        ("DEBUG", "true", 6),
        ("EMPTY", None, 7),
        ("TEXT", "a=b", 8),
    )


def test_env_file_forms() -> None:
    facts = compose(
        """\
        services:
          worker:
            image: x
            env_file:
              - .env
              - path: .env.worker
                required: false
          beat:
            image: x
            env_file: config/beat.env
        """
    )
    assert service(facts, "worker").env_files == ((".env", 5),)
    assert service(facts, "worker").optional_env_files == ((".env.worker", 6),)
    assert service(facts, "beat").env_files == (("config/beat.env", 10),)


def test_depends_on_mapping_form_and_legacy_scale() -> None:
    facts = compose(
        """\
        services:
          worker:
            image: x
            scale: 2
            depends_on:
              redis:
                condition: service_healthy
              db:
                condition: service_started
        """
    )
    worker = service(facts, "worker")
    assert (worker.depends_on, worker.replicas) == (("redis", "db"), 2)


def test_entrypoint_and_command_run_together() -> None:
    facts = compose(
        """\
        services:
          worker:
            image: x
            entrypoint: ["celery", "-A", "proj"]
            command: >
              worker -Q a,b
        """
    )
    (command,) = service(facts, "worker").commands
    assert (command.app, command.queues, command.line) == ("proj", ("a", "b"), 6)


def test_shell_string_command_with_several_processes() -> None:
    facts = compose(
        """\
        services:
          all-in-one:
            image: x
            command: sh -c "celery -A proj worker -Q a & celery -A proj beat"
        """
    )
    kinds = [command.kind for command in service(facts, "all-in-one").commands]
    assert kinds == [ProcessKind.WORKER, ProcessKind.BEAT]


def test_services_without_celery_are_kept_for_their_environment() -> None:
    facts = compose("services:\n  redis:\n    image: redis:7\n")
    assert facts.services == (ServiceFacts("redis", 2, image="redis:7"),)


def test_version_one_layout_without_services_key() -> None:
    facts = compose(
        """\
        x-common: &common
          image: proj
        worker:
          image: proj
          command: celery -A proj worker
        """
    )
    assert [item.name for item in facts.services] == ["worker"]


def test_compose_content_under_another_name_is_recognised() -> None:
    facts = compose(
        "services:\n  celeryworker:\n    build: .\n    command: /start-celeryworker\n",
        path="production.yml",
    )
    assert facts.kind is DeploymentKind.COMPOSE


@pytest.mark.parametrize(
    ("text", "kind", "line"),
    [
        ("services:\n  worker: [\n", DeploymentProblemKind.INVALID_YAML, 3),
        ("- a\n- b\n", DeploymentProblemKind.UNEXPECTED_SHAPE, 1),
        ("just a scalar\n", DeploymentProblemKind.UNEXPECTED_SHAPE, 1),
        ("services: [worker]\n", DeploymentProblemKind.UNEXPECTED_SHAPE, 1),
        ("services:\n  worker: celery\n", DeploymentProblemKind.UNEXPECTED_SHAPE, 2),
        ("a: &x [*x]\n", DeploymentProblemKind.INVALID_YAML, 1),
        ("<<: 3\n", DeploymentProblemKind.INVALID_YAML, 1),
        ("services:\n\tworker: {}\n", DeploymentProblemKind.INVALID_YAML, 2),
    ],
)
def test_unreadable_compose_files_become_problems(
    text: str, kind: DeploymentProblemKind, line: int
) -> None:
    facts = compose(text)
    (problem,) = facts.problems
    assert (problem.kind, problem.line) == (kind, line)
    assert "not checked" in problem.message


def test_empty_compose_file_has_no_services() -> None:
    assert compose("") == DeploymentFacts("docker-compose.yml", DeploymentKind.COMPOSE)


def test_documents_before_an_error_are_still_read() -> None:
    facts = compose("services:\n  w:\n    command: celery -A p worker\n---\n[\n")
    assert [item.name for item in facts.services] == ["w"]
    assert facts.problems[0].kind is DeploymentProblemKind.INVALID_YAML


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("services: worker\n", (1, 11), "its services were not checked"),
        ("services:\n  - worker\n", (2, 3), "its services were not checked"),
        ("services:\n  w:\n    image: x\n---\n- a\n", (5, 1), "top level is not a mapping"),
        ("services:\n  ok: {image: x}\n  worker: celery\n", (3, 11), "that service was not"),
    ],
)
def test_a_shape_problem_points_at_the_offending_value(
    text: str, where: tuple[int, int], words: str
) -> None:
    (problem,) = compose(text).problems
    assert (problem.line, problem.column) == where
    assert words in problem.message


@pytest.mark.parametrize("character", ["\x07", "\x1b"])
def test_a_control_character_is_reported_where_it_stands(character: str) -> None:
    (problem,) = compose(f"services:\n  w:\n    image: é{character}\n").problems
    assert problem.kind is DeploymentProblemKind.INVALID_YAML
    assert (problem.line, problem.column) == (3, 13)
    assert f"unacceptable character #x{ord(character):04x}" in problem.message


@pytest.mark.parametrize("reported", ["\x07", 7])  # PyYAML's reader, libyaml's
def test_the_refused_character_is_found_whichever_parser_reports_it(
    reported: str | int,
) -> None:
    assert _first_position("a: é\n  b: x\x07\n", reported) == (2, 7)
    assert _first_position("a: b\n", reported) == (1, 1)
