"""Project templates (cookiecutter, copier, any Jinja tree) read as the code they render to.

A template's files hold ``{{ cookiecutter.project_slug }}`` and
``{% if cookiecutter.use_celery == "y" %}``: that is template syntax, not a
broken file, and its placeholders are not secrets. celerylint reads such a
file with the markers blanked: an expression becomes the name it stands for
(``{{ cookiecutter.project_slug }}`` → ``project_slug``, so module paths and
task names still line up with the directory of the same name), and a
statement or comment becomes spaces. Line numbers are kept; columns shift on
lines with an expression, and :func:`at_template_columns` maps findings back to
the columns of the template text. Where the blanked text is still no valid Python
(both branches of an ``{% if %}`` kept), the file is skipped and said so once
under ``--verbose``.

A copier template renders only the files with its templates suffix (``.jinja``
unless ``copier.yml`` sets ``_templates_suffix``) under its ``_subdirectory``:
``{{ project_name }}/tasks.py.jinja`` and ``{% if use_celery %}worker.py{% endif %}.jinja``
are read as the ``tasks.py`` and ``worker.py`` they render to (see
:func:`copier_rendered_paths`), while findings keep the real ``.jinja`` path.
"""

from __future__ import annotations

import ast
import posixpath
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from celerylint.regular_files import read_regular_text

if TYPE_CHECKING:
    from celerylint.findings import Edit, Finding
    from celerylint.project.model import Project

_EXPRESSION = re.compile(r"\{\{-?(?P<body>.*?)-?\}\}")
_STATEMENT = re.compile(r"\{%-?.*?-?%\}|\{#.*?#\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BYTE_MARKERS = (b"{{", b"{%", b"{#")
TEMPLATE_FAILURE_HINT = "(the file looks like a template, e.g. Jinja)"
COPIER_CONFIG_NAMES = ("copier.yml", "copier.yaml")
COPIER_DEFAULT_SUFFIX = ".jinja"
_COPIER_OPTION = re.compile(r"^(?P<key>_subdirectory|_templates_suffix)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$",
                            re.MULTILINE)


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
    """A path component with its template expressions rendered (``{{x.slug}}`` → ``slug``)
    and its statements dropped (``{% if use_celery %}worker{% endif %}`` → ``worker``)."""
    return _EXPRESSION.sub(lambda match: rendered_name(match.group("body")),
                           _STATEMENT.sub("", part))


def blank_markers(text: str) -> str:
    """``text`` with expressions rendered to names and statements turned to spaces."""
    text = _STATEMENT.sub(lambda match: " " * len(match.group()), text)
    return _EXPRESSION.sub(lambda match: rendered_name(match.group("body")), text)


_DOTTED_EXPRESSION = re.compile(
    r"\{\{-?(?P<body>[^{}]*?)-?\}\}(?=\.[A-Za-z_])|(?<=[A-Za-z0-9_]\.)\{\{-?(?P<tail>[^{}]*?)-?\}\}")


def render_dotted_expressions(text: str) -> str:
    """Expressions that are parts of a dotted name (``-A {{ project_name }}.celery_app``)
    rendered to the name they stand for; other expressions stay for the reader to treat
    as run-time values (a password is not its placeholder's name)."""
    return _DOTTED_EXPRESSION.sub(
        lambda match: rendered_name(match.group("body") or match.group("tail") or ""), text)


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def is_rendered_template(path: str) -> bool:
    """A Python file known to be a template: a copier template file (the only Python
    files not named ``*.py``, e.g. ``tasks.py.jinja``) or one in a folder with a template name."""
    return not path.endswith(".py") or is_template_path(path)


def source_for_analysis(text: str, data: bytes, template: bool = False) -> str:
    """The text to analyse: as written, or with template markers blanked when only that parses.

    In a known ``template`` the blanked text wins whenever it parses, so that string
    literals (``include=["{{ project_name }}.tasks"]``) hold the names they render to.
    """
    if not any(marker in data for marker in _BYTE_MARKERS) or not has_template_markers(text):
        return text
    if _parses(text) and not template:
        return text
    blanked = blank_markers(text)
    return blanked if _parses(blanked) else text


def is_unparsable_template(project: "Project", path: str, failure_message: str) -> bool:
    """A file that fails to parse because it is a template, not because it is broken.

    Its failure carries the parser's template hint, and it lies in a template tree,
    is a copier template file, or holds a Jinja statement (``{% ... %}`` is never
    Python; ``{{`` alone may be an f-string's brace).
    """
    if TEMPLATE_FAILURE_HINT not in failure_message:
        return False
    if is_rendered_template(path):
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


@dataclass(frozen=True)
class CopierTemplate:
    """Where a copier template's rendered files live and which suffix marks them."""

    root: str  # the folder rendered into the project ("" for the repository root)
    suffix: str  # "" when copier renders every file


def _copier_option(text: str, key: str) -> str | None:
    for match in _COPIER_OPTION.finditer(text):
        if match.group("key") == key:
            value = match.group("value").split(" #", 1)[0].strip()
            return value[1:-1] if value[:1] in "'\"" and value[-1:] == value[:1] and len(value) > 1 \
                else value
    return None


def copier_templates(root: Path, files: Sequence[str]) -> list[CopierTemplate]:
    """Every ``copier.yml``/``copier.yaml`` as the template it configures.

    Only the two top-level keys that place files are read, line by line: copier's own
    questions and defaults do not change which files exist. A templated
    ``_subdirectory`` (``{{ flavour }}``) cannot be known, so the config's folder stands in.
    """
    found: dict[str, CopierTemplate] = {}
    for rel in files:
        directory, _, name = rel.rpartition("/")
        if name not in COPIER_CONFIG_NAMES or directory in found:
            continue
        try:
            text = read_regular_text(root / rel)[:200_000]
        except OSError:
            text = ""
        subdirectory = (_copier_option(text, "_subdirectory") or "").strip("/")
        suffix = _copier_option(text, "_templates_suffix")
        if "{" in subdirectory or subdirectory in (".", ""):
            subdirectory = ""
        tree = posixpath.join(directory, subdirectory) if directory and subdirectory \
            else directory or subdirectory
        found[directory] = CopierTemplate(tree, COPIER_DEFAULT_SUFFIX if suffix is None else suffix)
    return sorted(found.values(), key=lambda t: t.root)


def rendered_file_name(name: str, suffix: str) -> str | None:
    """The name a template file renders to; None when it renders to no name of its own.

    ``tasks.py.jinja`` → ``tasks.py``; ``{% if use_celery %}worker.py{% endif %}.jinja``
    → ``worker.py`` (the file exists when the condition holds).
    """
    if suffix and not name.endswith(suffix):
        return None
    name = name[: len(name) - len(suffix)] if suffix else name
    name = _STATEMENT.sub("", name).strip()
    return name or None


def copier_rendered_paths(files: Sequence[str],
                          templates: Sequence[CopierTemplate]) -> dict[str, str]:
    """Each copier template file (real path) and the path it renders to.

    Folder names keep their expressions (``{{ project_name }}``), which module naming
    renders; statements in folder names are dropped like those in file names.
    """
    rendered: dict[str, str] = {}
    for template in templates:
        prefix = f"{template.root}/" if template.root else ""
        for rel in files:
            if not rel.startswith(prefix) or rel in rendered:
                continue
            *folders, name = rel.split("/")
            target = rendered_file_name(name, template.suffix)
            if target is None or (not template.suffix and target == name):
                continue
            parts = [_STATEMENT.sub("", part).strip() or part for part in folders]
            rendered[rel] = "/".join((*parts, target))
    return rendered


class _LineColumns:
    """Where a template line's expressions sit in the blanked line and in the template.

    Statements are blanked to spaces of their own width, so only expressions move text.
    """

    def __init__(self, template_line: str) -> None:
        without_statements = _STATEMENT.sub(lambda match: " " * len(match.group()), template_line)
        self.segments: list[tuple[int, int, int, int]] = []  # blanked start/end, template start/end
        shift = 0
        for match in _EXPRESSION.finditer(without_statements):
            width = len(rendered_name(match.group("body")))
            start = match.start() - shift
            self.segments.append((start, start + width, match.start(), match.end()))
            shift = match.end() - (start + width)

    def column(self, blanked: int, is_end: bool = False) -> int:
        """The 1-based template column of a 1-based column of the blanked line."""
        index, shift = blanked - 1, 0
        for start, end, template_start, template_end in self.segments:
            if index <= start:
                break
            if index < end or (is_end and index == end):
                return (template_end if is_end else template_start) + 1
            shift = template_end - end
        return index + shift + 1


def at_template_columns(findings: list["Finding"], project: "Project") -> list["Finding"]:
    """Findings in Python templates that were read blanked, with columns (and fix edits)
    pointing into the template text; every other finding unchanged."""
    lines_by_path: dict[str, list[str] | None] = {}
    mapped: list[Finding] = []
    for finding in findings:
        if finding.path not in lines_by_path:
            lines_by_path[finding.path] = _blanked_template_lines(project, finding.path)
        lines = lines_by_path[finding.path]
        mapped.append(finding if lines is None else _moved(finding, lines))
    return mapped


def _blanked_template_lines(project: "Project", path: str) -> list[str] | None:
    """A Python template's lines when its analysis read the blanked text, else None."""
    if path not in project.facts_by_path or not is_rendered_template(path):
        return None
    data = project.read_bytes(path)
    if data is None or not any(marker in data for marker in _BYTE_MARKERS):
        return None
    text = data.decode("utf-8", "replace")
    return text.splitlines() if source_for_analysis(text, data, True) != text else None


def _moved(finding: "Finding", lines: list[str]) -> "Finding":
    from dataclasses import replace

    def columns(line: int) -> _LineColumns | None:
        return _LineColumns(lines[line - 1]) if 0 < line <= len(lines) else None

    start, end = columns(finding.line), columns(finding.end_line)
    fix = finding.fix
    if fix is not None:
        fix = replace(fix, edits=tuple(_moved_edit(edit, columns) for edit in fix.edits))
    return replace(
        finding, fix=fix,
        column=start.column(finding.column) if start else finding.column,
        end_column=end.column(finding.end_column, True) if end and finding.end_column
        else finding.end_column)


def _moved_edit(edit: "Edit", columns: "Callable[[int], _LineColumns | None]") -> "Edit":
    from dataclasses import replace

    start, end = columns(edit.line), columns(edit.end_line)
    return replace(edit, column=start.column(edit.column) if start else edit.column,
                   end_column=end.column(edit.end_column, True) if end else edit.end_column)
