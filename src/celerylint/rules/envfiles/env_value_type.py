"""CEL611: an env file value the code cannot parse the way it reads it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.environment.env_model import env_model
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project

_PARSERS = {"int": int, "float": float}


class EnvValueType(ProjectRule):
    code = "CEL611"
    inputs = WHOLE_PROJECT
    name = "env-value-type"
    severity = Severity.WARNING
    summary = "Code parses a variable as a number but an env file gives it a non-numeric value."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = env_model(project)
        for read in model.reads:
            parser = _PARSERS.get(read.parsed_as)
            if parser is None:
                continue
            for env_file in model.files:
                entry = env_file.entry(read.variable)
                if entry is None or entry.value is None:
                    continue
                try:
                    parser(entry.value)
                except ValueError:
                    yield self.finding(
                        env_file.path, Span(entry.line, entry.column, entry.line, entry.column),
                        f"'{read.variable}' is parsed with {read.parsed_as}() at "
                        f"{read.path}:{read.span.line}, but this file sets a value that is not "
                        f"a{'n' if read.parsed_as == 'int' else ''} {read.parsed_as}: the "
                        "process fails with ValueError at start-up in this environment.",
                        fix_hint=f"Give {read.variable} a numeric value.",
                        subjects=(read.variable,),
                    )
