"""Kubernetes manifests (and rendered-enough Helm templates) as deployment facts.

Each container of each workload becomes a service named ``workload/container``;
its process is ``command:`` + ``args:``, the workload's ``spec.replicas`` its
scale.  Containers are found wherever a pod template puts them (Deployment,
StatefulSet, Job, CronJob, Pod, or a ``kind: List``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from celerylint.project.deploy.deployment_facts import (
    DeploymentFacts,
    DeploymentKind,
    EnvironmentEntry,
    ServiceFacts,
)
from celerylint.project.deploy.deployment_yaml import (
    TEMPLATE_PLACEHOLDER,
    MarkedDict,
    MarkedList,
    YamlDocuments,
    integer,
)
from celerylint.project.deploy.worker_command import find_celery_commands_in_process

__all__ = ["looks_like_kubernetes", "read_kubernetes"]

_CONTAINER_LISTS = ("initContainers", "containers")
_MAX_WALK_NODES = 10_000  # aliases can make a small file a huge graph


def looks_like_kubernetes(document: Any) -> bool:
    return isinstance(document, dict) and "kind" in document and "apiVersion" in document


def read_kubernetes(path: str, loaded: YamlDocuments) -> DeploymentFacts:
    services: list[ServiceFacts] = []
    for document in loaded.mappings():
        if looks_like_kubernetes(document):
            for workload in _workloads(document):
                services.extend(_workload_services(workload))
    return DeploymentFacts(path, DeploymentKind.KUBERNETES, tuple(services), tuple(loaded.problems))


def _workloads(document: MarkedDict) -> Iterator[MarkedDict]:
    """The document itself, or the items of a ``kind: List``."""
    items = document.get("items")
    if document.get("kind") == "List" and isinstance(items, list):
        yield from (item for item in items if isinstance(item, MarkedDict))
    else:
        yield document


def _workload_services(workload: MarkedDict) -> list[ServiceFacts]:
    metadata = workload.get("metadata")
    workload_name = metadata.get("name") if isinstance(metadata, dict) else None
    spec = workload.get("spec")
    replicas = integer(spec.get("replicas")) if isinstance(spec, dict) else None
    services = []
    for container, line in _containers(workload):
        container_name = str(container.get("name") or "container")
        name = f"{workload_name}/{container_name}" if workload_name else container_name
        name = name.replace(TEMPLATE_PLACEHOLDER, "{{...}}")
        services.append(_container_service(name, container, line, replicas))
    return services


def _containers(workload: MarkedDict) -> Iterator[tuple[MarkedDict, int]]:
    """Every container mapping under the workload, with the line it starts on."""
    pending: deque[Any] = deque([workload])
    seen: set[int] = set()
    while pending and len(seen) < _MAX_WALK_NODES:
        node = pending.popleft()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MarkedDict):
            for key, value in node.items():
                if key in _CONTAINER_LISTS and isinstance(value, MarkedList):
                    yield from (
                        (item, mark[0])
                        for item, mark in zip(value, value.item_marks)
                        if isinstance(item, MarkedDict)
                    )
                elif isinstance(value, (dict, list)):
                    pending.append(value)
        elif isinstance(node, list):
            pending.extend(item for item in node if isinstance(item, (dict, list)))


def _container_service(
    name: str, container: MarkedDict, line: int, replicas: int | None
) -> ServiceFacts:
    command, args = container.get("command"), container.get("args")
    anchor = "command" if command is not None else "args"
    commands = tuple(
        replace(found, raw=found.raw.replace(TEMPLATE_PLACEHOLDER, "{{...}}"))
        for found in find_celery_commands_in_process(
            _program_part(command), _program_part(args), *container.value_mark(anchor)
        )
    )
    image = container.get("image")
    return ServiceFacts(
        name=name,
        line=line,
        commands=commands,
        replicas=replicas,
        environment=_environment(container.get("env")),
        image=image if isinstance(image, str) else None,
    )


def _program_part(value: Any) -> str | list[Any] | None:
    if isinstance(value, (str, list)):
        return value
    return None


def _environment(env: Any) -> tuple[EnvironmentEntry, ...]:
    """``env: [{name, value}]``; a ``valueFrom`` entry has no value to read."""
    if not isinstance(env, MarkedList):
        return ()
    entries = []
    for item, (line, _column) in zip(env, env.item_marks):
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            value = item.get("value")
            entries.append((item["name"], None if value is None else str(value), line))
    return tuple(entries)
