"""Queue and beat rules judge deployments as users group them, not one file at a time."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint import api
from celerylint.findings import Finding
from celerylint.settings import Settings

CELERY = (
    "from celery import Celery\n"
    "app = Celery('proj', broker='{broker}', include=['proj.tasks'])\n"
    "app.conf.task_default_queue = 'default'\n"
    "app.conf.task_routes = {{'proj.tasks.build_report': {{'queue': 'reports'}}}}\n"
)
TASKS = (
    "from proj.celery import app\n\n"
    "@app.task\ndef build_report(day):\n    return day\n\n"
    "@app.task\ndef cleanup():\n    return 1\n\n"
    "def view():\n    build_report.delay('x')\n"
)


def project(broker: str = "redis://redis:6379/0", **files: str) -> dict[str, str]:
    return {"proj/__init__.py": "", "proj/celery.py": CELERY.format(broker=broker),
            "proj/tasks.py": TASKS, **files}


def findings(tmp_path: Path, files: dict[str, str], code: str = "CEL401") -> list[Finding]:
    root = write_tree(tmp_path / "p", files)
    result = api.run(Settings(root=root, paths=(root,), select=(code,), use_cache=False))
    assert not result.internal_errors
    return [f for f in result.findings if f.code == code]


def script(queue: str) -> str:
    return f"#!/bin/sh\nexec celery -A proj.celery worker -Q {queue}\n"


def test_per_queue_entrypoint_scripts_in_one_folder_are_one_deployment(tmp_path: Path) -> None:
    files = project(**{"docker/worker-default.sh": script("default"),
                       "docker/worker-reports.sh": script("reports")})
    assert findings(tmp_path, files) == []


def test_a_queue_no_script_of_the_folder_consumes_is_reported_once(tmp_path: Path) -> None:
    files = project(**{"docker/worker-default.sh": script("default"),
                       "docker/worker-emails.sh": script("default,emails")})
    (finding,) = findings(tmp_path, files)
    assert finding.path == "docker/worker-default.sh"
    assert "'reports'" in finding.message and "docker/ (entrypoint scripts)" in finding.message


SEED_COMPOSE = (
    "services:\n"
    "  worker:\n    command: celery -A proj.celery worker -Q default\n"
    "  beat:\n    command: celery -A proj.celery beat\n"
)


def test_seed_dev_and_prod_compose_files_are_two_deployments(tmp_path: Path) -> None:
    files = project(**{"docker-compose.dev.yml": SEED_COMPOSE,
                       "docker-compose.prod.yml": SEED_COMPOSE})
    reported = findings(tmp_path, files)
    assert sorted((f.path, f.line) for f in reported) == [
        ("docker-compose.dev.yml", 3), ("docker-compose.prod.yml", 3)]
    assert all("'reports'" in f.message for f in reported)


def test_default_override_file_is_merged(tmp_path: Path) -> None:
    override = ("services:\n  worker:\n"
                "    command: celery -A proj.celery worker -Q default,reports\n")
    files = project(**{"docker-compose.yml": SEED_COMPOSE,
                       "docker-compose.override.yml": override})
    assert findings(tmp_path, files) == []
    files.pop("docker-compose.override.yml")
    (finding,) = findings(tmp_path / "twin", files)
    assert finding.path == "docker-compose.yml"


def test_file_lists_in_a_makefile_merge_a_second_file(tmp_path: Path) -> None:
    extra = ("services:\n  reports:\n"
             "    command: celery -A proj.celery worker -Q reports\n")
    makefile = "up:\n\tdocker compose -f docker-compose.yml -f compose.reports.yml up -d\n"
    files = project(**{"docker-compose.yml": SEED_COMPOSE, "compose.reports.yml": extra,
                       "Makefile": makefile})
    # The merged project consumes 'reports'; only the plain `docker compose up` lacks it.
    reported = findings(tmp_path, files)
    assert [f.message.split(", but no worker in ")[1].split(" consumes")[0]
            for f in reported] == ["docker-compose.yml"]


def test_extends_copies_the_command_of_another_file(tmp_path: Path) -> None:
    common = ("services:\n  base-worker:\n"
              "    command: celery -A proj.celery worker -Q default,reports\n")
    compose = ("services:\n  worker:\n    extends:\n      file: common.yml\n"
               "      service: base-worker\n")
    files = project(**{"common.yml": common, "docker-compose.yml": compose})
    assert findings(tmp_path, files) == []


def test_message_names_the_broker_really_used(tmp_path: Path) -> None:
    files = project(broker="amqp://guest@rabbit//",
                    **{"Procfile": "worker: celery -A proj.celery worker -Q default\n"})
    (finding,) = findings(tmp_path, files)
    assert "RabbitMQ" in finding.message and "Redis" not in finding.message


BEAT_ONLY_TASKS = (
    "from proj.celery import app\n\n"
    "@app.task\ndef nightly():\n    return 1\n"
)
BEAT_ONLY_CELERY = (
    "from celery import Celery\n"
    "app = Celery('proj', broker='redis://r', include=['proj.tasks'])\n"
    "app.conf.task_default_queue = 'default'\n"
    "app.conf.task_routes = {'proj.tasks.nightly': {'queue': 'periodic'}}\n"
    "app.conf.beat_schedule = {'n': {'task': 'proj.tasks.nightly', 'schedule': 60}}\n"
)


def test_a_queue_only_beat_feeds_counts_only_where_beat_runs(tmp_path: Path) -> None:
    files = {"proj/__init__.py": "", "proj/celery.py": BEAT_ONLY_CELERY,
             "proj/tasks.py": BEAT_ONLY_TASKS,
             "Procfile": "worker: celery -A proj.celery worker -Q default\n"}
    assert findings(tmp_path, files) == []
    files["Procfile"] += "clock: celery -A proj.celery beat\n"
    (finding,) = findings(tmp_path / "twin", files)
    assert "'periodic'" in finding.message


def test_two_beats_in_one_folder_of_units_are_two_schedulers(tmp_path: Path) -> None:
    unit = "[Service]\nExecStart=/venv/bin/celery -A proj.celery {what}\n"
    files = project(**{"deploy/systemd/celery-worker.service": unit.format(what="worker -B"),
                       "deploy/systemd/celery-beat.service": unit.format(what="beat")})
    reported = findings(tmp_path, files, "CEL505")
    assert sorted(f.path for f in reported) == ["deploy/systemd/celery-beat.service",
                                                 "deploy/systemd/celery-worker.service"]
    files.pop("deploy/systemd/celery-worker.service")
    assert findings(tmp_path / "twin", files, "CEL505") == []


def test_a_beat_in_an_inactive_profile_is_no_second_scheduler(tmp_path: Path) -> None:
    compose = (SEED_COMPOSE + "  beat-debug:\n    profiles: [debug]\n"
               "    command: celery -A proj.celery beat\n")
    files = project(**{"docker-compose.yml": compose})
    assert findings(tmp_path, files, "CEL505") == []
    files["Makefile"] = "debug:\n\tdocker compose --profile debug up\n"
    assert len(findings(tmp_path / "twin", files, "CEL505")) == 2


def test_inventory_and_topology_show_the_grouping(tmp_path: Path) -> None:
    from celerylint.diagram.topology import topology_diagram
    from celerylint.inventory import build_inventory

    root = write_tree(tmp_path / "p", project(**{"docker/worker-default.sh": script("default"),
                                                 "docker/worker-reports.sh": script("reports")}))
    result = api.run(Settings(root=root, paths=(root,), use_cache=False))
    inventory = build_inventory(result.project)
    assert {w.deployment for w in inventory.workers} == {"docker/ (entrypoint scripts)"}
    clusters = [c.label for c in topology_diagram(result.project, result.findings).clusters]
    assert clusters == ["docker/ (entrypoint scripts) (shell)"]


HELM_WORKER = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-worker
spec:
  template:
    spec:
      containers:
        - name: worker
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          args: ["celery", "-A", "proj.celery", "worker", "-Q", {{ join "," .Values.worker.queues | quote }}]
"""


def helm_chart(queues: str) -> dict[str, str]:
    return project(**{"helm/proj/Chart.yaml": "apiVersion: v2\nname: proj\n",
                      "helm/proj/values.yaml": f"image:\n  tag: '1'\nworker:\n  queues: {queues}\n",
                      "helm/proj/templates/worker.yaml": HELM_WORKER})


def test_helm_worker_queues_come_from_values_yaml(tmp_path: Path) -> None:
    assert findings(tmp_path, helm_chart("[default, reports]")) == []
    (finding,) = findings(tmp_path / "twin", helm_chart("[default]"))
    assert (finding.path, finding.line) == ("helm/proj/templates/worker.yaml", 11)
    assert "'reports'" in finding.message


def test_unresolved_helm_values_are_a_verbose_note(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", helm_chart("[default]"))
    result = api.run(Settings(root=root, paths=(root,), select=("CEL401",), use_cache=False))
    (note,) = [n for n in result.notes if "values.yaml" in n]
    assert "{{ .Values.image.repository }}" in note and "helm/proj/templates/worker.yaml" in note


BRANCHES = """#!/bin/sh
if [ "$ENABLE_BEAT" = "1" ]; then
  exec celery -A proj.celery worker -B -Q default,reports
else
  exec celery -A proj.celery {other}
fi
"""


def test_beats_in_two_arms_of_an_if_are_one_scheduler(tmp_path: Path) -> None:
    files = project(**{"docker/entrypoint.sh": BRANCHES.format(other="beat")})
    assert findings(tmp_path, files, "CEL505") == []
    files["docker/entrypoint.sh"] += "celery -A proj.celery beat --detach\n"
    reported = findings(tmp_path / "twin", files, "CEL505")
    assert sorted(f.line for f in reported) == [3, 5, 7]


MODES = """#!/bin/sh
if [ "$MODE" = "production" ]; then
  exec celery -A proj.celery worker -B -Q default,reports
else
  exec celery -A proj.celery worker -B -Q {development}
fi
"""


def test_each_mode_of_an_entrypoint_is_a_deployment(tmp_path: Path) -> None:
    files = project(**{"docker/entrypoint.sh": MODES.format(development="default,reports")})
    assert findings(tmp_path, files) == []
    files["docker/entrypoint.sh"] = MODES.format(development="default")
    (finding,) = findings(tmp_path / "twin", files)
    assert (finding.path, finding.line) == ("docker/entrypoint.sh", 5)
    assert "docker/entrypoint.sh in mode 'else'" in finding.message


def test_arms_chosen_by_argument_run_together(tmp_path: Path) -> None:
    entrypoint = ("#!/bin/sh\ncase \"$1\" in\n"
                  "  default) exec celery -A proj.celery worker -Q default ;;\n"
                  "  reports) exec celery -A proj.celery worker -Q reports ;;\n"
                  "esac\n")
    assert findings(tmp_path, project(**{"docker/entrypoint.sh": entrypoint})) == []


SUPERVISORD = "[supervisord]\nnodaemon=true\n\n[program:worker]\ncommand=celery -A proj.celery worker -Q {queues}\n"
PROGRAM = "[program:{name}]\ncommand=celery -A proj.celery worker -Q {name}\n"


def test_each_supervisord_configuration_is_a_deployment(tmp_path: Path) -> None:
    files = project(**{"deploy/supervisor/prod.conf": SUPERVISORD.format(queues="default,reports"),
                       "deploy/supervisor/dev.conf": SUPERVISORD.format(queues="default")})
    (finding,) = findings(tmp_path, files)
    assert (finding.path, finding.line) == ("deploy/supervisor/dev.conf", 5)
    files["deploy/supervisor/dev.conf"] = SUPERVISORD.format(queues="default,reports")
    assert findings(tmp_path / "twin", files) == []


def test_supervisord_program_files_in_conf_d_run_together(tmp_path: Path) -> None:
    files = project(**{"deploy/supervisor/conf.d/default.conf": PROGRAM.format(name="default"),
                       "deploy/supervisor/conf.d/reports.conf": PROGRAM.format(name="reports"),
                       "deploy/supervisor/supervisord.conf": "[supervisord]\nnodaemon=true\n"
                       "[include]\nfiles = conf.d/*.conf\n"})
    assert findings(tmp_path, files) == []


def test_cel404_fills_in_systemd_environment(tmp_path: Path) -> None:
    unit = ("[Service]\nEnvironment=POOL={pool}\n"
            "ExecStart=/venv/bin/celery -A proj.celery worker --pool=${{POOL}}\n")
    (finding,) = findings(tmp_path, project(**{"celery.service": unit.format(pool="thread")}),
                          "CEL404")
    assert "'thread' is not one of" in finding.message
    assert findings(tmp_path / "twin", project(**{"celery.service": unit.format(pool="threads")}),
                    "CEL404") == []


def test_a_script_a_compose_service_runs_belongs_to_the_compose_project(tmp_path: Path) -> None:
    files = {"proj/__init__.py": "", "proj/celery.py": BEAT_ONLY_CELERY,
             "proj/tasks.py": BEAT_ONLY_TASKS,
             "docker/start-beat.sh": "#!/bin/sh\nexec celery -A proj.celery beat\n",
             "docker-compose.yml": (
                 "services:\n  worker:\n    image: proj\n"
                 "    command: celery -A proj.celery worker -Q default,periodic\n"
                 "  beat:\n    image: proj\n    command: [\"/app/docker/start-beat.sh\"]\n")}
    assert findings(tmp_path, files, "CEL506") == []
    files["docker-compose.yml"] = files["docker-compose.yml"].replace("start-beat.sh", "other.sh")
    (finding,) = findings(tmp_path / "twin", files, "CEL506")
    assert finding.path == "docker-compose.yml"


def test_cel404_message_masks_a_password_in_the_command(tmp_path: Path) -> None:
    procfile = "worker: celery -b redis://:s3cretpass@redis:6379/0 -A proj.celery worker -Z\n"
    (finding,) = findings(tmp_path, project(**{"Procfile": procfile}), "CEL404")
    assert "s3cretpass" not in finding.message and "-Z" in finding.message


def test_beat_in_one_mode_of_a_script_counts_for_its_other_modes(tmp_path: Path) -> None:
    script = ("#!/bin/sh\nif [ \"$ROLE\" = beat ]; then\n  exec celery -A proj.celery beat\n"
              "else\n  exec celery -A proj.celery worker -Q default,reports\nfi\n")
    files = {"proj/__init__.py": "", "proj/celery.py": BEAT_ONLY_CELERY,
             "proj/tasks.py": BEAT_ONLY_TASKS, "docker/entrypoint.sh": script}
    assert findings(tmp_path, files, "CEL506") == []
    files["docker/entrypoint.sh"] = script.replace("beat\n  exec", "flower\n  exec").replace(
        "celery -A proj.celery beat", "celery -A proj.celery flower")
    assert len(findings(tmp_path / "twin", files, "CEL506")) == 1


HELM_LOOP = """\
{{- range $name, $worker := .Values.workers }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}-worker
spec:
  template:
    spec:
      containers:
        - name: worker
          args: ["celery", "-A", "proj.celery", "worker", "-Q", {{ join "," $worker.queues | quote }}]
{{- end }}
"""


def test_helm_workers_made_in_a_range_loop_are_each_read(tmp_path: Path) -> None:
    values = "workers:\n  main:\n    queues: [default]\n  reports:\n    queues: [{queue}]\n"
    files = project(**{"chart/Chart.yaml": "apiVersion: v2\nname: proj\n",
                       "chart/values.yaml": values.format(queue="reports"),
                       "chart/templates/workers.yaml": HELM_LOOP})
    assert findings(tmp_path, files) == []
    files["chart/values.yaml"] = values.format(queue="report")
    (finding,) = findings(tmp_path / "twin", files)
    assert (finding.path, finding.line) == ("chart/templates/workers.yaml", 12)
