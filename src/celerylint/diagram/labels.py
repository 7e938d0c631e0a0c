"""Model facts put into words, for diagram labels and the inventory alike.

One wording for both, so the topology box and the inventory row of a beat
entry always say the same thing.  Every URL goes through ``mask_url`` here:
a label is printed, committed and pasted into tickets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from celerylint.project.celery.celery_apps import SourceKind
from celerylint.project.evaluate import UNKNOWN, EnvValue, StaticCall
from celerylint.secrets import mask_secrets_in_text, mask_url
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.celery.beat import BeatEntry
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.celery.celery_tasks import TaskDefinition
    from celerylint.project.model import Project

UNKNOWN_SCHEDULE = "schedule not known statically"
MAX_SOURCE_TEXT = 60


def connection_text(raw: Any) -> str:
    """A broker/backend setting in words, masked: ``$VAR (default redis://:****@h/0)``."""
    if isinstance(raw, EnvValue):
        if not raw.has_default or not isinstance(raw.default, str):
            return f"${raw.variable}"
        return f"${raw.variable} (default {mask_url(raw.default)})"
    if raw is None:
        return "not set"
    if isinstance(raw, str):
        return mask_url(raw) if raw else "empty"
    if isinstance(raw, (list, tuple)) and all(isinstance(r, str) for r in raw):
        return "; ".join(mask_url(r) for r in raw)
    return "unknown (computed at run time)"


def connection_lines(raw: Any) -> list[str]:
    """``connection_text`` on two lines for a box: the variable, then its default."""
    text = connection_text(raw)
    variable, separator, default = text.partition(" (default ")
    return [variable, f"default {default.removesuffix(')')}"] if separator else [text]


def describe_schedule(model: CeleryModel, entry: BeatEntry) -> str:
    """A beat entry's schedule in words, as the beat rules judged it (``beat_schedules``)."""
    from celerylint.project.celery.beat_schedules import evaluate_schedule

    info = evaluate_schedule(entry, model)
    if info.error:
        return f"never runs as intended: {info.error}"
    return info.description or UNKNOWN_SCHEDULE


def config_sources(model: CeleryModel, app_id: str) -> tuple[str, ...]:
    """Where an app's configuration comes from, one line per statement or object."""
    config = model.configs[app_id]
    lines: dict[str, None] = {}
    for obj in sorted(config.objects, key=lambda o: (o.path, o.span.line)):
        namespace = f", namespace={obj.namespace!r}" if obj.namespace else ""
        lines[f"config_from_object({obj.target or '?'!r}{namespace}) at "
              f"{obj.path}:{obj.span.line}"] = None
    for entry in sorted(config.entries, key=lambda e: (e.path, e.span.line)):
        if entry.source is SourceKind.OBJECT:
            continue
        where = entry.path if entry.source is SourceKind.ATTRIBUTE else \
            f"{entry.path}:{_statement_line(entry.source_id, entry.span)}"
        lines[f"{entry.source.value} at {where}"] = None
    for discovery in config.autodiscoveries:
        lines[f"autodiscover_tasks at {discovery.path}:{discovery.span.line}"] = None
    return tuple(lines)


def _statement_line(source_id: str, span: Span) -> int:
    """``update@path:12`` -> 12: group a conf.update's keys under its call line."""
    tail = source_id.rpartition(":")[2]
    return int(tail) if tail.isdigit() else span.line


def option_text(project: Project, task: TaskDefinition, option: str) -> str:
    """A task option's value; its source text when it cannot be evaluated (exception classes)."""
    value = task.options.get(option, UNKNOWN)
    if _fully_known(value):
        return mask_secrets_in_text(repr(value))
    span = task.option_spans.get(option)
    text = source_text(project, task.path, span) if span is not None else None
    if text and isinstance(value, tuple) and not text.startswith("("):
        text = f"({text})"  # a tuple's span leaves its parentheses out
    return text if text else "?"


def _fully_known(value: Any) -> bool:
    """A plain value all the way down: no UNKNOWN or StaticCall inside a tuple or dict."""
    if value is UNKNOWN or isinstance(value, (StaticCall, EnvValue)):
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(_fully_known(item) for item in value)
    if isinstance(value, dict):
        return all(_fully_known(k) and _fully_known(v) for k, v in value.items())
    return True


def source_text(project: Project, path: str, span: Span) -> str | None:
    """The code between a span's ends, on one line, shortened and masked."""
    data = project.read_bytes(path)
    if data is None or span.line <= 0:
        return None
    lines = data.decode("utf-8", "replace").splitlines()
    if span.end_line > len(lines):
        return None
    if span.line == span.end_line:
        text = lines[span.line - 1][span.column - 1:span.end_column - 1]
    else:
        chunk = [lines[span.line - 1][span.column - 1:], *lines[span.line:span.end_line - 1],
                 lines[span.end_line - 1][:span.end_column - 1]]
        text = " ".join(part.strip() for part in chunk)
    text = " ".join(text.split())
    if len(text) > MAX_SOURCE_TEXT:
        text = text[:MAX_SOURCE_TEXT - 3] + "..."
    return mask_secrets_in_text(text) or None


__all__ = ["config_sources", "connection_lines", "connection_text", "describe_schedule", "option_text",
           "source_text"]
