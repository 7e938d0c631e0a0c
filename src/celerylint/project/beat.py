"""Beat entries, from every place a schedule can be declared, with their locations.

The schedule dict is walked as recorded (not evaluated) so that every entry,
key and value keeps its line: findings must point at the entry, not the setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from celerylint.project.celery_apps import SettingEntry
from celerylint.project.conf import canonical_setting_name
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
    from celerylint.project.celery_model import CeleryModel

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
    for sub in value.items:
        name = plain(evaluator.evaluate(sub.key, value_module))
        if isinstance(name, str):
            fields[name] = sub
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
        raw_items=value.items,
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


def _item_additions(model: "CeleryModel", app_id: str) -> list[BeatEntry]:
    """``CELERY_BEAT_SCHEDULE["key"] = {...}`` in the app's config modules."""
    found: list[BeatEntry] = []
    config = model.configs[app_id]
    modules = {(e.module, e.namespace) for e in config.entries if e.source.value == "config_from_object"}
    for module, namespace in sorted(modules, key=lambda m: (m[0], m[1] or "")):
        facts = model.project.module(module)
        if facts is None:
            continue
        for assignment in facts.assignments:
            if assignment.key is None or assignment.function or assignment.scope:
                continue
            if canonical_setting_name(assignment.target, namespace) != "beat_schedule":
                continue
            item = DictItem(assignment.key, assignment.value, assignment.key.span)
            entry = _entry_from_item(item, app_id, module, facts.path, model)
            if entry is not None:
                found.append(entry)
    return found


def _periodic_task_calls(model: "CeleryModel") -> list[BeatEntry]:
    """``sender.add_periodic_task(schedule, sig, name=...)`` in signal handlers."""
    found: list[BeatEntry] = []
    only_app = next(iter(model.apps)) if len(model.apps) == 1 else None
    for facts in model.project.python_facts():
        for call in facts.calls:
            if not call.func.endswith(".add_periodic_task") or len(call.call.args) < 2:
                continue
            app_id = model.app_for_expression(facts.module, call.func[:-len(".add_periodic_task")],
                                           call.function) or only_app
            if app_id is None:
                continue
            signature = call.call.args[1]
            task = _task_of_signature(signature, facts.module, model)
            name_value = call.call.keyword("name")
            key = plain(model.evaluator.evaluate(name_value, facts.module)) if name_value else UNKNOWN
            args = kwargs = None
            if isinstance(signature, CallValue) and signature.func.rsplit(".", 1)[-1] in ("s", "si"):
                args = tuple(model.evaluator.evaluate(a, facts.module) for a in signature.args)
                kwargs = {k.name: model.evaluator.evaluate(k.value, facts.module)
                          for k in signature.kwargs}
                if signature.has_star_args or signature.has_star_kwargs:
                    args = kwargs = UNKNOWN
            found.append(BeatEntry(key, task, call.call.args[0], app_id, facts.module, facts.path,
                                   call.span, signature.span, args, kwargs,
                                   source="add_periodic_task"))
    return found


def _task_of_signature(signature: Value, module: str, model: "CeleryModel") -> Any:
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


def collect_beat_entries(model: "CeleryModel") -> list[BeatEntry]:
    entries: list[BeatEntry] = []
    for app_id, settings in sorted(model.settings.items()):
        for entry in settings.by_name.get("beat_schedule", []):
            entries.extend(_entries_from_setting(entry, model))
        entries.extend(_item_additions(model, app_id))
    entries.extend(_periodic_task_calls(model))
    unique: dict[tuple[str, int, int], BeatEntry] = {}
    for entry in entries:
        unique.setdefault((entry.path, entry.span.line, entry.span.column), entry)
    return sorted(unique.values(), key=lambda e: (e.path, e.span.line, e.span.column))


__all__ = ["BeatEntry", "collect_beat_entries", "follow", "Evaluator"]
