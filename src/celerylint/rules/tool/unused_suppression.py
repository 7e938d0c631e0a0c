"""CEL002: a ``# noqa: CELnnn`` comment that suppressed nothing in this run.

Whether a suppression was used is only known after suppression, so the rule
class below only declares the rule (selection, docs, ``celerylint rule``) and
``api.run`` calls :func:`unused_noqa_findings` with the suppression results.
A code is judged only when its rule ran: ``--select CEL3`` must not make every
``# noqa: CEL701`` look stale. A code that no rule has is always unused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from celerylint.findings import Applicability, Edit, Finding, Fix, Severity
from celerylint.rules.base import NO_OTHER_INPUTS, ProjectRule
from celerylint.suppression import NOQA, NoqaDirective

if TYPE_CHECKING:
    from celerylint.project.model import Project

_CODE_TOKEN = re.compile(r"[A-Za-z]+[0-9]+")
# Non-Python files whose comments celerylint's rules can point at.
_TEXT_SUFFIXES = (".yml", ".yaml", ".txt", ".in", ".cfg", ".ini", ".toml", ".conf", ".service",
                  ".sh", ".env")
_TEXT_PREFIXES = ("Procfile", "Dockerfile", "Makefile", ".env", "env.", "requirements")


class UnusedNoqa(ProjectRule):
    code = "CEL002"
    inputs = NO_OTHER_INPUTS
    name = "unused-noqa"
    severity = Severity.WARNING
    summary = "A '# noqa: CELnnn' comment suppresses nothing and would hide a future problem."

    def check_project(self, project: Project) -> Iterator[Finding]:
        return iter(())  # api.run reports this rule from the suppression results


def may_carry_noqa(path: str) -> bool:
    """Files besides Python whose ``# noqa`` comments count: configuration, not data."""
    name = path.rsplit("/", 1)[-1]
    return name.endswith(_TEXT_SUFFIXES) or name.startswith(_TEXT_PREFIXES) or "/.envs/" in (
        "/" + path)


def unused_noqa_findings(
    directives: Iterable[NoqaDirective],
    used: Collection[tuple[str, int, str]],
    ran: Mapping[str, str],
    known_codes: Collection[str],
    line_of: Callable[[str, int], str | None],
) -> list[Finding]:
    """One finding per directive with codes that suppressed nothing.

    ``ran`` maps the code of every rule that ran (and did not crash) to its
    name; ``line_of(path, line)`` gives the directive's source line for the fix.
    """
    findings = []
    for directive in directives:
        unused = [code for code in directive.codes
                  if (directive.path, directive.line, code) not in used
                  and (code in ran or code not in known_codes)]
        if unused:
            findings.append(_finding(directive, unused, ran, known_codes,
                                     line_of(directive.path, directive.line)))
    return findings


def _finding(directive: NoqaDirective, unused: list[str], ran: Mapping[str, str],
             known_codes: Collection[str], line: str | None) -> Finding:
    quoted = ", ".join(unused)
    reasons = []
    idle = [f"{code} ({ran[code]})" for code in unused if code in ran]
    if idle:
        reasons.append(f"{', '.join(idle)} reported no problem on this line")
    unknown = [code for code in unused if code not in known_codes]
    if unknown:
        reasons.append(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} no "
                       "celerylint rule code (a typo, or a code that never existed)")
    reason = "; ".join(reasons)
    match = _noqa_match(line, directive.column) if line is not None else None
    end_column = directive.column + (len(match.group(0)) if match else 0)
    return Finding(
        code=UnusedNoqa.code, name=UnusedNoqa.name, severity=UnusedNoqa.severity,
        path=directive.path, line=directive.line, column=directive.column,
        end_line=directive.line, end_column=end_column,
        message=f"Unused suppression '# noqa: {quoted}': {reason}. A stale noqa hides the "
        "next real problem on this line.",
        fix_hint=f"Remove {quoted} from the comment.",
        fix=_removal(directive, unused, line),
        subjects=tuple(unused),
    )


def _noqa_match(line: str, column: int) -> re.Match[str] | None:
    return NOQA.search(line, max(column - 1, 0)) or NOQA.search(line)


def _removal(directive: NoqaDirective, unused: list[str], line: str | None) -> Fix | None:
    """Drop the unused codes; the whole comment when none is left and nothing follows it."""
    if line is None:
        return None
    content = line.rstrip("\r\n")
    match = _noqa_match(content, directive.column)
    if match is None:
        return None
    unused_upper = {code.upper() for code in unused}
    kept = [token for token in _CODE_TOKEN.findall(match.group("codes"))
            if token.upper() not in unused_upper]
    message = f"Remove unused {', '.join(unused)}"
    if kept:
        start, end = match.span("codes")
        return Fix(message, Applicability.SAFE,
                   (_edit(directive.line, start, end, ", ".join(kept)),))
    trailing = content[match.end():].strip()
    if trailing and not trailing.startswith("#"):
        return None  # "# noqa: CEL303 - why": the explanation would be left dangling
    before = content[:match.start()]
    if not before.strip() and not trailing:
        return Fix(message, Applicability.SAFE,
                   (Edit(directive.line, 1, directive.line + 1, 1, ""),))
    start = len(before.rstrip())
    return Fix(message, Applicability.SAFE, (_edit(directive.line, start, match.end(), ""),))


def _edit(line: int, start: int, end: int, content: str) -> Edit:
    """An edit within one line, from 0-based string indexes."""
    return Edit(line, start + 1, line, end + 1, content)

