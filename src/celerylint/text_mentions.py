"""What rules read from Python source text beyond the facts, as a per-file record.

Two project rules read the raw text of every Python file, comments and strings included:
unregistered-task asks whether a module's dotted name or path appears anywhere (a module
named nowhere is dead code, ``unwired_modules``), and unknown-setting whether the project
reads a key from Django's settings object (``setting_owners.read_by_project``). The
Python input of the rule cache leaves comments out, so an edited comment alone would
replay a stale answer. This record holds exactly what those readers can find in one
file: the first-party module names and paths it mentions and the settings attributes it
reads. A comment edit that changes none of them changes nothing; one that does re-runs
those two rules (``RuleInput.PYTHON_TEXT``).
"""

from __future__ import annotations

import re
from collections.abc import Collection

# Text that may hold a path ending in ``.py``: any run without spaces, quotes or brackets
# (a path holding one of those is looked for as it is).
_BREAKS = r"""\s'"`()\[\]{},;:=<>"""
_PATHS = re.compile(rf"[^{_BREAKS}]*\.py")
_BREAK = re.compile(rf"[{_BREAKS}]")


def settings_reads(keys: str) -> re.Pattern[str]:
    """``settings.KEY`` and ``getattr(settings, "KEY")`` for the keys matched by the
    expression ``keys`` (groups ``attr`` and ``getattr``): ``setting_owners`` asks for
    given keys, the record below for any."""
    return re.compile(rf"settings\s*\.\s*(?P<attr>{keys})\b"
                      rf"|getattr\(\s*[\w.]*settings\s*,\s*['\"](?P<getattr>{keys})['\"]")


def module_mention(name: str) -> re.Pattern[str]:
    """A dotted module name as written in any text, not inside a longer name
    (``unwired_modules``); the record below finds every such mention at once."""
    return re.compile(r"(?<![\w.])" + re.escape(name) + r"(?!\w)")


_SETTINGS = settings_reads(r"\w+")


class MentionFinder:
    """Finds one project's module names and paths in a text; built once per run."""

    def __init__(self, module_names: Collection[str], paths: Collection[str]) -> None:
        self.names = frozenset(module_names)
        self.paths = frozenset(paths)
        self.odd_paths = tuple(sorted(p for p in self.paths if _BREAK.search(p)))
        tops = sorted({name.split(".")[0] for name in self.names}, key=lambda n: (-len(n), n))
        # A dotted name as the readers match one: not preceded by a word character or a
        # dot, starting with a top-level name of the project; each dotted prefix of it
        # is a mention (segments may start with a digit: migrations).
        self.dotted = re.compile(
            r"(?<![\w.])(?:" + "|".join(map(re.escape, tops)) + r")(?!\w)(?:\.\w+)*"
        ) if tops else None

    def mentions(self, text: str) -> list[str]:
        """``m:NAME`` for each first-party module name mentioned, ``p:PATH`` for each
        module path the text contains, ``s:KEY`` for each settings key read; sorted."""
        found: set[str] = set()
        if self.dotted is not None:
            for match in self.dotted.finditer(text):
                parts = match.group().split(".")
                for end in range(1, len(parts) + 1):
                    name = ".".join(parts[:end])
                    if name in self.names:
                        found.add("m:" + name)
        if ".py" in text:
            for match in _PATHS.finditer(text):
                token = match.group()
                found.update("p:" + token[start:] for start in range(len(token))
                             if token[start:] in self.paths)
            found.update("p:" + path for path in self.odd_paths if path in text)
        if "settings" in text:
            found.update("s:" + (m.group("attr") or m.group("getattr"))
                         for m in _SETTINGS.finditer(text))
        return sorted(found)
