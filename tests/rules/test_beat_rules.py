"""Beat rules beyond their docs: the recorded fix, and the edges the docs do not show."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint import api
from celerylint.findings import Applicability, Edit, Finding
from celerylint.rules.beat.unknown_entry_key import entry_keys, message_options
from celerylint.settings import Settings

APP = (
    "from celery import Celery\nfrom celery.schedules import crontab\n"
    "app = Celery('proj', broker='redis://redis:6379/0')\n"
)


def findings(tmp_path: Path, files: dict[str, str], code: str) -> list[Finding]:
    root = write_tree(tmp_path / "p", files)
    result = api.run(Settings(root=root, paths=(root,), select=(code,), use_cache=False))
    assert not result.internal_errors
    return [f for f in result.findings if f.code == code]


def apply(text: str, edits: tuple[Edit, ...]) -> str:
    """Apply single-line edits, last first, the way a fixer would."""
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        assert edit.line == edit.end_line
        line = lines[edit.line - 1]
        lines[edit.line - 1] = line[:edit.column - 1] + edit.content + line[edit.end_column - 1:]
    return "".join(lines)


@pytest.mark.parametrize(("schedule", "fixed"), [
    ("crontab(hour=7)", "crontab(minute=0, hour=7)"),
    ("crontab(minute='*', hour=7)", "crontab(minute=0, hour=7)"),
    ("crontab('*', 7)", "crontab(0, 7)"),
    ("crontab(day_of_week='sun')", "crontab(minute=0, hour=0, day_of_week='sun')"),
    ("crontab(0, day_of_month=1)", "crontab(0, hour=0, day_of_month=1)"),
])
def test_wildcard_fix_edits_the_call(tmp_path: Path, schedule: str, fixed: str) -> None:
    source = APP + f"app.conf.beat_schedule = {{'job': {{'task': 't', 'schedule': {schedule}}}}}\n"
    (finding,) = findings(tmp_path, {"proj/__init__.py": "", "proj/celery.py": source}, "CEL502")
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert apply(source, finding.fix.edits) == source.replace(schedule, fixed)


def test_wildcard_message_names_the_runs_and_timezone(tmp_path: Path) -> None:
    source = APP + ("app.conf.timezone = 'Europe/Paris'\n"
                    "app.conf.beat_schedule = {'r': {'task': 't', 'schedule': crontab(hour=7)}}\n")
    (finding,) = findings(tmp_path, {"proj/__init__.py": "", "proj/celery.py": source}, "CEL502")
    assert "runs 60 times between 07:00 and 07:59 Europe/Paris" in finding.message
    assert "add minute=0" in finding.message


def test_no_fix_when_the_crontab_is_written_in_another_file(tmp_path: Path) -> None:
    files = {
        "proj/__init__.py": "",
        "proj/schedules.py": "from celery.schedules import crontab\nMORNING = crontab(hour=7)\n",
        "proj/celery.py": APP + (
            "from proj.schedules import MORNING\n"
            "app.conf.beat_schedule = {'r': {'task': 't', 'schedule': MORNING}}\n"),
    }
    (finding,) = findings(tmp_path, files, "CEL502")
    assert finding.path == "proj/celery.py" and finding.fix is None


def test_from_string_is_reported_without_fix(tmp_path: Path) -> None:
    source = APP + ("app.conf.beat_schedule = "
                    "{'r': {'task': 't', 'schedule': crontab.from_string('* 7 * * *')}}\n")
    (finding,) = findings(tmp_path, {"proj/__init__.py": "", "proj/celery.py": source}, "CEL502")
    assert finding.fix is None


def test_duplicate_keys_identical_values_and_computed_keys_are_left_alone(tmp_path: Path) -> None:
    source = (
        "KEY = 'a'\n"
        "ROUTES = {'x.y': {'queue': 'q'}, 'x.y': {'queue': 'q'}}\n"
        "OTHER = {KEY: 1, 'a': 2}\n"
    )
    assert findings(tmp_path, {"conf.py": source}, "CEL503") == []


def test_duplicate_key_in_nested_call_argument_is_reported_once(tmp_path: Path) -> None:
    source = (
        "from celery import Celery\napp = Celery('p')\n"
        "app.conf.update(broker_transport_options=dict(opts={'a': 1, 'b': 2, 'a': 3, 'a': 4}))\n"
    )
    reported = findings(tmp_path, {"p.py": source}, "CEL503")
    line = source.splitlines()[2]
    expected = [(3, line.index("'a': 3") + 1), (3, line.index("'a': 4") + 1)]
    assert [(f.line, f.column) for f in reported] == expected
    assert "lines 3 and 3" in reported[0].message


def test_entry_keys_are_celerys_schedule_entry_parameters() -> None:
    from celery.beat import ScheduleEntry

    parameters = set(inspect.signature(ScheduleEntry.__init__).parameters) - {"self"}
    assert entry_keys() == parameters
    assert {"task", "schedule", "args", "kwargs", "options", "relative"} <= entry_keys()
    assert {"queue", "expires", "priority", "routing_key"} <= message_options()
    assert not entry_keys() & message_options() - {"args", "kwargs"}


def test_add_periodic_task_options_are_not_entry_keys(tmp_path: Path) -> None:
    source = APP + (
        "@app.on_after_finalize.connect\ndef setup(sender, **kwargs):\n"
        "    sender.add_periodic_task(60, ping.s(), name='p', queue='low', expires=30)\n"
        "@app.task\ndef ping():\n    pass\n")
    assert findings(tmp_path, {"proj/__init__.py": "", "proj/celery.py": source}, "CEL504") == []


BEAT_APP = APP + "app.conf.beat_schedule = {'ping': {'task': 'proj.celery.ping', 'schedule': 60}}\n"


def test_two_compose_directories_are_two_stacks(tmp_path: Path) -> None:
    files = {
        "proj/__init__.py": "", "proj/celery.py": BEAT_APP,
        "deploy/dev/docker-compose.yml": (
            "services:\n  worker:\n    command: celery -A proj.celery worker\n"),
        "deploy/prod/docker-compose.yml": (
            "services:\n  worker:\n    command: celery -A proj.celery worker\n"
            "  beat:\n    command: celery -A proj.celery beat\n"),
        "deploy/prod/docker-compose.override.yml": (
            "services:\n  worker:\n    command: celery -A proj.celery worker -l debug\n"),
    }
    reported = findings(tmp_path, files, "CEL506")
    assert [(f.path, f.line) for f in reported] == [("deploy/dev/docker-compose.yml", 3)]


def test_beat_with_app_from_environment_counts_as_a_beat(tmp_path: Path) -> None:
    files = {
        "proj/__init__.py": "", "proj/celery.py": BEAT_APP,
        "Procfile": "worker: celery -A proj.celery worker\nclock: celery -A $APP beat\n",
    }
    assert findings(tmp_path, files, "CEL506") == []


def test_no_workers_of_the_app_no_finding(tmp_path: Path) -> None:
    files = {"proj/__init__.py": "", "proj/celery.py": BEAT_APP,
             "Procfile": "web: gunicorn proj.wsgi\n"}
    assert findings(tmp_path, files, "CEL506") == []


def test_beat_scaled_to_zero_is_not_a_second_scheduler(tmp_path: Path) -> None:
    files = {
        "proj/__init__.py": "", "proj/celery.py": BEAT_APP,
        "docker-compose.yml": (
            "services:\n  worker:\n    command: celery -A proj.celery worker -B\n"
            "  beat:\n    command: celery -A proj.celery beat\n    deploy:\n      replicas: 0\n"),
    }
    assert findings(tmp_path, files, "CEL505") == []


def test_beats_of_different_apps_are_not_added_up(tmp_path: Path) -> None:
    files = {
        "a/__init__.py": "", "a/celery.py": "from celery import Celery\napp = Celery('a')\n",
        "b/__init__.py": "", "b/celery.py": "from celery import Celery\napp = Celery('b')\n",
        "docker-compose.yml": (
            "services:\n  beat-a:\n    command: celery -A a.celery beat\n"
            "  beat-b:\n    command: celery -A b.celery beat\n"),
    }
    assert findings(tmp_path, files, "CEL505") == []


def test_comment_two_lines_above_is_not_read(tmp_path: Path) -> None:
    source = APP + (
        "app.conf.beat_schedule = {\n"
        "    # every 10 minutes\n"
        "\n"
        "    'sync': {'task': 't', 'schedule': 300},\n"
        "}\n")
    assert findings(tmp_path, {"proj/__init__.py": "", "proj/celery.py": source}, "CEL507") == []


def test_add_periodic_task_name_states_a_frequency(tmp_path: Path) -> None:
    source = APP + (
        "@app.on_after_finalize.connect\ndef setup(sender, **kwargs):\n"
        "    sender.add_periodic_task(60.0, ping.s(), name='ping every 10 seconds')\n"
        "@app.task\ndef ping():\n    pass\n")
    (finding,) = findings(tmp_path, {"proj/__init__.py": "", "proj/celery.py": source}, "CEL507")
    assert "every 10 seconds" in finding.message and "every minute" in finding.message
