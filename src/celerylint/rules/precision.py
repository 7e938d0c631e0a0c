"""Each rule's measured precision on the benchmark, read from ``precision.toml``.

One data file, filled by the precision benchmark, feeds every place that shows a
rule's status: ``rule --all``, the docs' status line, the README table and the
order of ``report``'s next steps.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

PRECISION_FILE = Path(__file__).with_name("precision.toml")
NOT_MEASURED = "not measured"


@dataclass(frozen=True)
class Precision:
    precision: float  # 0..1: true findings among the labelled ones
    findings: int  # how many labelled findings the figure rests on
    date: str  # ISO date of the benchmark run

    def describe(self) -> str:
        """``97 % of 120 findings (2026-12-05)``."""
        return f"{self.precision:.0%} of {self.findings} findings ({self.date})".replace(
            "%", " %", 1)

    def as_json(self) -> dict[str, Any]:
        return {"precision": self.precision, "findings": self.findings, "date": self.date}


class PrecisionFileError(ValueError):
    """precision.toml has an entry that is not {precision, findings, date}."""


def _entry(code: str, table: Any) -> Precision:
    if not isinstance(table, dict):
        raise PrecisionFileError(f"{PRECISION_FILE.name}: [{code}] must be a table")
    value, findings, date = table.get("precision"), table.get("findings"), table.get("date")
    if (not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1
            or not isinstance(findings, int) or isinstance(findings, bool) or findings < 0
            or not isinstance(date, (datetime.date, str))):
        raise PrecisionFileError(f"{PRECISION_FILE.name}: [{code}] needs precision (0..1), "
                                 "findings (a count) and date")
    return Precision(float(value), findings, date if isinstance(date, str) else date.isoformat())


@lru_cache(maxsize=1)
def measured_precision() -> dict[str, Precision]:
    """Every measured rule by code; an absent file means nothing is measured yet."""
    from celerylint.config_file import load_toml_strict

    if not PRECISION_FILE.is_file():
        return {}
    document = load_toml_strict(PRECISION_FILE)
    return {code: _entry(code, table) for code, table in sorted(document.items())}


def precision_of(code: str) -> Precision | None:
    return measured_precision().get(code)


def precision_text(code: str) -> str:
    found = precision_of(code)
    return found.describe() if found else NOT_MEASURED


# A rule nobody has measured ranks below every rule measured at the stable bar (95 %).
UNMEASURED_RANK = 0.9


def triage_key(code: str, severity_rank: int, count: int) -> tuple[float, int, int, str]:
    """Which rule's findings a newcomer should read first: the most precise rule (so the
    first finding read is a true one), then the most severe, then the most frequent."""
    measured = precision_of(code)
    return (-(measured.precision if measured else UNMEASURED_RANK), severity_rank, -count, code)
