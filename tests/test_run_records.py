"""Findings and runs as plain JSON data: a faithful round trip, and every odd shape refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from celerylint.findings import Applicability, Edit, Finding, Fix, Severity
from celerylint.rules.base import RuleMeta
from celerylint.run_records import (
    CorruptEntry,
    decode_finding,
    decode_run,
    encode_finding,
    encode_run,
)
from celerylint.source.pool import ExtractionStats

FIXED = Finding("CEL104", "deprecated-setting-name", Severity.WARNING, "proj/settings.py", 2, 1,
                "'BROKER_URL' is the old name.", 2, 11, "Rename it.",
                Fix("Rename", Applicability.SAFE, (Edit(2, 1, 2, 11, "broker_url"),)),
                ("BROKER_URL",))
PLAIN = Finding("CEL001", "unparsable-file", Severity.ERROR, "a.py", 1, 5, "Cannot parse.")


@pytest.mark.parametrize("finding", [FIXED, PLAIN])
def test_a_finding_survives_json(finding: Finding) -> None:
    assert decode_finding(json.loads(json.dumps(encode_finding(finding)))) == finding


def test_a_run_survives_json() -> None:
    meta = RuleMeta("CEL104", "deprecated-setting-name", Severity.WARNING, "Old names.",
                    ("old-name",), True, False, False)
    stats = ExtractionStats(3, 1, 2, 0, 1, ("a note",))
    record = json.loads(json.dumps(encode_run([FIXED], [PLAIN], [meta], ["note"], 2, 3, stats,
                                              {"git": "abc"})))
    run = decode_run(record)
    assert (run.findings, run.suppressed, run.rules, run.notes) == ([FIXED], [PLAIN], [meta],
                                                                    ["note"])
    assert (run.out_of_scope, run.files, run.probes) == (2, 3, {"git": "abc"})
    # A replay read every file's facts from nowhere: it says so.
    assert run.extraction == ExtractionStats(3, 3, 0, 0, 0, ("a note",))


def _mangled(index: int, value: Any) -> list[Any]:
    encoded = encode_finding(FIXED)
    encoded[index] = value
    return encoded


@pytest.mark.parametrize("value", [
    "not a list", [], [1] * 11, _mangled(2, "catastrophic"), _mangled(4, "2"),
    _mangled(4, True), _mangled(6, None), _mangled(10, ["m", "safe", [[1, 2, 3]]]),
    _mangled(10, ["m", "dangerous", []]), _mangled(11, "BROKER_URL"),
    _mangled(11, [{"__reduce__": "os.system"}]),
])
def test_odd_shapes_are_refused(value: Any) -> None:
    with pytest.raises(CorruptEntry):
        decode_finding(value)


def test_a_run_without_its_parts_is_refused() -> None:
    whole = encode_run([FIXED], [], [], [], 0, 1, None, {})
    for key in whole:
        with pytest.raises((CorruptEntry, ValueError, TypeError)):
            decode_run({k: v for k, v in whole.items() if k != key})
