"""Every configured setting of every app, with its source, and autodiscovery calls.

Sources, lowest precedence first: the ``config_from_object`` module or class
(Django settings with their namespace), then ``conf.update`` / ``conf.x = ...``
in file order, then ``Celery(broker=..., backend=..., include=...)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from celerylint.project.celery.celery_apps import (
    AppFinder,
    Autodiscovery,
    ConfigObject,
    SettingEntry,
    SourceKind,
    app_receiver,
    literal_str,
    settings_from_assignment,
    settings_from_call,
    settings_from_constructor,
)
from celerylint.project.celery.conf import PRECEDENCE
from celerylint.project.celery.settings_composition import ComposedAssignment, SettingsComposer
from celerylint.project.celery.settings_findings import analysed_variant
from celerylint.project.celery.settings_variants import (
    SettingsVariants,
    find_settings_variants,
)
from celerylint.project.evaluate import UNKNOWN, Evaluator, plain
from celerylint.project.symbols import SymbolKind, SymbolTable
from celerylint.source.facts import CallFact, Lambda, ModuleFacts, NameRef

if TYPE_CHECKING:
    from celerylint.project.model import Project

DJANGO_SETTINGS_OBJECTS = {"django.conf:settings", "django.conf.settings"}


@dataclass
class AppConfiguration:
    app_id: str
    entries: list[SettingEntry] = field(default_factory=list)
    objects: list[ConfigObject] = field(default_factory=list)
    autodiscoveries: list[Autodiscovery] = field(default_factory=list)
    calls: list[tuple[ModuleFacts, CallFact]] = field(default_factory=list)  # app.<method>(...)
    # What the reading of composed settings could not settle, for ``--verbose``.
    notes: list[str] = field(default_factory=list)
    # Configuration objects whose keys cannot be read (``config_from_object(flask_app
    # .config)``), with their precedence: any setting may come from them. (A
    # ``conf.update(mapping)`` is taken as overrides that leave include/imports alone.)
    opaque: list[tuple[SourceKind, str]] = field(default_factory=list)

    def opaque_over(self, entry: SettingEntry | None) -> list[str]:
        """The unreadable sources that may override ``entry`` (all of them when the
        setting has no entry): where a setting's value may really come from."""
        rank = PRECEDENCE[entry.source] if entry is not None else -1
        return [where for kind, where in self.opaque if PRECEDENCE[kind] >= rank]


class ConfigCollector:
    def __init__(self, project: "Project", symbols: SymbolTable, evaluator: Evaluator,
                 apps: AppFinder) -> None:
        self.project, self.symbols, self.evaluator, self.apps = project, symbols, evaluator, apps
        self.configs: dict[str, AppConfiguration] = {a: AppConfiguration(a) for a in apps.apps}
        self.composer = SettingsComposer(project, symbols, evaluator)
        self.notes: list[str] = []
        self.django_target = self._django_settings_target()
        self.django_settings_modules = [self.django_target[0]] if self.django_target else []
        for facts in project.python_facts():
            if facts.module and facts.parse_failure is None and self.configs:
                self._scan(facts)
        for app in apps.apps.values():
            self.configs[app.id].entries.extend(settings_from_constructor(app))
        for config in self.configs.values():
            config.notes.extend(self.notes)

    # -- Django ------------------------------------------------------------------------
    def _django_settings_target(self) -> tuple[str, str] | None:
        """The settings module (and django-configurations class, or "") Celery's
        Django fixup loads: the variant this project view is for (see
        ``settings_findings``), else the one the Celery app's own environment chooses."""
        from celerylint.project.deploy.deployment_files import project_deployments

        forced = analysed_variant(self.project)
        if forced is not None:  # a view for one settings module: the project said which
            self.variants = SettingsVariants((forced,), ())
            return forced.target
        app_modules = {app.module for app in self.apps.apps.values()}
        self.variants = find_settings_variants(self.project, self.evaluator, self.composer,
                                               project_deployments(self.project), app_modules)
        self.notes.extend(self.variants.notes)
        variant = self.variants.primary
        return variant.target if variant is not None else None

    # -- scanning ----------------------------------------------------------------------
    def _scan(self, facts: ModuleFacts) -> None:
        for call in facts.calls:
            head, _, method = call.func.rpartition(".")
            if not head:
                continue
            receiver = app_receiver(call.func, "conf.update")
            if receiver:
                app_id = self.apps.app_for_expression(facts.module, receiver, call.function)
                if app_id:
                    self.configs[app_id].entries.extend(settings_from_call(app_id, facts, call))
                continue
            app_id = self.apps.app_for_expression(facts.module, head, call.function)
            if app_id is None:
                continue
            self.configs[app_id].calls.append((facts, call))
            if method == "config_from_object":
                self._config_object(app_id, facts, call)
            elif method == "autodiscover_tasks":
                self.configs[app_id].autodiscoveries.append(self._autodiscovery(app_id, facts, call))
        for assignment in facts.assignments:
            if ".conf" not in assignment.target:
                continue
            receiver = assignment.target.split(".conf")[0]
            app_id = self.apps.app_for_expression(facts.module, receiver, assignment.function)
            if app_id:
                entry = settings_from_assignment(app_id, facts, assignment, receiver)
                if entry:
                    self.configs[app_id].entries.append(entry)

    def _config_object(self, app_id: str, facts: ModuleFacts, call: CallFact) -> None:
        args = call.call.args
        target_value = args[0] if args else call.call.keyword("obj")
        namespace_value = call.call.keyword("namespace")
        namespace = literal_str(self.evaluator, namespace_value, facts.module) \
            if namespace_value is not None else None
        if namespace is UNKNOWN:
            namespace = None
        target, is_django = self._object_target(target_value, facts)
        config = ConfigObject(app_id, target or "", namespace, facts.path, call.span, is_django)
        self.configs[app_id].objects.append(config)
        if not target:
            self.configs[app_id].opaque.append(
                (SourceKind.OBJECT, f"config_from_object() at {facts.path}:{call.span.line}"))
        if target:
            self.configs[app_id].entries[:0] = list(self._object_entries(config))

    def _object_target(self, value: Any, facts: ModuleFacts) -> tuple[str | None, bool]:
        text = literal_str(self.evaluator, value, facts.module)
        if isinstance(text, str):
            if text in DJANGO_SETTINGS_OBJECTS:
                return self._django_object(), True
            module, colon, attribute = text.partition(":")
            return module_beside(self.project, module, facts.module) + colon + attribute, False
        if isinstance(value, NameRef):
            symbol = self.symbols.resolve(facts.module, value.dotted)
            if symbol.kind is SymbolKind.MODULE:
                return symbol.module, False
            if symbol.kind is SymbolKind.CLASS and not symbol.attribute:
                return f"{symbol.module}:{symbol.name}", False
            if symbol.kind is SymbolKind.EXTERNAL and symbol.qualified == "django.conf.settings":
                return self._django_object(), True
        return None, False

    def _django_object(self) -> str | None:
        if self.django_target is None:
            return None
        module, class_name = self.django_target
        return f"{module}:{class_name}" if class_name else module

    def _object_entries(self, config: ConfigObject) -> Iterator[SettingEntry]:
        module, _, class_name = config.target.partition(":")
        module = self.project.canonical_module_name(module)
        if not class_name and "." in module and not self.project.has_module(module):
            parent, _, attr = module.rpartition(".")
            if self.project.has_module(parent):
                module, class_name = parent, attr
        for composed in self._composed(module, class_name):
            facts, assignment = composed.facts, composed.assignment
            if assignment.key is not None or assignment.augmented:
                continue
            if not class_name and assignment.target.startswith("_"):
                continue
            yield SettingEntry(config.app_id, assignment.target, composed.value,
                               composed.value_module, facts.path, assignment.span,
                               SourceKind.OBJECT,
                               config.namespace, composed.conditional, config.target,
                               key_span=assignment.span, django=config.is_django,
                               source_id=f"object@{facts.path}:{class_name}")

    def _composed(self, module: str, class_name: str) -> list[ComposedAssignment]:
        if class_name:
            return self.composer.class_assignments(module, class_name)
        composed = self.composer.module_assignments(module)
        self.notes.extend(f"include() at {where} names some files with a pattern computed "
                          "at run time; the settings in those files are not analysed."
                          for where in self.composer.unread_includes if not any(
                              where in note for note in self.notes))
        return composed

    # -- autodiscovery -----------------------------------------------------------------
    def _autodiscovery(self, app_id: str, facts: ModuleFacts, call: CallFact) -> Autodiscovery:
        args = call.call.args
        packages_value = args[0] if args else call.call.keyword("packages")
        related_value = args[1] if len(args) > 1 else call.call.keyword("related_name")
        related: str | None = "tasks"
        if related_value is not None:
            text = plain(self.evaluator.evaluate(related_value, facts.module))
            related = text if isinstance(text, str) else None
        if packages_value is None:
            packages = self.installed_apps()
            return Autodiscovery(app_id, packages, related, facts.path, call.span, True)
        if isinstance(packages_value, Lambda):
            packages_value = packages_value.body
        if isinstance(packages_value, NameRef) and packages_value.dotted.endswith("INSTALLED_APPS"):
            return Autodiscovery(app_id, self.installed_apps(), related, facts.path, call.span, True)
        evaluated = plain(self.evaluator.evaluate(packages_value, facts.module))
        packages = tuple(evaluated) if isinstance(evaluated, (list, tuple)) and all(
            isinstance(p, str) for p in evaluated) else None
        return Autodiscovery(app_id, packages, related, facts.path, call.span)

    def installed_apps(self) -> tuple[str, ...] | None:
        """INSTALLED_APPS as the composed settings leave it: assignments, then
        ``INSTALLED_APPS += [...]`` in run order; None when any step is unknowable."""
        if self.django_target is None:
            return None
        apps: list[str] | None = None
        for composed in self._composed(*self.django_target):
            assignment = composed.assignment
            if assignment.target != "INSTALLED_APPS":
                continue
            if composed.conditional or assignment.key is not None or \
                    assignment.augmented not in ("", "AddAssign"):
                return None  # changed conditionally or in place: the full list is unknowable
            value = plain(self.evaluator.evaluate(composed.value, composed.value_module))
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                return None
            if assignment.augmented and apps is None:
                return None
            apps = [*(apps or []), *value] if assignment.augmented else list(value)
        return tuple(_app_package(v) for v in apps) if apps is not None else None


def module_beside(project: "Project", name: str, anchor: str) -> str:
    """``name`` as a process started in ``anchor``'s folder imports it. A folder that is
    no regular package is run as the current directory (``cd examples/eventlet; celery
    worker``), so ``imports = ('tasks',)`` in its config names the sibling file, which
    celerylint knows by its longer dotted name."""
    canonical = project.canonical_module_name(name)
    if project.has_module(canonical):
        return canonical
    folder = anchor.rpartition(".")[0]
    if folder and project.module(folder) is None:
        beside = project.canonical_module_name(f"{folder}.{name}")
        if project.has_module(beside):
            return beside
    return canonical


def _app_package(entry: str) -> str:
    """``shop.apps.ShopConfig`` -> ``shop``: Django app configs live in ``<package>.apps``."""
    parts = entry.split(".")
    if len(parts) >= 3 and parts[-1][:1].isupper() and parts[-2] == "apps":
        return ".".join(parts[:-2])
    if len(parts) >= 2 and parts[-1][:1].isupper():
        return ".".join(parts[:-1])
    return entry
