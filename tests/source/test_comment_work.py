"""What Celery work a commented-out block would do, read from its syntax alone."""

from __future__ import annotations

from tests.source.test_commented_code import detect

from celerylint.source.comment_work import CommentedWork


def work_of(source: str) -> CommentedWork:
    [block] = detect(source)
    return block.work


def dispatches(source: str) -> list[tuple[str, str, str]]:
    return [(d.method, d.receiver, d.task_name) for d in work_of(source).dispatches]


def test_delay_and_apply_async_on_a_name_or_attribute() -> None:
    assert dispatches("# send_report.delay(1)\n# tasks.build.apply_async((1,), countdown=5)\n") \
        == [("delay", "send_report", ""), ("apply_async", "tasks.build", "")]


def test_send_task_with_a_literal_name_only() -> None:
    assert dispatches("# app.send_task('proj.tasks.add', args=[1])\n") == [
        ("send_task", "", "proj.tasks.add")]
    assert dispatches("# app.send_task(name, args=[1])\n") == []


def test_signatures_count_inside_a_canvas_or_when_applied() -> None:
    assert dispatches("# chain(fetch.s(url), store.si()).apply_async()\n") == [
        ("s", "fetch", ""), ("si", "store", "")]
    assert dispatches("# (fetch.s(url) | store.s()).delay()\n") == [
        ("s", "fetch", ""), ("s", "store", "")]
    assert dispatches("# fetch.s(url).apply_async(countdown=3)\n") == [("s", "fetch", "")]
    assert dispatches("# signature = fetch.s(url)\n") == []


def test_a_call_result_is_not_a_receiver() -> None:
    assert dispatches("# get_task().delay(1)\n") == []


def test_awaits_of_calls_and_the_names_imports_bind() -> None:
    work = work_of("# from ..workers import notify as n, report\n"
                   "# import proj.tasks\n"
                   "# import proj.jobs as jobs\n"
                   "# result = await executor.run(task)\n")
    assert [(a.callee, a.text) for a in work.awaits] == [
        ("executor.run", "await executor.run(task)")]
    assert work.bound_names() == {"n": "..workers.notify", "report": "..workers.report",
                                  "proj": "proj", "jobs": "proj.jobs"}
