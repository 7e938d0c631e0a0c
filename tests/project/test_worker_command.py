"""Celery command lines: options as Celery 5 reads them, wrappers, unknown values, positions."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from celerylint.project.deploy.worker_command import (
    MAX_RAW_LENGTH,
    UNKNOWN,
    CeleryCommand,
    ProcessKind,
    find_celery_commands,
    find_celery_commands_in_argv,
    find_celery_commands_in_process,
    parse_celery_command,
)


def parse(text: str) -> CeleryCommand:
    command = parse_celery_command(text)
    assert command is not None, text
    return command


# -- the app ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "app"),
    [
        ("celery -A proj worker", "proj"),
        ("celery --app proj worker", "proj"),
        ("celery --app=proj.celery:app worker", "proj.celery:app"),
        ("celery -Aproj worker", "proj"),
        ("celery -b redis://r -A proj -q worker", "proj"),
        ("celery -A first -A second worker", "second"),
    ],
)
def test_app_given_as_global_option(text: str, app: str) -> None:
    command = parse(text)
    assert (command.app, command.app_known, command.app_after_subcommand) == (app, True, False)


def test_app_after_the_subcommand_is_read_and_flagged() -> None:
    command = parse("celery worker -A proj -l info")
    assert (command.app, command.app_after_subcommand) == ("proj", True)


def test_app_after_multi_is_normal_usage() -> None:
    command = parse("celery multi start w1 -A proj")
    assert (command.app, command.app_after_subcommand) == ("proj", False)


def test_no_app_option_is_none_but_known() -> None:
    command = parse("celery worker")
    assert (command.app, command.app_known) == (None, True)


@pytest.mark.parametrize("value", ["$APP", "${APP}", "${APP:-proj}", '"$APP"', "$(get_app)"])
def test_app_from_a_shell_variable_is_unknown(value: str) -> None:
    command = parse(f"celery -A {value} worker")
    assert (command.app, command.app_known) == (UNKNOWN, False)


def test_app_in_single_quotes_is_literal() -> None:
    assert parse("celery -A '$APP' worker").app == "$APP"


# -- queues ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "queues"),
    [
        ("-Q a,b", ("a", "b")),
        ("--queues=a,b", ("a", "b")),
        ("--queues a", ("a",)),
        ("-Qa,b", ("a", "b")),
        ("-Q 'a, b ,'", ("a", "b")),
        ("-Q a,b -Q c", ("c",)),  # click keeps the last value of a non-multiple option
        ("", None),
    ],
)
def test_queues(options: str, queues: tuple[str, ...] | None) -> None:
    command = parse(f"celery -A proj worker {options}")
    assert (command.queues, command.queues_known) == (queues, True)


@pytest.mark.parametrize(
    "options", ["-Q $QUEUES", "-Q ${QUEUES}", "-Q ${QUEUES:-default}", "-Q a,$EXTRA", "-Q$Q"]
)
def test_queues_from_a_shell_variable_are_unknown(options: str) -> None:
    """A shell expands these at run time.  (In a compose file, compose substitutes them
    first from its ``.env``: tests/project/test_deployment_interpolation.py.)"""
    command = parse(f"celery -A proj worker {options}")
    assert command.queues == ()
    assert not command.queues_known
    assert command.app_known


def test_exclude_queues() -> None:
    assert parse("celery -A p worker -X a,b").exclude_queues == ("a", "b")
    assert parse("celery -A p worker --exclude-queues=c").exclude_queues == ("c",)
    unknown = parse("celery -A p worker -X $SKIP")
    assert (unknown.exclude_queues, unknown.queues_known) == ((), False)


def test_hidden_options_make_queues_and_missing_app_unknown() -> None:
    command = parse("celery worker $CELERY_OPTS")
    assert (command.options_known, command.queues_known, command.app_known) == (False, False, False)
    assert command.kind is ProcessKind.WORKER


def test_literal_options_after_a_variable_are_still_read() -> None:
    command = parse("celery -A proj worker $OPTS -c 3")
    assert (command.app, command.app_known, command.concurrency) == ("proj", True, 3)


# -- other worker options --------------------------------------------------------------------------
@pytest.mark.parametrize("options", ["-B", "--beat", "-BE", "-EB", "-Bc4"])
def test_embedded_beat(options: str) -> None:
    assert parse(f"celery -A p worker {options}").embedded_beat


def test_flag_cluster_ends_at_an_option_with_a_value() -> None:
    command = parse("celery -A p worker -Bc4 -Pgevent")
    assert (command.embedded_beat, command.concurrency, command.pool) == (True, 4, "gevent")


@pytest.mark.parametrize(
    ("options", "concurrency"),
    [
        ("-c 4", 4),
        ("--concurrency=8", 8),
        ("--concurrency 2", 2),
        ("-c auto", None),
        ("-c $N", None),
    ],
)
def test_concurrency(options: str, concurrency: int | None) -> None:
    assert parse(f"celery -A p worker {options}").concurrency == concurrency


def test_pool_and_hostname() -> None:
    command = parse("celery -A p worker --pool=eventlet -n worker1@%h")
    assert (command.pool, command.hostname) == ("eventlet", "worker1@%h")


def test_option_values_are_not_taken_for_the_subcommand() -> None:
    command = parse("celery -A worker worker -l beat -Q x")
    assert (command.app, command.kind, command.queues) == ("worker", ProcessKind.WORKER, ("x",))


def test_beat_is_its_own_kind() -> None:
    command = parse("celery -A proj beat -S django_celery_beat.schedulers:DatabaseScheduler")
    assert (command.kind, command.subcommand, command.queues, command.embedded_beat) == (
        ProcessKind.BEAT,
        "beat",
        None,
        False,
    )


@pytest.mark.parametrize("subcommand", ["flower", "inspect ping", "purge -f", "events"])
def test_other_subcommands(subcommand: str) -> None:
    command = parse(f"celery -A proj {subcommand}")
    assert command.kind is ProcessKind.OTHER
    assert command.subcommand == subcommand.split()[0]


def test_subcommand_from_a_variable_is_other_and_unknown() -> None:
    command = parse('celery -A proj "$@"')
    assert (command.kind, command.subcommand, command.options_known) == (
        ProcessKind.OTHER,
        None,
        False,
    )


# -- celery multi and old programs ------------------------------------------------------------------
def test_multi_start_is_a_worker() -> None:
    command = parse("celery -A proj multi start w1 w2 -Q a -c 2")
    assert (command.kind, command.subcommand, command.queues, command.queues_known) == (
        ProcessKind.WORKER,
        "multi",
        ("a",),
        True,
    )


def test_multi_per_node_queues_are_unknown() -> None:
    command = parse("celery multi start w1 w2 -A proj -Q:w1 a -Q b")
    assert (command.kind, command.queues_known) == (ProcessKind.WORKER, False)


def test_multi_stop_is_not_a_worker() -> None:
    assert parse("celery multi stopwait w1 -A proj").kind is ProcessKind.OTHER


@pytest.mark.parametrize(
    ("text", "kind"),
    [("celeryd -Q a", ProcessKind.WORKER), ("celerybeat", ProcessKind.BEAT)],
)
def test_celery_3_programs(text: str, kind: ProcessKind) -> None:
    assert parse(text).kind is kind


# -- wrappers ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "exec celery -A proj worker -Q a",
        "nohup celery -A proj worker -Q a &",
        "FOO=bar DJANGO_SETTINGS_MODULE=x celery -A proj worker -Q a",
        "python -m celery -A proj worker -Q a",
        "python3 -m celery -A proj worker -Q a",
        "/opt/venv/bin/celery -A proj worker -Q a",
        "$(VENV)/bin/celery -A proj worker -Q a",
        "${CELERY_BIN} -A proj worker -Q a",
        "watchmedo auto-restart --directory=./ --pattern=*.py --recursive -- celery -A proj worker -Q a",
        "newrelic-admin run-program celery -A proj worker -Q a",
        "ddtrace-run celery -A proj worker -Q a",
        "gosu app celery -A proj worker -Q a",
        "sudo -u app celery -A proj worker -Q a",
        "docker run --name celery image celery -A proj worker -Q a",
        "sh -c 'celery -A proj worker -Q a'",
        'bash -lc "exec celery -A proj worker -Q a"',
        "su - app -c 'celery -A proj worker -Q a'",
        "sh -c \"bash -c 'celery -A proj worker -Q a'\"",
        "cd /app && celery -A proj worker -Q a",
        "python manage.py celery worker -A proj -Q a",
    ],
)
def test_wrappers_are_looked_through(text: str) -> None:
    command = parse(text)
    assert (command.kind, command.app, command.queues) == (ProcessKind.WORKER, "proj", ("a",))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "echo celery -A proj worker",
        "pip install celery redis",
        "pip install 'celery[redis]'",
        'pkill -f "celery worker"',
        "celery --version",
        "celery",
        "# celery -A proj worker",
        "cat celery.log",
        "gunicorn proj.wsgi",
        "sh scripts/celery.sh",
    ],
)
def test_text_that_runs_no_celery_command(text: str) -> None:
    assert parse_celery_command(text) is None


# -- several commands and positions ------------------------------------------------------------------
def test_every_command_of_a_script_with_its_position() -> None:
    script = "#!/bin/sh\nset -e\n\ncelery -A p \\\n  worker -Q a &\n  celery -A p beat\n"
    worker, beat = find_celery_commands(script)
    assert (worker.kind, worker.line, worker.column, worker.raw) == (
        ProcessKind.WORKER,
        4,
        1,
        "celery -A p worker -Q a",
    )
    assert (beat.kind, beat.line, beat.column) == (ProcessKind.BEAT, 6, 3)


def test_positions_are_relative_to_where_the_text_starts() -> None:
    first, second, third = find_celery_commands(
        "celery -A p worker; celery -A p beat\ncelery flower", 10, 5
    )
    assert [(c.line, c.column) for c in (first, second, third)] == [(10, 5), (10, 25), (11, 1)]
    (indented,) = find_celery_commands("x\n  celery flower", 10, 5)
    assert (indented.line, indented.column) == (11, 3)


def test_position_inside_a_shell_c_string() -> None:
    (command,) = find_celery_commands("sh -c 'celery -A p worker'")
    assert command.column == 8


def test_raw_text_is_one_line_and_bounded() -> None:
    command = parse("celery -A p worker " + "-Q a " * 200)
    assert len(command.raw) == MAX_RAW_LENGTH
    assert "\n" not in parse("celery -A p \\\n worker").raw


# -- exec-form argv -------------------------------------------------------------------------------------
def test_argv_lists() -> None:
    command = parse_celery_command(["celery", "-A", "proj", "worker", "-Q", "a,b"], 7, 9)
    assert command is not None
    assert (command.queues, command.line, command.column, command.raw) == (
        ("a", "b"),
        7,
        9,
        "celery -A proj worker -Q a,b",
    )


@pytest.mark.parametrize("queue", ["${QUEUES}", "$(QUEUES)", "$Q"])
def test_argv_items_with_a_dollar_are_unknown(queue: str) -> None:
    (command,) = find_celery_commands_in_argv(["celery", "-A", "p", "worker", "-Q", queue])
    assert not command.queues_known


def test_argv_running_a_shell_script_string() -> None:
    (command,) = find_celery_commands_in_argv(["sh", "-c", "celery -A p worker -Q $Q && true"])
    assert (command.app, command.queues_known, command.raw) == (
        "p",
        False,
        "celery -A p worker -Q $Q",
    )


@pytest.mark.parametrize(
    ("entrypoint", "command"),
    [
        (["celery", "-A", "proj"], ["worker", "-Q", "a"]),
        (["celery", "-A", "proj"], "worker -Q a"),
        ("celery -A proj", ["worker", "-Q", "a"]),
        (None, "celery -A proj worker -Q a"),
        (["/entrypoint.sh"], ["celery", "-A", "proj", "worker", "-Q", "a"]),
        (["celery", "-A", "proj", "worker", "-Q", "a"], None),
    ],
)
def test_process_from_entrypoint_and_command(entrypoint: object, command: object) -> None:
    (found,) = find_celery_commands_in_process(entrypoint, command, 3, 4)  # type: ignore[arg-type]
    assert (found.app, found.queues, found.line, found.column) == ("proj", ("a",), 3, 4)


def test_process_list_part_keeps_variables_unknown() -> None:
    (found,) = find_celery_commands_in_process(
        ["celery", "-A", "p", "worker", "-Q", "${Q}"], "-c 2"
    )
    assert (found.queues_known, found.concurrency) == (False, 2)


def test_no_process_parts() -> None:
    assert find_celery_commands_in_process(None, None) == ()


# -- robustness ---------------------------------------------------------------------------------------------
def test_commands_are_frozen_and_picklable() -> None:
    command = parse("celery -A p worker -Q a")
    assert pickle.loads(pickle.dumps(command)) == command
    with pytest.raises(AttributeError):
        command.app = "other"  # type: ignore[misc]


@given(st.text(max_size=200))
def test_any_text_parses_without_raising(text: str) -> None:
    find_celery_commands(f"celery {text}", percent_specifiers=True)
    find_celery_commands_in_argv(["celery", *text.split()])


@given(
    st.lists(st.sampled_from(["-A", "-Q", "-B", "-c", "worker", "beat", "$X", "--", "a,b", "-Qx"]))
)
def test_values_are_unknown_exactly_when_a_variable_is_present(words: list[str]) -> None:
    for command in find_celery_commands_in_argv(["celery", *words]):
        if "$X" not in words:
            assert command.app_known and command.queues_known and command.options_known
        if command.queues_known and command.queues:
            assert "$X" not in command.queues
