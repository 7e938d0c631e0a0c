"""Frozen dataclasses as plain data (lists, str, int, float, bool, None) and back, validated.

``encode(obj)`` turns a dataclass (and everything its fields hold: dataclasses, enums,
tuples, lists, frozensets, dicts, unions, bytes) into JSON-ready plain data;
``decode(cls, data)`` rebuilds it and checks every value against the declared type on the
way, raising ``DecodeError`` at the first mismatch. Data read from disk can only ever
become the declared classes, or an error: never code, never another class, never a
wrong-typed field that a later stage would trip over. ``dumps``/``loads`` add JSON, whose
parser, unlike marshal's or pickle's, is built for untrusted input.

Both directions are driven by ``dataclasses.fields`` and ``typing.get_type_hints``, turned
once per type into a plan and compiled into a reader and a writer (as ``dataclasses``
compiles ``__init__``: the source comes from the type hints, never from data), because a
warm run decodes hundreds of thousands of facts and must stay close to unpickling
them. A field of a type the codec cannot express raises ``TypeError`` the first time its
class is used, instead of writing something it could not read back.

The shapes, chosen so that JSON keeps every distinction the types make:

- a dataclass is the list of its field values, in field order; a field holding a
  *record* (a dataclass of str/int/float/bool fields only, such as ``Span``) has the
  record's values inline in that list;
- an instance met again in the same ``encode`` (facts share values: a call is both a
  ``CallFact`` and an argument) is the int index of its first writing, counted in the
  order instances are completed; records are never shared;
- ``tuple[X, ...]``, ``list[X]`` and ``frozenset[X]`` are lists (a frozenset of scalars
  sorted, so equal values give equal bytes); ``dict[K, V]`` is a list of pairs;
- an enum member is its value; ``bytes`` is a str of code points below 256;
- in a union, an alternative whose JSON kind (null, bool, int, float, str, list) no earlier
  alternative has is written bare; every other one is written ``[index, value]`` (a
  dataclass ``[index, *its values]``, a shared instance ``[-1, its index]``);
- an ``int`` field is a machine integer (|n| < 2**63); only a bare int of a union (a
  literal's value) may be larger, up to JSON's own limit on digits.

Decoded strings are not interned: JSON gives every occurrence of a name its own string
(pickle's memo shared them within an entry), which costs a warm run on pretalx 16 MB
more at its peak (202 MB against 186 MB); interning saved that and cost a fifth of the
decoding time, and time is the scarcer budget.
"""

from __future__ import annotations

import json
from typing import Any

from celerylint.source import fact_codec_gen as gen

Plain = Any  # JSON-ready data: None, bool, int, float, str, and lists of these
DecodeError = gen.DecodeError


def encode(obj: Any, tp: object = None) -> Plain:
    """Plain data for ``obj``; ``tp`` is its declared type (default: its own class)."""
    return gen.compiled(type(obj) if tp is None else tp).write(obj, {})


def decode(tp: object, data: Plain) -> Any:
    """The value of type ``tp`` that ``data`` encodes; ``DecodeError`` when it encodes none."""
    try:
        return gen.compiled(tp).read(data, [])
    except RecursionError:
        raise DecodeError("nested deeper than this process can follow") from None


def dumps(obj: Any, tp: object = None) -> bytes:
    """``encode`` as compact ASCII JSON (lone surrogates of undecodable names survive)."""
    return json.dumps(encode(obj, tp), separators=(",", ":")).encode("ascii")


def loads(tp: object, blob: bytes) -> Any:
    """``decode`` of ``dumps`` output; any malformed input raises ``DecodeError``."""
    try:
        data = json.loads(blob)
    except (ValueError, RecursionError) as exc:  # bad JSON or UTF-8, too many digits, too deep
        raise DecodeError(f"not JSON: {exc}") from None
    return decode(tp, data)


__all__ = ["DecodeError", "Plain", "decode", "dumps", "encode", "loads"]
