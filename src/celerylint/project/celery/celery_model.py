"""The Celery system as celerylint understands it, built once from file facts.

Queries read like questions: ``registration_closure(app, target)``,
``queues_consumed_by(command)``, ``destination(task)``. Anything that cannot be
known statically is answered with None/UNKNOWN, and rules stay silent on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from celerylint.project.celery.app_setup import setup_calls
from celerylint.project.celery.celery_apps import AppFinder, CeleryApp
from celerylint.project.celery.celery_config import AppConfiguration, ConfigCollector, module_beside
from celerylint.project.celery.celery_tasks import SHARED, TaskCollector, TaskDefinition
from celerylint.project.celery.conf import EffectiveSettings
from celerylint.project.celery.dynamic_imports import dynamic_imports_at_start
from celerylint.project.celery.routing import declared_queues, default_queue, destination_queue
from celerylint.project.celery.task_classes import TaskClassCollector
from celerylint.project.celery.task_references import TaskCall, TaskReference, collect_references
from celerylint.project.celery.worker_targets import APP_ATTRIBUTES, WorkerTargets
from celerylint.project.evaluate import UNKNOWN, Evaluator, plain
from celerylint.project.symbols import SymbolTable

if TYPE_CHECKING:
    from celerylint.project.celery.beat import BeatEntry
    from celerylint.project.celery.settings_variants import SettingsVariant
    from celerylint.project.deploy.deployments import CeleryCommand, DeploymentFacts
    from celerylint.project.model import Project

@dataclass(frozen=True)
class Closure:
    """Modules a worker imports at start-up; ``complete`` is False when some part is unknown.

    ``parents`` maps each module to the module whose import ran it ("" for a root), and
    ``roots`` says why each root is imported (``-A``, ``include``, ``imports``, ...), so
    ``chain(module)`` explains a registration step by step."""

    modules: frozenset[str]
    complete: bool
    sources: tuple[str, ...]  # how the modules were found, for messages
    parents: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    roots: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    unknown: tuple[str, ...] = ()  # the parts computed at run time, for messages

    def chain(self, module: str) -> tuple[str, ...]:
        """``("-A proj", "proj.celery", "include: proj.tasks")``-like steps, or () when
        ``module`` is not loaded."""
        if module not in self.parents:
            return ()
        steps: list[str] = []
        current = module
        while current and len(steps) <= len(self.parents):
            steps.append(current)
            current = self.parents.get(current, "")
        steps.reverse()
        head = steps[0]
        reason = self.roots.get(head) or next(
            (why for root, why in sorted(self.roots.items())
             if root.startswith(head + ".")), "parent package")
        return (reason, *steps)


@dataclass
class _ClosureRoots:
    """What a worker imports first, and why: gathered while a closure is built."""

    reasons: dict[str, str] = field(default_factory=dict)  # module -> why it is imported
    sources: list[str] = field(default_factory=list)  # for messages
    unknown: list[str] = field(default_factory=list)  # parts computed at run time

    def add(self, module: str, why: str, source: str = "") -> None:
        self.reasons.setdefault(module, why)
        if source:
            self.sources.append(source)


@dataclass(frozen=True)
class Registration:
    """How one worker gets one task: ``registered`` is None when it cannot be known."""

    worker: "Worker"
    registered: bool | None
    chain: tuple[str, ...]  # the import chain, when registered
    reason: str  # why not (or why unknown), in words


@dataclass(frozen=True)
class Worker:
    deployment: "DeploymentFacts"
    service: str
    command: "CeleryCommand"
    app_id: str | None
    target: str | None = None  # ``-A`` as the process resolves it (see ``workers``)


@dataclass
class CeleryModel(WorkerTargets):
    project: "Project"
    symbols: SymbolTable
    evaluator: Evaluator
    apps: dict[str, CeleryApp]
    configs: dict[str, AppConfiguration]
    settings: dict[str, EffectiveSettings]
    tasks: list[TaskDefinition]
    references: list[TaskReference]
    calls: list[TaskCall]
    finder: AppFinder
    deployments: list["DeploymentFacts"] = field(default_factory=list)
    # INSTALLED_APPS packages when a Django settings module is known (None: unknown).
    django_apps: tuple[str, ...] | None = None
    # Every Django settings module Celery processes run with; this model reads the first
    # one, or the one its project view is for (``settings_findings.project_under``).
    settings_variants: tuple["SettingsVariant", ...] = ()
    _closures: dict[tuple[str, str, bool], Closure] = field(default_factory=dict)
    _beat: list["BeatEntry"] | None = None

    def app_for_expression(self, module: str, dotted: str, function: str = "") -> str | None:
        return self.finder.app_for_expression(module, dotted, function)

    @property
    def beat_entries(self) -> list["BeatEntry"]:
        if self._beat is None:
            from celerylint.project.celery.beat import collect_beat_entries

            self._beat = collect_beat_entries(self)
        return self._beat

    # -- tasks ---------------------------------------------------------------------------
    def task_for_function(self, module: str, qualname: str) -> TaskDefinition | None:
        for task in self.tasks:
            if task.module == module and task.qualname == qualname:
                return task
        return None

    def tasks_named(self, name: str) -> list[TaskDefinition]:
        return [t for t in self.tasks if t.name == name]

    @property
    def task_names(self) -> list[str]:
        return sorted({t.name for t in self.tasks if t.name})

    def apps_of(self, task: TaskDefinition) -> list[str]:
        """Apps a task registers on: ``@shared_task`` and ``@app.task`` (``shared=True`` by
        default) on every app finalized after its module is imported; ``shared=False``
        only on its own app."""
        return sorted(self.apps) if task.shared else [task.app_id]

    def home_apps(self, task: TaskDefinition) -> list[str]:
        """The apps whose workers are meant to run ``task``: ``apps_of`` narrowed, for a
        task bound to no app (``@shared_task``) in a tree of several apps, to the apps of
        its own top-level package, and to the Django-configured apps when that package is
        an installed app. Empty when no app is tied to it (sibling example projects in
        one tree): its workers are not among the ones found."""
        apps = self.apps_of(task)
        if task.app_id != SHARED or len(apps) <= 1:
            return apps
        top = task.registering_module.split(".")[0]
        home = {a for a in apps if self.apps[a].module.split(".")[0] == top}
        if any(p.split(".")[0] == top for p in self.django_apps or ()):
            home.update(a for a in apps if any(o.is_django for o in self.configs[a].objects))
        return sorted(home)

    def homeless_task_notes(self) -> list[str]:
        """For --verbose: packages whose shared tasks belong to no app celerylint found,
        so unregistered-task does not judge them."""
        if len(self.apps) <= 1:
            return []
        packages = sorted({t.registering_module.split(".")[0] for t in self.tasks
                           if t.app_id == SHARED and not self.home_apps(t)})
        return [f"the shared tasks of '{p}' belong to none of the {len(self.apps)} Celery apps "
                "found (none is defined in that package or installs it); unregistered-task "
                "does not judge them against other apps' workers." for p in packages]

    def settings_for(self, app_id: str | None) -> EffectiveSettings | None:
        if app_id is None:
            return next(iter(self.settings.values())) if len(self.settings) == 1 else None
        return self.settings.get(app_id)

    # -- workers ---------------------------------------------------------------------------
    def workers(self) -> list[Worker]:
        from celerylint.project.deploy.deployments import ProcessKind

        found: list[Worker] = []
        for deployment in self.deployments:
            for service in deployment.services:
                for command in service.commands:
                    if command.kind is ProcessKind.WORKER:
                        target = self._target_in_folder(command.app, deployment.path) \
                            if command.app_known else None
                        found.append(Worker(deployment, service.name, command,
                                            self.app_for_target(target) if target else None,
                                            target))
        return found

    def registration_closure(self, app_id: "str | Worker",
                             target_module: str | None = None) -> Closure:
        """Modules imported when a worker of ``app_id`` starts (``-A target_module``).

        Given a ``Worker``, its own app and ``-A`` module are used (the worker's app must
        be known: see ``Worker.app_id``)."""
        if isinstance(app_id, Worker):
            worker = app_id
            if worker.app_id is None:
                raise ValueError(f"the app of worker {worker.service} is not known")
            return self.registration_closure(worker.app_id,
                                             self.target_module(worker.target))
        app = self.apps[app_id]
        start = target_module or app.module
        key = (app_id, start, target_module is not None)
        if key not in self._closures:
            self._closures[key] = self._build_closure(app, start, target_module is not None)
        return self._closures[key]

    def _build_closure(self, app: CeleryApp, start: str, from_worker: bool) -> Closure:
        roots = _ClosureRoots()
        roots.add(start, "-A" if from_worker else "the app's module", f"-A {start}")
        roots.add(app.module, f"the module defining {app.id}")
        self._setting_roots(app.id, roots)
        self._autodiscovery_roots(app.id, roots)
        if any(o.is_django for o in self.configs[app.id].objects):
            if self.django_apps is None:
                roots.unknown.append("INSTALLED_APPS for django.setup()")
            else:
                for module in sorted(self._django_setup_modules()):
                    roots.add(module, "django.setup()")
                roots.sources.append("django.setup() (INSTALLED_APPS models, apps and ready())")
        setup = setup_calls(self, app.id)
        for call in setup:
            roots.add(call.module, f"calls {call.callee}(), which configures the app",
                      f"{call.callee}() called in {call.module}")
        canonical: dict[str, str] = {}
        for root, why in roots.reasons.items():
            canonical.setdefault(self.project.canonical_module_name(root), why)
        parents = self.project.import_graph.load_closure_parents(sorted(canonical))
        roots.unknown.extend(dynamic_imports_at_start(
            self.project, parents, [c.function for c in setup if c.function]))
        return Closure(frozenset(parents), not roots.unknown, tuple(roots.sources), parents,
                       canonical, tuple(dict.fromkeys(roots.unknown)))

    def _setting_roots(self, app_id: str, roots: "_ClosureRoots") -> None:
        """``include`` and ``imports``: a lone string, or a list, tuple or set of names."""
        settings = self.settings[app_id]
        for setting in ("include", "imports"):
            value, entry = settings.value(setting), settings.entry(setting)
            hidden = self.configs[app_id].opaque_over(entry)
            if hidden:
                roots.unknown.append(f"{setting} may be set by {', '.join(hidden)}")
            anchor = entry.module if entry is not None else self.apps[app_id].module
            if value is UNKNOWN:
                roots.unknown.append(setting)
            elif isinstance(value, str):
                roots.add(module_beside(self.project, value, anchor), setting,
                          f"{setting}='{value}'")
            elif isinstance(value, (list, tuple, set)):
                if not all(isinstance(v, str) for v in value):
                    roots.unknown.append(setting)
                for name in value:
                    if isinstance(name, str):
                        roots.add(module_beside(self.project, name, anchor), setting)
                if value:
                    roots.sources.append(f"{setting}={sorted(str(v) for v in value)}")

    def _autodiscovery_roots(self, app_id: str, roots: "_ClosureRoots") -> None:
        for discovery in self.configs[app_id].autodiscoveries:
            if discovery.packages is None or discovery.related_name is None:
                roots.unknown.append(
                    f"autodiscover_tasks() at {discovery.path}:{discovery.span.line}"
                    + (" over INSTALLED_APPS" if discovery.from_django_settings else ""))
                continue
            for package in discovery.packages:
                roots.add(f"{package}.{discovery.related_name}", "autodiscover_tasks()")
            roots.sources.append(
                f"autodiscover_tasks(related_name='{discovery.related_name}')")

    def _django_setup_modules(self) -> set[str]:
        """What Celery's Django fixup runs at worker start through ``django.setup()``:
        each installed app's ``apps`` and ``models`` modules, the imports made inside
        ``AppConfig.ready()``, and, with ``django.contrib.admin`` installed, each app's
        ``admin`` module (``AdminConfig.ready()`` runs ``admin.autodiscover()``)."""
        found: set[str] = set()
        admin = "django.contrib.admin" in (self.django_apps or ())
        for package in self.django_apps or ():
            names = (package, f"{package}.apps", f"{package}.models",
                     *((f"{package}.admin",) if admin else ()))
            for name in names:
                if self.project.module(self.project.canonical_module_name(name)) is not None:
                    found.add(name)
            facts = self.project.module(self.project.canonical_module_name(f"{package}.apps"))
            for fact in facts.imports if facts else ():
                if fact.function.endswith(".ready") or fact.function == "ready":
                    target = self.project.import_graph.target_module(fact)
                    if target:
                        found.add(target)
        return found

    def registration(self, worker: Worker, task: TaskDefinition) -> Registration:
        """Whether ``worker`` registers ``task``, with the import chain or the reason."""
        if not worker.command.app_known:
            return Registration(worker, None, (), "the worker's app is set at run time")
        if worker.app_id is None:
            return Registration(worker, None, (),
                                f"the worker's app comes from {self.app_origin(worker)}, "
                                "which celerylint cannot follow")
        if not task.shared and worker.app_id != task.app_id:
            return Registration(worker, False, (),
                                f"shared=False: registered only on {task.app_id}, "
                                f"and this worker runs {worker.app_id}")
        closure = self.registration_closure(worker)
        chain = closure.chain(task.registering_module)
        if chain:
            return Registration(worker, True, chain, "")
        if not closure.complete:
            return Registration(worker, None, (), "part of the worker's module list is "
                                f"computed at run time: {', '.join(closure.unknown)}")
        return Registration(worker, False, (), f"no module the worker imports at start-up "
                            f"imports '{task.registering_module}' (modules come from: "
                            f"{'; '.join(closure.sources)})")

    def app_origin(self, worker: Worker) -> str:
        """What ``-A`` names when it is no app celerylint found: the factory or framework
        call its attribute is assigned from, when one is visible."""
        target = worker.command.app or ""
        module = self.target_module(target)
        if module is not None:
            attribute = target.partition(":")[2] or ""
            for name in (attribute,) if attribute else APP_ATTRIBUTES:
                binding = self.symbols.bindings(module).get(name.split(".")[0])
                value = getattr(binding, "value", None)
                if hasattr(value, "func") and getattr(value, "func", ""):
                    return f"'{value.func}()' in {module}"  # type: ignore[union-attr]
        return f"'-A {target}'"

    def unfollowed_worker_notes(self) -> list[str]:
        """For --verbose: workers whose app celerylint cannot resolve, so unregistered-task
        stays silent for every task they might run."""
        return sorted({f"{w.deployment.path}: worker '{w.service}' gets its app from "
                       f"{self.app_origin(w)}, which celerylint cannot follow; "
                       "unregistered-task stays silent for the tasks it may register."
                       for w in self.workers() if w.command.app_known and w.app_id is None})

    # -- queues -------------------------------------------------------------------------------
    def destination(self, task: TaskDefinition, call_queue: Any = None,
                    app_id: str | None = None) -> Any:
        app = app_id or (task.app_id if task.app_id != SHARED else None)
        settings = self.settings_for(app)
        if settings is None:
            return UNKNOWN
        return destination_queue(call_queue, task.options.get("queue"), task.name, settings)

    def queues_consumed_by(self, worker: Worker) -> frozenset[str] | None:
        """None when unknown (a shell variable, an unresolvable app, unknown settings)."""
        command = worker.command
        if not command.queues_known:
            return None
        if command.queues is not None:
            queues = set(command.queues)
        else:
            settings = self.settings_for(worker.app_id)
            if settings is None:
                return None
            declared = declared_queues(settings)
            if declared is None:
                return None
            if declared:
                queues = set(declared)
            else:
                default = default_queue(settings)
                if default is UNKNOWN:
                    return None
                queues = {default}
        return frozenset(queues - set(command.exclude_queues))


def build_celery_model(project: "Project") -> CeleryModel:
    symbols = SymbolTable(project)
    evaluator = Evaluator(project, symbols)
    apps = AppFinder(project, symbols, evaluator)
    collector = ConfigCollector(project, symbols, evaluator, apps)
    configs = collector.configs
    django_apps = collector.installed_apps() if collector.django_settings_modules else None
    settings = {app_id: EffectiveSettings.from_entries(config.entries, evaluator)
                for app_id, config in configs.items()}
    tasks = TaskCollector(project, symbols, evaluator, apps)
    tasks.tasks.extend(TaskClassCollector(project, symbols, evaluator, apps, tasks).tasks())
    references, calls = collect_references(project, symbols, evaluator, apps, tasks)
    from celerylint.project.deploy.deployment_files import project_deployments

    return CeleryModel(project, symbols, evaluator, apps.apps, configs, settings, tasks.tasks,
                       references, calls, apps, project_deployments(project),
                       django_apps=django_apps,
                       settings_variants=collector.variants.variants)


def celery_model(project: "Project") -> CeleryModel:
    return project.extension("celery", build_celery_model)  # type: ignore[no-any-return]


__all__ = ["CeleryModel", "Closure", "Registration", "Worker", "build_celery_model", "celery_model", "plain"]
