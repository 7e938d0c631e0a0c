"""Which ``if``/``case`` arm of a shell script each line sits in.

Two ``exec celery beat`` lines in the two branches of an ``if``/``else`` start one
beat, not two; a script that picks its worker by ``$MODE`` runs one of its arms
per container.  Lines are read one at a time (``\\``-continued lines joined); an
``if … fi`` or ``case … esac`` written on a single line is not split into arms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Arm", "arms_by_line"]

_IF = re.compile(r"^(?:if|elif)\s+(?P<condition>.*?)(?:;\s*then\b.*)?$")
_CASE = re.compile(r"^case\s+(?P<word>\S+)\s+in\b")
_PATTERN = re.compile(r"^\(?(?P<pattern>[^()]+?)\)")
_VARIABLE = re.compile(r"\$\{?(?P<name>[A-Za-z_][A-Za-z0-9_]*|[0-9@*])")
_ARGUMENTS = frozenset({*"0123456789", "@", "*"})
_ENDS = {"if": "fi", "case": "esac"}


@dataclass(frozen=True)
class Arm:
    """One arm of an ``if``/``case``: the construct's first line, the arm's number, what
    the construct tests (``MODE``, ``1`` for the first argument) and how the arm reads."""

    construct: int
    index: int
    selector: str
    label: str

    @property
    def by_argument(self) -> bool:
        """Chosen by the script's arguments: the caller (compose, a Dockerfile) picks it."""
        return self.selector in _ARGUMENTS

    def excludes(self, other: Arm) -> bool:
        return self.construct == other.construct and self.index != other.index


@dataclass
class _Open:
    kind: str  # "if" or "case"
    line: int
    selector: str
    arm: Arm | None = None
    expecting_pattern: bool = False


def arms_by_line(text: str) -> dict[int, tuple[Arm, ...]]:
    """For each 1-based line inside some arm, the arms enclosing it, outermost first."""
    found: dict[int, tuple[Arm, ...]] = {}
    stack: list[_Open] = []
    for number, line in _lines(text):
        _step(stack, number, line)
        arms = tuple(item.arm for item in stack if item.arm is not None)
        if arms:
            found[number] = arms
    return found


def _lines(text: str) -> list[tuple[int, str]]:
    lines, pending, start = [], "", 1
    for number, line in enumerate(text.split("\n"), start=1):
        if not pending:
            start = number
        stripped = line.split(" #", 1)[0].strip()
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append((start, pending + stripped))
        pending = ""
    return lines


def _step(stack: list[_Open], number: int, line: str) -> None:
    """Open, switch or close arms for one line; the line's own words stay in the arm."""
    word = line.split(None, 1)[0].rstrip(";") if line else ""
    top = stack[-1] if stack else None
    if word == "if" and not re.search(r"\bfi\b", line):
        stack.append(_open_if(number, line))
    elif word == "elif" and top is not None and top.kind == "if":
        _next_arm(top, _condition(line))
    elif word == "else" and top is not None and top.kind == "if":
        _next_arm(top, "else")
    elif word in ("fi", "esac") and top is not None and _ENDS[top.kind] == word:
        stack.pop()
    elif (case := _CASE.match(line)) and "esac" not in line:
        stack.append(_Open("case", number, _selector(case.group("word")), expecting_pattern=True))
    elif top is not None and top.kind == "case" and top.expecting_pattern \
            and (pattern := _PATTERN.match(line)):
        _next_arm(top, pattern.group("pattern").strip())
        top.expecting_pattern = False
    if top is not None and top.kind == "case" and line.rstrip().endswith(";;"):
        top.expecting_pattern = True


def _open_if(number: int, line: str) -> _Open:
    opened = _Open("if", number, _selector(_condition(line)))
    _next_arm(opened, _condition(line))
    return opened


def _next_arm(construct: _Open, label: str) -> None:
    index = construct.arm.index + 1 if construct.arm is not None else 0
    construct.arm = Arm(construct.line, index, construct.selector, label)


def _condition(line: str) -> str:
    match = _IF.match(line)
    return match.group("condition").strip() if match else line


def _selector(text: str) -> str:
    variable = _VARIABLE.search(text)
    return variable.group("name") if variable else ""
