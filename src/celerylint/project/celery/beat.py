"""Beat entries, from every place a schedule can be declared, with their locations.

The schedule dict is walked as recorded (not evaluated) so that every entry,
key and value keeps its line: findings must point at the entry, not the setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from celerylint.project.celery.celery_apps import SettingEntry, SourceKind
from celerylint.project.celery.conf import canonical_setting_name
from celerylint.project.celery.settings_composition import extends_previous
from celerylint.project.evaluate import UNKNOWN, Evaluator, plain
from celerylint.project.symbols import SymbolKind, SymbolTable
from celerylint.source.facts import (
    AssignmentFact,
    CallValue,
    Const,
    DictItem,
    DictValue,
    NameRef,
    Span,
    Value,
)

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel

MAX_FOLLOW = 8


@dataclass(frozen=True)
class BeatEntry:
    key: Any  # the entry's name (str), UNKNOWN when computed
    task: Any  # task name (str) or UNKNOWN
    schedule: Value | None
    app_id: str
    module: str  # where the values are evaluated
    path: str
    span: Span  # the entry key (or the add_periodic_task call)
    task_span: Span
    args: Any = None
    kwargs: Any = None
    options: Any = None
    extra_keys: tuple[tuple[str, Span], ...] = ()
    source: str = "beat_schedule"
    raw_items: tuple[DictItem, ...] = field(default=(), compare=False, hash=False)
    # False when the entry dict has ``**unpacking`` or a computed key: a key may be missing
    # from ``extra_keys`` only because it could not be read.
    complete: bool = True


def follow(value: Value, module: str, symbols: SymbolTable, hops: int = 0) -> tuple[Value, str]:
    """Follow ``NAME`` to the value it was assigned, across imports, keeping positions."""
    if isinstance(value, NameRef) and hops < MAX_FOLLOW:
        symbol = symbols.resolve(module, value.dotted)
        if symbol.kind is SymbolKind.ASSIGNMENT and not symbol.attribute:
            binding = symbols.bindings(symbol.module).get(symbol.name)
            if isinstance(binding, AssignmentFact):
                return follow(binding.value, symbol.module, symbols, hops + 1)
    return value, module


def _entry_from_item(item: DictItem, app_id: str, module: str, path: str,
                     model: "CeleryModel") -> BeatEntry | None:
    evaluator = model.evaluator
    key = plain(evaluator.evaluate(item.key, module))
    value, value_module = follow(item.value, module, model.symbols)
    if not isinstance(value, DictValue):
        return None
    fields: dict[str, DictItem] = {}
    complete = not value.has_unpacking
    for sub in value.items:
        name = plain(evaluator.evaluate(sub.key, value_module))
        if isinstance(name, str):
            fields[name] = sub
        else:
            complete = False
    task_item = fields.get("task")
    task = plain(evaluator.evaluate(task_item.value, value_module)) if task_item else UNKNOWN

    def evaluated(name: str) -> Any:
        return evaluator.evaluate(fields[name].value, value_module) if name in fields else None

    return BeatEntry(
        key=key, task=task if isinstance(task, str) else UNKNOWN,
        schedule=fields["schedule"].value if "schedule" in fields else None,
        app_id=app_id, module=value_module, path=path if value_module == module else
        (model.project.module(value_module).path if model.project.module(value_module) else path),
        span=item.span, task_span=task_item.value.span if task_item else item.span,
        args=evaluated("args"), kwargs=evaluated("kwargs"), options=evaluated("options"),
        extra_keys=tuple((k, v.span) for k, v in fields.items()),
        raw_items=value.items, complete=complete,
    )


def _entries_from_setting(entry: SettingEntry, model: "CeleryModel") -> list[BeatEntry]:
    value, module = follow(entry.value, entry.module, model.symbols)
    if not isinstance(value, DictValue):
        return []
    facts = model.project.module(module)
    path = facts.path if facts else entry.path
    found = []
    for item in value.items:
        beat_entry = _entry_from_item(item, entry.app_id, module, path, model)
        if beat_entry is not None:
            found.append(beat_entry)
    return found


def _mapping_items(call: CallValue) -> list[DictItem]:
    """The items ``X.update({...}, key=...)`` adds, each keeping the span of its key."""
    items = [item for arg in call.args[:1] if isinstance(arg, DictValue) for item in arg.items]
    items += [DictItem(Const(k.name, k.span), k.value, k.span) for k in call.kwargs]
    return items


def _settings_modules(model: "CeleryModel", app_id: str) -> list[tuple[str, str | None, bool]]:
    """Config modules of an app with their namespace: the object's target and its star-imports."""
    config = model.configs[app_id]
    found = {(e.module, e.namespace, e.django) for e in config.entries
             if e.source.value == "config_from_object"}
    for obj in config.objects:
        module, _, class_name = obj.target.partition(":")
        if module and not class_name:
            found.add((model.project.canonical_module_name(module), obj.namespace, obj.is_django))
    return sorted(found, key=lambda m: (m[0], m[1] or "", m[2]))


def _item_additions(model: "CeleryModel", app_id: str) -> list[BeatEntry]:
    """``CELERY_BEAT_SCHEDULE["key"] = {...}`` and ``.update({...})`` in the config modules."""
    found: list[BeatEntry] = []
    for module, namespace, django in _settings_modules(model, app_id):
        facts = model.project.module(module)
        if facts is None:
            continue
        items: list[DictItem] = []
        for assignment in facts.assignments:
            if assignment.key is None or assignment.function or assignment.scope:
                continue
            if canonical_setting_name(assignment.target, namespace, django) == "beat_schedule":
                items.append(DictItem(assignment.key, assignment.value, assignment.key.span))
        for call in facts.calls:
            receiver, _, method = call.func.rpartition(".")
            if method == "update" and not call.function and "." not in receiver and \
                    canonical_setting_name(receiver, namespace, django) == "beat_schedule":
                items.extend(_mapping_items(call.call))
        found.extend(entry for item in items
                     if (entry := _entry_from_item(item, app_id, module, facts.path, model)))
    return found


def _conf_additions(model: "CeleryModel") -> list[BeatEntry]:
    """``app.conf.beat_schedule["key"] = {...}`` and ``app.conf.beat_schedule.update({...})``."""
    found: list[BeatEntry] = []
    for facts in model.project.python_facts():
        additions: list[tuple[str, str, DictItem]] = []
        for assignment in facts.assignments:
            if assignment.key is not None and ".conf." in assignment.target:
                item = DictItem(assignment.key, assignment.value, assignment.key.span)
                additions.append((assignment.target, assignment.function, item))
        for call in facts.calls:
            if call.func.endswith(".update") and ".conf." in call.func:
                additions.extend((call.func[:-len(".update")], call.function, item)
                                 for item in _mapping_items(call.call))
        for target, function, item in additions:
            receiver, _, setting = target.rpartition(".conf.")
            if "." in setting or canonical_setting_name(setting, None) != "beat_schedule":
                continue
            app_id = model.app_for_expression(facts.module, receiver, function)
            entry = _entry_from_item(item, app_id, facts.module, facts.path, model) \
                if app_id else None
            if entry is not None:
                found.append(entry)
    return found


_PERIODIC_PARAMETERS = ("schedule", "sig", "args", "kwargs", "name")


def _periodic_task_calls(model: "CeleryModel") -> list[BeatEntry]:
    """``sender.add_periodic_task(schedule, sig, name=...)`` in signal handlers."""
    found: list[BeatEntry] = []
    only_app = next(iter(model.apps)) if len(model.apps) == 1 else None
    for facts in model.project.python_facts():
        for call in facts.calls:
            if not call.func.endswith(".add_periodic_task"):
                continue
            app_id = model.app_for_expression(facts.module, call.func[:-len(".add_periodic_task")],
                                           call.function) or only_app
            entry = _periodic_entry(call.call, app_id, facts.module, facts.path, model) \
                if app_id else None
            if entry is not None:
                found.append(entry)
    return found


def _periodic_entry(call: CallValue, app_id: str, module: str, path: str,
                    model: "CeleryModel") -> BeatEntry | None:
    """The entry Celery's ``_sig_to_periodic_task_entry`` builds from one call."""
    given = dict(zip(_PERIODIC_PARAMETERS, call.args))
    given.update((k.name, k.value) for k in call.kwargs if k.name in _PERIODIC_PARAMETERS)
    schedule, signature = given.get("schedule"), given.get("sig")
    if schedule is None or signature is None:
        return None
    evaluate = model.evaluator.evaluate
    key = plain(evaluate(given["name"], module)) if "name" in given else UNKNOWN
    args: Any = evaluate(given["args"], module) if "args" in given else ()
    kwargs: Any = evaluate(given["kwargs"], module) if "kwargs" in given else {}
    if isinstance(signature, CallValue) and signature.func.rsplit(".", 1)[-1] in ("s", "si"):
        if signature.has_star_args or signature.has_star_kwargs or "args" in given \
                or "kwargs" in given:
            args = kwargs = UNKNOWN
        else:
            args = tuple(evaluate(a, module) for a in signature.args)
            kwargs = {k.name: evaluate(k.value, module) for k in signature.kwargs}
    elif isinstance(signature, CallValue):
        args = kwargs = UNKNOWN
    options = None if call.has_star_kwargs else {
        k.name: evaluate(k.value, module) for k in call.kwargs
        if k.name not in _PERIODIC_PARAMETERS}
    return BeatEntry(key, _task_of_signature(signature, module, model), schedule, app_id, module,
                     path, call.span, signature.span, args, kwargs, options,
                     source="add_periodic_task", complete=not call.has_star_kwargs)


def _task_of_signature(signature: Value, module: str, model: "CeleryModel") -> Any:
    if isinstance(signature, NameRef):  # a task object: ``add_periodic_task(60, cleanup)``
        symbol = model.symbols.resolve(module, signature.dotted)
        task = model.task_for_function(symbol.module, symbol.name) \
            if symbol.kind is SymbolKind.FUNCTION else None
        return task.name if task is not None and task.name else UNKNOWN
    if not isinstance(signature, CallValue):
        return UNKNOWN
    receiver, _, method = signature.func.rpartition(".")
    if method in ("s", "si", "signature") and receiver:
        symbol = model.symbols.resolve(module, receiver)
        if symbol.kind is SymbolKind.FUNCTION:
            task = model.task_for_function(symbol.module, symbol.name)
            if task is not None and task.name:
                return task.name
    if signature.args and isinstance(signature.args[0], Const) and \
            isinstance(signature.args[0].value, str):
        return signature.args[0].value
    return UNKNOWN


def _live(entries: list[SettingEntry], model: "CeleryModel") -> list[SettingEntry]:
    """Every written entry is checked, except a settings module's schedule that a later
    file of the same composed settings replaces as a whole (``from .base import *``,
    then a new ``CELERY_BEAT_SCHEDULE``): that one never reaches Celery. A later
    ``{**CELERY_BEAT_SCHEDULE, ...}`` extends it instead."""
    replaced = [i for i, e in enumerate(entries)
                if e.source is SourceKind.OBJECT and not e.conditional
                and not extends_previous(model.project, e.path, e.value, e.key)]
    last = replaced[-1] if replaced else 0
    return [e for i, e in enumerate(entries) if i >= last or e.source is not SourceKind.OBJECT]


def collect_beat_entries(model: "CeleryModel") -> list[BeatEntry]:
    """Every beat entry of every app, once each, in file order."""
    entries: list[BeatEntry] = []
    for app_id, settings in sorted(model.settings.items()):
        for entry in _live(settings.by_name.get("beat_schedule", []), model):
            entries.extend(_entries_from_setting(entry, model))
        entries.extend(_item_additions(model, app_id))
    entries.extend(_conf_additions(model))
    entries.extend(_periodic_task_calls(model))
    unique: dict[tuple[str, int, int], BeatEntry] = {}
    for entry in entries:
        unique.setdefault((entry.path, entry.span.line, entry.span.column), entry)
    return sorted(unique.values(), key=lambda e: (e.path, e.span.line, e.span.column))


__all__ = ["BeatEntry", "collect_beat_entries", "follow", "Evaluator"]
