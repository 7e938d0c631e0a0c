"""The broker an app really uses, named for messages: never "Redis" for a RabbitMQ broker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from celerylint.project.urls.url_parts import split_failover, transport_of

if TYPE_CHECKING:
    from celerylint.project.celery.conf import EffectiveSettings

__all__ = ["broker_name"]

_NAMES = {
    "redis": "Redis", "rediss": "Redis", "sentinel": "Redis", "amqp": "RabbitMQ",
    "amqps": "RabbitMQ", "pyamqp": "RabbitMQ", "librabbitmq": "RabbitMQ", "sqs": "Amazon SQS",
}


def broker_name(settings: EffectiveSettings | None) -> str:
    """``Redis``, ``RabbitMQ``, ``the 'kafka' broker``; ``the broker`` when only run time knows."""
    url = settings.value("broker_url") if settings is not None else None
    if not isinstance(url, str) or "://" not in url:
        return "the broker"
    first = split_failover(url)[0]
    scheme = transport_of(first.split("://", 1)[0])
    return _NAMES.get(scheme, f"the '{scheme}' broker")
