"""The speed report judges each of issue 16's targets from the raw figures."""

from __future__ import annotations

from benchmarks import render


def _timed(wall: float, cpu: float | None = None) -> dict[str, float]:
    return {"wall": wall, "cpu": wall if cpu is None else cpu, "peak_rss_mb": 100.0,
            "peak_tree_rss_mb": 120.0}


def _entry(cold: float, warm: float, ruff: float, pylint: float, parse: float) -> dict:  # type: ignore[type-arg]
    return {"files": 10, "lines": 1000, "cold": _timed(cold), "warm": _timed(warm),
            "edit_plain": _timed(warm), "edit_tasks": _timed(warm * 3), "ruff": _timed(ruff),
            "pylint": _timed(pylint), "ast_parse": _timed(parse),
            "edited edit_plain": "pkg/models.py", "edited edit_tasks": "pkg/tasks.py",
            "cold_phases": {"discovery": 0.1, "parse": 1.0, "model": 0.5, "rules (all)": 2.0}}


def test_each_ratio_is_marked_met_or_missed_against_its_target() -> None:
    row = render.targets_table({"tree": _entry(cold=10, warm=1.4, ruff=1, pylint=61,
                                               parse=0.5)})[2]
    cells = [c.strip() for c in row.strip("|").split("|")][1:]
    assert cells == ["1.40 ✓ / 1.40 ✓",  # warm / ruff ≤ 1.5
                     "1.40 ✓ / 1.40 ✓",  # edit, no Celery facts / ruff ≤ 3
                     "4.20 ✗ / 4.20 ✗",  # edit, tasks module / ruff ≤ 3
                     "6.10 ✓ / 6.10 ✓",  # pylint / cold ≥ 6
                     "20.00 ✗ / 20.00 ✗"]  # cold / ast.parse ≤ 15


def test_scaling_memory_and_start_up_are_judged() -> None:
    small = _entry(cold=10, warm=1, ruff=1, pylint=60, parse=1)
    large = _entry(cold=120, warm=9, ruff=9, pylint=0, parse=9)
    large["cold"]["peak_tree_rss_mb"] = 900.0
    text = render.render_results({"synthetic 100k": small, "synthetic 1m": large},
                                 {"cpu": "test"}, {"version": _timed(0.2),
                                                   "small_warm": _timed(0.5)})
    assert "cold 12.00 ✗ wall" in text and "warm 9.00 ✓ wall" in text
    assert "900.00 ✓ MiB" in text
    assert "`celerylint --version` 0.20 ✓ s" in text and "0.50 ✗ s wall" in text
    assert "`pkg/tasks.py` (tasks module)" in text


def test_phases_follow_the_pipeline_and_show_what_was_recorded() -> None:
    header = render.phases_table({"tree": _entry(cold=1, warm=1, ruff=1, pylint=1,
                                                 parse=1)})[0]
    assert header == "| tree | run | discovery | parse | model | rules (all) |"
