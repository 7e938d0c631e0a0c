"""What every CLI module shares: exit codes, the usage error, and writing a report.

Kept below ``cli``, ``cli_check`` and ``commands`` so that the arrows run one way:
``cli`` builds the parser and dispatches, the subcommand modules do the work, and all
of them take their exit codes and output helpers from here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celerylint.settings import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or configuration; printed as one line, exit 2."""


def write_output(text: str, output: Path | None) -> None:
    """Write a report to stdout or ``output``; a name that is not UTF-8 shows as ``\\xNN``."""
    from celerylint.printable import printable

    text = printable(text)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None


def check_config_selectors(settings: Settings) -> None:
    """A misspelt code in the config would silently select or ignore nothing."""
    from celerylint.rules.registry import unknown_selectors

    configured = [*(settings.select or ()), *settings.ignore, *settings.extend_select,
                  *(code for _, codes in settings.per_file_ignores for code in codes)]
    unknown = unknown_selectors(configured)  # command-line ones were checked already
    if unknown:
        raise UsageError(f"unknown rule selector(s) in {settings.config_path}: "
                         f"{', '.join(unknown)} (see `celerylint rule --all`)")


__all__ = ["EXIT_CLEAN", "EXIT_ERROR", "EXIT_FINDINGS", "UsageError",
           "check_config_selectors", "write_output"]
