"""One entry point for every diagram format; SVG and PNG go through Graphviz's ``dot``.

Text formats (DOT, Mermaid, JSON) need nothing installed.  Images are drawn
by the ``dot`` program, never by a Python reimplementation, so what users see
matches what ``dot`` does with the committed ``.dot`` file.
"""

from __future__ import annotations

import enum
import json
import shutil
import subprocess
from pathlib import Path

from celerylint.diagram.dot import render_dot
from celerylint.diagram.mermaid import render_mermaid
from celerylint.diagram.model import Diagram
from celerylint.printable import encode_output, printable_strings

GRAPHVIZ_TIMEOUT_SECONDS = 120
PNG_DPI = 110  # Graphviz's 72 is blurry on today's screens; much more makes huge files
INSTALL_HINT = "install graphviz (apt-get install graphviz)"


class DiagramFormat(str, enum.Enum):
    DOT = "dot"
    MERMAID = "mermaid"
    SVG = "svg"
    PNG = "png"
    JSON = "json"

    @property
    def is_image(self) -> bool:
        return self in (DiagramFormat.SVG, DiagramFormat.PNG)


_SUFFIXES = {".dot": DiagramFormat.DOT, ".gv": DiagramFormat.DOT,
             ".mmd": DiagramFormat.MERMAID, ".mermaid": DiagramFormat.MERMAID,
             ".svg": DiagramFormat.SVG, ".png": DiagramFormat.PNG, ".json": DiagramFormat.JSON}


class GraphvizError(RuntimeError):
    """``dot`` is missing or failed; the message says what to do."""


def format_for_path(path: Path | None, default: DiagramFormat = DiagramFormat.DOT) -> DiagramFormat:
    """The format a file name asks for (``topology.png`` -> PNG)."""
    if path is None:
        return default
    return _SUFFIXES.get(path.suffix.lower(), default)


def render_diagram(diagram: Diagram, fmt: DiagramFormat) -> bytes:
    """The diagram in ``fmt`` as bytes (UTF-8 for the text formats).

    A project name that is not UTF-8 (``caf\\xe9``) is drawn with ``\\xNN`` escapes.
    """
    if fmt is DiagramFormat.DOT:
        return encode_output(render_dot(diagram))
    if fmt is DiagramFormat.MERMAID:
        return encode_output(render_mermaid(diagram))
    if fmt is DiagramFormat.JSON:
        return encode_output(json.dumps(printable_strings(diagram.as_dict()), indent=2) + "\n")
    extra = (f"-Gdpi={PNG_DPI}",) if fmt is DiagramFormat.PNG else ()
    return run_graphviz(render_dot(diagram), fmt.value, extra)


def run_graphviz(dot_source: str, output_format: str, extra: tuple[str, ...] = (),
                 program: str = "dot") -> bytes:
    """``dot -T<format>`` on ``dot_source``; a clear GraphvizError when it cannot run."""
    executable = shutil.which(program)
    if executable is None:
        raise GraphvizError(f"cannot draw {output_format.upper()}: the Graphviz '{program}' "
                            f"program was not found; {INSTALL_HINT}, or use --format dot or "
                            "--format mermaid")
    try:
        completed = subprocess.run([executable, f"-T{output_format}", *extra],
                                   input=encode_output(dot_source), capture_output=True,
                                   timeout=GRAPHVIZ_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GraphvizError(f"Graphviz '{program}' could not run: {exc}") from None
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphvizError(f"Graphviz '{program}' failed: {detail[0] if detail else 'no output'}")
    return completed.stdout


__all__ = [
    "INSTALL_HINT",
    "DiagramFormat",
    "GraphvizError",
    "format_for_path",
    "render_diagram",
    "run_graphviz",
]
