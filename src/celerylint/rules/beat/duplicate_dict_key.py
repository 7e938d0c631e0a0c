"""CEL503: a dict literal repeats a key, so Python silently drops the earlier value.

In a beat schedule that is a periodic task that never runs; in ``task_routes``
a route that never applies; in any settings dict a value nobody reads. Only
constant keys are compared, and a repeat with an identical value is harmless.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from celerylint.findings import Finding, Severity
from celerylint.rules.base import NO_OTHER_INPUTS, ModuleRule
from celerylint.source.facts import Const, DictItem, DictValue, ModuleFacts, Value
from celerylint.source.value_walk import preorder_of

if TYPE_CHECKING:
    from celerylint.project.model import Project


def module_values(facts: ModuleFacts) -> Iterator[Value]:
    """Every recorded expression of a file: assigned values, and call arguments."""
    for assignment in facts.assignments:
        yield assignment.value
        if assignment.key is not None:
            yield assignment.key
    for call in facts.calls:
        yield call.call


def dict_literals(value: Value) -> Iterator[DictValue]:
    """The dict literals in an expression tree, outermost first."""
    return preorder_of(value, DictValue)  # type: ignore[return-value]


def _without_spans(value: Any) -> Any:
    """A value tree with positions blanked, so two writings of one value compare equal."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _without_spans(getattr(value, f.name))
                   for f in dataclasses.fields(value) if f.name != "span"}
        return (type(value).__name__, tuple(sorted(changes.items())))
    if isinstance(value, tuple):
        return tuple(_without_spans(v) for v in value)
    return value


def repeated_keys(mapping: DictValue) -> Iterator[tuple[DictItem, DictItem]]:
    """(lost, kept) pairs: each later item whose constant key an earlier item already used."""
    first: dict[tuple[str, Any], DictItem] = {}
    for item in mapping.items:
        if not isinstance(item.key, Const):
            continue
        identity = (type(item.key.value).__name__, item.key.value)
        earlier = first.setdefault(identity, item)
        if earlier is not item and _without_spans(earlier.value) != _without_spans(item.value):
            yield earlier, item


class DuplicateDictKey(ModuleRule):
    code = "CEL503"
    inputs = NO_OTHER_INPUTS
    name = "duplicate-dict-key"
    severity = Severity.ERROR
    summary = "A dict literal repeats a key; Python keeps the last value and drops the earlier one."

    def check_module(self, facts: ModuleFacts, project: Project) -> Iterator[Finding]:
        reported: set[tuple[int, int]] = set()
        for value in module_values(facts):
            for mapping in dict_literals(value):
                for lost, kept in repeated_keys(mapping):
                    position = (kept.span.line, kept.span.column)
                    if position in reported:
                        continue
                    reported.add(position)
                    yield self._report(facts.path, lost, kept)

    def _report(self, path: str, lost: DictItem, kept: DictItem) -> Finding:
        key = lost.key.value if isinstance(lost.key, Const) else "?"
        return self.finding(
            path, kept.span if kept.span.line else kept.key.span,
            f"Key {key!r} appears twice in this dict (lines {lost.span.line} and "
            f"{kept.span.line}): Python keeps only the last value, so the one on line "
            f"{lost.span.line} is silently lost{_consequence(lost)}.",
            fix_hint="Rename one of the keys, or delete the entry that should go.",
            subjects=(str(key),),
        )


def _consequence(lost: DictItem) -> str:
    """What losing the value means when it is recognisably a beat entry or a route."""
    if not isinstance(lost.value, DictValue):
        return ""
    fields = {item.key.value: item.value for item in lost.value.items
              if isinstance(item.key, Const) and isinstance(item.key.value, str)}
    task = fields.get("task")
    if "schedule" in fields and isinstance(task, Const) and isinstance(task.value, str):
        return f"; beat never sends '{task.value}' on that entry's schedule"
    if "schedule" in fields:
        return "; beat never runs that entry"
    if "queue" in fields and isinstance(lost.key, Const) and isinstance(lost.key.value, str) \
            and "." in lost.key.value:
        return "; that route never applies"
    return ""


__all__ = ["DuplicateDictKey", "dict_literals", "repeated_keys"]
