"""Tests for the commented-out-code detector.

Comments are extracted from in-memory source with ``tokenize``, the same way
the scanner sees them. The labelled corpus at the top doubles as the
precision/recall benchmark against ruff's ERA001 (figures kept outside the
repository).
"""

from __future__ import annotations

import io
import textwrap
import tokenize

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from celerylint.source.comment_lines import LineKind, classify_line, strip_trailing_note
from celerylint.source.commented_code import CommentedCodeBlock, find_commented_code
from celerylint.source.facts import CommentFact


def comments_in(source: str) -> list[CommentFact]:
    """Every comment of ``source``, own-line or trailing, 1-based columns."""
    facts = []
    for token in tokenize.generate_tokens(io.StringIO(textwrap.dedent(source)).readline):
        if token.type == tokenize.COMMENT:
            own_line = not token.line[: token.start[1]].strip()
            facts.append(CommentFact(token.string, token.start[0], token.start[1] + 1, own_line))
    return facts


def detect(source: str) -> list[CommentedCodeBlock]:
    return find_commented_code(comments_in(source))


# --- Labelled corpus ---------------------------------------------------------
# Each entry is one comment block. A code entry counts as found only when a
# single reported block spans exactly its lines; a prose entry must report
# nothing at all.

CODE_COMMENTS: dict[str, str] = {
    "relative-import-with-note": "# from ...x import Y  # trailing note",
    "await-call": "# await f(x)",
    "assign-await": "# execution_result = await executor.run(task)",
    "import-dotted": "# import app.workers.gone",
    "delay-call": "# send_report.delay(user.id)",
    "if-block-with-notes": """\
        # if task.enabled:  # only when enabled
        #     await send(  # send it
        #         task, result  # both
        #     )
        """,
    "beat-entry": '#    "cleanup": {"task": "x.cleanup", "schedule": 60},',
    "dict-entry-name-value": '# "key": value,',
    "return-name": "# return result",
    "assign-call": "# x = compute(1, 2)",
    "print-call": "# print(x)",
    "from-import": "# from celery import shared_task",
    "attribute-assign": "# app.conf.beat_schedule = {}",
    "apply-async": "# result = add.apply_async((2, 2), countdown=10)",
    "raise-call": '# raise ValueError("bad task")',
    "del-subscript": "# del cache[key]",
    "logger-call": '# logger.info("done %s", task_id)',
    "decorated-def": """\
        # @app.task(bind=True, max_retries=3)
        # def refresh(self, pk):
        #     return pk
        """,
    "for-loop": """\
        # for task in app.tasks.values():
        #     task.delay()
        """,
    "with-block": """\
        # with open(path) as fh:
        #     data = fh.read()
        """,
    "try-except": """\
        # try:
        #     conn.ensure_connection()
        # except OSError:
        #     pass
        """,
    "settings-dict": '# CELERY_TASK_ROUTES = {"proj.tasks.*": {"queue": "default"}}',
    "url-in-string": '# broker_url = os.environ.get("REDIS_URL", "redis://localhost:6379/0")',
    "aug-assign": "# count += 1",
    "if-attribute-block": """\
        # if not self.request.called_directly:
        #     self.update_state(state="PROGRESS")
        """,
    "class-def": """\
        # class CleanupTask(Task):
        #     abstract = True
        """,
    "yield-from": "# yield from chunks(items, 10)",
    "assert-call": "# assert result.successful()",
    "await-sleep": "# await asyncio.sleep(1)",
    "dangling-else": """\
        # else:
        #     retry()
        """,
    "group-call": "# group(add.s(i, i) for i in range(10))()",
    "annotated-assign": "# timeout: int = 30",
    "annotated-attribute": "# self.queue: Queue | None",
    "annotated-generic": "# pending: dict[str, AsyncResult] = {}",
    "list-element": '# "proj.tasks.old_task",',
    "chain-call": "# chain(fetch.s(url), parse.s()).apply_async()",
    "dict-unpacking": '# task_kwargs = {**defaults, "retry": True}',
    "lambda-assign": '# lambda_handler = lambda event: event["id"]',
    "lone-try": "# try:",
    "retry-call": "# self.retry(exc=exc, countdown=2 ** self.request.retries)",
    "swap": "# x, y = y, x",
    "return-dict": '# return {"status": "ok"}',
    "crontab-entry": "#     'schedule': crontab(minute=0, hour='*/3'),",
    "multi-line-beat-entry": """\
        # "nightly": {
        #     "task": "proj.tasks.nightly",  # was hourly
        #     "schedule": crontab(hour=3),
        # },
        """,
    "hash-in-string": '# pattern = "#{task_id}"',
    "double-hash": "## cleanup_old_results()",
    "decorator-alone": "# @shared_task",
    "dangling-elif-with-words": "# elif not (ready or stopped):",
    "number-keyed-entry": '# 404: "not found",',
    "commented-out-profile-decorator": "# @profile",
    "match-block": """\
        # match command.split():
        #     case [action]:
        #         run(action)
        """,
    "match-header": "# match event.kind:",
    "dict-element": '# {"id": 1, "name": "x"},',
    "decorator-with-message": '# @deprecated("use send_report")',
}

# Code that the detector deliberately leaves alone: alone, these are as
# likely to be words as statements. They keep the recall figure honest.
KNOWN_MISSES: dict[str, str] = {
    "bare-pass": "# pass",
    "python2-print": '# print "hello"',
    "bare-name-tuple": "# task, result",
}

PROSE_COMMENTS: dict[str, str] = {
    "prose-with-call": "# Use asyncio.run() with proper event loop handling",
    "prose-with-parens": "# Clean up old logs (older than 30 days)",
    "returns-sentence": "# Returns: a dict",
    "returns-label": "# Returns: dict",
    "returns-generic": "# Returns: list[str]",
    "note": "# Note: this is important",
    "todo-with-call": "# TODO: call foo()",
    "todo-owner": "# TODO(alice): foo()",
    "fixme": "# FIXME later",
    "xxx": "# XXX: this is racy",
    "hack": "# HACK: work around kombu bug",
    "eg-call": "# e.g. foo(bar)",
    "single-word": "# deprecated",
    "noqa": "# noqa",
    "noqa-code": "# noqa: E501",
    "type-ignore": "# type: ignore",
    "type-ignore-code": "# type: ignore[attr-defined]",
    "type-comment": "# type: List[int]",
    "pylint": "# pylint: disable=unused-import",
    "fmt": "# fmt: off",
    "isort": "# isort:skip",
    "pragma": "# pragma: no cover",
    "mypy": "# mypy: ignore-errors",
    "url": "# https://docs.celeryq.dev/en/stable/userguide/tasks.html",
    "shebang": "#!/usr/bin/env python",
    "coding": "# -*- coding: utf-8 -*-",
    "vim-modeline": "# vim: set ft=python :",
    "copyright": "# Copyright (c) 2024 Example Corp.",
    "spdx": "# SPDX-License-Identifier: BSD-3-Clause",
    "license": "# Licensed under the Apache License, Version 2.0",
    "doctest": "# >>> add.delay(2, 2)",
    "doctest-continuation": "# ...     retry=True)",
    "dash-ruler": "# -----------------------------",
    "equals-ruler": "# ==========",
    "titled-ruler": "# ---- Helpers ----",
    "shell-command": "# celery worker -A proj -l info",
    "shell-command-short": "# celery -A proj beat",
    "numbered-item": "# 1. Do this",
    "lettered-item": "# a) first option",
    "bullet": "# - retry on failure",
    "parenthesised-word": "# (optional)",
    "bare-name": "# foo",
    "bare-word": "# hello",
    "two-words": "# something else",
    "words-with-keyword": "# something in particular",
    "return-early": "# return early",
    "import-this": "# import this",
    "spaced-call": "# Step (1)",
    "status-legend": "# 401: Unauthorized",
    "section-label": "# Example:",
    "args-label": "# Args:",
    "default-label": "# Default: 30",
    "see-sentence": "# See celery.app.base.Celery.send_task for details.",
    "slash-separated-calls": "# state.maybe_shutdown()/Request.on_timeout()/on_failure()",
    "weak-if": "# if needed:",
    "weak-match": "# match everything:",
    "apostrophes": "# the task's result, if it's ready",
    "paragraph": """\
        # This retries the task when the broker
        # is down (see issue #42), and gives up
        # after three attempts.
        """,
    "indented-example": """\
        # Example:
        #     result = add.delay(2, 2)
        """,
    "emphasis": "# *** do not remove ***",
    "number-legend": "# 252: 0 - 9",
    "module-attribute-path": "# django.conf:settings",
    "format-label": "# Format: lib_name='redis-py(celery_v{version})'",
    "label-with-assignment": "# Note: self._succ = self._adj",
    "quoted-code-legend": "# 'f': float",
    "token-listing": """\
        # STREAM-START
        # DIRECTIVE(name, value)
        # DOCUMENT-START
        # KEY
        # ALIAS(value)
        """,
    "stub-example": """\
        # def my_private_function(some, args):
        #     ...
        """,
    "placeholder-assignment": "# name = ...",
    "pylama": "# pylama:skip=1",
    "ellipsis-call": "# @example(...).xfail(...)",
    "ellipsis-list": "# chord([A, B, ...], C)",
    "type-listing": "#     _NestedSequence[_SupportsArray],",
    "sample-payload": '# {"id": 1, "name": "x"}',
    "data-shape": "# [(a, b), ...]",
    "multi-line-payload": """\
        # {
        #     "id": 1,
        #     "name": "x"
        # }
        """,
    "json-entries": """\
        # Default template has next configuration:
        # "is_epics_activated": false,
        # "is_backlog_activated": true,
        """,
    "introduced-list": """\
        # Example:
        # [
        #     "git clone --depth 1 $URL .",
        #     "git checkout $REF"
        # ]
        """,
    "quoted-error": "# TypeError('expected str, bytes or os.PathLike object, not NoneType')",
    "javadoc-tag": "# @deprecated",
    "wrapped-sentence-assignment": """\
        # Shortcircuit clean() because Django calls it on all fields with
        # is_relation = False
        """,
    "wrapped-sentence-call": """\
        # Password is validated via cls.clean_input(), which correctly invokes
        # django.contrib.auth.password_validation.validate_password()
        """,
    "sentence-like-for": """\
        # Each command supports the --languages and --resources options to limit their
        # operation to the specified language or resource. For example, to get stats
        # for Spanish in contrib.admin, run:
        """,
    "example-after-like": """\
        # if we had real guids, we'd do something like
        # guid = struct.unpack('>IHHQ', s[6:22])
        """,
    "parenthesis-in-sentence": """\
        # SECURITY: don't chain filters when filtering by related models
        # (query.filter(teams__members=user).filter(teams__access='admin')),
        # that produces two separate joins
        """,
    "traceback": """\
        #   File ".../serializers.py", line 124, in get_points
        #       assert hasattr(obj, "role_points_attr"), "instance must have it"
        #   AssertionError: instance must have it
        """,
    "type-directive": "# type: (int, str) -> None",
    "version-string": "# celery==5.3.0",
    "shell-command-install": "# pip install -r requirements.txt",
    "see-above": "# see above",
    "todo-later": "# TODO later",
    "note-with-assignment": "# Note: x = y means the value is copied",
    "string-literal": "# 'the worker is slow to start on cold caches'",
    "commented-docstring": (
        '# """\n'
        "# Send the nightly report (kept for the old scheduler).\n"
        '# """\n'
    ),
    "single-dotted-word": "# celery.app.task",
    "example-introduced": """\
        # Example of a valid default argument:
        # class MyName3:
        #     mylambda3 = lambda: lambda a=MyName3: a
        """,
}


def _corpus_lines(snippet: str) -> tuple[int, int]:
    lines = textwrap.dedent(snippet).strip("\n").splitlines()
    return 1, len(lines)


def _found_exactly(snippet: str) -> bool:
    blocks = detect(snippet)
    return [(b.line, b.end_line) for b in blocks] == [_corpus_lines(snippet)]


def corpus_figures() -> tuple[float, float]:
    """Precision and recall of the detector on the labelled corpus."""
    code = {**CODE_COMMENTS, **KNOWN_MISSES}
    true_positives = sum(_found_exactly(snippet) for snippet in code.values())
    false_positives = sum(bool(detect(snippet)) for snippet in PROSE_COMMENTS.values())
    flagged = true_positives + false_positives
    precision = true_positives / flagged if flagged else 1.0
    return precision, true_positives / len(code)


def test_corpus_is_big_enough_to_mean_something() -> None:
    assert len(CODE_COMMENTS) + len(KNOWN_MISSES) >= 30
    assert len(PROSE_COMMENTS) >= 30


def test_corpus_precision_is_perfect_and_recall_high() -> None:
    precision, recall = corpus_figures()
    assert precision == 1.0
    assert recall >= 0.9


@pytest.mark.parametrize("snippet", CODE_COMMENTS.values(), ids=CODE_COMMENTS.keys())
def test_code_comment_is_one_block_spanning_it(snippet: str) -> None:
    assert [(b.line, b.end_line) for b in detect(snippet)] == [_corpus_lines(snippet)]


@pytest.mark.parametrize("snippet", PROSE_COMMENTS.values(), ids=PROSE_COMMENTS.keys())
def test_prose_comment_is_not_flagged(snippet: str) -> None:
    assert detect(snippet) == []


@pytest.mark.parametrize("snippet", KNOWN_MISSES.values(), ids=KNOWN_MISSES.keys())
def test_statement_without_code_signal_is_not_enough_alone(snippet: str) -> None:
    assert detect(snippet) == []


# --- Blocks, spans and code text ---------------------------------------------


def test_multi_line_if_block_is_one_block_with_dedented_code() -> None:
    source = """\
    def run(task, result):
        x = 1
        # if task.enabled:  # only when enabled
        #     await send(  # send it
        #         task, result
        #     )
        return x
    """
    [block] = detect(source)
    assert (block.line, block.end_line, block.column) == (3, 6, 5)
    assert block.end_column == 5 + len("#     )")
    assert block.code == "if task.enabled:\n    await send(\n        task, result\n    )"


def test_trailing_note_is_part_of_the_span_but_not_of_the_code() -> None:
    comment = "# from ..scheduler.tasks import nightly  # disabled in #123"
    [block] = detect(comment)
    assert block.code == "from ..scheduler.tasks import nightly"
    assert block.end_column == 1 + len(comment)


def test_prose_header_is_left_out_of_the_span() -> None:
    source = """\
    # Disabled until the scheduler is fixed:
    # from ..scheduler.tasks import nightly
    # nightly.delay()
    """
    [block] = detect(source)
    assert (block.line, block.end_line) == (2, 3)
    assert block.imported_modules == ("..scheduler.tasks",)


def test_prose_between_code_keeps_one_block_for_the_comment_run() -> None:
    source = """\
    # x = load()
    # Then hand it over to the worker
    # send(x)
    """
    assert [(b.line, b.end_line) for b in detect(source)] == [(1, 3)]


def test_blank_comment_lines_inside_code_keep_one_block() -> None:
    source = """\
    # x = load()
    #
    # send(x)
    """
    assert [(b.line, b.end_line) for b in detect(source)] == [(1, 3)]


def test_weak_words_at_the_edges_are_trimmed() -> None:
    source = """\
    # obsolete
    # send(x)
    # later
    """
    assert [(b.line, b.end_line) for b in detect(source)] == [(2, 2)]


def test_a_bare_word_between_code_lines_keeps_one_block() -> None:
    source = """\
    # x = load()
    # obsolete
    # send(x)
    """
    assert [(b.line, b.end_line) for b in detect(source)] == [(1, 3)]


def test_keyword_statements_inside_code_stay_in_the_run() -> None:
    source = """\
    # for task in tasks:
    #     if task.done:
    #         continue
    #     task.delay()
    # return
    """
    assert [(b.line, b.end_line) for b in detect(source)] == [(1, 5)]


def test_imported_modules_come_as_written_in_order_without_duplicates() -> None:
    source = """\
    # import app.workers.foo, app.workers.bar as bar
    # from . import tasks
    # from ..scheduler.tasks import a
    # from ..scheduler.tasks import b
    """
    [block] = detect(source)
    assert block.imported_modules == (
        "app.workers.foo", "app.workers.bar", ".", "..scheduler.tasks",
    )


def test_imports_nested_in_commented_blocks_are_reported() -> None:
    source = """\
    # try:
    #     import app.workers.optional
    # except ImportError:
    #     pass
    """
    [block] = detect(source)
    assert block.imported_modules == ("app.workers.optional",)


def test_code_without_imports_reports_no_modules() -> None:
    [block] = detect("# print(x)")
    assert block.imported_modules == ()


def test_trailing_comments_are_never_considered() -> None:
    assert detect("y = 2  # x = compute(1, 2)\n") == []


def test_comments_indented_per_line_are_one_block() -> None:
    source = """\
    def f():
        # if task.enabled:
            # send(task)
        pass
    """
    [block] = detect(source)
    assert (block.line, block.end_line) == (2, 3)
    assert block.code == "if task.enabled:\n    send(task)"


def test_comments_far_apart_in_columns_are_separate_blocks() -> None:
    comments = [
        CommentFact("# x = load()", 1, 1, True),
        CommentFact("# send(x)", 2, 30, True),
    ]
    blocks = find_commented_code(comments)
    assert [(b.line, b.column) for b in blocks] == [(1, 1), (2, 30)]


def test_unsorted_input_gives_blocks_in_line_order() -> None:
    comments = [
        CommentFact("# send(x)", 5, 1, True),
        CommentFact("# x = load()", 4, 1, True),
        CommentFact("# print(y)", 1, 1, True),
    ]
    assert [(b.line, b.end_line) for b in find_commented_code(comments)] == [(1, 1), (4, 5)]


def test_documented_example_indented_under_a_colon_is_not_reported() -> None:
    source = """\
    # Example:
    #
    #     result = add.delay(2, 2)
    #     result.get(timeout=1)
    """
    assert detect(source) == []


def test_code_after_a_colon_but_not_indented_is_reported() -> None:
    source = """\
    # Old behaviour:
    # result = add.delay(2, 2)
    """
    assert [(b.line, b.end_line) for b in detect(source)] == [(2, 2)]


def test_unbalanced_closing_bracket_does_not_join_the_previous_code() -> None:
    source = """\
    # send(x)
    #     )
    """
    assert [(b.line, b.end_line) for b in detect(source)] == [(1, 1)]


def test_non_ascii_text_keeps_call_detection_right() -> None:
    [block] = detect('# log("tâche terminée", état)')
    assert block.code == 'log("tâche terminée", état)'
    assert detect("# Étape (1)") == []


def test_invalid_escape_in_commented_string_emits_no_warning(
    recwarn: pytest.WarningsRecorder,
) -> None:
    assert len(detect(r'# pattern = re.compile("\d+")')) == 1
    assert len(recwarn) == 0


def test_long_commented_region_is_one_block() -> None:
    body = "\n".join(f"# value_{i} = compute({i})" for i in range(300))
    [block] = detect(body)
    assert (block.line, block.end_line) == (1, 300)
    assert block.code.splitlines()[-1] == "value_299 = compute(299)"


# --- Line-level helpers ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("x = 1  # note", "x = 1"),
        ('x = "#1"  # note', 'x = "#1"'),
        ("x = '#'", "x = '#'"),
        ("it's #1", "it's"),
        ("no note here", "no note here"),
    ],
)
def test_strip_trailing_note_respects_strings(body: str, expected: str) -> None:
    assert strip_trailing_note(body) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", LineKind.BLANK),
        ("Clean up old logs", LineKind.NEVER_CODE),
        ("noqa: E501", LineKind.NEVER_CODE),
        ("result", LineKind.FRAGMENT),
        ("something in particular", LineKind.FRAGMENT),
        ("return", LineKind.CANDIDATE),
        ("x = 1", LineKind.CANDIDATE),
        ("note = load()", LineKind.CANDIDATE),
        ('url = "http://x"', LineKind.CANDIDATE),
    ],
)
def test_classify_line(text: str, kind: LineKind) -> None:
    assert classify_line(text) is kind


# --- Robustness ----------------------------------------------------------------

_comment_text = st.text(
    alphabet=st.sampled_from(list("#abcxyz_ ()[]{}:=,.'\"\\+-*/@0123456789é\t\x00")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_comment_text, st.integers(1, 12), st.booleans()), max_size=12))
def test_never_raises_and_spans_stay_inside_the_input(
    rows: list[tuple[str, int, bool]],
) -> None:
    comments = [
        CommentFact("#" + text, line, column, own_line)
        for line, (text, column, own_line) in enumerate(rows, start=1)
    ]
    own_lines = {c.line for c in comments if c.own_line}
    previous_end = 0
    for block in find_commented_code(comments):
        assert previous_end < block.line <= block.end_line  # ordered, never overlapping
        assert block.line in own_lines and block.end_line in own_lines
        assert block.code.strip()
        previous_end = block.end_line


# --- Context: reasons, sentences, examples, banners ------------------------------


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("# TODO: re-enable once the API is back\n# send_report.delay(order_id)\n",
         "TODO: re-enable once the API is back"),
        ("# send_report.delay(order_id)  # SHOPX-1390\n", "SHOPX-1390"),
        ("# send_report.delay(order_id)  # see #412\n", "see #412"),
        ("# Disabled because the mail server rejects bulk sends\n# send_report.delay(x)\n",
         "Disabled because the mail server rejects bulk sends"),
        ("# Uncomment to enable the nightly report\n# send_report.delay(x)\n",
         "Uncomment to enable the nightly report"),
        ("# @extend_schema_view(**schema())\n# Nested models make the schema too long\n",
         "Nested models make the schema too long"),
    ],
    ids=["todo-above", "ticket-note", "issue-number-note", "disabled-because", "uncomment",
         "explanation-below"],
)
def test_a_stated_reason_comes_with_the_block(source: str, reason: str) -> None:
    [block] = detect(source)
    assert block.reason == reason


@pytest.mark.parametrize(
    "source",
    [
        "# send_report.delay(order_id)\n",
        "# The report goes out at night.\n# send_report.delay(order_id)\n",
        "# x = 1  # old value, utf-8 encoded\n",
    ],
)
def test_code_without_a_reason_has_none(source: str) -> None:
    [block] = detect(source)
    assert block.reason is None


@pytest.mark.parametrize(
    "source",
    [
        "# The report is sent by the nightly job.\n# send_report.delay(order_id)\n",
        "# Old implementation\n# result = compute(x)\n",
    ],
    ids=["full-sentence-above", "short-heading-above"],
)
def test_code_under_a_finished_line_of_prose_is_reported(source: str) -> None:
    """Twin of the wrapped-sentence prose: the line above ends, so the code stands alone."""
    assert [(b.line, b.end_line) for b in detect(source)] == [(2, 2)]


def test_json_twin_with_python_literals_is_reported() -> None:
    source = """\
    # "is_epics_activated": False,
    # "is_backlog_activated": True,
    """
    assert [(b.line, b.end_line) for b in detect(source)] == [(1, 2)]


def test_traceback_lines_without_the_traceback_are_reported() -> None:
    assert len(detect('# assert hasattr(obj, "role_points_attr"), "instance must have it"')) == 1


def test_a_banner_over_the_function_it_names_is_not_a_call() -> None:
    comments = comments_in("# score()\n\ndef score():\n    return 1\n")
    assert find_commented_code(comments, [("score", 3)]) == []


@pytest.mark.parametrize(
    "definitions",
    [[], [("other", 3)], [("score", 30)]],
    ids=["no-definition", "other-name", "far-below"],
)
def test_a_call_that_names_no_function_just_below_is_reported(
    definitions: list[tuple[str, int]],
) -> None:
    comments = comments_in("# score()\n\ndef other():\n    return 1\n")
    assert len(find_commented_code(comments, definitions)) == 1


def test_a_commented_def_with_blank_lines_in_its_body_is_one_block() -> None:
    source = """\
    # def test_old(client):
    #     variables = {"a": 1}

    #     response = client.post(variables)

    #     assert response.ok
    # x = 2
    """
    blocks = detect(source)
    assert [(b.line, b.end_line) for b in blocks] == [(1, 7)]


def test_groups_at_the_same_indentation_after_blank_lines_stay_apart() -> None:
    source = """\
    # from celery import current_app

    # current_app.loader.import_default_modules()
    """
    assert [(b.line, b.end_line) for b in detect(source)] == [(1, 1), (3, 3)]


def test_code_between_a_heading_and_a_lower_case_note_is_reported() -> None:
    """Twin of the aside in a sentence: a plain statement under a heading is code."""
    source = """\
    # Old implementation
    # result = compute(order_id)
    # then report it
    """
    assert [(b.line, b.end_line) for b in detect(source)] == [(2, 2)]


def test_code_under_a_long_paragraph_that_ends_its_sentence_is_reported() -> None:
    source = """\
    # The primary key and the slug attributes are both implicit in the URL, so the
    # lookup below is not needed any more by any of the views in this module.
    # lookup = self.kwargs.get(lookup_url_kwarg, None)
    """
    assert [(b.line, b.end_line) for b in detect(source)] == [(3, 3)]
