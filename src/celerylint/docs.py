"""Rule docs: the Markdown files under ``rules/`` that specify, document and test each rule.

In a source checkout they are read from the top-level ``rules/`` folder; an
installed wheel carries a copy as ``celerylint/rule_docs``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celerylint.rules.base import Rule

TITLE = re.compile(r"^# `(?P<name>[a-z0-9-]+)` \(`(?P<code>CEL\d{3})`\)\s*$")
SECTION = re.compile(r"^## (?P<title>.+?)\s*$")
FENCE = re.compile(r"^(?P<fence>```+)(?P<info>.*)$")
REQUIRED_SECTIONS = ("What it does", "Why it matters at runtime", "Bad", "Good", "Options",
                     "Known limits")


@dataclass(frozen=True)
class CodeBlock:
    language: str
    title: str | None  # project-relative path the block stands for
    text: str
    first_line: int  # line in the doc where the block's content starts


@dataclass(frozen=True)
class Example:
    section: str  # "Bad" | "Good"
    heading: str  # "###" sub-heading, "" when the section has one example
    blocks: tuple[CodeBlock, ...]


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    path: str  # "rules/<family>/<name>.md"
    text: str
    sections: dict[str, str]
    examples: tuple[Example, ...]

    @property
    def summary(self) -> str:
        body = self.sections.get("What it does", "").strip()
        return body.split("\n\n")[0].replace("\n", " ") if body else ""


def docs_directory() -> Path:
    packaged = Path(__file__).parent / "rule_docs"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def _parse_info(info: str) -> tuple[str, str | None]:
    language = info.strip().split(" ")[0] if info.strip() else ""
    title = re.search(r'title="([^"]+)"', info)
    return language, title.group(1) if title else None


def parse_doc(text: str, path: str) -> RuleDoc:
    lines = text.splitlines()
    match = TITLE.match(lines[0]) if lines else None
    if match is None:
        raise ValueError(f"{path}: first line must be # `name` (`CELnnn`)")
    sections: dict[str, list[str]] = {}
    examples: list[Example] = []
    current_section = ""
    heading = ""
    blocks: list[CodeBlock] = []

    def close_example() -> None:
        nonlocal blocks
        if blocks and current_section in ("Bad", "Good"):
            examples.append(Example(current_section, heading, tuple(blocks)))
        blocks = []

    index = 1
    while index < len(lines):
        line = lines[index]
        section = SECTION.match(line)
        if section:
            close_example()
            current_section, heading = section.group("title"), ""
            sections[current_section] = []
        elif line.startswith("### "):
            close_example()
            heading = line[4:].strip()
        fence = FENCE.match(line)
        if fence and not section:
            language, title = _parse_info(fence.group("info"))
            end = index + 1
            while end < len(lines) and not lines[end].startswith(fence.group("fence")):
                end += 1
            blocks.append(CodeBlock(language, title, "\n".join(lines[index + 1:end]) + "\n",
                                    index + 2))
            if current_section:
                sections[current_section].extend(lines[index:end + 1])
            index = end + 1
            continue
        if current_section and not section:
            sections[current_section].append(line)
        index += 1
    close_example()
    return RuleDoc(match.group("code"), match.group("name"), path, text,
                   {k: "\n".join(v).strip() for k, v in sections.items()}, tuple(examples))


@lru_cache(maxsize=1)
def load_docs() -> dict[str, RuleDoc]:
    """Every doc by code. A malformed doc raises: the meta-test catches it."""
    directory = docs_directory()
    docs: dict[str, RuleDoc] = {}
    for file in sorted(directory.rglob("*.md")):
        if file.name.upper() == "README.MD":
            continue
        rel = "rules/" + file.relative_to(directory).as_posix()
        doc = parse_doc(file.read_text(encoding="utf-8"), rel)
        docs[doc.code] = doc
    return docs


def doc_paths() -> dict[str, str]:
    """Each rule's doc by code, from the docs' title lines only: every report links its
    rules, and parsing every doc whole costs a replayed run a tenth of its time."""
    try:
        directory = docs_directory()
        found: dict[str, str] = {}
        for file in sorted(directory.rglob("*.md")):
            if file.name.upper() == "README.MD":
                continue
            with file.open(encoding="utf-8") as stream:
                match = TITLE.match(stream.readline().rstrip("\n"))
            if match is None:
                raise ValueError(f"{file}: first line must be # `name` (`CELnnn`)")
            found[match.group("code")] = "rules/" + file.relative_to(directory).as_posix()
        return found
    except (OSError, ValueError):
        return {}


def status_line(rule: type[Rule]) -> str:
    """``Status: stable · precision 97 % of 120 findings (2026-12-05)``."""
    from celerylint.rules.precision import precision_text

    return f"Status: {rule.meta().status} · precision {precision_text(rule.code)}"


def with_status(doc: RuleDoc, rule: type[Rule]) -> str:
    """The doc as ``celerylint rule`` prints it: its status line under the title, so the
    figure shown is always the current one from ``precision.toml``."""
    title, _, rest = doc.text.partition("\n")
    return f"{title}\n\n> {status_line(rule)}\n{rest}"


def readme_rule_table() -> str:
    """README's rule table, generated from the registry and ``precision.toml``."""
    from celerylint.rules.precision import precision_text
    from celerylint.rules.registry import all_rules

    rows = ["| code | name | severity | status | precision | summary |",
            "| --- | --- | --- | --- | --- | --- |"]
    rows += [f"| `{r.code}` | `{r.name}` | {r.severity.value} | {r.meta().status} | "
             f"{precision_text(r.code)} | {r.summary} |" for r in all_rules()]
    return "\n".join(rows) + "\n"
