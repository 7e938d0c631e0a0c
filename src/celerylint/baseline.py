"""Baselines: adopt celerylint on an old project by accepting today's findings.

``--write-baseline FILE`` records every current finding; ``--baseline FILE``
then reports only findings that are not recorded. Entries are matched by
fingerprint (rule, file, the reported source text with whitespace collapsed,
and the finding's subjects; see ``report.fingerprints``), never by line
number, so unrelated edits above a finding do not bring it back. Each entry
carries a count: a baseline with one copy of a finding accepts one copy, and
a second identical finding added later is new.

The file is JSON, sorted and indented so that it diffs well in review.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from celerylint.findings import Finding
from celerylint.report.fingerprints import FINGERPRINT_VERSION, fingerprint
from celerylint.secrets import mask_secrets_in_text

BASELINE_VERSION = 1

Fingerprinter = Callable[[Finding], str]


class BaselineError(Exception):
    """The baseline file is missing, unreadable, or not one we wrote."""


@dataclass(frozen=True, order=True)
class BaselineEntry:
    path: str
    code: str
    fingerprint: str
    count: int
    name: str = ""
    message: str = ""  # of the first finding, for the humans reviewing the file


@dataclass(frozen=True)
class Baseline:
    entries: tuple[BaselineEntry, ...]

    @property
    def total(self) -> int:
        return sum(entry.count for entry in self.entries)


@dataclass
class BaselineMatch:
    new: list[Finding] = field(default_factory=list)
    accepted: list[Finding] = field(default_factory=list)
    stale: list[BaselineEntry] = field(default_factory=list)  # count = unmatched copies


def project_fingerprinter(root: Path) -> Fingerprinter:
    """Fingerprints that read source lines from ``root``, each file read once."""
    from celerylint.report.context import ReportContext

    context = ReportContext((), {}, root, root)
    return lambda finding: fingerprint(finding, context)


def baseline_from_findings(findings: Iterable[Finding], fingerprint_of: Fingerprinter) -> Baseline:
    """One entry per distinct fingerprint, counting its copies."""
    counts: Counter[tuple[str, str, str]] = Counter()
    first: dict[tuple[str, str, str], Finding] = {}
    for finding in sorted(findings, key=lambda f: f.sort_key):
        key = (finding.path, finding.code, fingerprint_of(finding))
        counts[key] += 1
        first.setdefault(key, finding)
    return Baseline(tuple(sorted(
        BaselineEntry(path, code, digest, count, first[(path, code, digest)].name,
                      first[(path, code, digest)].message)
        for (path, code, digest), count in counts.items()
    )))


def dump_baseline(baseline: Baseline) -> str:
    """The file's text: same findings, same bytes."""
    document = {
        "tool": "celerylint",
        "version": BASELINE_VERSION,
        "fingerprint_version": FINGERPRINT_VERSION,
        "findings": [
            {"path": e.path, "code": e.code, "name": e.name, "fingerprint": e.fingerprint,
             "count": e.count, "message": mask_secrets_in_text(e.message)}
            for e in baseline.entries
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: Path, baseline: Baseline) -> None:
    try:
        path.write_text(dump_baseline(baseline), encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror}") from None


def load_baseline(path: Path) -> Baseline:
    """Read a baseline; any doubt about its shape is an error, never an empty baseline."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist (create it with "
                            f"--write-baseline {path})") from None
    except (OSError, ValueError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from None
    return parse_baseline(document, str(path))


def parse_baseline(document: Any, source: str) -> Baseline:
    if not isinstance(document, dict) or document.get("tool") != "celerylint":
        raise BaselineError(f"{source} is not a celerylint baseline")
    if document.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{source} has baseline version {document.get('version')!r}; "
                            f"this celerylint reads version {BASELINE_VERSION}")
    if document.get("fingerprint_version") != FINGERPRINT_VERSION:
        raise BaselineError(f"{source} was written with fingerprint version "
                            f"{document.get('fingerprint_version')!r}; regenerate it with "
                            "--write-baseline")
    entries = []
    for raw in document.get("findings", []):
        try:
            entries.append(BaselineEntry(
                str(raw["path"]), str(raw["code"]), str(raw["fingerprint"]), int(raw["count"]),
                str(raw.get("name", "")), str(raw.get("message", ""))))
        except (KeyError, TypeError, ValueError):
            raise BaselineError(f"{source}: malformed entry {raw!r}") from None
    return Baseline(tuple(sorted(entries)))


def match_baseline(
    findings: Iterable[Finding],
    baseline: Baseline,
    fingerprint_of: Fingerprinter,
    ran_codes: Collection[str],
    in_scope: Callable[[str], bool] = lambda path: True,
) -> BaselineMatch:
    """Split findings into new and accepted; stale entries are those the run could have
    matched (their rule ran, their file is in scope) but did not, fully."""
    remaining = Counter({(e.path, e.code, e.fingerprint): e.count for e in baseline.entries})
    match = BaselineMatch()
    for finding in sorted(findings, key=lambda f: f.sort_key):
        key = (finding.path, finding.code, fingerprint_of(finding))
        if remaining[key] > 0:
            remaining[key] -= 1
            match.accepted.append(finding)
        else:
            match.new.append(finding)
    for entry in baseline.entries:
        left = remaining[(entry.path, entry.code, entry.fingerprint)]
        if left > 0 and entry.code in ran_codes and in_scope(entry.path):
            match.stale.append(BaselineEntry(entry.path, entry.code, entry.fingerprint, left,
                                             entry.name, entry.message))
    return match
