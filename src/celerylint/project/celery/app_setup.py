"""Who configures an app at run time: the callers of the function that configures it.

``def init_celery(flask_app): celery.config_from_object(flask_app.config)`` leaves the
app unconfigured until something calls ``init_celery``, typically an application
factory (``get_app()``) that a worker module runs at start-up. That factory's module is
part of every worker's start-up, and so is what the factory runs: an
``importlib.import_module`` over its installed apps registers tasks no import names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from celerylint.project.symbols import SymbolKind

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel

CONFIGURING_METHODS = frozenset({"config_from_object", "autodiscover_tasks"})
TEST_MARKERS = ("tests", "test", "conftest")


class SetupCall(NamedTuple):
    """A call to a function that configures an app: where it is made, and in which
    function ("" at module level), which then runs when a worker starts."""

    module: str
    function: str
    callee: str


def setup_calls(model: "CeleryModel", app_id: str) -> list[SetupCall]:
    """Calls, outside tests, of the functions in which ``app_id`` is configured."""
    configuring = {(facts.module, call.function.split(".<locals>.")[0])
                   for facts, call in model.configs[app_id].calls
                   if call.function and call.func.rpartition(".")[2] in CONFIGURING_METHODS}
    if not configuring:
        return []
    names = {function.rpartition(".")[2] for _, function in configuring}
    found: list[SetupCall] = []
    for facts in model.project.python_facts():
        if not facts.module or _is_test(facts.module):
            continue
        for call in facts.calls:
            if call.func.rpartition(".")[2] not in names:
                continue
            symbol = model.symbols.resolve(facts.module, call.func)
            if symbol.kind is SymbolKind.FUNCTION and (symbol.module, symbol.name) in configuring:
                found.append(SetupCall(facts.module, call.function, symbol.name))
    return sorted(set(found))


def _is_test(module: str) -> bool:
    return any(part in TEST_MARKERS or part.startswith("test_") for part in module.split("."))


__all__ = ["SetupCall", "setup_calls"]
