"""Extraction of every Python file's facts; the only stage that reads Python sources.

Reading failures become parse failures of that file, so one bad file never
stops the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from celerylint.source.extract import extract_module_facts
from celerylint.source.facts import ModuleFacts, ParseFailure

if TYPE_CHECKING:
    from celerylint.discovery import FileInventory, PythonFile
    from celerylint.settings import Settings


def _extract_one(root: str, python_file: "PythonFile") -> ModuleFacts:
    from pathlib import Path

    try:
        data = (Path(root) / python_file.path).read_bytes()
    except OSError as exc:
        return ModuleFacts(
            path=python_file.path, module=python_file.module, is_package=python_file.is_package,
            parse_failure=ParseFailure(f"cannot read file: {exc.strerror or exc}", 1, 1),
        )
    return extract_module_facts(python_file.path, python_file.module, python_file.is_package, data)


def extract_all(
    settings: "Settings", inventory: "FileInventory", timings: dict[str, float]
) -> dict[str, ModuleFacts]:
    root = str(inventory.root)
    return {pf.path: _extract_one(root, pf) for pf in inventory.python}
