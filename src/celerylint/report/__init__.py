"""Reporters only format: they receive the finished result and return text."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celerylint.report.context import ReportContext

FORMATS: dict[str, str] = {
    "text": "celerylint.report.text",
    "concise": "celerylint.report.concise",
    "grouped": "celerylint.report.grouped",
    "json": "celerylint.report.json_format",
    "json-lines": "celerylint.report.json_lines",
    "sarif": "celerylint.report.sarif",
    "github": "celerylint.report.github",
    "junit": "celerylint.report.junit",
    "gitlab": "celerylint.report.gitlab",
}


def renderer(name: str) -> Callable[[ReportContext], str]:
    """The ``render`` function of a format, imported only when asked for."""
    return importlib.import_module(FORMATS[name]).render  # type: ignore[no-any-return]
