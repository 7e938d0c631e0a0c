"""Every broker and result-backend URL the project configures, wherever it is written.

One list for every URL rule, so settings, env files and compose files are
checked by the same implementation.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.project.celery_model import celery_model
from celerylint.project.evaluate import EnvValue
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project

URL_SETTINGS = ("broker_url", "broker_read_url", "broker_write_url", "result_backend")


class UrlOrigin(str, enum.Enum):
    CODE = "code"  # a literal in Python configuration
    CODE_DEFAULT = "code default"  # the default of os.getenv(...) in Python
    ENV_FILE = "env file"
    COMPOSE = "compose"


@dataclass(frozen=True)
class UrlSource:
    url: str
    path: str
    span: Span
    origin: UrlOrigin
    setting: str  # "broker_url", or the env variable name
    environment: str | None = None  # env file environment ("production"...), when known


def settings_urls(project: "Project") -> list[UrlSource]:
    model = celery_model(project)
    found: dict[tuple[str, int, int, str], UrlSource] = {}
    for app_id, settings in sorted(model.settings.items()):
        for name in URL_SETTINGS:
            entry = settings.entry(name)
            if entry is None:
                continue
            raw = settings.raw(name)
            origin = UrlOrigin.CODE
            if isinstance(raw, EnvValue):
                raw, origin = raw.default, UrlOrigin.CODE_DEFAULT
            values = raw if isinstance(raw, (list, tuple)) else [raw]
            for value in values:
                if isinstance(value, str) and value:
                    key = (entry.path, entry.span.line, entry.span.column, value)
                    found.setdefault(key, UrlSource(value, entry.path, entry.span, origin, name))
    return [found[k] for k in sorted(found)]


def url_sources(project: "Project") -> list[UrlSource]:
    """All URL sources; other modules extend this list by registering providers."""
    sources = list(settings_urls(project))
    for provider in EXTRA_PROVIDERS:
        sources.extend(provider(project))
    return sorted(sources, key=lambda s: (s.path, s.span.line, s.span.column, s.setting))


EXTRA_PROVIDERS: list = []  # callables Project -> list[UrlSource] (env files, compose)
