"""Every ``crontab(...)`` a project builds, wherever it builds it.

Beat dictionaries are only one place: periodic-task decorators (``run_every=``),
``add_periodic_task`` calls whose app is not followed, ``on_after_configure``
handlers and a project's own schedule registries build crontabs too, and Celery
parses each one the same way. This module finds the calls whose callee resolves to
``celery.schedules.crontab`` (or ``crontab.from_string``), through imports and
aliases, including imports made inside the calling function, and judges their
literal arguments with Celery's own parser (``beat_schedules.schedule_from_value``).

A call that is the schedule of a beat entry is left out: the beat rules report it
at the entry, with the entry's name and app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.project.celery.beat_schedules import (
    CRONTAB,
    FROM_STRING,
    ScheduleInfo,
    ScheduleKind,
    beat_schedules,
    schedule_from_value,
    schedule_timezone,
)
from celerylint.project.evaluate import StaticCall
from celerylint.source.facts import CallFact, CallValue, ModuleFacts, Span

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.model import Project

_CALLEES = frozenset({CRONTAB, FROM_STRING})


@dataclass(frozen=True)
class CrontabCall:
    """One ``crontab(...)`` call outside any beat entry, with Celery's verdict on it."""

    path: str
    module: str
    call: CallValue
    info: ScheduleInfo
    in_test: bool  # inside a test function of a test module: it may test Celery's parser


def crontab_calls(project: Project) -> list[CrontabCall]:
    """Judged crontab calls that no beat entry schedules, in file and line order (memoised)."""
    from celerylint.project.celery.celery_model import celery_model

    def build(project: Project) -> list[CrontabCall]:
        model = celery_model(project)
        beat_calls = _beat_entry_calls(project)
        timezone = _project_timezone(model)
        found: list[CrontabCall] = []
        for facts in project.python_facts():
            if not _may_name_crontab(facts):
                continue
            is_crontab = _CallResolver(model, facts.module)
            for call in facts.calls:
                if not (call.call.args or call.call.kwargs):
                    continue
                if (facts.path, call.span) in beat_calls:
                    continue
                qualified = is_crontab(call)
                if not qualified:
                    continue
                info = _judge(call, qualified, facts.module, model, timezone)
                if info.kind is ScheduleKind.CRONTAB:
                    found.append(CrontabCall(facts.path, facts.module, call.call, info,
                                             _in_test(facts.module, call.function)))
        return found

    return project.extension("crontab-calls", build)  # type: ignore[no-any-return]


def _beat_entry_calls(project: Project) -> set[tuple[str, Span]]:
    """Where the beat entries' judged schedule calls stand: those are the beat rules' to
    report. One the beat pass could not judge (``crontab`` imported inside the handler
    that calls ``add_periodic_task``) is judged here."""
    where: set[tuple[str, Span]] = set()
    for _, info in beat_schedules(project):
        facts = project.module(info.call_module) if info.call is not None else None
        if facts is not None and info.call is not None and info.known:
            where.add((facts.path, info.call.span))
    return where


def _may_name_crontab(facts: ModuleFacts) -> bool:
    """A cheap first look: only a module importing from Celery or something named like a
    schedule can call Celery's crontab (a re-export under another name is missed)."""
    for fact in facts.imports:
        written = f"{fact.module}.{fact.name or ''}".lower()
        if fact.module.startswith("celery") or "crontab" in written or "schedul" in written:
            return True
    return False


class _CallResolver:
    """Which of a module's callees are Celery's crontab, each name resolved once per scope."""

    def __init__(self, model: CeleryModel, module: str) -> None:
        self.model, self.module = model, module
        self._seen: dict[tuple[str, str], str] = {}

    def __call__(self, call: CallFact) -> str:
        """``celery.schedules.crontab`` (or its ``from_string``), or "" for any other callee."""
        key = (call.call.func, call.function)
        if key not in self._seen:
            symbol = self.model.symbols.resolve_in_function(self.module, *key)
            qualified = symbol.qualified + (f".{symbol.attribute}" if symbol.attribute else "")
            self._seen[key] = qualified if qualified in _CALLEES else ""
        return self._seen[key]


def _judge(call: CallFact, qualified: str, module: str, model: CeleryModel,
           timezone: str) -> ScheduleInfo:
    """Celery's verdict on the call's literal arguments."""
    evaluator = model.evaluator
    value = StaticCall(
        qualified, tuple(evaluator.evaluate(a, module) for a in call.call.args),
        tuple((k.name, evaluator.evaluate(k.value, module)) for k in call.call.kwargs),
        call.call.has_star_args or call.call.has_star_kwargs)
    return schedule_from_value(value, timezone)


def _project_timezone(model: CeleryModel) -> str:
    """The one app's timezone; with several apps the call's app is not known."""
    apps = sorted(model.apps)
    return schedule_timezone(model, apps[0]) if len(apps) == 1 else "in the app's timezone"


def _in_test(module: str, function: str) -> bool:
    leaf = module.rsplit(".", 1)[-1]
    is_test_module = leaf.startswith("test_") or leaf.endswith("_test") or leaf == "tests"
    return is_test_module and function.rsplit(".", 1)[-1].startswith("test")


__all__ = ["CrontabCall", "crontab_calls"]
