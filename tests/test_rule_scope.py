"""Hygiene rules speak about what Celery runs (issue 19 item 1).

The same three mistakes (a commented-out call, a missing module, an undeclared
dependency) sit in worker code and in a management command no worker imports:
by default only the worker's are reported, each naming the process and the
import chain; ``scope = "project"`` and ``--scope project`` report both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint import api
from celerylint.cli import main
from celerylint.settings import Settings

MISTAKES = (
    "import stripe\n\n"
    "from proj.billing import charge\n\n\n"
    "def run():\n"
    "    # notify_admins.delay('nightly run finished')\n"
    "    return stripe, charge\n"
)
PROJECT: Mapping[str, str] = {
    "requirements.txt": "celery[redis]\n",
    "docker-compose.yml": (
        "services:\n"
        "  worker:\n"
        "    command: celery -A proj worker -l info\n"),
    "proj/__init__.py": "from proj.celery import app\n",
    "proj/celery.py": ("from celery import Celery\n\n"
                       'app = Celery("proj", include=["proj.tasks"])\n'),
    "proj/tasks.py": "from proj.celery import app\nfrom proj import llm\n\n\n"
                     "@app.task\ndef summarise():\n    return llm.run()\n",
    "proj/llm.py": MISTAKES,
    "proj/management/__init__.py": "",
    "proj/management/commands/__init__.py": "",
    "proj/management/commands/cleanup.py": MISTAKES,
}
CODES = ("CEL701", "CEL704", "CEL710")
WORKER_FILE = "proj/llm.py"
COMMAND_FILE = "proj/management/commands/cleanup.py"


def findings(root: Path, **settings: object) -> list[tuple[str, str, str]]:
    result = api.run(Settings(root=root, paths=(root,), use_cache=False, select=CODES,
                              **settings))  # type: ignore[arg-type]
    assert not result.internal_errors
    return sorted((f.path, f.code, f.message) for f in result.findings)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "project", PROJECT)


def test_worker_code_is_reported_with_the_process_and_the_chain(project: Path) -> None:
    found = findings(project)
    assert sorted((path, code) for path, code, _ in found) == [
        (WORKER_FILE, code) for code in CODES]
    chain = "`celery -A proj worker` in docker-compose.yml imports proj.tasks → proj.llm"
    for _path, code, message in found:
        assert chain in message, message
    messages = {code: message for _path, code, message in found}
    assert messages["CEL701"].endswith("it is the worker that fails.")
    assert "the worker runs this module without the commented-out code" in messages["CEL710"]


def test_a_management_command_no_worker_imports_is_not_judged(project: Path) -> None:
    assert not any(path == COMMAND_FILE for path, _code, _m in findings(project))
    result = api.run(Settings(root=project, paths=(project,), use_cache=False, select=CODES))
    assert result.out_of_scope == len(CODES)


def test_scope_project_judges_every_first_party_module(project: Path) -> None:
    found = findings(project, scope="project")
    assert sorted({(path, code) for path, code, _ in found}) == sorted(
        (path, code) for path in (COMMAND_FILE, WORKER_FILE) for code in CODES)
    assert not any("imports proj" in message for _p, _c, message in found)


def test_scope_project_from_the_config_file_and_the_command_line(
        project: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)

    def reported(*args: str) -> set[str]:
        main(["check", "--no-cache", "--format", "json", "--select", ",".join(CODES),
              *args])
        return {item["filename"] for item in json.loads(capsys.readouterr().out)}

    assert reported() == {WORKER_FILE}
    assert reported("--scope", "project") == {WORKER_FILE, COMMAND_FILE}
    (project / "pyproject.toml").write_text('[tool.celerylint]\nscope = "project"\n',
                                            encoding="utf-8")
    assert reported() == {WORKER_FILE, COMMAND_FILE}
    assert reported("--scope", "celery") == {WORKER_FILE}


def test_verbose_says_how_many_findings_were_out_of_scope(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--no-cache", "--verbose", "--select", ",".join(CODES), str(project)])
    assert "3 hygiene finding(s) about code no Celery process loads were left out" in (
        capsys.readouterr().err)


def test_without_a_worker_command_every_app_closure_stands_in(project: Path) -> None:
    (project / "docker-compose.yml").unlink()
    found = findings(project)
    assert {path for path, _c, _m in found} == {WORKER_FILE}
    assert all("A worker of the Celery app in proj/celery.py" in m for _p, _c, m in found)


def test_code_a_task_imports_when_it_runs_is_in_scope(project: Path) -> None:
    (project / "proj/tasks.py").write_text(
        "from proj.celery import app\n\n\n@app.task\ndef summarise():\n"
        "    from proj import llm\n    return llm.run()\n", encoding="utf-8")
    assert {path for path, _c, _m in findings(project)} == {WORKER_FILE}


def test_celery_configuration_is_in_scope_wherever_it_lives(project: Path) -> None:
    (project / "proj/celery.py").write_text(
        "from celery import Celery\n\n"
        'app = Celery("proj", include=["proj.tasks"])\n'
        'app.config_from_object("settings.celeryconfig")\n', encoding="utf-8")
    write_tree(project, {"settings/__init__.py": "",
                         "settings/celeryconfig.py": "# broker_url = 'redis://old:6379/0'\n"
                                                     "broker_url = 'redis://redis:6379/0'\n"})
    assert "settings/celeryconfig.py" in {path for path, _c, _m in findings(project)}


def test_a_project_without_celery_is_judged_whole(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "plain", {"requirements.txt": "django\n",
                                           "tool/__init__.py": "", "tool/run.py": MISTAKES})
    assert {path for path, _c, _m in findings(root)} == {"tool/run.py"}


def test_env_variables_celery_code_reads_are_in_scope(project: Path) -> None:
    """The hook env rules judge by: a variable read by worker code, not by a command."""
    (project / "proj/llm.py").write_text("import os\n\nMODEL = os.environ['LLM_MODEL']\n",
                                         encoding="utf-8")
    (project / COMMAND_FILE).write_text("import os\n\nDAYS = os.environ['CLEANUP_DAYS']\n",
                                        encoding="utf-8")
    result = api.run(Settings(root=project, paths=(project,), use_cache=False, select=CODES))
    scope = result.project.process_scope()
    assert scope.covers_variable("LLM_MODEL")
    assert not scope.covers_variable("CLEANUP_DAYS")
    assert scope.covers_path("docker-compose.yml")
    assert not scope.covers_path(COMMAND_FILE)
    chain = result.project.loading_chain("proj.llm")
    assert chain is not None and chain.chain == ("proj.tasks", "proj.llm")
    assert chain.process.kind == "worker"
    assert result.project.loading_chain("proj.management.commands.cleanup") is None


def test_a_noqa_on_a_finding_out_of_scope_is_not_called_unused(project: Path) -> None:
    (project / COMMAND_FILE).write_text(
        "def run():\n    # notify_admins.delay('done')  # noqa: CEL710\n    return 1\n",
        encoding="utf-8")
    result = api.run(Settings(root=project, paths=(project,), use_cache=False,
                              select=("CEL710", "CEL002")))
    assert not [f for f in result.findings if f.path == COMMAND_FILE]


def test_a_settings_file_loaded_by_path_is_in_scope(project: Path) -> None:
    """Nothing imports it (a Dockerfile copies it into place), but Celery reads it."""
    write_tree(project, {"deploy/celeryconfig.py": "# result_backend = 'redis://old:6379/1'\n"
                                                   "broker_url = 'redis://redis:6379/0'\n",
                         "deploy/notes.py": "# timezone = 'UTC'\ntimezone = 'UTC'\n"})
    reported = {path for path, _c, _m in findings(project)}
    assert "deploy/celeryconfig.py" in reported
    assert "deploy/notes.py" not in reported  # a setting name everyday code uses too
    assert "deploy/notes.py" in {path for path, _c, _m in findings(project, scope="project")}
