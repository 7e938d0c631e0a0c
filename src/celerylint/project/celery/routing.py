"""Which queue a task message goes to, decided the way Celery's router decides.

Precedence follows ``celery.app.routes.Router.route``: options given with the
call (and the task's own ``queue=``) override a ``task_routes`` match, which
overrides ``task_default_queue``. Matching itself is done by Celery's
``MapRoute``, so globs and regular expressions behave exactly as in a worker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from celerylint.project.celery.conf import EffectiveSettings
from celerylint.project.evaluate import UNKNOWN, StaticCall, plain

QUEUE_CLASSES = {"kombu.Queue", "kombu.entity.Queue", "celery.Queue"}


@dataclass(frozen=True)
class RoutePattern:
    key: str  # as written (exact name, glob, or regex pattern text)
    is_pattern: bool
    queue: Any


def _route_key(key: Any) -> Any:
    """Keys as MapRoute expects them: strings, or compiled patterns for ``re.compile``."""
    if isinstance(key, str):
        return key
    if isinstance(key, StaticCall) and key.qualified == "re.compile" and key.args \
            and isinstance(key.args[0], str):
        try:
            return re.compile(key.args[0])
        except re.error:
            return UNKNOWN
    return UNKNOWN


def _route_queue(route: Any) -> Any:
    route = plain(route)
    if isinstance(route, str):
        return route
    if isinstance(route, dict):
        queue = plain(route.get("queue"))
        if isinstance(queue, StaticCall):
            return queue_name(queue)
        return queue if isinstance(queue, str) or queue is None else UNKNOWN
    return UNKNOWN


def route_maps(settings: EffectiveSettings) -> list[dict[Any, Any]] | None:
    """``task_routes`` as a list of mappings; None when any router is not a literal map."""
    routes = settings.raw("task_routes")
    routes = plain(routes)
    if routes is None:
        return []
    if routes is UNKNOWN:
        return None
    if isinstance(routes, dict):
        routes = [routes]
    if not isinstance(routes, (list, tuple)):
        return None
    maps: list[dict[Any, Any]] = []
    for router in routes:
        router = plain(router)
        if not isinstance(router, dict):
            return None  # a router function or class path: unknowable statically
        converted = {}
        for key, value in router.items():
            route_key = _route_key(key)
            if route_key is UNKNOWN:
                return None
            converted[route_key] = {"queue": _route_queue(value)}
        maps.append(converted)
    return maps


def routed_queue(task_name: str, routers: list[Any]) -> Any:
    """The queue ``task_routes`` sends ``task_name`` to, None when no route matches."""
    for router in routers:
        route = router(task_name)
        if route:
            return route.get("queue", UNKNOWN)
    return None


def compiled_routers(settings: EffectiveSettings) -> list[Any] | None:
    """Celery's own ``MapRoute`` for each map, built once per settings: building one
    translates every glob pattern, and a project routes thousands of tasks."""
    if "routers" not in settings.derived:
        from celery.app.routes import MapRoute

        maps = route_maps(settings)
        settings.derived["routers"] = None if maps is None else [MapRoute(m) for m in maps]
    return settings.derived["routers"]


def queue_name(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, str):
        return value
    if isinstance(value, StaticCall) and value.leaf == "Queue":
        name = value.args[0] if value.args else value.kwarg("name", UNKNOWN)
        return plain(name) if isinstance(plain(name), str) else UNKNOWN
    return UNKNOWN


def declared_queues(settings: EffectiveSettings) -> tuple[str, ...] | None:
    """Names in ``task_queues``; () when not declared; None when unknown."""
    queues = plain(settings.raw("task_queues"))
    if queues is None:
        return ()
    if isinstance(queues, dict):
        names = [k for k in queues]
    elif isinstance(queues, (list, tuple, set)):
        names = [queue_name(q) for q in queues]
    else:
        return None
    if any(not isinstance(n, str) for n in names):
        return None
    return tuple(names)


def default_queue(settings: EffectiveSettings) -> Any:
    value = settings.value("task_default_queue")
    return value if isinstance(value, str) else UNKNOWN


def destination_queue(call_queue: Any, task_queue: Any, task_name: str,
                      settings: EffectiveSettings) -> Any:
    """The queue a message lands in, or UNKNOWN."""
    for explicit in (call_queue, task_queue):
        if explicit is not None:
            return queue_name(explicit)
    routers = compiled_routers(settings)
    if routers is None:
        return UNKNOWN
    if not task_name:
        return UNKNOWN
    routed = routed_queue(task_name, routers)
    if routed is not None:
        return routed
    return default_queue(settings)
