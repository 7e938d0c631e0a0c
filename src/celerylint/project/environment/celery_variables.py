"""Where in the code a value reaches Celery's or Redis' configuration.

An environment variable matters to celerylint only when what the code reads
ends up in a Celery setting (directly, through a module-level name, or as part
of a URL built with an f-string) or in a Redis client's arguments. Everything
else (``ALLOWED_HOSTS``, ``AWS_ACCESS_KEY_ID``) belongs to the application, and
saying "Celery falls back to its default broker" about it would describe a
mechanism that is not there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.project.celery.conf import canonical_setting_name
from celerylint.source.facts import (
    BinOpValue,
    FormattedString,
    ModuleFacts,
    NameRef,
    Span,
    Value,
)
from celerylint.source.value_walk import children

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.model import Project

REDIS_CLIENT = "a Redis client"
# Names followed through module-level assignments, at most this deep.
MAX_NAME_HOPS = 4


@dataclass(frozen=True)
class ConfigTarget:
    """A span whose value ends up in ``setting`` (a Celery setting, or :data:`REDIS_CLIENT`).

    ``part`` is True when the value is only a piece of it (an f-string's host),
    so an unset variable puts ``None`` inside the URL instead of replacing it.
    """

    span: Span
    setting: str
    part: bool = False


sub_values = children  # the values written inside a value (``source.value_walk``)


def names_in(value: Value, part: bool = False) -> Iterator[tuple[str, bool]]:
    """(dotted name, inside a composite string) for every name ``value`` mentions."""
    if isinstance(value, NameRef):
        yield value.dotted, part
        return
    composite = part or isinstance(value, (BinOpValue, FormattedString))
    for child in sub_values(value):
        yield from names_in(child, composite)


def _setting_entries(model: "CeleryModel") -> Iterator[tuple[str, Value, str]]:
    """(path, value, setting) for every configured key Celery reads."""
    seen: set[tuple[str, int, int]] = set()
    for config in model.configs.values():
        for entry in config.entries:
            setting = canonical_setting_name(entry.key, entry.namespace, entry.django)
            span = entry.value.span
            if setting is None or (entry.path, span.line, span.column) in seen:
                continue
            seen.add((entry.path, span.line, span.column))
            yield entry.path, entry.value, setting


def _redis_client_calls(facts: ModuleFacts, model: "CeleryModel") -> Iterator[Value]:
    if not any(fact.module.split(".", 1)[0] == "redis" for fact in facts.imports):
        return  # resolving every call of every module costs more than this check
    for call in facts.calls:
        qualified = model.evaluator.qualified_callee(call.func, facts.module)
        if qualified.split(".", 1)[0] == "redis" and qualified != "redis":
            yield call.call


def _module_assignments(facts: ModuleFacts) -> dict[str, list[Value]]:
    values: dict[str, list[Value]] = {}
    for assignment in facts.assignments:
        if not assignment.function and assignment.key is None and not assignment.scope:
            values.setdefault(assignment.target, []).append(assignment.value)
    return values


def _add_spans(value: Value, setting: str, part: bool, found: list[ConfigTarget]) -> None:
    """``value`` and every sub-value, those inside a composite string marked as parts."""
    found.append(ConfigTarget(value.span, setting, part))
    composite = part or isinstance(value, (BinOpValue, FormattedString))
    for child in sub_values(value):
        _add_spans(child, setting, composite, found)


def _follow_names(value: Value, setting: str, assignments: dict[str, list[Value]],
                  found: list[ConfigTarget]) -> None:
    """Add ``value`` and, hop by hop, the module-level values its names stand for."""
    frontier = [(value, False)]
    visited: set[str] = set()
    for _ in range(MAX_NAME_HOPS + 1):
        following: list[tuple[Value, bool]] = []
        for current, part in frontier:
            _add_spans(current, setting, part, found)
            for name, inside in names_in(current):
                if name in visited:
                    continue
                visited.add(name)
                following += [(v, part or inside) for v in assignments.get(name, ())]
        frontier = following
        if not frontier:
            return


def config_targets(project: "Project", model: "CeleryModel") -> dict[str, list[ConfigTarget]]:
    """Per file, the spans whose values reach a Celery setting or a Redis client."""
    by_path: dict[str, list[ConfigTarget]] = {}
    facts_by_path = {f.path: f for f in project.python_facts() if f.module}
    assignments = {path: _module_assignments(f) for path, f in facts_by_path.items()}
    for path, value, setting in _setting_entries(model):
        _follow_names(value, setting, assignments.get(path, {}), by_path.setdefault(path, []))
    for path, facts in facts_by_path.items():
        for call in _redis_client_calls(facts, model):
            _follow_names(call, REDIS_CLIENT, assignments[path], by_path.setdefault(path, []))
    return by_path


def inside(span: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (span.line, span.column) and \
        (span.end_line, span.end_column) <= (outer.end_line, outer.end_column)


def target_of(span: Span, targets: list[ConfigTarget]) -> ConfigTarget | None:
    """The Celery setting (or Redis client) the value at ``span`` reaches, if any.

    The innermost span decides, so a read inside an f-string is a part of the URL.
    """
    around = [target for target in targets if inside(span, target.span)]
    if not around:
        return None
    return min(around, key=lambda t: (t.span.end_line - t.span.line,
                                      t.span.end_column - t.span.column))
