"""CEL605: a broker host that cannot be right where the URL is used."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.environment.env_model import compose_env_file_paths, env_model
from celerylint.project.urls.broker_urls import host_of, is_local_host
from celerylint.project.urls.url_sources import UrlOrigin, UrlSource, env_urls
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.secrets import mask_url

if TYPE_CHECKING:
    from celerylint.project.model import Project


def _services(project: "Project") -> set[str]:
    return {s.name for d in env_model(project).compose for s in d.services}


def _redis_service(project: "Project") -> str | None:
    for deployment in env_model(project).compose:
        for service in deployment.services:
            if (service.image or "").split(":")[0].endswith("redis") or service.name == "redis":
                return service.name
    return None


class UnreachableBrokerHost(ProjectRule):
    code = "CEL605"
    inputs = WHOLE_PROJECT
    name = "unreachable-broker-host"
    severity = Severity.WARNING
    summary = "A broker URL points at localhost inside a container or in production, or at an unknown host."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        services = _services(project)
        used_by_compose = compose_env_file_paths(env_model(project).compose)
        for source in env_urls(project):
            if source.origin is UrlOrigin.ENV_FILE and source.path in used_by_compose:
                source = UrlSource(source.url, source.path, source.span, UrlOrigin.COMPOSE,
                                   source.setting, source.environment)
            host = host_of(source.url)
            if host is None:
                continue
            problem = self._problem(source, host, services, project)
            if problem:
                yield self.finding(source.path, source.span,
                                   f"{source.setting}={mask_url(source.url)}: {problem}",
                                   subjects=(source.setting,))

    def _problem(self, source: UrlSource, host: str, services: set[str],
                 project: "Project") -> str | None:
        redis = _redis_service(project)
        suggestion = f" use the compose service name ('{redis}')" if redis else \
            " use the broker's service or host name"
        if is_local_host(host):
            if source.origin is UrlOrigin.COMPOSE:
                return ("inside a container localhost is the container itself, not the Redis "
                        f"service, so the connection is refused;{suggestion}.")
            if source.environment == "production":
                return ("a production environment pointing at localhost reaches no broker "
                        f"(or a stray local one);{suggestion}.")
            return None
        if services and source.origin is UrlOrigin.COMPOSE and "." not in host \
                and host not in services and not host.replace(".", "").isdigit():
            return (f"host '{host}' is neither a service of this compose file nor a fully "
                    f"qualified host name, so it does not resolve;{suggestion}.")
        return None
