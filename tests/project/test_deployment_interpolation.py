"""Compose's interpolation of ``${VAR}`` in worker commands, and the queue rules that rest on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint import api
from celerylint.findings import Finding
from celerylint.project.deploy.compose_interpolation import DotEnv, interpolate, interpolate_part
from celerylint.project.deploy.compose_invocations import compose_invocations
from celerylint.project.deploy.deployment_groups import group_deployments
from celerylint.project.deploy.deployments import DeploymentKind, parse_deployment
from celerylint.settings import Settings

DOTENV = DotEnv({"SET": "v", "EMPTY": "", "API_TOKEN": "t0ps3cret", "URL": "redis://:pw@h/0",
                 "CHAINED": "${SET}"}, ".env", "docker-compose.yml")


@pytest.mark.parametrize(("written", "result"), [
    ("${SET}", "v"), ("$SET", "v"), ("${SET:-d}", "v"), ("${SET-d}", "v"),
    ("${UNSET:-d}", "d"), ("${UNSET-d}", "d"),
    ("${EMPTY:-d}", "d"), ("${EMPTY-d}", ""),  # ``:-`` also replaces an empty value
    ("${SET:?needed}", "v"), ("${SET:+alt}", "alt"), ("${EMPTY+alt}", "alt"),
    ("${UNSET:-${SET}}", "v"), ("${UNSET:-${OTHER:-x}}", "x"),
    ("a$${SET}b", "a${SET}b"), ("$$SET", "$SET"),  # ``$$`` is a literal ``$``, not read
    ("plain", "plain"), ("cost $5", "cost $5"),
])
def test_each_form_takes_the_dotenv_value_else_its_default(written: str, result: str) -> None:
    assert interpolate(written, DOTENV).text == result


@pytest.mark.parametrize("written", [
    "${UNSET}", "$UNSET", "${UNSET:?needed}", "${UNSET?needed}", "${UNSET:+alt}",
    "${UNSET:-${OTHER}}", "${EMPTY:?needed}",
])
def test_what_only_the_shell_could_set_is_left_as_an_expansion(written: str) -> None:
    done = interpolate(written, DOTENV)
    assert done.text == written
    assert done.substitutions[0].value is None


@pytest.mark.parametrize("written", ["${API_TOKEN:-x}", "${URL}", "${CHAINED}"])
def test_credentials_and_values_built_from_other_variables_are_not_read(written: str) -> None:
    done = interpolate(written, DOTENV)
    assert done.text == written
    assert "t0ps3cret" not in done.substitutions[0].describe()
    assert "pw" not in done.substitutions[0].describe()


def test_the_note_says_where_the_value_came_from() -> None:
    (unset,) = interpolate("-Q ${Q:-default}", DotEnv({}, None, "docker-compose.yml")).substitutions
    assert unset.describe() == ("${Q:-default} is 'default': .env beside docker-compose.yml "
                                "does not set Q")
    (set_,) = interpolate("${Q:-default}", DotEnv({"Q": "a,b"}, "deploy/.env", "x")).substitutions
    assert set_.describe() == "${Q:-default} is 'a,b': deploy/.env sets Q"


def test_argv_lists_are_interpolated_item_by_item() -> None:
    words, found = interpolate_part(["celery", "-Q", "${Q:-a b}", "$$X"], DotEnv({}, None, "c"))
    assert words == ("celery", "-Q", "a b", "$X")
    assert [s.name for s in found] == ["Q"]


# --- merged compose projects -----------------------------------------------------------------
def worker(queues: str, extra: str = "") -> str:
    return ("services:\n  worker:\n    image: proj\n"
            f"    command: celery -A proj worker -Q {queues}\n{extra}")


def merged_queues(files: dict[str, str], listed: tuple[str, ...] | None = None
                  ) -> tuple[tuple[str, ...] | None, bool]:
    deployments = [d for d in (parse_deployment(p, t) for p, t in sorted(files.items())) if d]
    composes = frozenset(d.path for d in deployments if d.kind is DeploymentKind.COMPOSE)
    invocations = compose_invocations(files.items(), composes, frozenset(files))
    dotenvs = {path: dict(line.split("=", 1) for line in text.splitlines())
               for path, text in files.items() if path.endswith(".env")}
    found = group_deployments(deployments, set(files), invocations.file_lists,
                              invocations.profiles, dotenvs, invocations.env_files)
    (group,) = [g for g in found if listed is None or g.files == listed]
    (command,) = [c for _placed, c in group.commands()]
    return command.queues, command.queues_known


def test_the_project_dotenv_wins_over_the_default() -> None:
    assert merged_queues({"docker-compose.yml": worker("${Q:-default}")}) == (("default",), True)
    assert merged_queues({"docker-compose.yml": worker("${Q:-default}"),
                          ".env": "Q=default,reports"}) == (("default", "reports"), True)


def test_a_dotenv_in_another_folder_does_not_count() -> None:
    assert merged_queues({"deploy/docker-compose.yml": worker("${Q:-default}"),
                          ".env": "Q=reports"}) == (("default",), True)
    assert merged_queues({"deploy/docker-compose.yml": worker("${Q:-default}"),
                          "deploy/.env": "Q=reports"}) == (("reports",), True)


def test_a_services_env_file_does_not_feed_interpolation() -> None:
    files = {"docker-compose.yml": worker("${Q:-default}", "    env_file: [worker.env]\n"),
             "worker.env": "Q=reports"}
    assert merged_queues(files) == (("default",), True)


def test_an_unset_variable_and_the_container_shells_variable_stay_unknown() -> None:
    assert merged_queues({"docker-compose.yml": worker("${Q}")}) == ((), False)
    shell = ("services:\n  worker:\n    image: proj\n"
             "    command: sh -c \"celery -A proj worker -Q $$QUEUES\"\n")
    assert merged_queues({"docker-compose.yml": shell}) == ((), False)


def test_the_base_files_dotenv_interpolates_an_override() -> None:
    files = {"docker-compose.yml": worker("default"),
             "docker-compose.override.yml": "services:\n  worker:\n"
             "    command: celery -A proj worker -Q ${Q:-default}\n",
             ".env": "Q=reports"}
    assert merged_queues(files) == (("reports",), True)


PROD = "services:\n  worker:\n    environment: [MODE=prod]\n"
LISTED = ("docker-compose.yml", "docker-compose.prod.yml")


def test_an_env_file_option_replaces_the_project_dotenv() -> None:
    files = {"docker-compose.yml": worker("${Q:-default}"), "docker-compose.prod.yml": PROD,
             ".env": "Q=dev", "deploy/prod.env": "Q=default,reports",
             "Makefile": "prod:\n\tdocker compose --env-file deploy/prod.env "
                         "-f docker-compose.yml -f docker-compose.prod.yml up -d\n"}
    assert merged_queues(files, LISTED) == (("default", "reports"), True)
    assert merged_queues(files, ("docker-compose.yml",)) == (("dev",), True)


@pytest.mark.parametrize("env_file", ["secrets/prod.env", "$ENV_FILE"])
def test_an_env_file_that_cannot_be_read_leaves_the_variables_unknown(env_file: str) -> None:
    files = {"docker-compose.yml": worker("${Q:-default}"), "docker-compose.prod.yml": PROD,
             "Makefile": f"prod:\n\tdocker compose --env-file {env_file} "
                         "-f docker-compose.yml -f docker-compose.prod.yml up -d\n"}
    assert merged_queues(files, LISTED) == ((), False)


# --- the queue rules on a project --------------------------------------------------------------
CELERY = (
    "from celery import Celery\n"
    "app = Celery('proj', broker='redis://redis:6379/0', include=['proj.tasks'])\n"
    "app.conf.task_default_queue = 'default'\n"
    "app.conf.task_routes = {'proj.tasks.build_report': {'queue': 'reports'}}\n"
)
TASKS = ("from proj.celery import app\n\n@app.task\ndef build_report(day):\n    return day\n\n"
         "def view():\n    build_report.delay('x')\n")
COMPOSE = ("services:\n  worker:\n    image: proj\n"
           "    command: celery -A proj.celery worker -Q ${WORKER_QUEUES:-default}\n")


def findings(root: Path, files: dict[str, str], code: str) -> list[Finding]:
    write_tree(root, {"proj/__init__.py": "", "proj/celery.py": CELERY, "proj/tasks.py": TASKS,
                      "docker-compose.yml": COMPOSE, **files})
    result = api.run(Settings(root=root, paths=(root,), select=(code,), use_cache=False))
    assert not result.internal_errors
    return [f for f in result.findings if f.code == code]


def test_a_queue_the_interpolated_default_leaves_out_is_reported(tmp_path: Path) -> None:
    (finding,) = findings(tmp_path / "p", {}, "CEL401")
    assert (finding.path, finding.line) == ("docker-compose.yml", 4)
    assert "'reports'" in finding.message
    assert ("${WORKER_QUEUES:-default} is 'default': .env beside docker-compose.yml does not "
            "set WORKER_QUEUES") in finding.message


def test_the_message_names_only_the_values_the_queues_rest_on(tmp_path: Path) -> None:
    compose = COMPOSE.replace("${WORKER_QUEUES:-default}", "${WORKER_QUEUES:-default} -c ${C:-2}")
    (finding,) = findings(tmp_path / "p", {"docker-compose.yml": compose}, "CEL401")
    assert "${WORKER_QUEUES:-default} is 'default'" in finding.message
    assert "${C:-2}" not in finding.message


def test_the_dotenv_that_sets_the_queues_silences_it(tmp_path: Path) -> None:
    assert findings(tmp_path / "p", {".env": "WORKER_QUEUES=default,reports\n"}, "CEL401") == []


def test_an_interpolated_queue_nothing_sends_to_is_reported_with_its_source(tmp_path: Path) -> None:
    dotenv = {".env": "WORKER_QUEUES=default,reports,reprots\n"}
    (finding,) = findings(tmp_path / "p", dotenv, "CEL402")
    assert "'reprots'" in finding.message and ".env sets WORKER_QUEUES" in finding.message
    assert findings(tmp_path / "twin", {".env": "WORKER_QUEUES=default,reports\n"},
                    "CEL402") == []
