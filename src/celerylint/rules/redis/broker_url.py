"""CEL110/CEL111/CEL112: broker and backend URLs that break, or leak, wherever written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.urls.broker_urls import UrlProblemKind, url_problems
from celerylint.project.urls.url_sources import UrlOrigin, url_sources
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.model import Project

CERT_KINDS = {UrlProblemKind.REDISS_WITHOUT_CERT_REQS, UrlProblemKind.INVALID_CERT_REQS}
SECRET_KINDS = {UrlProblemKind.CLEARTEXT_PASSWORD}


class _UrlRule(ProjectRule):
    kinds: frozenset[UrlProblemKind] = frozenset()
    origins: tuple[UrlOrigin, ...] = tuple(UrlOrigin)

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for source in url_sources(project):
            if source.origin not in self.origins:
                continue
            for problem in url_problems(source.url):
                if problem.kind in self.kinds:
                    yield self.finding(
                        source.path, source.span,
                        f"{source.setting} ({source.origin.value}): {problem.message}",
                        subjects=(source.setting, problem.kind.value),
                    )


class MalformedBrokerUrl(_UrlRule):
    code = "CEL110"
    inputs = WHOLE_PROJECT
    name = "malformed-broker-url"
    severity = Severity.ERROR
    summary = "A broker or result-backend URL is malformed (scheme, password escaping, port, db)."
    kinds = frozenset(set(UrlProblemKind) - CERT_KINDS - SECRET_KINDS)


class RedissWithoutCertReqs(_UrlRule):
    code = "CEL111"
    inputs = WHOLE_PROJECT
    name = "rediss-without-cert-reqs"
    severity = Severity.WARNING
    summary = "A rediss:// URL has no (valid) ssl_cert_reqs, so Celery refuses it or skips verification."
    kinds = frozenset(CERT_KINDS)


class PasswordInCode(_UrlRule):
    code = "CEL112"
    inputs = WHOLE_PROJECT
    name = "broker-password-in-code"
    severity = Severity.WARNING
    summary = "A broker or backend password is written in committed Python code."
    kinds = frozenset(SECRET_KINDS)
    origins = (UrlOrigin.CODE, UrlOrigin.CODE_DEFAULT)
