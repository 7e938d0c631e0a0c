"""The system inventory: what a Celery project runs, read from the one project model.

The Celery version it declares against the one celerylint judges by, apps,
tasks, beat entries, queues, workers, env files and direct Redis clients, as
plain frozen records that the text, Markdown and JSON formats
(``inventory_format``) and the report print.  Nothing here re-reads source:
every answer comes from ``celery_model`` / ``env_model`` / ``queue_traffic``,
the same objects the rules judge.  Secrets never enter a record: URLs are
masked here, and env files contribute their keys only, never a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celerylint.diagram.labels import (
    config_sources,
    connection_text,
    describe_schedule,
    option_text,
)
from celerylint.printable import printable
from celerylint.project.celery.celery_model import CeleryModel, celery_model
from celerylint.project.celery.celery_tasks import SHARED, TaskDefinition
from celerylint.project.celery.celery_versions import CeleryVersions, celery_versions
from celerylint.project.celery.queue_traffic import queue_traffic
from celerylint.project.celery.routing import declared_queues
from celerylint.project.deploy.deployment_groups import DeploymentGroup, ProcessKey, process_groups
from celerylint.project.deploy.worker_command import ProcessKind
from celerylint.project.environment.env_model import env_model
from celerylint.project.evaluate import UNKNOWN, EnvValue, plain
from celerylint.secrets import mask_secrets_in_text, mask_url
from celerylint.source.facts import CallValue, DictValue, NameRef, SequenceValue, Subscript, Value

if TYPE_CHECKING:
    from celerylint.project.model import Project

SCHEMA_VERSION = 1
RETRY_OPTIONS = ("max_retries", "autoretry_for", "retry_backoff", "retry_backoff_max",
                 "retry_jitter", "default_retry_delay", "retry_kwargs")
TIME_LIMITS = (("time_limit", "task_time_limit"), ("soft_time_limit", "task_soft_time_limit"))


@dataclass(frozen=True)
class AppInfo:
    id: str
    location: str  # "path:line"
    config_sources: tuple[str, ...]
    broker: str  # masked URL, "$VAR (default ...)", "not set" or "unknown"
    backend: str
    includes: tuple[str, ...]


@dataclass(frozen=True)
class RegistrationInfo:
    """How one worker process gets one task registered, or why it does not."""

    deployment: str
    service: str
    registered: bool | None  # None: cannot be known statically
    chain: tuple[str, ...]  # why the first module is imported, then the import chain
    reason: str  # when not registered (or unknown): why


@dataclass(frozen=True)
class TaskInfo:
    name: str
    location: str
    module: str
    app: str
    queue: str | None  # None when it cannot be known statically
    retry: tuple[str, ...]  # "max_retries=3", ...
    time_limits: tuple[str, ...]  # "soft_time_limit=60", "time_limit=300 (app default)"
    bind: bool
    shared: bool  # registers on every app that imports its module (shared=False: its own)
    registrations: tuple[RegistrationInfo, ...]  # one per worker process


@dataclass(frozen=True)
class BeatInfo:
    key: str
    task: str
    schedule: str  # in words: "every 5 minutes", "daily at 07:00 UTC"
    queue: str | None
    location: str
    app: str


@dataclass(frozen=True)
class QueueConsumers:
    deployment: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class QueueInfo:
    name: str
    declared: bool  # listed in task_queues (else created on the fly by Celery)
    producers: tuple[str, ...]
    consumers: tuple[QueueConsumers, ...]


@dataclass(frozen=True)
class WorkerInfo:
    deployment: str
    service: str
    kind: str  # "worker" or "beat"
    app: str | None
    command: str  # masked
    queues: tuple[str, ...] | None  # None: unknown statically (or a beat process)
    concurrency: int | None
    beat: bool  # runs beat (a beat process, or a worker started with -B)
    replicas: int | None
    line: int


@dataclass(frozen=True)
class EnvFileInfo:
    path: str
    environment: str | None
    example: bool
    keys: tuple[str, ...]  # never values


@dataclass(frozen=True)
class RedisUsage:
    """A direct Redis client in code (caches, locks, rate limits): not Celery's connection."""

    location: str
    callee: str  # "redis.Redis.from_url"
    target: str | None  # masked URL or "host=..., port=...", None when computed
    settings: tuple[str, ...]  # names the arguments read (``settings.REDIS_URL``)
    env_keys: tuple[str, ...]  # environment variables that end up in the arguments


@dataclass(frozen=True)
class Inventory:
    project: str
    celery_versions: CeleryVersions
    apps: tuple[AppInfo, ...]
    tasks: tuple[TaskInfo, ...]
    beat_entries: tuple[BeatInfo, ...]
    queues: tuple[QueueInfo, ...]
    workers: tuple[WorkerInfo, ...]
    env_files: tuple[EnvFileInfo, ...]
    redis_usages: tuple[RedisUsage, ...]


def build_inventory(project: Project) -> Inventory:
    """Every record of the inventory, each list sorted so output is diffable."""
    model = celery_model(project)
    return Inventory(
        project=printable(project.root.name),
        celery_versions=celery_versions(project.dependencies),
        apps=tuple(_app_info(model, app_id) for app_id in sorted(model.apps)),
        tasks=tuple(sorted((_task_info(model, t) for t in model.tasks),
                           key=lambda t: (t.name, t.location))),
        beat_entries=tuple(_beat_infos(model)),
        queues=tuple(_queue_infos(model)),
        workers=tuple(_worker_infos(model)),
        env_files=tuple(_env_file_infos(project)),
        redis_usages=tuple(redis_usages(project, model)),
    )


def _app_info(model: CeleryModel, app_id: str) -> AppInfo:
    app = model.apps[app_id]
    settings = model.settings[app_id]
    includes = plain(settings.value("include"))
    return AppInfo(
        id=app_id, location=f"{app.path}:{app.span.line}",
        config_sources=config_sources(model, app_id),
        broker=connection_text(settings.raw("broker_url")),
        backend=connection_text(settings.raw("result_backend")),
        includes=tuple(sorted(str(i) for i in includes)) if isinstance(includes, (list, tuple))
        else (),
    )


def _app_label(app_id: str) -> str:
    return "(shared_task: every app)" if app_id == SHARED else app_id


def _task_info(model: CeleryModel, task: TaskDefinition) -> TaskInfo:
    queue = model.destination(task) if task.name else UNKNOWN
    retry = tuple(f"{key}={option_text(model.project, task, key)}"
                  for key in RETRY_OPTIONS if key in task.options)
    limits: list[str] = []
    settings = model.settings_for(None if task.app_id == SHARED else task.app_id)
    for option, setting in TIME_LIMITS:
        if option in task.options:
            limits.append(f"{option}={option_text(model.project, task, option)}")
        elif settings is not None and settings.is_set(setting):
            value = settings.value(setting)
            limits.append(f"{option}={value if value is not UNKNOWN else '?'} (app default)")
    return TaskInfo(
        name=task.name or f"{task.module}.{task.qualname} (name unknown)",
        location=f"{task.path}:{task.span.line}", module=task.module,
        app=_app_label(task.app_id), queue=queue if isinstance(queue, str) else None,
        retry=retry, time_limits=tuple(limits), bind=task.bind, shared=task.shared,
        registrations=tuple(_registrations(model, task)),
    )


def _registrations(model: CeleryModel, task: TaskDefinition) -> list[RegistrationInfo]:
    """The evidence behind unregistered-task: each worker's import chain to the task."""
    found = []
    workers = model.workers()
    for worker in workers:
        registration = model.registration(worker, task)
        found.append(RegistrationInfo(
            deployment=worker.deployment.path, service=worker.service,
            registered=registration.registered, chain=registration.chain,
            reason=registration.reason))
    if not workers:  # no deployment found: what a worker of each app would import
        for app_id in model.apps_of(task):
            closure = model.registration_closure(app_id)
            chain = closure.chain(task.module)
            registered = True if chain else None if not closure.complete else False
            found.append(RegistrationInfo(
                deployment="", service=f"a worker of {app_id} (none found)",
                registered=registered, chain=chain,
                reason="" if chain else "part of the app's module list is computed at run "
                f"time: {', '.join(closure.unknown)}" if registered is None else f"'{task.module}' is not imported (modules "
                f"come from: {'; '.join(closure.sources)})"))
    return sorted(found, key=lambda r: (r.deployment, r.service))


def _beat_infos(model: CeleryModel) -> list[BeatInfo]:
    found: list[BeatInfo] = []
    for entry in model.beat_entries:
        options = plain(entry.options)
        queue: Any = plain(options.get("queue")) if isinstance(options, dict) else None
        task = entry.task if isinstance(entry.task, str) else "?"
        if queue is None and isinstance(entry.task, str):
            targets = model.tasks_named(entry.task)
            queue = model.destination(targets[0], app_id=entry.app_id) if targets else None
        found.append(BeatInfo(
            key=entry.key if isinstance(entry.key, str) else "?", task=task,
            schedule=describe_schedule(model, entry),
            queue=queue if isinstance(queue, str) else None,
            location=f"{entry.path}:{entry.span.line}", app=entry.app_id,
        ))
    return sorted(found, key=lambda b: (b.key, b.location))


def _queue_infos(model: CeleryModel) -> list[QueueInfo]:
    producers: dict[str, list[str]] = {}
    declared: set[str] = set()
    for app_id in sorted(model.apps):
        for queue, sources in queue_traffic(model, app_id).producers.items():
            bucket = producers.setdefault(queue, [])
            bucket.extend(s for s in sources if s not in bucket)
        declared.update(declared_queues(model.settings[app_id]) or ())
    consumers: dict[str, dict[str, list[str]]] = {}
    groups = process_groups(model.project)
    for worker in model.workers():
        where = _deployment_name(groups, worker.deployment.path, worker.service, worker.command)
        for queue in model.queues_consumed_by(worker) or ():
            services = consumers.setdefault(queue, {}).setdefault(where, [])
            if worker.service not in services:
                services.append(worker.service)
    names = sorted(set(producers) | declared | set(consumers))
    return [QueueInfo(
        name=name, declared=name in declared,
        producers=tuple(sorted(mask_secrets_in_text(p) for p in producers.get(name, ()))),
        consumers=tuple(QueueConsumers(path, tuple(sorted(services)))
                        for path, services in sorted(consumers.get(name, {}).items())),
    ) for name in names]


def _worker_infos(model: CeleryModel) -> list[WorkerInfo]:
    consumed = {(w.deployment.path, w.service, w.command.line, w.command.column):
                (w, model.queues_consumed_by(w)) for w in model.workers()}
    found: list[WorkerInfo] = []
    groups = process_groups(model.project)
    for deployment in model.deployments:
        for service in deployment.services:
            for command in service.commands:
                if command.kind is ProcessKind.OTHER:
                    continue
                worker, queues = consumed.get(
                    (deployment.path, service.name, command.line, command.column), (None, None))
                app = worker.app_id if worker is not None else \
                    model.app_for_target(command.app) if command.app_known else None
                app = app or command.app
                found.append(WorkerInfo(
                    deployment=_deployment_name(groups, deployment.path, service.name, command),
                    service=service.name, kind=command.kind.value,
                    app=app, command=mask_secrets_in_text(command.raw),
                    queues=tuple(sorted(queues)) if queues is not None else None,
                    concurrency=command.concurrency,
                    beat=command.kind is ProcessKind.BEAT or command.embedded_beat,
                    replicas=service.replicas, line=command.line,
                ))
    return sorted(found, key=lambda w: (w.deployment, w.service, w.line))


def _deployment_name(groups: dict[ProcessKey, DeploymentGroup], path: str, service: str,
                     command: Any) -> str:
    """The deployment a command runs in: its file, or the files and folders run together."""
    group = groups.get((path, service, command.line, command.column))
    return group.name if group is not None else path


def _env_file_infos(project: Project) -> list[EnvFileInfo]:
    return [EnvFileInfo(
        path=env_file.path,
        environment=env_file.environment.value if env_file.environment else None,
        example=env_file.is_example, keys=tuple(sorted(env_file.keys())),
    ) for env_file in sorted(env_model(project).files, key=lambda f: f.path)]


REDIS_LEAVES = {"Redis", "StrictRedis", "from_url", "ConnectionPool", "BlockingConnectionPool"}
REDIS_TARGET_KEYWORDS = ("host", "port", "db")


def redis_usages(project: Project, model: CeleryModel) -> list[RedisUsage]:
    """``redis.Redis(...)``, ``Redis.from_url``, ``StrictRedis``, ``ConnectionPool.from_url``."""
    found: list[RedisUsage] = []
    for facts in project.python_facts():
        if not facts.module or facts.parse_failure is not None:
            continue
        for call in facts.calls:
            qualified = model.evaluator.qualified_callee(call.func, facts.module)
            if not qualified.startswith("redis.") or qualified.rsplit(".", 1)[-1] not in REDIS_LEAVES:
                continue
            names: set[str] = set()
            env_keys: set[str] = set()
            for value in (*call.call.args, *(k.value for k in call.call.kwargs)):
                _feeds(value, facts.module, model, names, env_keys)
            found.append(RedisUsage(
                location=f"{facts.path}:{call.span.line}", callee=qualified,
                target=_redis_target(call.call, facts.module, model),
                settings=tuple(sorted(names)), env_keys=tuple(sorted(env_keys))))
    return found


def _feeds(value: Value, module: str, model: CeleryModel, names: set[str],
           env_keys: set[str]) -> None:
    """Names and environment variables an argument is built from, however deep."""
    evaluated = model.evaluator.evaluate(value, module)
    if isinstance(evaluated, EnvValue):
        env_keys.add(evaluated.variable)
    if isinstance(value, NameRef):
        names.add(value.dotted)
        env_keys.update(_django_setting_env(value.dotted, module, model))
    children: list[Value] = []
    if isinstance(value, CallValue):
        children = [*value.args, *(k.value for k in value.kwargs)]
    elif isinstance(value, Subscript):
        children = [value.target, value.index]
    elif isinstance(value, DictValue):
        children = [part for item in value.items for part in (item.key, item.value)]
    elif isinstance(value, SequenceValue):
        children = list(value.items)
    for child in children:
        _feeds(child, module, model, names, env_keys)


def _django_setting_env(dotted: str, module: str, model: CeleryModel) -> set[str]:
    """``settings.REDIS_URL`` read through django.conf: the env variable its assignment reads."""
    qualified = model.evaluator.qualified_callee(dotted, module)
    if not qualified.startswith("django.conf.settings."):
        return set()
    name = qualified.rsplit(".", 1)[-1]
    found: set[str] = set()
    for candidate in sorted(model.project.modules):
        if "settings" in candidate.rsplit(".", 1)[-1]:
            value = model.evaluator.assignment_value(candidate, name)
            if isinstance(value, EnvValue):
                found.add(value.variable)
    return found


def _redis_target(call: CallValue, module: str, model: CeleryModel) -> str | None:
    first = call.args[0] if call.args else call.keyword("url")
    if call.func.endswith("from_url"):
        url = plain(model.evaluator.evaluate(first, module)) if first is not None else UNKNOWN
        return mask_url(url) if isinstance(url, str) else None
    parts = []
    for keyword in REDIS_TARGET_KEYWORDS:
        given = call.keyword(keyword)
        value = plain(model.evaluator.evaluate(given, module)) if given is not None else None
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            parts.append(f"{keyword}={mask_url(str(value))}")
    return ", ".join(parts) or None


__all__ = [
    "SCHEMA_VERSION",
    "AppInfo",
    "BeatInfo",
    "CeleryVersions",
    "EnvFileInfo",
    "Inventory",
    "QueueConsumers",
    "QueueInfo",
    "RedisUsage",
    "RegistrationInfo",
    "TaskInfo",
    "WorkerInfo",
    "build_inventory",
    "describe_schedule",
]
