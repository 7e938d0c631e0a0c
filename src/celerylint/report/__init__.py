"""Reporters only format: they receive the finished result and return text."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celerylint.report.context import ReportContext

FORMATS: dict[str, str] = {
    "text": "celerylint.report.text",
    "json": "celerylint.report.json_format",
}


def renderer(name: str) -> Callable[["ReportContext"], str]:
    """The ``render`` function of a format, imported only when asked for."""
    return importlib.import_module(FORMATS[name]).render  # type: ignore[no-any-return]
