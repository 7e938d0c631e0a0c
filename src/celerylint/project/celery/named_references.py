"""Every place a task is named by string, in one list: calls, beat entries, routes, annotations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celerylint.project.celery.beat import follow
from celerylint.project.celery.task_references import ReferenceKind
from celerylint.project.evaluate import UNKNOWN, plain
from celerylint.source.facts import CallValue, Const, DictValue, SequenceValue, Span

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel

PATTERN_CHARS = "*"


@dataclass(frozen=True)
class NamedReference:
    name: str  # exact name, glob, or regex text
    kind: ReferenceKind
    path: str
    span: Span
    app_id: str
    is_glob: bool = False
    is_regex: bool = False
    queue: Any = None
    args: Any = None
    kwargs: Any = None
    label: str = ""  # "beat entry 'nightly'" etc., for messages
    arguments_span: Span | None = None  # where args/kwargs were given, when apart

    @property
    def arguments_location(self) -> Span:
        return self.arguments_span or self.span

    @property
    def is_pattern(self) -> bool:
        return self.is_glob or self.is_regex


def _mapping_keys(model: "CeleryModel", setting: str, kind: ReferenceKind) -> list[NamedReference]:
    found: list[NamedReference] = []
    for app_id, settings in sorted(model.settings.items()):
        for entry in settings.by_name.get(setting, []):
            value, module = follow(entry.value, entry.module, model.symbols)
            maps = value.items if isinstance(value, SequenceValue) else (value,)
            facts = model.project.module(module)
            path = facts.path if facts else entry.path
            for mapping in maps:
                mapping, map_module = follow(mapping, module, model.symbols)
                if not isinstance(mapping, DictValue):
                    continue
                for item in mapping.items:
                    key = item.key
                    if isinstance(key, Const) and isinstance(key.value, str):
                        found.append(NamedReference(
                            key.value, kind, path, item.span, app_id,
                            is_glob=PATTERN_CHARS in key.value, label=f"{setting} key"))
                    elif isinstance(key, CallValue) and key.func.endswith("compile") and key.args \
                            and isinstance(key.args[0], Const) and isinstance(key.args[0].value, str):
                        found.append(NamedReference(key.args[0].value, kind, path, item.span,
                                                    app_id, is_regex=True, label=f"{setting} key"))
    return found


def named_references(model: "CeleryModel") -> list[NamedReference]:
    found: list[NamedReference] = []
    for ref in model.references:
        label = "send_task" if ref.kind is ReferenceKind.SEND_TASK else "signature"
        found.append(NamedReference(ref.name, ref.kind, ref.path, ref.span, ref.app_id,
                                    queue=ref.queue, args=ref.args, kwargs=ref.kwargs, label=label))
    for entry in model.beat_entries:
        if isinstance(entry.task, str):
            options = plain(entry.options)
            queue = plain(options.get("queue")) if isinstance(options, dict) else None
            key = entry.key if isinstance(entry.key, str) else "?"
            spans = dict(entry.extra_keys)
            found.append(NamedReference(entry.task, ReferenceKind.BEAT, entry.path, entry.task_span,
                                        entry.app_id, queue=queue, args=entry.args,
                                        kwargs=entry.kwargs, label=f"beat entry '{key}'",
                                        arguments_span=spans.get("kwargs") or spans.get("args")))
    found.extend(_mapping_keys(model, "task_routes", ReferenceKind.ROUTE))
    found.extend(_mapping_keys(model, "task_annotations", ReferenceKind.ANNOTATION))
    return sorted(found, key=lambda r: (r.path, r.span.line, r.span.column, r.name))


__all__ = ["NamedReference", "named_references", "UNKNOWN"]
