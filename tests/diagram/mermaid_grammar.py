"""A strict grammar for the Mermaid subset celerylint emits.

Mermaid's own parser needs a browser DOM; this checker accepts exactly the
lines ``diagram/mermaid.py`` writes and rejects anything else, and checks the
cross-references Mermaid would silently get wrong (an edge to an undeclared
node creates a new empty box instead of failing).
"""

from __future__ import annotations

import re

ID = r"[A-Za-z][A-Za-z0-9_]*"
# Label text: entity codes allowed, <br/> as the only tag, none of the characters
# Mermaid reads as syntax inside a quoted label.
LABEL = r'(?:[^"<>|#`\\\n]|#[a-z0-9]+;|<br/>)*'
SHAPES = [(r"\[", r"\]"), (r"\[\[", r"\]\]"), (r"\(\[", r"\]\)"), (r"\{\{", r"\}\}"),
          (r"\[\(", r"\)\]"), (r">", r"\]"), (r"\[/", r"/\]")]
NODE = re.compile(rf'^(?P<indent> *)(?P<id>{ID})(?:' + "|".join(
    rf'{o}"{LABEL}"{c}' for o, c in SHAPES) + r")$")
SUBGRAPH = re.compile(rf'^ *subgraph (?P<id>{ID})\["{LABEL}"\]$')
EDGE = re.compile(rf'^    (?P<source>{ID}) (?:-->|-\.->|==>)(?:\|"{LABEL}"\|)? (?P<target>{ID})$')
CLASSDEF = re.compile(rf"^    classDef (?P<name>{ID}) [a-z-]+:[^ ,;]+(?:,[a-z-]+:[^,;]+)*$")
CLASS = re.compile(rf"^    class (?P<ids>{ID}(?:,{ID})*) (?P<name>{ID})$")
LINKSTYLE = re.compile(r"^    linkStyle (?P<indexes>\d+(?:,\d+)*) [a-z-]+:[^ ,;]+(?:,[a-z-]+:[^,;]+)*$")
COMMENT = re.compile(r"^    %% [^\n]*$")
RESERVED = {"end", "subgraph", "graph", "flowchart", "class", "classDef", "style", "linkStyle",
            "click", "direction"}


def check_mermaid(text: str) -> list[str]:
    """Every violation of the subset; an empty list means the text is accepted."""
    lines = text.split("\n")
    errors: list[str] = []
    if not text.endswith("\n") or lines[-1] != "":
        errors.append("text must end with one newline")
    lines = lines[:-1]
    if len(lines) < 4 or lines[0] != "---" or not re.fullmatch(rf'title: "{LABEL}"', lines[1]) \
            or lines[2] != "---" or not re.fullmatch(r"flowchart (LR|TB)", lines[3]):
        return errors + ["must start with a front-matter title and 'flowchart LR|TB'"]
    nodes: set[str] = set()
    subgraphs: set[str] = set()
    classes: set[str] = set()
    edges: list[tuple[str, str]] = []
    depth = 0
    for number, line in enumerate(lines[4:], start=5):
        errors.extend(f"line {number}: {e}" for e in _check_line(
            line, nodes, subgraphs, classes, edges, depth))
        if SUBGRAPH.match(line):
            depth += 1
        elif line.strip() == "end":
            depth -= 1
    if depth != 0:
        errors.append("unbalanced subgraph/end")
    for source, target in edges:
        errors.extend(f"edge to undeclared node {n}" for n in (source, target) if n not in nodes)
    return errors


def _check_line(line: str, nodes: set[str], subgraphs: set[str], classes: set[str],
                edges: list[tuple[str, str]], depth: int) -> list[str]:
    if COMMENT.match(line):
        return []
    if (match := SUBGRAPH.match(line)) is not None:
        return _declare(match.group("id"), subgraphs | nodes, subgraphs)
    if line.strip() == "end":
        return [] if depth > 0 else ["'end' without subgraph"]
    if (match := NODE.match(line)) is not None:
        if len(match.group("indent")) != 4 * (depth + 1):
            return ["node indentation does not match its subgraph"]
        return _declare(match.group("id"), subgraphs | nodes, nodes)
    if (match := EDGE.match(line)) is not None:
        edges.append((match.group("source"), match.group("target")))
        return []
    if (match := CLASSDEF.match(line)) is not None:
        classes.add(match.group("name"))
        return []
    if (match := CLASS.match(line)) is not None:
        problems = [f"class {match.group('name')} not defined before use"
                    ] if match.group("name") not in classes else []
        return problems + [f"class on undeclared node {n}" for n in match.group("ids").split(",")
                           if n not in nodes]
    if (match := LINKSTYLE.match(line)) is not None:
        return [f"linkStyle index {i} out of range" for i in match.group("indexes").split(",")
                if int(i) >= len(edges)]
    return [f"not in the accepted subset: {line!r}"]


def _declare(identifier: str, taken: set[str], into: set[str]) -> list[str]:
    if identifier in RESERVED or identifier[0] in "ox":
        return [f"id {identifier!r} is a Mermaid keyword or starts with o/x"]
    if identifier in taken:
        return [f"id {identifier!r} declared twice"]
    into.add(identifier)
    return []
