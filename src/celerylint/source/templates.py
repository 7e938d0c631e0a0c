"""Project templates (cookiecutter, copier, any Jinja tree) read as the code they render to.

A template's files hold ``{{ cookiecutter.project_slug }}`` and
``{% if cookiecutter.use_celery == "y" %}``: that is template syntax, not a
broken file, and its placeholders are not secrets. celerylint reads such a
file with the markers blanked: an expression becomes the name it stands for
(``{{ cookiecutter.project_slug }}`` → ``project_slug``, so module paths and
task names still line up with the directory of the same name), and a
statement or comment becomes spaces. Line numbers are kept; columns shift on
lines with an expression. Where the blanked text is still no valid Python
(both branches of an ``{% if %}`` kept), the file is skipped and said so once
under ``--verbose``.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celerylint.project.model import Project

_EXPRESSION = re.compile(r"\{\{-?(?P<body>.*?)-?\}\}")
_STATEMENT = re.compile(r"\{%-?.*?-?%\}|\{#.*?#\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BYTE_MARKERS = (b"{{", b"{%", b"{#")
TEMPLATE_FAILURE_HINT = "(the file looks like a template, e.g. Jinja)"


def has_template_markers(text: str) -> bool:
    return _EXPRESSION.search(text) is not None or _STATEMENT.search(text) is not None


def is_template_path(path: str) -> bool:
    """A path with a template expression in a directory or file name."""
    return "{{" in path or "{%" in path


def rendered_name(expression: str) -> str:
    """The identifier a template expression most likely renders to.

    ``cookiecutter.project_slug`` → ``project_slug``; ``name | lower`` →
    ``name``; an expression without a name → ``template_value``.
    """
    names = _NAME.findall(expression.split("|", 1)[0])
    return names[-1] if names else "template_value"


def path_part_name(part: str) -> str:
    """A path component with its template expressions rendered (``{{x.slug}}`` → ``slug``)."""
    return _EXPRESSION.sub(lambda match: rendered_name(match.group("body")), part)


def blank_markers(text: str) -> str:
    """``text`` with expressions rendered to names and statements turned to spaces."""
    text = _STATEMENT.sub(lambda match: " " * len(match.group()), text)
    return _EXPRESSION.sub(lambda match: rendered_name(match.group("body")), text)


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def source_for_analysis(text: str, data: bytes) -> str:
    """The text to analyse: as written, or with template markers blanked when only that parses."""
    if not any(marker in data for marker in _BYTE_MARKERS) or not has_template_markers(text):
        return text
    if _parses(text):
        return text
    blanked = blank_markers(text)
    return blanked if _parses(blanked) else text


def is_unparsable_template(project: "Project", path: str, failure_message: str) -> bool:
    """A file that fails to parse because it is a template, not because it is broken.

    Its failure carries the parser's template hint, and it lies in a template tree
    or holds a Jinja statement (``{% ... %}`` is never Python; ``{{`` alone may be
    an f-string's brace).
    """
    if TEMPLATE_FAILURE_HINT not in failure_message:
        return False
    if is_template_path(path):
        return True
    data = project.read_bytes(path) or b""
    return _STATEMENT.search(data.decode("utf-8", "replace")) is not None


def template_notes(project: "Project") -> list[str]:
    """One ``--verbose`` note per template tree whose files were skipped."""
    skipped: dict[str, int] = {}
    for facts in project.python_facts():
        failure = facts.parse_failure
        if failure is not None and is_unparsable_template(project, facts.path, failure.message):
            skipped[_tree_of(facts.path)] = skipped.get(_tree_of(facts.path), 0) + 1
    return [f"skipped {count} file(s) of the project template {tree or '.'}: they are not "
            "Python even with the template markers blanked" for tree, count in sorted(skipped.items())]


def _tree_of(path: str) -> str:
    """The outermost directory with a template name, else the file's directory."""
    parts = path.split("/")
    for index, part in enumerate(parts[:-1]):
        if is_template_path(part):
            return "/".join(parts[: index + 1])
    return "/".join(parts[:-1])


def template_lines_blanked(lines: Iterable[str]) -> list[str]:
    """Lines holding nothing but template statements, emptied (for line-based formats)."""
    return ["" if line.strip() and not _STATEMENT.sub("", line).strip() else line
            for line in lines]
