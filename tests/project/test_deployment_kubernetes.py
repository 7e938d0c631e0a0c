"""Kubernetes manifests and Helm templates: containers, command + args, replicas, env."""

from __future__ import annotations

import textwrap

from celerylint.project.deploy.deployments import (
    DeploymentFacts,
    DeploymentKind,
    DeploymentProblemKind,
    ProcessKind,
    parse_deployment,
)


def manifest(text: str, path: str = "k8s/worker.yaml") -> DeploymentFacts:
    facts = parse_deployment(path, textwrap.dedent(text))
    assert facts is not None
    return facts


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: celery-worker
spec:
  replicas: 2
  template:
    spec:
      initContainers:
        - name: migrate
          command: ["python", "manage.py", "migrate"]
      containers:
        - name: worker
          image: registry/proj:1.2
          command: ["celery"]
          args: ["-A", "proj", "worker", "-Q", "$(QUEUES)"]
          env:
            - name: QUEUES
              value: a,b
            - name: BROKER_URL
              valueFrom:
                secretKeyRef: {name: broker, key: url}
        - name: beat
          args: ["celery", "-A", "proj", "beat"]
"""


def test_every_container_is_a_service_named_after_its_workload() -> None:
    facts = manifest(DEPLOYMENT)
    assert facts.kind is DeploymentKind.KUBERNETES
    assert [(item.name, item.line, item.replicas) for item in facts.services] == [
        ("celery-worker/migrate", 10, 2),
        ("celery-worker/worker", 13, 2),
        ("celery-worker/beat", 23, 2),
    ]


def test_command_and_args_run_together_and_k8s_variables_are_unknown() -> None:
    worker = manifest(DEPLOYMENT).services[1]
    (command,) = worker.commands
    assert (command.kind, command.app, command.queues_known) == (ProcessKind.WORKER, "proj", False)
    assert (command.line, command.column) == (15, 20)
    assert worker.image == "registry/proj:1.2"


def test_environment_entries_without_a_literal_value() -> None:
    worker = manifest(DEPLOYMENT).services[1]
    assert worker.environment == (("QUEUES", "a,b", 18), ("BROKER_URL", None, 20))


def test_args_alone_can_hold_the_whole_command() -> None:
    (command,) = manifest(DEPLOYMENT).services[2].commands
    assert command.kind is ProcessKind.BEAT


def test_several_documents_and_a_cronjob_shell_command() -> None:
    facts = manifest(
        """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {A: b}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: purge}
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                  - name: purge
                    command: ["sh", "-c", "celery -A proj purge -f"]
        """
    )
    (purge,) = facts.services
    assert purge.name == "purge/purge"
    assert [(c.kind, c.subcommand) for c in purge.commands] == [(ProcessKind.OTHER, "purge")]
    assert purge.replicas is None


def test_list_kind_items() -> None:
    facts = manifest(
        """\
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Pod
            metadata: {name: solo}
            spec:
              containers:
                - name: w
                  command: [celery, -A, proj, worker, -P, solo]
        """
    )
    (pod,) = facts.services
    assert (pod.name, pod.commands[0].pool) == ("solo/w", "solo")


def test_helm_template_placeholders_are_unknown_values() -> None:
    facts = manifest(
        """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ include "proj.fullname" . }}-worker
          labels:
            {{- include "proj.labels" . | nindent 4 }}
        spec:
          replicas: {{ .Values.worker.replicas }}
          template:
            spec:
              containers:
                - name: worker
                  command:
                    - celery
                    - -A
                    - proj
                    - worker
                    - -Q
                    - {{ .Values.queues | quote }}
                  {{- with .Values.resources }}
                  resources: {{ toYaml . | nindent 12 }}
                  {{- end }}
        """,
        path="charts/proj/templates/worker.yaml",
    )
    (worker,) = facts.services
    (command,) = worker.commands
    assert worker.name == "{{...}}-worker/worker"
    assert worker.replicas is None
    assert (command.app, command.queues_known) == ("proj", False)
    assert "{{...}}" in command.raw
    assert facts.problems == ()


def test_template_that_stays_unreadable_is_a_templated_problem() -> None:
    facts = manifest("kind: Deployment\nspec: {{ if }}: [\n", path="charts/p/templates/x.yaml")
    (problem,) = facts.problems
    assert problem.kind is DeploymentProblemKind.TEMPLATED


def test_invalid_yaml_in_a_manifest_directory_is_a_problem() -> None:
    (problem,) = manifest("kind: Deployment\nspec: [\n").problems
    assert problem.kind is DeploymentProblemKind.INVALID_YAML


def test_yaml_that_is_neither_compose_nor_kubernetes_is_not_a_deployment() -> None:
    assert parse_deployment("k8s/values.yaml", "replicas: 3\nkind: of\n") is None
    assert parse_deployment("config/app.yml", "kind: Deployment\n") is None
    assert parse_deployment("config/app.yml", "broken: [\n") is None
    assert parse_deployment("docs/list.yml", "- kind: a\n") is None


def test_a_manifest_outside_manifest_directories_is_found_by_content() -> None:
    facts = manifest(DEPLOYMENT, path="ops/worker.yml")
    assert len(facts.services) == 3
