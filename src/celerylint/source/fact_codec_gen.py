"""The fact codec's compiler: one reader and one writer per type, generated from type hints.

``fact_codec`` documents the shapes. Every type gets ``read_<n>(data, m)`` (``m``: the
instances decoded so far, which shared references index) and ``write_<n>(value, s)``
(``s``: id of each instance written so far -> its index) in one namespace, so that types
holding themselves (``Value`` holds ``Value``) call each other by name. Scalars, optional
values, records and empty sequences are checked inline by their holder, which is where
the speed comes from: most values never cost a call.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import types
import typing
from collections.abc import Callable
from typing import Any, Union

MACHINE_INT_BITS = 63  # |n| < 2**63
KINDS: dict[type, str] = {type(None): "null", bool: "bool", int: "int", float: "float",
                          str: "str", list: "list"}
SHARED_TAG = -1


class DecodeError(ValueError):
    """The data does not have the shape of the type it was decoded as."""


def _bad(expected: str, data: object) -> typing.NoReturn:
    raise DecodeError(f"expected {expected}, found {type(data).__name__}")


def _shared(data: object, decoded: list[Any], classes: frozenset[type], expected: str) -> Any:
    """An instance decoded earlier, referred to by its index, if it is of an allowed class."""
    if type(data) is int and 0 <= data < len(decoded):
        found = decoded[data]
        if type(found) in classes:
            return found
    _bad(expected, data)


@dataclasses.dataclass(eq=False)
class Plan:
    """One type's place in the generated code: ``read_<name>`` and ``write_<name>``."""

    tp: object
    name: str
    kind: str  # the JSON kind it is written as, or "union"
    leaf: type | None = None  # str, int, float, bool, None: an exact type check, inline
    record: tuple[str, ...] = ()  # a dataclass of leaves: its fields, inline in its holder
    empty: str = ""  # a sequence: the expression of an empty one, inline (most are empty)
    optional: Plan | None = None  # ``X | None`` with X bare: X, checked inline
    bare_leaves: str = ""  # a union: the name of the set of its bare scalar types

    @property
    def read(self) -> Callable[[Any, list[Any]], Any]:
        return _NAMESPACE[f"read_{self.name}"]  # type: ignore[no-any-return]

    @property
    def write(self) -> Callable[[Any, dict[int, int]], Any]:
        return _NAMESPACE[f"write_{self.name}"]  # type: ignore[no-any-return]


def _identity(value: Any, _: object = None) -> Any:
    return value


_NAMESPACE: dict[str, Any] = {
    "_bad": _bad, "_shared": _shared, "_BITS": MACHINE_INT_BITS, "_new": object.__new__,
    "_identity": _identity, "_id": id, "DecodeError": DecodeError,
}
_PLANS: dict[object, Plan] = {}
_NUMBERS = itertools.count()


def compiled(tp: object) -> Plan:
    """The plan of ``tp``, with the reader and writer of every type it holds."""
    found = _PLANS.get(tp)
    if found is not None:
        return found
    before = dict(_PLANS)
    try:
        return _plan(tp)
    except BaseException:
        _PLANS.clear()  # forget this type's half-built plans; the older ones stay whole
        _PLANS.update(before)
        raise


def _plan(tp: object) -> Plan:
    """Reserve the name before generating, so that a type may hold itself."""
    found = _PLANS.get(tp)
    if found is not None:
        return found
    plan = _PLANS[tp] = Plan(tp, f"{next(_NUMBERS)}", _kind_of(tp), _leaf_of(tp),
                             _record_of(tp), _empty_of(tp))
    reader, writer = _generate(plan)
    source = "\n".join([reader, writer])
    exec(compile(source, f"<fact codec: {tp!r}>", "exec"), _NAMESPACE)  # noqa: S102
    return plan


def _constant(value: object) -> str:
    """A namespace name bound to ``value`` (a class, a table) for the generated code."""
    name = f"c_{next(_NUMBERS)}"
    _NAMESPACE[name] = value
    return name


def _is_dataclass(tp: object) -> bool:
    return dataclasses.is_dataclass(tp) and isinstance(tp, type)


def _leaf_of(tp: object) -> type | None:
    return tp if tp in KINDS and tp is not list else None  # type: ignore[return-value]


def _record_of(tp: object) -> tuple[str, ...]:
    if not _is_dataclass(tp) or hasattr(tp, "__post_init__"):
        return ()
    hints = typing.get_type_hints(tp)
    names = tuple(field.name for field in dataclasses.fields(tp))  # type: ignore[arg-type]
    return names if names and all(_leaf_of(hints[name]) for name in names) else ()


def _empty_of(tp: object) -> str:
    container = typing.get_origin(tp)
    if container is tuple and typing.get_args(tp)[1:] == (Ellipsis,):
        return "()"
    if container is frozenset:
        return _constant(frozenset())
    return "[]" if container is list else ""


def _kind_of(tp: object) -> str:
    if _leaf_of(tp) is not None:
        return KINDS[tp]  # type: ignore[index]
    if tp is bytes:
        return "str"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return KINDS[_enum_value_type(tp)]
    return "union" if _is_union(tp) else "list"


def _is_union(tp: object) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType)


def _generate(plan: Plan) -> tuple[str, str]:
    tp = plan.tp
    if plan.leaf is not None:
        return _leaf_code(plan)
    if tp is bytes:
        return _bytes_code(plan)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum_code(plan, tp)
    if _is_dataclass(tp):
        return _dataclass_code(plan, tp)  # type: ignore[arg-type]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if _is_union(tp):
        return _union_code(plan, args)
    if origin in (tuple, list, frozenset) and (origin is not tuple or args[1:] == (Ellipsis,)) \
            and args:
        return _sequence_code(plan, _plan(args[0]), origin.__name__)
    if origin is tuple and args and Ellipsis not in args:
        return _fixed_tuple_code(plan, [_plan(arg) for arg in args])
    if origin is dict and len(args) == 2:
        return _dict_code(plan, _plan(tuple[args[0], args[1]]))  # type: ignore[valid-type]
    raise TypeError(f"the fact codec cannot write values of type {tp!r}")


# --- inline pieces ------------------------------------------------------------------------


def _function(name: str, parameters: str, body: list[str]) -> str:
    return "\n".join([f"def {name}({parameters}):", *(f"    {line}" for line in body)])


def _check(plan: Plan, var: str) -> list[str]:
    """Lines that check the value in ``var`` as ``plan``, converting it in place."""
    leaf = plan.leaf
    if leaf is int:
        return [f"if type({var}) is not int or {var}.bit_length() > _BITS: "
                f"_bad('a machine integer', {var})"]
    if leaf is type(None):
        return [f"if {var} is not None: _bad('None', {var})"]
    if leaf is not None:
        return [f"if type({var}) is not {leaf.__name__}: _bad({leaf.__name__!r}, {var})"]
    if plan.optional is not None:
        return [f"if {var} is not None:", *(f"    {line}" for line in _check(plan.optional, var))]
    if plan.bare_leaves:  # a union's bare scalars need no more than their type
        return [f"if type({var}) not in {plan.bare_leaves}: {var} = read_{plan.name}({var}, m)"]
    if plan.empty:
        return [f"if type({var}) is not list: _bad('a list', {var})",
                f"{var} = read_{plan.name}({var}, m) if {var} else {plan.empty}"]
    return [f"{var} = read_{plan.name}({var}, m)"]


def _written(plan: Plan, expr: str) -> str:
    """The plain data of ``expr``, which is evaluated at most twice and has no effects."""
    if plan.leaf is not None:
        return expr
    inner = plan.optional
    if inner is not None:
        return expr if inner.leaf is not None else \
            f"(None if {expr} is None else write_{inner.name}({expr}, s))"
    return f"write_{plan.name}({expr}, s)"


def _unpacked(count: int) -> str:
    return "".join(f"f_{i}, " for i in range(count))


# --- generators, one per kind of type ------------------------------------------------------


def _leaf_code(plan: Plan) -> tuple[str, str]:
    reader = _function(f"read_{plan.name}", "data, m", [*_check(plan, "data"), "return data"])
    return reader, f"write_{plan.name} = _identity"


def _bytes_code(plan: Plan) -> tuple[str, str]:
    reader = _function(f"read_{plan.name}", "data, m", [
        "if type(data) is not str: _bad('bytes as str', data)",
        "try:",
        "    return data.encode('latin-1')",
        "except UnicodeEncodeError:",
        "    _bad('bytes as code points below 256', data)",
    ])
    return reader, _function(f"write_{plan.name}", "value, s", ["return value.decode('latin-1')"])


def _enum_value_type(tp: type[enum.Enum]) -> type:
    found = {type(member.value) for member in tp}
    if len(found) != 1 or not found <= {str, int}:
        raise TypeError(f"the fact codec writes enums whose values are all str or all int, "
                        f"not {tp!r}")
    return found.pop()


def _enum_code(plan: Plan, tp: type[enum.Enum]) -> tuple[str, str]:
    value_type = _enum_value_type(tp).__name__
    members = _constant({member.value: member for member in tp})
    reader = _function(f"read_{plan.name}", "data, m", [
        f"if type(data) is not {value_type} or data not in {members}: "
        f"_bad('a {tp.__name__} value', data)",
        f"return {members}[data]",
    ])
    return reader, _function(f"write_{plan.name}", "member, s", ["return member.value"])


def _dataclass_code(plan: Plan, cls: type) -> tuple[str, str]:
    fields = dataclasses.fields(cls)
    if any(not field.init for field in fields) or "__slots__" in vars(cls):
        raise TypeError(f"the fact codec needs {cls.__name__}'s fields in __init__ and in "
                        "its instance dict")
    hints = typing.get_type_hints(cls)
    layout = [(field.name, _plan(hints[field.name])) for field in fields]
    build, written, slot = [], [], 0
    for name, field_plan in layout:
        if not field_plan.record:
            build.extend(_check(field_plan, f"f_{slot}"))
            written.append(_written(field_plan, f"d[{name!r}]"))
            slot += 1
            continue
        record_hints = typing.get_type_hints(field_plan.tp)  # type: ignore[arg-type]
        build += [f"v = _new({_constant(field_plan.tp)})", "r = v.__dict__"]
        for offset, record_name in enumerate(field_plan.record):
            build.extend(_check(_plan(record_hints[record_name]), f"f_{slot + offset}"))
            build.append(f"r[{record_name!r}] = f_{slot + offset}")
        written.extend(f"d[{name!r}].__dict__[{record_name!r}]" for record_name in field_plan.record)
        build.append(f"f_{slot} = v")
        slot += len(field_plan.record)
    values = _field_values(layout)
    klass = _constant(cls)
    if hasattr(cls, "__post_init__"):  # it checks or normalises: let it
        build += ["try:", f"    obj = {klass}({', '.join(values)})",
                  "except (TypeError, ValueError):",
                  f"    raise DecodeError('{cls.__name__} refuses its values') from None"]
    else:  # a frozen __init__ costs a call per field; the instance dict is the same
        build += [f"obj = _new({klass})", "d = obj.__dict__"]
        build += [f"d[{name!r}] = {value}" for (name, _), value in zip(layout, values)]
    return _dataclass_reader(plan, cls, slot, build), _dataclass_writer(plan, written)


def _field_values(layout: list[tuple[str, Plan]]) -> list[str]:
    """The variable holding each field's value: a record's is its first slot's."""
    values, slot = [], 0
    for _, field_plan in layout:
        values.append(f"f_{slot}")
        slot += len(field_plan.record) or 1
    return values


def _dataclass_reader(plan: Plan, cls: type, width: int, build: list[str]) -> str:
    """``read_<n>``, and ``read_tagged_<n>`` for ``[tag, *values]`` in a union."""
    expected = f"the {width} values of {cls.__name__}"
    if plan.record:
        start = [f"if type(data) is not list or len(data) != {width}: _bad({expected!r}, data)"]
        finish = ["return obj"]
    else:
        start = [f"if type(data) is not list or len(data) != {width}:",
                 f"    return _shared(data, m, {_constant(frozenset([cls]))}, {expected!r})"]
        finish = ["m.append(obj)", "return obj"]
    unpack = [f"{_unpacked(width)}= data"] if width else []
    return "\n".join([
        _function(f"read_{plan.name}", "data, m", [*start, *unpack, *build, *finish]),
        _function(f"read_tagged_{plan.name}", "data, m", [
            f"if len(data) != {width + 1}: _bad({expected!r}, data)",
            f"_, {_unpacked(width)}= data", *build, *finish]),
    ])


def _dataclass_writer(plan: Plan, written: list[str]) -> str:
    if plan.record:
        return _function(f"write_{plan.name}", "obj, s",
                         ["d = obj.__dict__", f"return [{', '.join(written)}]"])
    return _function(f"write_{plan.name}", "obj, s", [
        "index = s.get(_id(obj))",
        "if index is not None: return index",
        "d = obj.__dict__",
        f"data = [{', '.join(written)}]",
        "s[_id(obj)] = len(s)",
        "return data",
    ])


def _union_code(plan: Plan, args: tuple[object, ...]) -> tuple[str, str]:
    plans = [_plan(arg) for arg in args]
    bare = _bare_alternatives(plans)
    if len(plans) == 2 and type(None) in args and bare == {0, 1}:
        plan.optional = plans[1 - args.index(type(None))]
    elif any(plans[i].leaf is not None for i in bare):
        plan.bare_leaves = _constant(frozenset(plans[i].leaf for i in bare if plans[i].leaf))
    runtime = [_runtime_type(arg, args) for arg in args]
    described = " | ".join(getattr(arg, "__name__", str(arg)) for arg in args)
    reader, writer = ["t = type(data)"], ["t = type(value)"]
    for index, alternative in enumerate(plans):
        klass = _constant(runtime[index])
        if index in bare:
            json_type = _constant(next(t for t, k in KINDS.items() if k == alternative.kind))
            read = "data" if alternative.leaf else f"read_{alternative.name}(data, m)"
            reader.append(f"if t is {json_type}: return {read}")
            writer.append(f"if t is {klass}: return {_written(alternative, 'value')}")
        elif _is_dataclass(alternative.tp):
            writer += [f"if t is {klass}:", f"    data = write_{alternative.name}(value, s)",
                       f"    return [{index}, *data] if type(data) is list else "
                       f"[{SHARED_TAG}, data]"]
        else:
            writer.append(f"if t is {klass}: return [{index}, write_{alternative.name}(value, s)]")
    reader += _tagged_reader(plans, bare, described)
    writer.append(f"return {_constant(_union_fallback(args, plans, bare))}(value, s)")
    return (_function(f"read_{plan.name}", "data, m", reader),
            _function(f"write_{plan.name}", "value, s", writer))


def _bare_alternatives(plans: list[Plan]) -> set[int]:
    first_of_kind: dict[str, int] = {}
    for index, alternative in enumerate(plans):
        first_of_kind.setdefault(alternative.kind, index)
    bare = set(first_of_kind.values())
    if len(bare) < len(plans):  # tagged values are lists: no alternative may be a bare list
        bare.discard(first_of_kind.get("list", -1))
    return bare


def _tagged_reader(plans: list[Plan], bare: set[int], described: str) -> list[str]:
    tagged = [index for index in range(len(plans)) if index not in bare]
    if not tagged:
        return [f"_bad({described!r}, data)"]
    lines = ["if t is list and data and type(data[0]) is int:", "    tag = data[0]"]
    for index in tagged:
        name = plans[index].name
        lines.append(f"    if tag == {index}: return read_tagged_{name}(data, m)"
                     if _is_dataclass(plans[index].tp) else
                     f"    if tag == {index} and len(data) == 2: return read_{name}(data[1], m)")
    shared = frozenset(plans[i].tp for i in tagged
                       if _is_dataclass(plans[i].tp) and not plans[i].record)
    if shared:
        lines.append(f"    if tag == {SHARED_TAG} and len(data) == 2: "
                     f"return _shared(data[1], m, {_constant(shared)}, {described!r})")
    return [*lines, f"_bad({described!r}, data)"]


def _runtime_type(arg: object, args: tuple[object, ...]) -> type:
    found = typing.get_origin(arg) or arg
    if not isinstance(found, type) or \
            sum(1 for other in args if (typing.get_origin(other) or other) is found) > 1:
        raise TypeError(f"the fact codec cannot tell the alternatives of {args!r} apart")
    return found


def _union_fallback(args: tuple[object, ...], plans: list[Plan],
                    bare: set[int]) -> Callable[[Any, dict[int, int]], Any]:
    """Subclass instances (a str enum in a str field): the first alternative they are."""
    def write_subclass_instance(value: Any, shared: dict[int, int]) -> Any:
        for index, (arg, alternative) in enumerate(zip(args, plans)):
            if isinstance(value, _runtime_type(arg, args)):
                written = alternative.write(value, shared)
                if index in bare:
                    return written
                if not _is_dataclass(alternative.tp):
                    return [index, written]
                return [index, *written] if type(written) is list else [SHARED_TAG, written]
        raise TypeError(f"{type(value).__name__} is none of {args!r}")

    return write_subclass_instance


def _sequence_code(plan: Plan, item: Plan, container: str) -> tuple[str, str]:
    reader = ["if type(data) is not list: _bad('a list', data)"]
    if item.leaf is not None:
        reader.append(f"if data and set(map(type, data)) != {{{_constant(item.leaf)}}}: "
                      f"_bad('a list of {item.leaf.__name__}', data)")
        if item.leaf is int:
            reader.append("if data and max(max(data).bit_length(), min(data).bit_length()) "
                          "> _BITS: _bad('machine integers', data)")
        reader.append(f"return {container}(data)")
        # Equal sets, equal bytes; sets of other values keep their order, which shared
        # references count on.
        items = "sorted(value)" if container == "frozenset" else "list(value)"
    else:
        reader.append(f"return {container}([read_{item.name}(x, m) for x in data])")
        items = f"[write_{item.name}(x, s) for x in value]"
    return (_function(f"read_{plan.name}", "data, m", reader),
            _function(f"write_{plan.name}", "value, s", [f"return {items}"]))


def _fixed_tuple_code(plan: Plan, items: list[Plan]) -> tuple[str, str]:
    count = len(items)
    reader = [f"if type(data) is not list or len(data) != {count}: "
              f"_bad('a list of {count}', data)", f"{_unpacked(count)}= data"]
    for index, item in enumerate(items):
        reader.extend(_check(item, f"f_{index}"))
    reader.append(f"return ({_unpacked(count)})")
    values = ", ".join(_written(item, f"value[{i}]") for i, item in enumerate(items))
    return (_function(f"read_{plan.name}", "data, m", reader),
            _function(f"write_{plan.name}", "value, s", [f"return [{values}]"]))


def _dict_code(plan: Plan, pair: Plan) -> tuple[str, str]:
    reader = _function(f"read_{plan.name}", "data, m", [
        "if type(data) is not list: _bad('a list of pairs', data)",
        "try:",
        f"    return dict([read_{pair.name}(x, m) for x in data])",
        "except TypeError:",
        "    raise DecodeError('a dict key of a type that cannot be one') from None",
    ])
    writer = _function(f"write_{plan.name}", "value, s",
                       [f"return [write_{pair.name}(x, s) for x in value.items()]"])
    return reader, writer
