"""What a beat entry's schedule is, judged by Celery's own parsers, and in plain words.

The evaluator hands back ``StaticCall`` values for ``crontab(...)``,
``timedelta(...)``, ``schedule(...)`` and ``solar(...)``; this module turns the
ones with literal arguments into a :class:`ScheduleInfo`. Anything computed
(an environment variable without default, a function call, ``range(...)``)
gives ``ScheduleKind.UNKNOWN``, and rules stay silent on it.

Times are in the app's timezone: Celery evaluates crontabs in ``timezone``,
or UTC when it is unset and ``enable_utc`` is on (the default), or the
machine's local time when both are off.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from celerylint.celery_knowledge.intervals import (
    describe_interval,
    validate_interval,
    validate_solar,
)
from celerylint.celery_knowledge.schedules import (
    CrontabResult,
    crontab_from_call,
    crontab_from_string,
    describe_crontab,
)
from celerylint.project.celery.beat import follow
from celerylint.project.evaluate import UNKNOWN, StaticCall, plain
from celerylint.source.facts import CallValue

if TYPE_CHECKING:
    from celerylint.project.celery.beat import BeatEntry
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.model import Project

CRONTAB = "celery.schedules.crontab"
FROM_STRING = "celery.schedules.crontab.from_string"
INTERVAL = "celery.schedules.schedule"
SOLAR = "celery.schedules.solar"
TIMEDELTA = "datetime.timedelta"
#: Keywords crontab()/solar() take that do not shape the schedule (their values are usually code).
_PLUMBING = frozenset({"nowfun", "app"})
_ENDS_WITH_TIME = re.compile(r"\d{2}:\d{2}$")


class ScheduleKind(str, enum.Enum):
    """What kind of schedule Celery would build; compares equal to its value."""

    CRONTAB = "crontab"
    INTERVAL = "interval"
    SOLAR = "solar"
    MISSING = "missing"  # the entry dict has no 'schedule' key
    UNKNOWN = "unknown"  # computed, or a schedule class celerylint does not know


@dataclass(frozen=True)
class ScheduleInfo:
    """One entry's schedule as Celery sees it.

    ``error`` holds Celery's own message when beat would reject the schedule
    (at start-up or on its first tick); ``description`` is for messages and
    the inventory ("daily at 02:00 Europe/Paris"). ``call`` is the schedule
    call as written, in ``call_module``, so a rule can offer an edit to it.
    """

    kind: ScheduleKind
    timezone: str = "UTC"
    crontab: CrontabResult | None = None
    seconds: float | None = None
    description: str | None = None
    error: str | None = None
    call: CallValue | None = None
    call_module: str = ""

    @property
    def known(self) -> bool:
        return self.kind not in (ScheduleKind.UNKNOWN, ScheduleKind.MISSING)


def schedule_timezone(model: CeleryModel, app_id: str) -> str:
    """The timezone an app's crontabs run in, as Celery's ``app.timezone`` decides it."""
    settings = model.settings.get(app_id)
    if settings is None:
        return "in the app's timezone"
    timezone = settings.value("timezone")
    if isinstance(timezone, str) and timezone:
        return timezone
    if timezone is None or timezone == "":
        enable_utc = settings.value("enable_utc")
        if enable_utc is True:
            return "UTC"
        if enable_utc is False:
            return "local time"
    return "in the app's timezone"


def with_timezone(reading: str, timezone: str) -> str:
    """'runs 60 times between 07:00 and 07:59' + 'UTC', wherever the clock times end up."""
    if _ENDS_WITH_TIME.search(reading):
        return f"{reading} {timezone}"
    return f"{reading} ({timezone.removeprefix('in the ')})"


def evaluate_schedule(entry: BeatEntry, model: CeleryModel) -> ScheduleInfo:
    """Judge an entry's schedule with Celery's parsers when its arguments are literal."""
    timezone = schedule_timezone(model, entry.app_id)
    if entry.schedule is None:
        if entry.source == "beat_schedule" and entry.complete:
            return ScheduleInfo(ScheduleKind.MISSING, timezone, error=(
                "the entry has no 'schedule': Celery builds it with schedule=None and beat "
                "crashes with AttributeError when it checks whether the entry is due"))
        return ScheduleInfo(ScheduleKind.UNKNOWN, timezone)
    written, written_module = follow(entry.schedule, entry.module, model.symbols)
    call = written if isinstance(written, CallValue) else None
    info = schedule_from_value(model.evaluator.evaluate(entry.schedule, entry.module), timezone)
    return ScheduleInfo(info.kind, timezone, info.crontab, info.seconds, info.description,
                        info.error, call, written_module if call else "")


def beat_schedules(project: Project) -> list[tuple[BeatEntry, ScheduleInfo]]:
    """Every beat entry with its judged schedule, computed once per run for all beat rules."""
    from celerylint.project.celery.celery_model import celery_model

    def build(project: Project) -> list[tuple[BeatEntry, ScheduleInfo]]:
        model = celery_model(project)
        return [(entry, evaluate_schedule(entry, model)) for entry in model.beat_entries]

    return project.extension("beat-schedules", build)  # type: ignore[no-any-return]


def entry_label(entry: BeatEntry) -> str:
    """How messages name an entry: its key, or the task when the key is computed."""
    if isinstance(entry.key, str):
        return f"Beat entry '{entry.key}'"
    if isinstance(entry.task, str):
        return f"The beat entry for '{entry.task}'"
    return "A beat entry"


def schedule_from_value(value: Any, timezone: str = "UTC") -> ScheduleInfo:
    """Judge an evaluated schedule value: a number, a string, or a known ``StaticCall``."""
    value = plain(value)  # an environment read is judged by its default
    if isinstance(value, bool) or value is UNKNOWN or value is None:
        return ScheduleInfo(ScheduleKind.UNKNOWN, timezone)
    if isinstance(value, (int, float)):
        return _interval(value, timezone)
    if isinstance(value, str):
        return ScheduleInfo(ScheduleKind.UNKNOWN, timezone, error=(
            f"the schedule is the string {value!r}: Celery only accepts a number of seconds, a "
            "timedelta or a schedule object (crontab, solar, schedule), so beat crashes with "
            "AttributeError on start-up; use crontab.from_string() for cron text"))
    if not isinstance(value, StaticCall) or value.has_star:
        return ScheduleInfo(ScheduleKind.UNKNOWN, timezone)
    if value.qualified == CRONTAB:
        return _crontab(value, timezone)
    if value.qualified == FROM_STRING:
        text = _literal(value.args[0]) if len(value.args) == 1 and not value.kwargs else UNKNOWN
        if not isinstance(text, str):
            return ScheduleInfo(ScheduleKind.UNKNOWN, timezone)
        return _crontab_info(crontab_from_string(text), timezone)
    if value.qualified == TIMEDELTA:
        delta = _timedelta(value)
        return ScheduleInfo(ScheduleKind.UNKNOWN, timezone) if delta is None \
            else _interval(delta.total_seconds(), timezone)
    if value.qualified == INTERVAL:
        return _run_every(value, timezone)
    if value.qualified == SOLAR:
        return _solar(value, timezone)
    return ScheduleInfo(ScheduleKind.UNKNOWN, timezone)


def _literal(value: Any) -> Any:
    """A plain literal (str, number, list/tuple/set of them), or UNKNOWN."""
    value = plain(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_literal(item) for item in value]
        return UNKNOWN if any(item is UNKNOWN for item in items) else type(value)(items)
    if isinstance(value, (str, int, float)):
        return value
    return UNKNOWN


def _literal_arguments(call: StaticCall, ignored: frozenset[str] = frozenset()) \
        -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    args = tuple(_literal(a) for a in call.args)
    kwargs = {name: _literal(v) for name, v in call.kwargs if name not in ignored}
    if any(a is UNKNOWN for a in args) or any(v is UNKNOWN for v in kwargs.values()):
        return None
    return args, kwargs


def _crontab(call: StaticCall, timezone: str) -> ScheduleInfo:
    arguments = _literal_arguments(call, _PLUMBING)
    if arguments is None:
        return ScheduleInfo(ScheduleKind.UNKNOWN, timezone)
    return _crontab_info(crontab_from_call(*arguments), timezone)


def _crontab_info(result: CrontabResult, timezone: str) -> ScheduleInfo:
    return ScheduleInfo(ScheduleKind.CRONTAB, timezone, crontab=result,
                        description=describe_crontab(result, timezone) if result.ok else None,
                        error=result.error_message)


def _timedelta(call: StaticCall) -> timedelta | None:
    arguments = _literal_arguments(call)
    if arguments is None:
        return None
    args, kwargs = arguments
    try:
        return timedelta(*args, **kwargs)
    except (TypeError, ValueError, OverflowError):
        return None


def _interval(seconds: float, timezone: str) -> ScheduleInfo:
    error = validate_interval(seconds)
    return ScheduleInfo(ScheduleKind.INTERVAL, timezone, seconds=float(seconds),
                        description=None if error else describe_interval(seconds), error=error)


def _run_every(call: StaticCall, timezone: str) -> ScheduleInfo:
    run_every = call.args[0] if call.args else call.kwarg("run_every")
    run_every = plain(run_every)
    if isinstance(run_every, StaticCall) and run_every.qualified == TIMEDELTA:
        delta = _timedelta(run_every)
        run_every = delta.total_seconds() if delta is not None else UNKNOWN
    if isinstance(run_every, (int, float)) and not isinstance(run_every, bool):
        return _interval(run_every, timezone)
    return ScheduleInfo(ScheduleKind.UNKNOWN, timezone)


def _solar(call: StaticCall, timezone: str) -> ScheduleInfo:
    arguments = _literal_arguments(call, _PLUMBING)
    if arguments is None:
        return ScheduleInfo(ScheduleKind.UNKNOWN, timezone)
    args, kwargs = arguments
    named: Mapping[str, Any] = dict(zip(("event", "lat", "lon"), args)) | kwargs
    event, lat, lon = named.get("event"), named.get("lat"), named.get("lon")
    if not isinstance(event, str) or not all(isinstance(n, (int, float)) for n in (lat, lon)):
        return ScheduleInfo(ScheduleKind.UNKNOWN, timezone)
    error = validate_solar(event, float(lat), float(lon))  # type: ignore[arg-type]
    description = None if error else f"daily at {event} at latitude {lat}, longitude {lon}"
    return ScheduleInfo(ScheduleKind.SOLAR, timezone, description=description, error=error)


__all__ = ["ScheduleInfo", "ScheduleKind", "beat_schedules", "entry_label", "evaluate_schedule",
           "schedule_from_value", "schedule_timezone", "with_timezone"]
