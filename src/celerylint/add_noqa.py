"""``--add-noqa``: silence today's findings in place, one ``# noqa: CODE`` per line.

A comment is added only where one is syntactically a comment: never inside a
multi-line string or YAML block scalar, never after a line-continuation
backslash, never inside a quoted env value. Codes are merged into an existing
``# noqa: X`` on the line. Every edited file is checked afterwards: Python must
still parse, YAML and env files must load to exactly the same data; a file
that fails the check is left untouched. Lines that cannot take a comment are
reported so that a human can use ``per-file-ignores`` instead.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from celerylint.findings import Finding
from celerylint.fixes import split_lines
from celerylint.regular_files import read_regular_bytes
from celerylint.suppression import NOQA

_SKIPPED_CODES = frozenset({"CEL002"})  # an unused noqa is removed by --fix, not silenced
_CODE_TOKEN = re.compile(r"[A-Za-z]+[0-9]+")


@dataclass
class NoqaOutcome:
    added: int = 0  # codes added, over all lines
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path:line: why"


@dataclass(frozen=True)
class LineFacts:
    """What a file's lines allow: where comments can go and where they already are."""

    blocked: frozenset[int]  # 1-based lines whose end is inside a string or value
    comments: dict[int, int]  # line -> 0-based column where its comment starts


class FileStyle:
    PYTHON = "python"
    ENV = "env"
    YAML = "yaml"
    SHELL = "shell"  # Procfile, requirements files: '#' after whitespace starts a comment


def file_style(path: str) -> str | None:
    from celerylint.project.environment.envfiles import is_env_file_candidate

    name = path.rsplit("/", 1)[-1]
    if name.endswith(".py"):
        return FileStyle.PYTHON
    if name.endswith((".yml", ".yaml")):
        return FileStyle.YAML
    if is_env_file_candidate(path):
        return FileStyle.ENV
    if name.startswith("Procfile") or (name.startswith("requirements") and name.endswith(".txt")):
        return FileStyle.SHELL
    return None


def add_noqa(findings: Iterable[Finding], root: Path) -> NoqaOutcome:
    """Write the comments; returns what was added and what could not be."""
    wanted: dict[str, dict[int, set[str]]] = {}
    for finding in findings:
        if finding.code not in _SKIPPED_CODES and finding.line >= 1:
            wanted.setdefault(finding.path, {}).setdefault(finding.line, set()).add(finding.code)
    outcome = NoqaOutcome()
    for path in sorted(wanted):
        _add_to_file(root, path, wanted[path], outcome)
    return outcome


def _add_to_file(root: Path, path: str, codes: dict[int, set[str]], outcome: NoqaOutcome) -> None:
    style = file_style(path)
    if style is None:
        outcome.skipped.extend(f"{path}:{line}: this kind of file cannot carry a noqa comment"
                               for line in sorted(codes))
        return
    try:
        text = read_regular_bytes(root / path).decode("utf-8")
    except OSError as exc:
        outcome.skipped.append(f"{path}: cannot be read ({exc.strerror})")
        return
    except UnicodeDecodeError:
        outcome.skipped.append(f"{path}: cannot be read as UTF-8")
        return
    facts = line_facts(style, text)
    if facts is None:
        outcome.skipped.append(f"{path}: cannot be parsed, so no comment was added")
        return
    new_text, added, skipped = insert_noqa(text, codes, facts)
    outcome.skipped.extend(f"{path}:{line}: the line ends inside a string or value"
                           for line in skipped)
    if not added:
        return
    if not same_meaning(style, text, new_text):
        outcome.skipped.append(f"{path}: adding comments would change the file's meaning; "
                               "nothing was added (please report this)")
        return
    (root / path).write_bytes(new_text.encode("utf-8"))
    outcome.added += added
    outcome.files.append(path)


def insert_noqa(text: str, codes: dict[int, set[str]],
                facts: LineFacts) -> tuple[str, int, list[int]]:
    """The new text, how many codes were added, and the lines that could not take them."""
    lines = split_lines(text)
    added, skipped = 0, []
    for number in sorted(codes):
        if number > len(lines) or number in facts.blocked:
            skipped.append(number)
            continue
        line = lines[number - 1]
        content = line.rstrip("\r\n")
        ending = line[len(content):]
        new_content, count = _with_codes(content, sorted(codes[number]),
                                         facts.comments.get(number))
        lines[number - 1] = new_content + ending
        added += count
    return "".join(lines), added, skipped


def _with_codes(content: str, codes: list[str], comment_at: int | None) -> tuple[str, int]:
    if comment_at is not None:
        match = NOQA.search(content, comment_at)
        if match is not None:
            present = {token.upper() for token in _CODE_TOKEN.findall(match.group("codes"))}
            new = [code for code in codes if code not in present]
            if not new:
                return content, 0
            end = match.end("codes")
            return content[:end] + ", " + ", ".join(new) + content[end:], len(new)
    return f"{content.rstrip()}  # noqa: {', '.join(codes)}", len(codes)


def line_facts(style: str, text: str) -> LineFacts | None:
    """Where comments are and where they cannot go; None when the file does not parse."""
    if style == FileStyle.PYTHON:
        return _python_line_facts(text)
    if style == FileStyle.ENV:
        return _env_line_facts(text)
    facts = _quoted_line_facts(text)
    if style == FileStyle.YAML:
        scalar_lines = _yaml_scalar_lines(text)
        if scalar_lines is None:
            return None
        return LineFacts(facts.blocked | scalar_lines, facts.comments)
    return facts


def _python_line_facts(text: str) -> LineFacts | None:
    import libcst

    try:
        libcst.parse_module(text)
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (libcst.ParserSyntaxError, tokenize.TokenError, SyntaxError):
        return None
    blocked: set[int] = set()
    comments: dict[int, int] = {}
    for token in tokens:
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.start[1]
        elif token.start[0] < token.end[0] and token.type not in (tokenize.NEWLINE, tokenize.NL):
            blocked.update(range(token.start[0], token.end[0]))  # inside a multi-line string
    for number, line in enumerate(split_lines(text), start=1):
        if line.rstrip("\r\n").endswith("\\") and number not in comments:
            blocked.add(number)  # a comment after a continuation backslash breaks it
    return LineFacts(frozenset(blocked), comments)


def _quoted_line_facts(text: str) -> LineFacts:
    """One line at a time (YAML, shell): '#' at the start or after whitespace, outside quotes.

    A line whose quotes do not close is left alone.
    """
    blocked: set[int] = set()
    comments: dict[int, int] = {}
    for number, line in enumerate(split_lines(text), start=1):
        content = line.rstrip("\r\n")
        quote, index = "", 0
        while index < len(content):
            char = content[index]
            if quote:
                if char == "\\" and quote == '"':
                    index += 1
                elif char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char == "#" and (index == 0 or content[index - 1].isspace()):
                comments[number] = index
                break
            index += 1
        if quote:
            blocked.add(number)
    return LineFacts(frozenset(blocked), comments)


_ENV_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?[^=#\s]+\s*=\s*")


def _env_line_facts(text: str) -> LineFacts:
    """python-dotenv's view: only a value that starts with a quote is quoted, and a quoted
    value may span lines; elsewhere '#' after whitespace starts a comment."""
    blocked: set[int] = set()
    comments: dict[int, int] = {}
    quote = ""
    for number, line in enumerate(split_lines(text), start=1):
        content = line.rstrip("\r\n")
        index = 0
        assignment = _ENV_ASSIGNMENT.match(content)
        if quote:
            start = 0
        elif assignment and content[assignment.end():assignment.end() + 1] in ("'", '"'):
            quote, start = content[assignment.end()], assignment.end() + 1
        else:
            start = -1
        if start >= 0:
            close = _closing_quote(content, start, quote)
            if close is None:
                blocked.add(number)
                continue
            index, quote = close + 1, ""
        elif assignment:
            index = assignment.end()
        comment = _comment_start(content, index)
        if comment is not None:
            comments[number] = comment
    return LineFacts(frozenset(blocked), comments)


def _closing_quote(content: str, start: int, quote: str) -> int | None:
    index = start
    while index < len(content):
        if content[index] == "\\" and quote == '"':
            index += 2
            continue
        if content[index] == quote:
            return index
        index += 1
    return None


def _comment_start(content: str, start: int) -> int | None:
    for index in range(start, len(content)):
        if content[index] == "#" and (index == 0 or content[index - 1].isspace()):
            return index
    return None


def _yaml_scalar_lines(text: str) -> frozenset[int] | None:
    """Lines inside multi-line YAML scalars, where '#' would become part of the value."""
    import yaml

    blocked: set[int] = set()
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if not isinstance(token, yaml.ScalarToken):
                continue
            first, last = token.start_mark.line, token.end_mark.line  # 0-based
            if token.style in ("|", ">"):
                last_content = last if token.end_mark.column > 0 else last - 1
                blocked.update(range(first + 2, last_content + 2))  # the header may comment
            elif last > first:
                blocked.update(range(first + 1, last + 1))  # after the closing part is fine
    except yaml.YAMLError:
        return None
    return frozenset(blocked)


def same_meaning(style: str, before: str, after: str) -> bool:
    """Comments must not change what the file says."""
    if style == FileStyle.PYTHON:
        import libcst

        try:
            libcst.parse_module(after)
        except libcst.ParserSyntaxError:
            return False
        return True
    if style == FileStyle.YAML:
        import yaml

        try:
            return list(yaml.safe_load_all(before)) == list(yaml.safe_load_all(after))
        except yaml.YAMLError:
            return False
    if style == FileStyle.ENV:
        from dotenv import dotenv_values

        return dotenv_values(stream=io.StringIO(before)) == dotenv_values(stream=io.StringIO(after))
    return True
