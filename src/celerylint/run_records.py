"""Findings and whole runs as plain JSON data, and back, checked field by field.

Nothing here trusts what it reads: a value of the wrong type or shape raises
``CorruptEntry``, and the caller treats the entry as a miss.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celerylint.findings import Applicability, Edit, Finding, Fix, Severity

if TYPE_CHECKING:
    from pathlib import Path

    from celerylint.discovery import FileInventory, UnreadFile
    from celerylint.rules.base import RuleMeta
    from celerylint.source.pool import ExtractionStats


class CorruptEntry(ValueError):
    """An entry that does not have the shape this schema writes: treated as a miss."""


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise CorruptEntry("expected a string")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise CorruptEntry("expected an integer")
    return value


def _list(value: Any, length: int | None = None) -> list[Any]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise CorruptEntry("expected a list")
    return value


def encode_finding(finding: Finding) -> list[Any]:
    fix = finding.fix
    return [finding.code, finding.name, finding.severity.value, finding.path, finding.line,
            finding.column, finding.message, finding.end_line, finding.end_column,
            finding.fix_hint, None if fix is None else [
                fix.message, fix.applicability.value,
                [[e.line, e.column, e.end_line, e.end_column, e.content] for e in fix.edits]],
            list(finding.subjects)]


def _decode_fix(value: Any) -> Fix | None:
    if value is None:
        return None
    message, applicability, edits = _list(value, 3)
    try:
        kind = Applicability(_str(applicability))
    except ValueError:
        raise CorruptEntry("unknown applicability") from None
    return Fix(_str(message), kind, tuple(
        Edit(_int(e[0]), _int(e[1]), _int(e[2]), _int(e[3]), _str(e[4]))
        for e in (_list(item, 5) for item in _list(edits))))


def decode_finding(value: Any) -> Finding:
    (code, name, severity, path, line, column, message, end_line, end_column, fix_hint, fix,
     subjects) = _list(value, 12)
    try:
        level = Severity(_str(severity))
    except ValueError:
        raise CorruptEntry("unknown severity") from None
    return Finding(_str(code), _str(name), level, _str(path), _int(line), _int(column),
                   _str(message), _int(end_line), _int(end_column),
                   None if fix_hint is None else _str(fix_hint), _decode_fix(fix),
                   tuple(_str(s) for s in _list(subjects)))


def decode_findings(value: Any) -> list[Finding]:
    return [decode_finding(item) for item in _list(value)]


# --- Whole runs -----------------------------------------------------------------------


@dataclass(frozen=True)
class RunRecord:
    """What a report needs from a run: findings after suppression and scope (before the
    reported-files filter and the baseline, which are applied on every run)."""

    findings: list[Finding]
    suppressed: list[Finding]
    rules: list[RuleMeta]
    notes: list[str]
    out_of_scope: int
    files: int
    extraction: ExtractionStats | None
    probes: dict[str, str]  # inputs checked again before a replay (git's state)


RUN_FIELDS = frozenset({"findings", "suppressed", "rules", "notes", "out_of_scope", "files",
                        "extraction", "probes"})


def encode_run(findings: Sequence[Finding], suppressed: Sequence[Finding],
               rules: Sequence[RuleMeta], notes: Sequence[str], out_of_scope: int, files: int,
               extraction: ExtractionStats | None, probes: Mapping[str, str]) -> dict[str, Any]:
    stats = None if extraction is None else [
        extraction.files, extraction.cached, extraction.parsed, extraction.unreadable,
        extraction.processes, list(extraction.notes)]
    return {"findings": [encode_finding(f) for f in findings],
            "suppressed": [encode_finding(f) for f in suppressed],
            "rules": [[m.code, m.name, m.severity.value, m.summary, list(m.old_names),
                       m.default_enabled, m.preview, m.hygiene] for m in rules],
            "notes": list(notes), "out_of_scope": out_of_scope, "files": files,
            "extraction": stats, "probes": dict(probes)}


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise CorruptEntry("expected a boolean")
    return value


def _decode_meta(value: Any) -> RuleMeta:
    from celerylint.rules.base import RuleMeta

    code, name, severity, summary, old_names, default_enabled, preview, hygiene = \
        _list(value, 8)
    try:
        level = Severity(_str(severity))
    except ValueError:
        raise CorruptEntry("unknown severity") from None
    return RuleMeta(_str(code), _str(name), level, _str(summary),
                    tuple(_str(n) for n in _list(old_names)), _bool(default_enabled),
                    _bool(preview), _bool(hygiene))


def _decode_stats(value: Any) -> ExtractionStats | None:
    from celerylint.source.pool import ExtractionStats

    if value is None:
        return None
    files, cached, parsed, unreadable, processes, notes = _list(value, 6)
    del cached, parsed, processes  # a replay parses nothing and reads no facts
    return ExtractionStats(_int(files), _int(files), 0, _int(unreadable), 0,
                           tuple(_str(n) for n in _list(notes)))


def decode_run(record: Mapping[str, Any]) -> RunRecord:
    """A stored run, checked field by field; CorruptEntry when anything is off."""
    missing = RUN_FIELDS - set(record)
    if missing:
        raise CorruptEntry(f"missing {sorted(missing)}")
    probes = record.get("probes")
    if not isinstance(probes, dict):
        raise CorruptEntry("expected the probes")
    return RunRecord(decode_findings(record.get("findings")),
                     decode_findings(record.get("suppressed")),
                     [_decode_meta(m) for m in _list(record.get("rules"))],
                     [_str(n) for n in _list(record.get("notes"))],
                     _int(record.get("out_of_scope")), _int(record.get("files")),
                     _decode_stats(record.get("extraction")),
                     {_str(k): _str(v) for k, v in probes.items()})


# --- The file inventory: module names and source roots of a file list ---------------


def encode_inventory(inventory: FileInventory) -> dict[str, Any]:
    """What ``inventory_of`` derives from the list and the files it reads."""
    return {"python": [[f.path, f.module, f.is_package, list(f.aliases)]
                       for f in inventory.python],
            "roots": list(inventory.source_roots),
            "rendered": sorted(inventory.rendered.items()),
            "template_roots": list(inventory.template_roots)}


def decode_inventory(record: Any, root: Path, files: list[str], notes: list[str],
                     unread: Sequence[UnreadFile]) -> FileInventory:
    """``encode_inventory`` read back over today's list, or ``CorruptEntry``."""
    from celerylint.discovery import FileInventory, PythonFile

    if not isinstance(record, dict):
        raise CorruptEntry("expected an inventory")
    python: list[PythonFile] = []
    for row in _list(record.get("python")):
        path, module, is_package, aliases = _list(row, 4)
        if not isinstance(is_package, bool):
            raise CorruptEntry("expected a package flag")
        python.append(PythonFile(_str(path), _str(module), is_package,
                                 tuple(_str(a) for a in _list(aliases))))
    rendered = {}
    for pair in _list(record.get("rendered")):
        real, as_rendered = _list(pair, 2)
        rendered[_str(real)] = _str(as_rendered)
    return FileInventory(root, files, python, [_str(r) for r in _list(record.get("roots"))],
                         notes, sorted(unread, key=lambda u: u.path), rendered,
                         tuple(_str(r) for r in _list(record.get("template_roots"))))
