"""The fact codec: every fact round-trips exactly, and data of any other shape is refused."""

from __future__ import annotations

import dataclasses
import enum
import json
from pathlib import Path
from typing import Any

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from tests.conftest import FIXTURES

from celerylint.findings import Applicability, Edit, Finding, Fix, Severity
from celerylint.source import fact_codec
from celerylint.source.extract import extract_module_facts
from celerylint.source.fact_codec import DecodeError, decode, dumps, encode, loads
from celerylint.source.facts import (
    CallFact,
    CallValue,
    Const,
    ImportContext,
    Lambda,
    ModuleFacts,
    NameRef,
    Span,
    Value,
)


def exact(value: object) -> object:
    """``value`` with every type spelled out: ``1 == True`` and ``(1,) != [1]`` for JSON."""
    if dataclasses.is_dataclass(value):
        return (type(value).__name__,
                *(exact(getattr(value, field.name)) for field in dataclasses.fields(value)))
    if isinstance(value, frozenset):
        return ("frozenset", sorted(map(repr, value)))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, *map(exact, value))
    return (type(value).__name__, repr(value))


def _facts_of(path: Path, root: Path) -> ModuleFacts:
    relative = path.relative_to(root).as_posix()
    module = relative[:-3].replace("/", ".").removesuffix(".__init__")
    return extract_module_facts(relative, module, path.name == "__init__.py", path.read_bytes())


FIXTURE_FILES = sorted(FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_facts_of_every_fixture_file_round_trip_exactly(path: Path) -> None:
    facts = _facts_of(path, FIXTURES)
    blob = dumps(facts)
    again = loads(ModuleFacts, blob)
    assert exact(again) == exact(facts)
    assert dumps(again) == blob  # and so do the bytes: equal facts, equal entries


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar().map(lambda source: source.encode("utf-8", "surrogatepass")))
def test_facts_of_generated_programs_round_trip_exactly(data: bytes) -> None:
    facts = extract_module_facts("gen.py", "gen", False, data)
    assert exact(loads(ModuleFacts, dumps(facts))) == exact(facts)


def test_literal_values_keep_their_types() -> None:
    span = Span(1, 2, 1, 9)
    values = (Const("1", span), Const(1, span), Const(1.0, span), Const(True, span),
              Const(None, span), Const(b"\x00\xff", span), Const(10**40, span))
    data = encode(values, tuple[Value, ...])
    assert exact(decode(tuple[Value, ...], json.loads(json.dumps(data)))) == exact(values)


def test_shared_values_are_written_once_and_stay_shared() -> None:
    inner = CallValue("f", (Const(1, Span(1, 3, 1, 4)),), span=Span(1, 1, 1, 5))
    facts = ModuleFacts("a.py", "a", False, calls=(CallFact(inner, ""), CallFact(inner, "g")))
    data = encode(facts)
    assert json.dumps(data).count('"f"') == 1
    again = decode(ModuleFacts, data)
    assert again == facts and again.calls[0].call is again.calls[1].call


def test_the_codec_is_generic_findings_round_trip() -> None:
    """Other stages may store their dataclasses: a finding with a fix, an enum, a tuple."""
    findings = (Finding("CEL101", "unregistered-task", Severity.ERROR, "a.py", 3, 1, "msg",
                        fix=Fix("m", Applicability.SAFE, (Edit(3, 1, 3, 4, "new"),)),
                        subjects=("proj.add",)),)
    kind = tuple[Finding, ...]
    assert exact(loads(kind, dumps(findings, kind))) == exact(findings)
    mapping = {"a": (1, 2), "b": ()}
    assert loads(dict[str, tuple[int, ...]], dumps(mapping, dict[str, tuple[int, ...]])) == mapping


def test_frozensets_are_written_sorted() -> None:
    facts = ModuleFacts("a.py", "a", False, defined_names=frozenset({"b", "a", "c"}))
    assert encode(facts)[4] == ["a", "b", "c"]


# --- refused data -----------------------------------------------------------------------------

SPAN = [1, 1, 1, 2]
NAME_REF = [1, "x", *SPAN]  # tag 1 of Value: NameRef, its fields inline


@pytest.mark.parametrize(("kind", "data"), [
    (Span, [1, 2, 3]),  # too short
    (Span, [1, 2, 3, 4, 5]),  # too long
    (Span, [1, 2, 3, "4"]),
    (Span, [1, 2, 3, True]),  # a bool is not an int here
    (Span, [1, 2, 3, 4.0]),
    (Span, [1, 2, 3, 2**63]),  # not a machine integer
    (Span, [1, 2, 3, -(2**63)]),
    (Span, {"line": 1}),
    (Span, None),
    (NameRef, ["x", *SPAN, "extra"]),
    (NameRef, [None, *SPAN]),
    (Value, [10, "x"]),  # no such alternative
    (Value, [True, "x", *SPAN]),  # a bool is not a tag
    (Value, ["1", "x", *SPAN]),
    (Value, []),
    (Value, "x"),
    (Value, [-1, 0]),  # a reference to nothing decoded yet
    (tuple[Value, ...], [NAME_REF, [-1, 5]]),  # out of range
    (tuple[Value, ...], [NAME_REF, [-1, -1]]),
    (tuple[Value, ...], [NAME_REF, [-1, True]]),
    (tuple[CallValue, ...], [["f", [], [], False, False, *SPAN, []], 0, 1]),
    (tuple[Value, ...], (NAME_REF,)),  # a tuple is not JSON data
    (ImportContext, "nonsense"),
    (ImportContext, 0),
    (frozenset[str], ["a", 1]),
    (tuple[int, ...], [1, 2**70]),
    (bytes, "\u0100"),  # no byte above 255
    (dict[str, int], [["a", 1, 2]]),
])
def test_data_of_another_shape_is_refused(kind: object, data: Any) -> None:
    with pytest.raises(DecodeError):
        decode(kind, data)


def test_a_shared_reference_to_an_instance_of_another_class_is_refused() -> None:
    lambda_of_name = [7, NAME_REF, *SPAN]  # Lambda(NameRef(...)): index 0 is the NameRef
    assert isinstance(decode(tuple[Value, ...], [lambda_of_name, [-1, 0]])[1], NameRef)
    with pytest.raises(DecodeError):  # index 1 is the Lambda, which is no CallValue
        decode(tuple[CallValue, ...], [["f", [lambda_of_name], [], False, False, *SPAN, []], 1])


@pytest.mark.parametrize("blob", [
    b"", b"[", b"\x80\x05garbage", b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000,
    b"[1, 2, 3, " + b"9" * 5000 + b"]",  # past JSON's digit limit
    b"NaN", b'"a string"', b"{}",
])
def test_bytes_that_are_no_facts_are_refused(blob: bytes) -> None:
    with pytest.raises(DecodeError):
        loads(ModuleFacts, blob)


def test_values_nested_past_the_stack_are_refused_not_a_crash() -> None:
    depth = 20_000
    data: list[Any] = NAME_REF
    for _ in range(depth):
        data = [7, data, *SPAN]  # Lambda(Lambda(...))
    with pytest.raises(DecodeError):
        decode(Value, data)
    text = "[7," * depth + json.dumps(NAME_REF) + ",1,1,1,2]" * depth
    with pytest.raises(DecodeError):
        loads(Value, text.encode())


def test_a_literal_may_be_a_big_int_but_never_past_json_digits() -> None:
    assert decode(Value, [0, 10**40, *SPAN]) == Const(10**40, Span(*SPAN))
    assert decode(Lambda, [[0, 10**40, *SPAN], *SPAN]).body == Const(10**40, Span(*SPAN))


# --- types the codec cannot write ---------------------------------------------------------------


class Colour(enum.Enum):
    RED = (1, 2)


@dataclasses.dataclass(frozen=True)
class Unsupported:
    anything: object


@dataclasses.dataclass(frozen=True)
class WithSet:
    names: set[str]


@dataclasses.dataclass(frozen=True)
class WithColour:
    colour: Colour


@dataclasses.dataclass(frozen=True)
class Holder:
    inner: Unsupported


@pytest.mark.parametrize("kind", [Unsupported, WithSet, WithColour, Holder])
def test_a_field_the_codec_cannot_express_fails_loudly(kind: type) -> None:
    with pytest.raises(TypeError, match="fact codec"):
        decode(kind, [])
    with pytest.raises(TypeError, match="fact codec"):  # every time, not only the first
        decode(kind, [])


def test_every_fact_field_has_a_plan() -> None:
    """Adding a field of an unsupported type to the facts fails here, not in a user's run."""
    facts = ModuleFacts("a.py", "a", False)
    assert decode(ModuleFacts, encode(facts)) == facts
    assert fact_codec.__all__ == ["DecodeError", "Plain", "decode", "dumps", "encode", "loads"]
