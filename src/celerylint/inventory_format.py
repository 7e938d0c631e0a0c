"""The inventory as text, Markdown or JSON: one table definition, three renderings.

Each section is described once as a title, headers and rows of strings; the
text and Markdown writers only lay those out, so the formats never disagree.
The JSON document follows ``docs/inventory-schema.json`` (``schema_version``).
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from celerylint.inventory import (
    SCHEMA_VERSION,
    CeleryVersions,
    Inventory,
    QueueConsumers,
    WorkerInfo,
)
from celerylint.secrets import mask_secrets_in_text

NONE = "(none)"


class InventoryFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


@dataclass(frozen=True)
class Section:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    as_records: bool = False  # too wide for a text table: one "Header: value" block per row
    counted: bool = True  # a list whose length goes in the title, not a fixed set of facts


def render_inventory(inventory: Inventory, fmt: InventoryFormat, heading_level: int = 1) -> str:
    """The inventory in ``fmt``; Markdown headings start at ``heading_level``."""
    if fmt is InventoryFormat.JSON:
        return json.dumps(inventory_document(inventory), indent=2, sort_keys=False) + "\n"
    sections = inventory_sections(inventory)
    if fmt is InventoryFormat.MARKDOWN:
        return mask_secrets_in_text(_markdown(inventory, sections, heading_level))
    return mask_secrets_in_text(_text(inventory, sections))


def inventory_document(inventory: Inventory) -> dict[str, Any]:
    """The JSON document: every record as a plain object, lists for tuples."""
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    document.update(_plain(dataclasses.asdict(inventory)))
    return document


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return mask_secrets_in_text(value)  # every string, whatever field it sits in
    return value


def _join(values: Iterable[str], separator: str = ", ") -> str:
    joined = separator.join(values)
    return joined or "-"


def _consumers(consumers: Sequence[QueueConsumers]) -> str:
    if not consumers:
        return "nobody"
    return "; ".join(f"{c.deployment}: {', '.join(c.services)}" for c in consumers)


def _worker_queues(worker: WorkerInfo) -> str:
    if worker.kind == "beat":
        return "-"
    return _join(worker.queues) if worker.queues is not None else "unknown"


def _registered(registered: bool | None) -> str:
    return "yes" if registered else "unknown" if registered is None else "not registered"


def _celery_version_rows(versions: CeleryVersions) -> tuple[tuple[str, ...], ...]:
    """Declared, installed, and whether their majors agree, in words."""
    declared = "not declared"
    if versions.declared_specifier is not None:
        wanted = versions.declared_specifier or "(any version)"
        major = ("" if versions.declared_major is None
                 else f" (Celery {versions.declared_major}.x)")
        declared = f"celery {wanted} at {versions.declared_at}{major}"
    installed = (f"{versions.installed}, which settings and schedules are checked against"
                 if versions.installed else "not installed next to celerylint")
    majors = f"differ: {versions.mismatch_note}" if versions.majors_differ else \
        "unknown" if None in (versions.declared_major, versions.installed_major) else "match"
    return (("declared", declared), ("installed", installed), ("major versions", majors))


def inventory_sections(inventory: Inventory) -> list[Section]:
    """Every section as rows of display strings, in reading order."""
    celery = Section("Celery versions", ("Celery", "Version"),
                     _celery_version_rows(inventory.celery_versions), counted=False)
    apps = Section("Apps", ("App", "Defined at", "Broker", "Result backend", "Config sources",
                            "Include"),
                   tuple((a.id, a.location, a.broker, a.backend, _join(a.config_sources, "; "),
                          _join(a.includes)) for a in inventory.apps), as_records=True)
    tasks = Section("Tasks", ("Task", "Defined at", "Queue", "Retry", "Time limits", "Bind"),
                    tuple((t.name, t.location, t.queue or "unknown", _join(t.retry),
                           _join(t.time_limits), "yes" if t.bind else "no")
                          for t in inventory.tasks))
    registration = Section(
        "Task registration", ("Task", "Worker", "Registered", "How"),
        tuple((t.name, f"{r.deployment}: {r.service}" if r.deployment else r.service,
               _registered(r.registered),
               " -> ".join(r.chain) if r.registered else r.reason)
              for t in inventory.tasks for r in t.registrations), as_records=True)
    beat = Section("Beat entries", ("Entry", "Task", "Schedule", "Queue", "Defined at"),
                   tuple((b.key, b.task, b.schedule, b.queue or "unknown", b.location)
                         for b in inventory.beat_entries))
    queues = Section("Queues", ("Queue", "Declared", "Producers", "Consumers"),
                     tuple((q.name, "yes" if q.declared else "no", _join(q.producers, "; "),
                            _consumers(q.consumers)) for q in inventory.queues))
    workers = Section("Workers and beat", ("Deployment", "Service", "Kind", "App", "Queues",
                                           "Concurrency", "Beat", "Command"),
                      tuple((w.deployment, w.service, w.kind, w.app or "unknown",
                             _worker_queues(w),
                             str(w.concurrency) if w.concurrency is not None else "default",
                             "yes" if w.beat else "no", w.command) for w in inventory.workers))
    env_files = Section("Env files (keys only, never values)", ("File", "Environment", "Keys"),
                        tuple((e.path, (e.environment or "unknown") +
                               (" (example)" if e.example else ""), _join(e.keys))
                              for e in inventory.env_files))
    redis = Section("Redis clients in code", ("Location", "Call", "Target", "Settings",
                                              "Env keys"),
                    tuple((r.location, r.callee, r.target or "computed", _join(r.settings),
                           _join(r.env_keys)) for r in inventory.redis_usages), as_records=True)
    return [celery, apps, tasks, registration, beat, queues, workers, env_files, redis]


def _text(inventory: Inventory, sections: Sequence[Section]) -> str:
    lines = [f"Celery inventory of {inventory.project}", ""]
    for section in sections:
        lines.append(_title(section))
        if not section.rows:
            lines.extend([f"  {NONE}", ""])
            continue
        if section.as_records:
            lines.extend(_records(section))
            continue
        widths = [max(len(row[i]) for row in (section.headers, *section.rows))
                  for i in range(len(section.headers))]
        for row in (section.headers, *section.rows):
            cells = [cell.ljust(width) for cell, width in zip(row, widths)]
            lines.append(("  " + "  ".join(cells)).rstrip())
        lines.append("")
    return "\n".join(lines)


def _title(section: Section) -> str:
    return f"{section.title} ({len(section.rows)})" if section.counted else section.title


def _records(section: Section) -> list[str]:
    width = max(len(header) for header in section.headers[1:]) + 1
    lines: list[str] = []
    for row in section.rows:
        lines.append(f"  {row[0]}")
        lines.extend(f"    {(header + ':').ljust(width)} {cell}"
                     for header, cell in zip(section.headers[1:], row[1:]))
        lines.append("")
    return lines


def _markdown_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>") or " "


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GitHub-flavoured Markdown table, cells escaped."""
    lines = ["| " + " | ".join(_markdown_cell(h) for h in headers) + " |",
             "|" + "|".join(" --- " for _ in headers) + "|"]
    lines.extend("| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in rows)
    return lines


def _markdown(inventory: Inventory, sections: Sequence[Section], level: int) -> str:
    hashes = "#" * level
    lines = [f"{hashes} Celery inventory of `{inventory.project}`", ""]
    for section in sections:
        lines.extend([f"{hashes}# {_title(section)}", ""])
        if section.rows:
            lines.extend(markdown_table(section.headers, section.rows))
        else:
            lines.append(f"_{NONE}_")
        lines.append("")
    return "\n".join(lines)


__all__ = ["InventoryFormat", "Section", "inventory_document", "inventory_sections",
           "markdown_table", "render_inventory"]
