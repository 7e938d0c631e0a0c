"""Static evaluation of recorded expressions: constants, across imports when needed.

The result is a plain Python value, an ``EnvValue`` (read from the environment,
with its default), a ``StaticCall`` (a call celerylint may understand, such as
``crontab(...)`` or ``Queue(...)``), or ``UNKNOWN``. Rules must stay silent on
UNKNOWN rather than guess.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celerylint.project.symbols import SymbolKind, SymbolTable
from celerylint.source.facts import (
    AssignmentFact,
    BinOpValue,
    CallValue,
    Const,
    DictValue,
    FormattedString,
    Lambda,
    NameRef,
    SequenceValue,
    Subscript,
    Value,
)

if TYPE_CHECKING:
    from celerylint.project.model import Project


class _Unknown:
    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()

MAX_DEPTH = 16

ENV_READERS = {
    "os.getenv", "os.environ.get", "os.environ.setdefault", "environ.get",
    "decouple.config", "environ.Env", "os.environ.__getitem__",
}
ENV_HELPER_NAMES = {"env", "config", "get_env", "getenv", "env_var"}
ENV_HELPER_METHODS = {"str", "int", "bool", "float", "list", "url", "json", "db", "cache_url"}


@dataclass(frozen=True)
class EnvValue:
    """A value read from the environment; ``default`` is what the code uses when unset."""

    variable: str
    default: Any  # UNKNOWN when there is no default
    has_default: bool


@dataclass(frozen=True)
class StaticCall:
    """A call to a known callable with evaluated arguments (UNKNOWN where unknown)."""

    qualified: str  # resolved callee, e.g. "celery.schedules.crontab", "kombu.Queue"
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]
    has_star: bool = False

    def kwarg(self, name: str, default: Any = None) -> Any:
        for key, value in self.kwargs:
            if key == name:
                return value
        return default

    @property
    def leaf(self) -> str:
        return self.qualified.rsplit(".", 1)[-1]


def plain(value: Any) -> Any:
    """The value code runs with when no environment variable is set."""
    if isinstance(value, EnvValue):
        return value.default if value.has_default else UNKNOWN
    return value


_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
        "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "|": operator.or_}


class Evaluator:
    def __init__(self, project: Project, symbols: SymbolTable) -> None:
        self.project = project
        self.symbols = symbols
        self._assignment_cache: dict[tuple[str, str], Any] = {}

    def evaluate(self, value: Value | None, module: str, depth: int = 0) -> Any:
        if value is None or depth > MAX_DEPTH:
            return UNKNOWN
        if isinstance(value, Const):
            return value.value
        if isinstance(value, NameRef):
            return self._name(value.dotted, module, depth)
        if isinstance(value, DictValue):
            if value.has_unpacking:
                return UNKNOWN
            result: dict[Any, Any] = {}
            for item in value.items:
                key = self.evaluate(item.key, module, depth + 1)
                if key is UNKNOWN or not _hashable(key):
                    return UNKNOWN
                result[key] = self.evaluate(item.value, module, depth + 1)
            return result
        if isinstance(value, SequenceValue):
            if value.has_unpacking:
                return UNKNOWN
            items = [self.evaluate(i, module, depth + 1) for i in value.items]
            if value.kind == "list":
                return items
            if value.kind == "tuple":
                return tuple(items)
            return set(items) if all(_hashable(i) and i is not UNKNOWN for i in items) else UNKNOWN
        if isinstance(value, BinOpValue):
            return self._binop(value, module, depth)
        if isinstance(value, FormattedString):
            parts = [plain(self.evaluate(p, module, depth + 1)) for p in value.parts]
            if any(p is UNKNOWN or isinstance(p, (dict, list, StaticCall)) for p in parts):
                return UNKNOWN
            return "".join(str(p) for p in parts)
        if isinstance(value, CallValue):
            return self.call(value, module, depth)
        if isinstance(value, Subscript):
            if isinstance(value.target, NameRef) and \
                    self.qualified_callee(value.target.dotted, module) == "os.environ":
                variable = plain(self.evaluate(value.index, module, depth + 1))
                return EnvValue(variable, UNKNOWN, False) if isinstance(variable, str) else UNKNOWN
            target = plain(self.evaluate(value.target, module, depth + 1))
            index = plain(self.evaluate(value.index, module, depth + 1))
            try:
                return target[index] if target is not UNKNOWN and index is not UNKNOWN else UNKNOWN
            except (KeyError, IndexError, TypeError):
                return UNKNOWN
        if isinstance(value, Lambda):
            return UNKNOWN
        return UNKNOWN

    def _binop(self, value: BinOpValue, module: str, depth: int) -> Any:
        left = plain(self.evaluate(value.left, module, depth + 1))
        right = plain(self.evaluate(value.right, module, depth + 1))
        if left is UNKNOWN or right is UNKNOWN or isinstance(left, StaticCall) \
                or isinstance(right, StaticCall):
            return UNKNOWN
        try:
            result = _OPS[value.op](left, right)
        except Exception:  # noqa: BLE001 - any runtime error means "not statically known"
            return UNKNOWN
        if isinstance(result, str) and len(result) > 100_000:
            return UNKNOWN
        return result

    def _name(self, dotted: str, module: str, depth: int) -> Any:
        symbol = self.symbols.resolve(module, dotted)
        if symbol.kind is SymbolKind.ASSIGNMENT and not symbol.attribute:
            return self.assignment_value(symbol.module, symbol.name, depth)
        return UNKNOWN

    def assignment_value(self, module: str, name: str, depth: int = 0) -> Any:
        key = (module, name)
        if key not in self._assignment_cache:
            self._assignment_cache[key] = UNKNOWN
            binding = self.symbols.bindings(module).get(name)
            if isinstance(binding, AssignmentFact):
                self._assignment_cache[key] = self.evaluate(binding.value, module, depth + 1)
        return self._assignment_cache[key]

    def qualified_callee(self, func: str, module: str) -> str:
        """``crontab`` -> ``celery.schedules.crontab``; first-party callees keep their path."""
        if not func or "()" in func or func.startswith("?"):
            return ""
        symbol = self.symbols.resolve(module, func)
        if symbol.kind is SymbolKind.EXTERNAL:
            return symbol.qualified
        if symbol.known:
            return symbol.qualified + (f".{symbol.attribute}" if symbol.attribute else "")
        return ""

    def call(self, value: CallValue, module: str, depth: int = 0) -> Any:
        qualified = self.qualified_callee(value.func, module)
        env = self._env_read(value, qualified, module, depth)
        if env is not None:
            return env
        if not qualified:
            return UNKNOWN
        args = tuple(self.evaluate(a, module, depth + 1) for a in value.args)
        kwargs = tuple((k.name, self.evaluate(k.value, module, depth + 1)) for k in value.kwargs)
        return StaticCall(qualified, args, kwargs, value.has_star_args or value.has_star_kwargs)

    def _env_read(self, value: CallValue, qualified: str, module: str, depth: int) -> EnvValue | None:
        leaf = value.func.rsplit(".", 1)[-1]
        is_reader = qualified in ENV_READERS or value.func in ("os.getenv", "os.environ.get")
        if not is_reader:
            head = value.func.split(".")[0]
            is_reader = (value.func in ENV_HELPER_NAMES or (
                head in ENV_HELPER_NAMES and leaf in ENV_HELPER_METHODS and value.func.count(".") == 1
            )) and not qualified.startswith(tuple(f"{m}." for m in self.project.first_party_top_levels))
        if not is_reader or not value.args:
            return None
        variable = plain(self.evaluate(value.args[0], module, depth + 1))
        if not isinstance(variable, str):
            return None
        default_node = value.args[1] if len(value.args) > 1 else value.keyword("default")
        if default_node is None:
            return EnvValue(variable, UNKNOWN, False)
        return EnvValue(variable, plain(self.evaluate(default_node, module, depth + 1)), True)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
