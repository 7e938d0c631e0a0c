"""The progress bar: silent unless on a terminal and slow, erased when done."""

from __future__ import annotations

import io

from celerylint.progress import NoProgress, ProgressBar, progress_for


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_no_bar_unless_asked_for_and_on_a_terminal() -> None:
    assert isinstance(progress_for(False, Terminal()), NoProgress)
    assert isinstance(progress_for(True, io.StringIO()), NoProgress)
    assert isinstance(progress_for(True, Terminal()), ProgressBar)


def test_fast_runs_print_nothing() -> None:
    stream, clock = Terminal(), Clock()
    bar = ProgressBar(stream, clock, show_after=2.0)
    bar.start(10)
    clock.now = 1.9
    bar.advance(parsed=10)
    bar.finish()
    assert stream.getvalue() == ""


def test_slow_runs_show_counts_and_erase_the_line_when_done() -> None:
    stream, clock = Terminal(), Clock()
    bar = ProgressBar(stream, clock, show_after=2.0)
    bar.start(8)
    bar.advance(cached=4)
    clock.now = 3.0
    bar.advance(parsed=2)
    assert stream.getvalue().endswith("[##################......] 6/8 files (2 parsed, 4 cached)")
    bar.finish()
    last = stream.getvalue().rsplit("\r", 2)[-2]
    assert last.strip() == "" and len(last) == len(bar.line())


def test_redraws_are_throttled_but_the_last_file_always_shows() -> None:
    stream, clock = Terminal(), Clock()
    bar = ProgressBar(stream, clock, show_after=0.0)
    bar.start(3)
    bar.advance(parsed=1)
    bar.advance(parsed=1)
    assert stream.getvalue().count("\r") == 1
    bar.advance(parsed=1)
    assert stream.getvalue().endswith("3/3 files (3 parsed, 0 cached)")
