"""Command lines read by Celery's own click commands: what the installed celery refuses."""

from __future__ import annotations

import pytest

from celerylint.project.deploy.celery_cli import check_command_line
from celerylint.project.deploy.worker_command import find_celery_commands

REFUSED = [
    ("celery -E -A proj worker", "-E", "worker"),
    ("celery -A proj worker -loglevel=ERROR", "--loglevel", None),
    ("celery -A proj worker --pool=thread", "--pool", None),
    ("celery worker -A proj", "-A", "celery"),
    ("celery -A proj beat -B", "-B", "worker"),
    ("celery -A proj worker --max-tasks-per-child=ten", "--max-tasks-per-child", None),
    ("celery -A proj worker -O quick", "--optimization", None),
    ("celery -A proj worker --logleve=INFO", "--logleve", None),
]
ACCEPTED = [
    "celery -A proj worker -E -l info -Q a,b -c 4 --pool=threads",
    "celery -A proj worker -Ofair -lINFO --autoscale=10,3 -B",
    "python -m celery --app=proj beat -l INFO -S django_celery_beat.schedulers:DatabaseScheduler",
    "celery -A proj worker --hostname=w1@%h --without-gossip --max-memory-per-child=200000",
    # Filled in at run time: never judged.
    "celery -A proj worker --pool=$POOL -l $LEVEL",
    "celery -A proj worker $WORKER_OPTIONS -Z",
    'celery -A proj worker "$@"',
    "celery $GLOBAL_OPTIONS worker -Z",
    "celery -A proj worker -Q$QUEUES -l%(ENV_LEVEL)s",
    # Not a worker or beat, or not Celery 5's program.
    "celery -A proj multi start w1 -Z",
    "celeryd -Z",
    "celery -A proj flower --port=5555",
]


def command(text: str):  # type: ignore[no-untyped-def]
    (found,) = find_celery_commands(text, percent_specifiers=True)
    return found


@pytest.mark.parametrize(("text", "option", "belongs_to"), REFUSED)
def test_refused_command_lines(text: str, option: str, belongs_to: str | None) -> None:
    problem = check_command_line(command(text))
    assert problem is not None
    assert (problem.option, problem.belongs_to) == (option, belongs_to)


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_command_lines(text: str) -> None:
    assert check_command_line(command(text)) is None


@pytest.mark.parametrize(("text", "environment", "refused"), [
    ("celery -A proj worker --pool=%(ENV_POOL)s", {"POOL": "thread"}, True),
    ("celery -A proj worker --pool=%(ENV_POOL)s", {"POOL": "threads"}, False),
    ("celery -A proj worker -l ${LEVEL} -P $POOL", {"LEVEL": "verbose"}, True),
    ("celery -A proj worker -l ${LEVEL} -P $POOL", {}, False),
    ("celery -A proj worker $OPTS", {"OPTS": "-E -Z"}, False),  # split by the shell: unknown
])
def test_variables_are_filled_in_from_a_known_environment(
        text: str, environment: dict[str, str], refused: bool) -> None:
    assert (check_command_line(command(text), environment) is not None) is refused
