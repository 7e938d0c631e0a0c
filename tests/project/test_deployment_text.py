"""Procfiles, scripts, systemd units, supervisord programs, Makefiles and Dockerfiles."""

from __future__ import annotations

import textwrap

import pytest

from celerylint.project.deploy.deployments import (
    UNKNOWN,
    DeploymentFacts,
    DeploymentKind,
    ProcessKind,
    parse_deployment,
)


def parse(path: str, text: str) -> DeploymentFacts:
    facts = parse_deployment(path, textwrap.dedent(text))
    assert facts is not None
    return facts


# -- Procfile ------------------------------------------------------------------------------------
def test_procfile_processes() -> None:
    facts = parse(
        "Procfile",
        """\
        web: gunicorn proj.wsgi
        # beat: celery -A proj beat
        worker:   celery -A proj worker -B --concurrency=2
        release: python manage.py migrate
        """,
    )
    assert facts.kind is DeploymentKind.PROCFILE
    assert [service.name for service in facts.services] == ["web", "worker", "release"]
    (command,) = facts.services[1].commands
    assert (command.embedded_beat, command.concurrency, command.line, command.column) == (
        True,
        2,
        3,
        11,
    )


def test_procfile_without_celery_is_not_a_celery_deployment() -> None:
    assert parse_deployment("Procfile.dev", "web: gunicorn proj.wsgi\n") is None


# -- shell scripts -------------------------------------------------------------------------------
def test_cookiecutter_style_start_script() -> None:
    facts = parse(
        "compose/production/django/celery/worker/start",
        """\
        #!/bin/bash
        set -o errexit
        set -o nounset

        exec celery -A config.celery_app worker -l INFO
        """,
    )
    (service,) = facts.services
    (command,) = service.commands
    assert (facts.kind, service.name) == (DeploymentKind.SHELL, "start")
    assert (command.app, command.line, command.column) == ("config.celery_app", 5, 1)


def test_entrypoint_script_with_a_case_statement_and_variables() -> None:
    facts = parse(
        "docker/entrypoint.sh",
        """\
        #!/bin/sh
        case "$1" in
          worker) exec celery -A proj worker -Q "${CELERY_QUEUES:-default}" ;;
          beat) exec celery -A proj beat --pidfile= ;;
          *) exec "$@" ;;
        esac
        """,
    )
    worker, beat = facts.commands
    assert (worker.kind, worker.queues_known, worker.line) == (ProcessKind.WORKER, False, 3)
    assert (beat.kind, beat.line) == (ProcessKind.BEAT, 4)


def test_python_script_in_bin_is_not_read_as_shell() -> None:
    assert (
        parse_deployment("bin/run", "#!/usr/bin/env python3\nos.system('celery -A p worker')\n")
        is None
    )


# -- systemd -------------------------------------------------------------------------------------------
def test_systemd_unit_with_prefix_continuation_and_specifier() -> None:
    facts = parse(
        "deploy/celery@.service",
        """\
        [Unit]
        Description=Celery worker

        [Service]
        Environment="CELERY_APP=proj" LOGLEVEL=info
        EnvironmentFile=-/etc/conf.d/celery
        ExecStart=-/opt/venv/bin/celery -A proj \\
            worker -Q %i --concurrency=4
        ExecStop=/bin/kill -s TERM $MAINPID
        """,
    )
    (service,) = facts.services
    (command,) = service.commands
    assert (facts.kind, service.name) == (DeploymentKind.SYSTEMD, "celery@.service")
    assert (command.line, command.column, command.concurrency) == (7, 12, 4)
    assert not command.queues_known
    assert service.environment == (("CELERY_APP", "proj", 5), ("LOGLEVEL", "info", 5))
    assert service.env_files == (("/etc/conf.d/celery", 6),)


def test_systemd_unit_from_celery_docs_is_unknown_everywhere() -> None:
    facts = parse(
        "celery.service",
        """\
        [Service]
        ExecStart=/bin/sh -c '${CELERY_BIN} -A $CELERY_APP multi start $CELERYD_NODES \\
            --pidfile=${CELERYD_PID_FILE} --loglevel="${CELERYD_LOG_LEVEL}" $CELERYD_OPTS'
        """,
    )
    (command,) = facts.commands
    assert (command.kind, command.subcommand, command.app) == (ProcessKind.WORKER, "multi", UNKNOWN)
    assert not (command.app_known or command.queues_known or command.options_known)


# -- supervisord ----------------------------------------------------------------------------------------
def test_supervisord_programs() -> None:
    facts = parse(
        "deploy/supervisor/celery.conf",
        """\
        [supervisord]
        nodaemon=true

        [program:worker]
        command=/venv/bin/celery -A proj worker
            -Q %(ENV_QUEUES)s ; the queues come from the environment
        numprocs=2
        environment=DJANGO_SETTINGS_MODULE="proj.settings",EXTRA='a,b'

        [program:beat]
        command = celery -A proj beat -l info
        """,
    )
    worker, beat = facts.services
    assert (worker.name, worker.line, worker.replicas) == ("worker", 4, 2)
    assert worker.environment == (
        ("DJANGO_SETTINGS_MODULE", "proj.settings", 8),
        ("EXTRA", "a,b", 8),
    )
    (worker_command,) = worker.commands
    assert (worker_command.line, worker_command.column, worker_command.queues_known) == (
        5,
        9,
        False,
    )
    (beat_command,) = beat.commands
    assert (beat_command.kind, beat_command.column) == (ProcessKind.BEAT, 11)


def test_supervisord_conf_without_programs() -> None:
    assert parse_deployment("supervisor/celery.conf", "[supervisord]\nlogfile=celery.log\n") is None


# -- Makefile -----------------------------------------------------------------------------------------------
def test_makefile_recipes_grouped_by_target() -> None:
    facts = parse(
        "Makefile",
        """\
        VENV = .venv
        .PHONY: worker beat

        worker:
        \t@$(VENV)/bin/celery -A proj worker -Q a \\
        \t    -c 2

        beat: worker
        \t-celery -A proj beat
        NOT_A_RECIPE = celery -A other worker
        """,
    )
    assert [(service.name, service.line) for service in facts.services] == [
        ("worker", 4),
        ("beat", 8),
    ]
    worker = facts.services[0].commands[0]
    assert (worker.queues, worker.concurrency, worker.line, worker.column) == (("a",), 2, 5, 3)
    assert facts.services[1].commands[0].app == "proj"


# -- Dockerfile -----------------------------------------------------------------------------------------
def test_dockerfile_stages_with_exec_and_shell_forms() -> None:
    facts = parse(
        "Dockerfile",
        """\
        FROM python:3.11 AS base
        RUN pip install celery
        CMD ["celery", "-A", "proj", \\
             "worker", "-Q", "a"]

        FROM base AS scheduler
        ENTRYPOINT ["celery", "-A", "proj"]
        CMD beat
        """,
    )
    (worker,), (beat,) = (service.commands for service in facts.services)
    assert [service.name for service in facts.services] == ["base", "scheduler"]
    assert (worker.queues, worker.line) == (("a",), 3)
    assert (beat.kind, beat.line) == (ProcessKind.BEAT, 8)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("run.sh", "#!/bin/sh\necho starting\nexec gunicorn proj.wsgi\n"),
        ("Makefile", "test:\n\tpytest\n"),
        ("celery.service", "[Service]\nExecStart=/usr/bin/gunicorn\n"),
        ("Dockerfile", "FROM python\nRUN pip install celery\n"),
    ],
)
def test_files_without_celery_commands_give_none(path: str, text: str) -> None:
    assert parse_deployment(path, text) is None
