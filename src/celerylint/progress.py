"""A one-line progress bar on stderr for long extractions.

It shows only on a terminal and only once a run has lasted long enough to
leave someone waiting (a fast run stays silent), and it erases itself before
any report is printed. Standard library only: the CLI may import this before
it knows whether there is anything to parse.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO

SHOW_AFTER_SECONDS = 2.0
REDRAW_EVERY_SECONDS = 0.1
BAR_WIDTH = 24


class Progress(Protocol):
    """What the extraction stage reports; implementations decide whether anyone sees it."""

    def start(self, total: int) -> None: ...

    def advance(self, parsed: int = 0, cached: int = 0) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    """For machine-readable output, pipes and tests."""

    def start(self, total: int) -> None:
        pass

    def advance(self, parsed: int = 0, cached: int = 0) -> None:
        pass

    def finish(self) -> None:
        pass


class ProgressBar:
    """``celerylint: [#####.....] 812/4000 files (300 parsed, 512 cached)``."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.perf_counter,
                 show_after: float = SHOW_AFTER_SECONDS) -> None:
        self.stream = stream
        self.clock = clock
        self.show_after = show_after
        self.total = 0
        self.parsed = 0
        self.cached = 0
        self.started = self.clock()
        self.last_drawn: float | None = None
        self.width_drawn = 0

    def start(self, total: int) -> None:
        self.total = total
        self.parsed = self.cached = 0

    def advance(self, parsed: int = 0, cached: int = 0) -> None:
        self.parsed += parsed
        self.cached += cached
        now = self.clock()
        if now - self.started < self.show_after:
            return
        if self.last_drawn is not None and now - self.last_drawn < REDRAW_EVERY_SECONDS \
                and self.parsed + self.cached < self.total:
            return
        self.last_drawn = now
        self._draw(self.line())

    def line(self) -> str:
        done = self.parsed + self.cached
        filled = BAR_WIDTH * done // self.total if self.total else BAR_WIDTH
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        return (f"celerylint: [{bar}] {done}/{self.total} files "
                f"({self.parsed} parsed, {self.cached} cached)")

    def finish(self) -> None:
        if self.width_drawn:
            self._draw("")
            self.width_drawn = 0

    def _draw(self, text: str) -> None:
        padding = " " * max(0, self.width_drawn - len(text))
        self.stream.write("\r" + text + padding + ("\r" if not text else ""))
        self.stream.flush()
        self.width_drawn = len(text)


def progress_for(enabled: bool, stream: TextIO | None = None) -> Progress:
    """A real bar only when asked for and the stream is a terminal; otherwise silence."""
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    if enabled and isatty is not None and isatty():
        return ProgressBar(stream)
    return NoProgress()
