"""CEL106/CEL107: pickle accepted from the broker, and a serializer workers refuse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from celerylint.findings import Finding, Severity
from celerylint.project.celery.celery_model import celery_model
from celerylint.project.evaluate import UNKNOWN
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule

if TYPE_CHECKING:
    from celerylint.project.celery.conf import EffectiveSettings
    from celerylint.project.model import Project

PICKLE_SETTINGS = ("accept_content", "result_accept_content", "task_serializer",
                   "result_serializer", "event_serializer")


def content_types(value: Any) -> set[str] | None:
    """Content types as kombu understands the names and aliases (None when unknown)."""
    from kombu.serialization import prepare_accept_content

    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple, set)) or not all(isinstance(v, str) for v in value):
        return None
    try:
        return set(prepare_accept_content(list(value)))
    except Exception:  # noqa: BLE001 - an unknown serializer name: another rule's business
        return None


def _pickle_type() -> str:
    from kombu.serialization import registry

    return registry.name_to_type.get("pickle", "application/x-python-serialize")


class PickleSerializer(ProjectRule):
    code = "CEL106"
    inputs = WHOLE_PROJECT
    name = "pickle-serializer"
    severity = Severity.WARNING
    summary = "pickle is accepted or used: anyone who can write to the broker can run code on workers."
    preview = True  # below 95 % on the precision benchmark: see its doc's Known limits

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        seen: set[tuple[str, int]] = set()
        for app_id, settings in sorted(model.settings.items()):
            for name in PICKLE_SETTINGS:
                entry = settings.entry(name)
                types = content_types(settings.value(name)) if entry else None
                if entry is None or types is None or _pickle_type() not in types:
                    continue
                if (entry.path, entry.span.line) in seen:
                    continue
                seen.add((entry.path, entry.span.line))
                yield self.finding(
                    entry.path, entry.span,
                    f"{name} allows pickle: a worker unpickles whatever arrives on the broker, so "
                    "anyone who can write to Redis can execute code on your workers.",
                    fix_hint="Use json (the default) and pass simple values (ids) to tasks.",
                    subjects=(name,),
                )


class SerializerNotAccepted(ProjectRule):
    code = "CEL107"
    inputs = WHOLE_PROJECT
    name = "serializer-not-accepted"
    severity = Severity.ERROR
    summary = "task_serializer is not in accept_content, so workers reject every message."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = celery_model(project)
        for app_id, settings in sorted(model.settings.items()):
            yield from self._check(settings, "task_serializer", "accept_content")
            yield from self._check(settings, "result_serializer", "result_accept_content")

    def _check(self, settings: "EffectiveSettings", serializer: str,
               accept: str) -> Iterator[Finding]:
        entry = settings.entry(serializer) or settings.entry(accept)
        if entry is None:
            return
        used = content_types(settings.value(serializer))
        accepted_value = settings.value(accept)
        if accepted_value is None and accept == "result_accept_content":
            accepted_value = settings.value("accept_content")
        accepted = content_types(accepted_value) if accepted_value is not UNKNOWN else None
        if not used or accepted is None or used <= accepted:
            return
        yield self.finding(
            entry.path, entry.span,
            f"{serializer} is {settings.value(serializer)!r}, but {accept} only allows "
            f"{sorted(accepted)}: the receiving side refuses every message with "
            "ContentDisallowed.",
            fix_hint=f"Add the serializer to {accept}, or use one it accepts.",
            subjects=(serializer,),
        )
