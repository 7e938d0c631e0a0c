"""Workers and beat processes on the topology: workers grouped by deployment, one beat
box per deployment pointing at the schedules it runs.

A beat process reads a whole schedule, so it points at the schedule box, not at
every entry: four beat processes and nine entries are four arrows, not thirty-six.
"""

from __future__ import annotations

from collections import defaultdict

from celerylint.diagram.model import DiagramBuilder, EdgeKind, NodeKind
from celerylint.diagram.problems import QUEUE_FAMILIES, NodeProblems, ProblemIndex, merged
from celerylint.diagram.topology_boxes import queue_box, schedule_node
from celerylint.diagram.topology_view import Process, TopologyView
from celerylint.project.deploy.worker_command import ProcessKind
from celerylint.secrets import mask_secrets_in_text


def draw_processes(builder: DiagramBuilder, view: TopologyView, problems: ProblemIndex) -> None:
    beats: dict[str, list[Process]] = defaultdict(list)
    for process in view.processes:
        if process.kind is ProcessKind.BEAT:
            beats[process.deployment].append(process)
        else:
            _worker(builder, view, process, problems)
    for deployment, processes in sorted(beats.items()):
        _beat(builder, view, deployment, processes, problems)


def _worker(builder: DiagramBuilder, view: TopologyView, process: Process,
            problems: ProblemIndex) -> None:
    for queue in sorted(process.queues or ()):
        builder.edge(queue_box(builder, queue, problems), (NodeKind.WORKER, process.key),
                     EdgeKind.CONSUMES)
    cluster = builder.cluster(f"deploy:{process.deployment}", _deployment_label(view, process))
    builder.node(NodeKind.WORKER, process.key, _worker_label(process), cluster=cluster,
                 **_found(builder, problems, [process]).as_style())


def _deployment_label(view: TopologyView, process: Process) -> str:
    kind = next((d.kind.value for d in view.model.deployments if d.path == process.path), "")
    return f"{process.deployment} ({kind})" if kind else process.deployment


def _worker_label(process: Process) -> list[str]:
    command = process.command
    label = [f"worker: {process.service}"]
    if command.app:
        label.append(f"-A {command.app}")
    label.append("queues: " + (", ".join(sorted(process.queues))
                               if process.queues is not None else "unknown"))
    if command.concurrency is not None:
        label.append(f"concurrency {command.concurrency}")
    if command.embedded_beat:
        label.append("+ embedded beat (-B)")
    return [mask_secrets_in_text(line) for line in label]


def _beat(builder: DiagramBuilder, view: TopologyView, deployment: str,
          processes: list[Process], problems: ProblemIndex) -> None:
    """One box for the deployment's beat; several processes are named (and CEL505 shows)."""
    services = sorted({p.service for p in processes})
    label = ["beat: " + ", ".join(services), deployment]
    if len(processes) > 1:
        label.append(f"{len(processes)} beat processes")
    builder.node(NodeKind.BEAT_PROCESS, deployment, [mask_secrets_in_text(x) for x in label],
                 **_found(builder, problems, processes).as_style())
    model = view.model
    scheduled = sorted({entry.app_id for entry in model.beat_entries})
    for app_id in scheduled:
        if any(p.app_id in (None, app_id) for p in processes):
            builder.edge((NodeKind.BEAT_PROCESS, deployment), schedule_node(builder, model, app_id),
                         EdgeKind.SCHEDULES, dashed=True)


def _found(builder: DiagramBuilder, problems: ProblemIndex,
           processes: list[Process]) -> NodeProblems:
    """Findings reported on the processes' service lines (queue findings stay on queues)."""
    found = [problems.located(p.path, min(p.service_line, p.command.line), p.command.line,
                              drawn_on=(builder.names(NodeKind.QUEUE), QUEUE_FAMILIES))
             for p in processes]
    return merged(found)


__all__ = ["draw_processes"]
