"""CEL603: a variable the code requires that no env file or compose service provides."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.env_model import env_model
from celerylint.rules.base import ProjectRule

if TYPE_CHECKING:
    from celerylint.project.model import Project


class MissingEnvVariable(ProjectRule):
    code = "CEL603"
    name = "missing-env-variable"
    severity = Severity.ERROR
    summary = "Code reads a variable without a default that no env file or compose service sets."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = env_model(project)
        if not model.files and not model.compose:
            return  # the environment comes from elsewhere: nothing to compare with
        provided = model.provided()
        reported: set[str] = set()
        for read in sorted(model.reads, key=lambda r: (r.path, r.span.line)):
            if read.has_default or read.variable in provided or read.variable in reported:
                continue
            if not read.required and not read.feeds_celery:
                continue  # os.getenv("X") without default is an optional read by design
            reported.add(read.variable)
            files = ", ".join(f.path for f in model.files) or "no env file"
            severity = Severity.ERROR if read.feeds_celery else Severity.WARNING
            consequence = ("Celery falls back to its default (a broker on localhost)"
                           if read.feeds_celery and not read.required
                           else "the process fails at start-up where it is unset")
            yield self.finding(
                read.path, read.span,
                f"'{read.variable}' is read without a default, but no env file ({files}) and no "
                f"compose service sets it: {consequence}.",
                severity=severity,
                fix_hint=f"Add {read.variable} to the env files of every environment, or give "
                "the read a default.",
                subjects=(read.variable,),
            )
