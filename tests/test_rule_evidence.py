"""docs/rule-evidence.md stays true: every rule says how its runtime claim is proven.

A rule added without a row, an oracle test renamed or deleted, a Celery function that
moved, or an argued claim whose doc does not admit it is not demonstrated: each fails
here. The oracle files are parsed, never imported, so this runs without redis-server.
"""

from __future__ import annotations

import ast
import enum
import importlib
import re
from dataclasses import dataclass
from functools import cache, lru_cache

import pytest
from tests.conftest import REPO_ROOT

from celerylint.docs import load_docs
from celerylint.rules.registry import all_rules

EVIDENCE = REPO_ROOT / "docs" / "rule-evidence.md"
ORACLE_DIR = "tests/oracle/"
ROW = re.compile(
    r"^\| `(?P<code>CEL\d{3})` \| `(?P<name>[a-z0-9-]+)` \| (?P<claim>[^|]+) \| "
    r"(?P<evidence>[^|]+) \|$"
)
REFERENCE = re.compile(r"^(?P<kind>oracle|celery|argued): `(?P<target>[^`]+)`$")
ORACLE_TEST_OF_RULE = re.compile(r"^test_\w+_(?P<code>cel\d{3})$")
#: ``celery:`` names Celery's code or kombu's, the messaging library Celery runs on.
CELERY_PACKAGES = ("celery", "kombu")
NOT_DEMONSTRATED = "not demonstrated"


class Kind(enum.Enum):
    ORACLE = "oracle"
    CELERY = "celery"
    ARGUED = "argued"


@dataclass(frozen=True)
class Reference:
    kind: Kind
    target: str


@dataclass(frozen=True)
class EvidenceRow:
    code: str
    name: str
    claim: str
    references: tuple[Reference, ...]

    def targets(self, kind: Kind) -> list[str]:
        return [r.target for r in self.references if r.kind is kind]


def _parse_references(cell: str, code: str) -> tuple[Reference, ...]:
    references = []
    for item in cell.split(";"):
        match = REFERENCE.match(item.strip())
        assert match, f"{code}: {item.strip()!r} is not 'oracle|celery|argued: `target`'"
        references.append(Reference(Kind(match["kind"]), match["target"]))
    return tuple(references)


@lru_cache(maxsize=1)
def evidence_rows() -> tuple[EvidenceRow, ...]:
    rows = []
    for line in EVIDENCE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `CEL"):
            continue
        match = ROW.match(line)
        assert match, f"malformed evidence row: {line}"
        code = match["code"]
        rows.append(
            EvidenceRow(
                code,
                match["name"],
                match["claim"].strip(),
                _parse_references(match["evidence"], code),
            )
        )
    return tuple(rows)


def rows_by_code() -> dict[str, EvidenceRow]:
    return {row.code: row for row in evidence_rows()}


@cache
def oracle_test_names(relative_path: str) -> frozenset[str]:
    """Top-level test functions of an oracle file, read with ``ast``."""
    tree = ast.parse((REPO_ROOT / relative_path).read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    )


def resolve_dotted(dotted: str) -> object:
    """Import the longest module prefix of ``dotted``, then getattr the rest."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        break
    else:
        raise ModuleNotFoundError(dotted)
    for attribute in parts[split:]:
        found = getattr(found, attribute)
    return found


def all_references(kind: Kind) -> list[tuple[str, str]]:
    return [(row.code, target) for row in evidence_rows() for target in row.targets(kind)]


def test_every_registered_rule_has_exactly_one_row() -> None:
    codes = [row.code for row in evidence_rows()]
    duplicated = sorted({code for code in codes if codes.count(code) > 1})
    assert not duplicated, f"{EVIDENCE.name} lists these codes more than once: {duplicated}"
    registered = {rule.code for rule in all_rules()}
    missing = sorted(registered - set(codes))
    assert not missing, f"rules without evidence in {EVIDENCE.name}: {missing}"
    mentioned = set(re.findall(r"\bCEL\d{3}\b", EVIDENCE.read_text(encoding="utf-8")))
    unknown = sorted(mentioned - registered)
    assert not unknown, f"{EVIDENCE.name} mentions codes no rule has: {unknown}"


def test_rows_are_sorted_and_name_the_rule() -> None:
    codes = [row.code for row in evidence_rows()]
    assert codes == sorted(codes), f"{EVIDENCE.name}: rows must be sorted by code"
    names = {rule.code: rule.name for rule in all_rules()}
    wrong = [
        f"{row.code}: {row.name} != {names[row.code]}"
        for row in evidence_rows()
        if row.code in names and names[row.code] != row.name
    ]
    assert not wrong, f"{EVIDENCE.name} names rules wrongly: {wrong}"


def test_every_row_states_a_claim_and_each_reference_once() -> None:
    for row in evidence_rows():
        assert row.claim, f"{row.code}: the runtime claim is empty"
        assert len(set(row.references)) == len(row.references), f"{row.code}: repeated reference"


@pytest.mark.parametrize(("code", "target"), all_references(Kind.ORACLE))
def test_oracle_reference_names_an_existing_test(code: str, target: str) -> None:
    path, separator, function = target.partition("::")
    assert separator and function, f"{code}: {target!r} must be path::test_function"
    assert path.startswith(ORACLE_DIR), f"{code}: {path} is not under {ORACLE_DIR}"
    assert (REPO_ROOT / path).is_file(), f"{code}: {path} does not exist"
    assert function in oracle_test_names(path), f"{code}: {path} has no test {function}()"


def test_every_oracle_test_named_for_a_rule_is_listed_for_it() -> None:
    """An oracle test ending in _celNNN is evidence for CELNNN: its row must cite it."""
    rows = rows_by_code()
    unlisted = []
    for path in sorted((REPO_ROOT / ORACLE_DIR).glob("test_*.py")):
        relative = path.relative_to(REPO_ROOT).as_posix()
        for function in sorted(oracle_test_names(relative)):
            match = ORACLE_TEST_OF_RULE.match(function)
            if match is None:
                continue
            row = rows.get(match["code"].upper())
            if row is None or f"{relative}::{function}" not in row.targets(Kind.ORACLE):
                unlisted.append(f"{relative}::{function}")
    assert not unlisted, (
        f"oracle tests missing from their rule's row in {EVIDENCE.name}: {unlisted}"
    )


@pytest.mark.parametrize(("code", "target"), all_references(Kind.CELERY))
def test_celery_reference_resolves(code: str, target: str) -> None:
    assert target.split(".")[0] in CELERY_PACKAGES, (
        f"{code}: {target} is not in {CELERY_PACKAGES}; argue the claim instead"
    )
    try:
        resolve_dotted(target)
    except (ImportError, AttributeError) as error:
        pytest.fail(f"{code}: celery reference {target} does not resolve: {error!r}")


@pytest.mark.parametrize(("code", "target"), all_references(Kind.ARGUED))
def test_argued_reference_points_at_the_rule_doc_known_limits(code: str, target: str) -> None:
    doc = load_docs().get(code)
    assert doc is not None, f"{code}: no rule doc"
    assert target == f"{doc.path}#known-limits", f"{code}: argue in {doc.path}#known-limits"
    assert (REPO_ROOT / doc.path).is_file(), f"{code}: {doc.path} does not exist"
    limits = doc.sections.get("Known limits", "")
    assert limits.strip(), f"{doc.path} has no '## Known limits' section"
    assert NOT_DEMONSTRATED in " ".join(limits.lower().split()), (
        f"{doc.path}: Known limits must say what is {NOT_DEMONSTRATED} against a real "
        "worker, and why"
    )
