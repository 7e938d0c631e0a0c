"""Every broker and result-backend URL the project configures, wherever it is written.

One list for every URL rule, so settings, env files and compose files are
checked by the same implementation.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.project.celery.celery_model import celery_model
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


@functools.lru_cache(maxsize=1)
def celery_url_variables() -> frozenset[str]:
    """The environment variables Celery itself reads for its URLs (``CELERY_BROKER_URL``...).

    ``celery.app.utils.Settings`` reads them with ``os.environ.get`` in its URL
    properties; they are taken from its source, so a Celery release that adds
    one is followed without a table here.
    """
    import ast
    import inspect

    from celery.app.utils import Settings

    names: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(Settings))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "get" and ast.unparse(node.func.value) == "os.environ" \
                and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
    return frozenset(names)


def url_variables(project: "Project") -> frozenset[str]:
    """Variables whose whole value becomes a broker or result-backend URL.

    Celery's own (``CELERY_BROKER_URL``), and those the code reads into a URL
    setting; a variable that merely looks like one (``BACKEND_URL`` of a web
    API) is not among them.
    """
    from celerylint.project.environment.env_model import env_model

    read = {r.variable for r in env_model(project).reads if r.feeds in URL_SETTINGS and not r.part}
    return celery_url_variables() | read


def env_urls(project: "Project") -> list[UrlSource]:
    """URLs in env files and compose ``environment:`` under variables that reach Celery."""
    from celerylint.project.environment.env_model import env_model

    model = env_model(project)
    variables = url_variables(project)
    found: list[UrlSource] = []
    for env_file in model.files:
        for entry in env_file.entries:
            if entry.value and "://" in entry.value and entry.key in variables:
                environment = env_file.environment.value if env_file.environment else None
                found.append(UrlSource(entry.value, env_file.path,
                                       Span(entry.line, entry.column, entry.line, entry.column),
                                       UrlOrigin.ENV_FILE, entry.key, environment))
    for deployment in model.compose:
        for service in deployment.services:
            for key, value, line in service.environment:
                if value and "://" in value and key in variables:
                    found.append(UrlSource(value, deployment.path, Span(line, 1, line, 1),
                                           UrlOrigin.COMPOSE, key, service.name))
    return found


def url_sources(project: "Project") -> list[UrlSource]:
    """Every broker/backend URL: Python settings, env files and compose environments."""
    sources = [*settings_urls(project), *env_urls(project)]
    return sorted(sources, key=lambda s: (s.path, s.span.line, s.span.column, s.setting))
