"""Which if/case arm each line of a script sits in."""

from __future__ import annotations

from celerylint.project.deploy.shell_branches import arms_by_line

SCRIPT = """#!/bin/sh
if [ "$MODE" = "prod" ]; then
  exec celery -A p worker -Q a,b
elif [ "$MODE" = dev ]
then
  exec celery -A p worker -Q a
else
  exec celery -A p beat
fi
case "$1" in
  worker)
    exec celery worker ;;
  beat) exec celery beat
    ;;
esac
if [ -f x ]; then echo one-liner; fi
celery flower
"""


def test_arms_of_if_and_case() -> None:
    arms = arms_by_line(SCRIPT)
    assert [(a.index, a.selector, a.label) for a in arms[3]] == [(0, "MODE", '[ "$MODE" = "prod" ]')]
    assert [(a.index, a.label) for a in arms[6]] == [(1, '[ "$MODE" = dev ]')]
    assert [(a.index, a.label) for a in arms[8]] == [(2, "else")]
    assert [(a.index, a.label, a.by_argument) for a in arms[12]] == [(0, "worker", True)]
    assert [(a.index, a.label) for a in arms[13]] == [(1, "beat")]
    assert 9 not in arms and 16 not in arms and 17 not in arms
    assert arms[3][0].excludes(arms[8][0]) and not arms[3][0].excludes(arms[12][0])


def test_nested_arms_are_listed_outermost_first() -> None:
    text = "if [ \"$A\" ]; then\n  case $B in\n    x) celery beat ;;\n  esac\nfi\n"
    assert [(a.selector, a.label) for a in arms_by_line(text)[3]] == [("A", '[ "$A" ]'), ("B", "x")]
