"""The Python text record: everything the text-reading rules can find in one file."""

from __future__ import annotations

from celerylint.text_mentions import MentionFinder, module_mention

NAMES = {"proj", "proj.tasks", "app.migrations.0001_initial", "worker"}
PATHS = {"src/proj/api.py", "proj/api.py", "odd dir/a b.py"}


def test_module_names_paths_and_settings_reads_are_recorded() -> None:
    text = ("# see proj.tasks.send and app.migrations.0001_initial\n"
            "x = 'src/proj/api.py'  # settings.FOO\n"
            "getattr(django.conf.settings, 'BAR')\nworker\n# odd dir/a b.py\n")
    assert MentionFinder(NAMES, PATHS).mentions(text) == [
        "m:app.migrations.0001_initial", "m:proj", "m:proj.tasks", "m:worker",
        "p:odd dir/a b.py", "p:proj/api.py", "p:src/proj/api.py", "s:BAR", "s:FOO"]


def test_what_the_readers_would_not_match_is_not_recorded() -> None:
    """``unwired_modules`` matches ``(?<![\\w.])NAME(?!\\w)``: not inside another name."""
    text = "xproj.tasks projx.tasks a.proj.tasks workers"
    assert MentionFinder(NAMES, PATHS).mentions(text) == []


def test_the_record_decides_the_readers_answer() -> None:
    """Two texts with one record give the same answer to the unwired-module reader."""
    finder = MentionFinder(NAMES, PATHS)
    texts = ["import os  # proj.tasks runs here", "CALLS = ['proj.tasks.add']  # x",
             "# nothing", "proj = 1", "print('workerz')"]
    for name in NAMES:
        pattern = module_mention(name)  # what ``unwired_modules`` looks for
        for text in texts:
            assert bool(pattern.search(text)) == (f"m:{name}" in finder.mentions(text))
