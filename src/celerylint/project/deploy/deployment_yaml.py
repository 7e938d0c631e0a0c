"""Compose files and Kubernetes manifests read into deployment facts.

PyYAML's safe loader resolves anchors and ``<<`` merge keys, which compose
files lean on (``<<: *celery-common``).  The loader below keeps that and also
remembers where each mapping value and list item started, so that findings
point at the ``command:`` line.  Nothing here raises: broken YAML becomes a
:class:`DeploymentProblem`.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from typing import Any

import yaml

from celerylint.project.deploy.deployment_facts import (
    DeploymentProblem,
    DeploymentProblemKind,
)

__all__ = ["Mark", "MarkedDict", "MarkedList", "YamlDocuments", "load_yaml_documents"]

Mark = tuple[int, int]  # 1-based line and column where a YAML node's text starts
_TEMPLATE_LINE = re.compile(r"^\s*(\{\{-?.*-?\}\}|\{%-?.*-?%\})\s*$")
_TEMPLATE_EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
TEMPLATE_PLACEHOLDER = "${TEMPLATED_VALUE}"  # reads as a run-time value everywhere


class MarkedDict(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers where its keys and values start."""

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[Any, Mark] = {}
        self.value_marks: dict[Any, Mark] = {}
        self.block_values: set[Any] = set()  # keys whose value is a ``|`` / ``>`` scalar

    def value_mark(self, key: str) -> Mark:
        """Where the value's text starts; a block scalar's text starts on the next line."""
        line, column = self.value_marks.get(key, self.mark)
        return (line + 1, 1) if key in self.block_values else (line, column)


class MarkedList(list):  # type: ignore[type-arg]
    """A YAML sequence that remembers where each item starts."""

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []


# libyaml's parser when PyYAML was built with it: several times faster on big manifests.
_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# libyaml composes flow collections (``[[[…``) by C recursion and overflows the C stack,
# killing the process, some ten thousand levels deep. The pure-Python loader recurses in
# Python frames and stops with RecursionError instead. Deeper than this, use it.
_C_LOADER_MAX_FLOW_DEPTH = 1_000
_FLOW_BRACKET = re.compile(r"[\[\]{}]")


class _MarkedLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """The safe loader, with mappings and sequences that carry source positions."""


class _PureMarkedLoader(yaml.SafeLoader):  # type: ignore[misc]
    """The same loader without libyaml, for input nested too deeply for C recursion."""


def _mark(node: yaml.Node) -> Mark:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct_mapping(loader: _MarkedLoader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)  # resolves ``<<: *anchor`` merge keys
    mapping = MarkedDict(_mark(node))
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            continue
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_marks[key] = _mark(key_node)
        mapping.value_marks[key] = _mark(value_node)
        if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
            mapping.block_values.add(key)
    return mapping


def _construct_sequence(loader: _MarkedLoader, node: yaml.SequenceNode) -> MarkedList:
    sequence = MarkedList(_mark(node))
    for item in node.value:
        sequence.append(loader.construct_object(item, deep=True))
        sequence.item_marks.append(_mark(item))
    return sequence


def _construct_compose_tagged(loader: _MarkedLoader, node: yaml.Node) -> Any:
    """compose's ``!reset`` and ``!override``: in one file, the value as written.

    They only change how a later file merges into an earlier one (``!reset []``
    clears, ``!override`` replaces instead of merging), so the value itself is
    read as if untagged, with the tag its text would have had.
    """
    if isinstance(node, yaml.MappingNode):
        return _construct_mapping(loader, node)
    if isinstance(node, yaml.SequenceNode):
        return _construct_sequence(loader, node)
    tag = loader.resolve(yaml.ScalarNode, node.value, (True, False))
    return loader.yaml_constructors[tag](loader, node)


COMPOSE_TAGS = ("!reset", "!override")

for _loader in (_MarkedLoader, _PureMarkedLoader):
    _loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    for _tag in COMPOSE_TAGS:
        _loader.add_constructor(_tag, _construct_compose_tagged)


def _flow_depth_exceeds(text: str, limit: int) -> bool:
    """Whether ``[``/``{`` nest deeper than ``limit`` (brackets in strings count too)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _FLOW_BRACKET.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth > limit:
            return True
    return False


class YamlDocuments:
    """The documents of one YAML stream, and what went wrong reading it."""

    def __init__(self, documents: list[Any], problems: list[DeploymentProblem]) -> None:
        self.documents = documents
        self.problems = problems

    def mappings(self) -> Iterator[MarkedDict]:
        return (doc for doc in self.documents if isinstance(doc, MarkedDict))


def load_yaml_documents(text: str) -> YamlDocuments:
    """Every document up to the first error; Helm/Jinja placeholders read as unknown values."""
    templated = "{{" in text or "{%" in text
    if templated:
        text = _blank_out_templates(text)
    documents: list[Any] = []
    try:
        loader = (
            _PureMarkedLoader
            if _flow_depth_exceeds(text, _C_LOADER_MAX_FLOW_DEPTH)
            else _MarkedLoader
        )
        documents.extend(yaml.load_all(text, Loader=loader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return YamlDocuments(
            documents, [_yaml_problem(str(error.problem), line, column, templated)]
        )
    except yaml.reader.ReaderError as error:  # a control character: no mark, a position
        line, column = _first_position(text, error.character)
        reason = str(error).split("\n", 1)[0]
        return YamlDocuments(documents, [_yaml_problem(reason, line, column, templated)])
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as error:
        return YamlDocuments(documents, [_yaml_problem(type(error).__name__, 1, 1, templated)])
    return YamlDocuments(documents, [])


def _first_position(text: str, character: object) -> Mark:
    """Where ``character`` first occurs: the reader stops at the first one it refuses.

    PyYAML gives the character and counts its position in characters; libyaml gives
    the code point and counts bytes. Searching for it needs neither count.
    """
    if isinstance(character, int):
        character = chr(character)
    index = text.find(character) if isinstance(character, str) else -1
    if index < 0:
        return 1, 1
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _yaml_problem(reason: str, line: int, column: int, templated: bool) -> DeploymentProblem:
    if templated:
        return DeploymentProblem(
            DeploymentProblemKind.TEMPLATED,
            f"Template placeholders left this file unreadable as YAML ({reason}); "
            "its commands were not checked.",
            line,
            column,
        )
    return DeploymentProblem(
        DeploymentProblemKind.INVALID_YAML,
        f"This file is not valid YAML ({reason}); its commands were not checked.",
        line,
        column,
    )


def _blank_out_templates(text: str) -> str:
    """Drop template-only lines and stand a run-time placeholder in for inline expressions.

    Line numbers are kept, so positions still point at the original file.
    """
    lines = []
    for line in text.split("\n"):
        if _TEMPLATE_LINE.match(line):
            lines.append("")
        else:
            lines.append(_TEMPLATE_EXPRESSION.sub(TEMPLATE_PLACEHOLDER, line))
    return "\n".join(lines)


def scalar_text(value: Any) -> str | None:
    """A scalar as the string a process would see (YAML ``true`` is ``"true"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
