"""Variables a worker command line needs, and the names a project assigns."""

from __future__ import annotations

from celerylint.project.deploy.command_variables import assigned_names, command_variables
from celerylint.project.deploy.deployments import parse_deployment


def names(path: str, text: str) -> list[str]:
    facts = parse_deployment(path, text)
    assert facts is not None
    return [v.name for v in command_variables(facts)]


def test_supervisord_env_references() -> None:
    text = "[program:w]\ncommand=celery -A %(ENV_APP)s worker -n %(program_name)s_%(process_num)d\n"
    assert names("supervisord.conf", text) == ["APP"]


def test_systemd_variables_not_given_by_the_unit() -> None:
    text = ("[Service]\nEnvironment=A=1\n"
            "ExecStart=/bin/celery -A ${A} worker -Q $QUEUES --logfile=${LOGS_DIRECTORY}/w.log\n")
    assert names("celery.service", text) == ["QUEUES"]
    with_file = text.replace("[Service]\n", "[Service]\nEnvironmentFile=/etc/celery.env\n")
    assert names("celery.service", with_file) == []


def test_assignment_spellings() -> None:
    texts = ["ENV WORKER_QUEUES=a\n", "environment:\n  - CONCURRENCY=4\n", "  LEVEL: info\n",
             "- name: POOL\n  value: threads\n", "export BEAT_DB=/tmp\n"]
    assert {"WORKER_QUEUES", "CONCURRENCY", "LEVEL", "POOL", "BEAT_DB"} <= assigned_names(texts)
    assert "QUEUES" not in assigned_names(["celery -A p worker -Q ${QUEUES} %(ENV_QUEUES)s\n"])
