"""``celerylint check`` end to end: arguments, files on disk, stdout, stderr, exit codes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from tests.conftest import FIXTURES, write_tree

from celerylint.cli import build_parser, main, subcommand_names

pytestmark = pytest.mark.usefixtures("preview_rules_as_stable")

SHOP: Mapping[str, str] = {
    "shop/__init__.py": "",
    "shop/settings.py": 'INSTALLED_APPS = ["django.contrib.admin"]\n'
                        'BROKER_URL = "redis://redis:6379/0"\n',
    "shop/celery.py": (
        "import os\n\nfrom celery import Celery\n\n"
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n'
        'app = Celery("shop", include=["shop.jobs"])\n'
        'app.config_from_object("django.conf:settings", namespace="CELERY")\n'),
    "shop/jobs.py": 'def run(notify_admins):\n'
                    '    # notify_admins.delay("nightly run finished")\n'
                    "    return 1\n",
}


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with one safe fix (CEL104) and one unsafe fix (CEL710); cwd is its root."""
    root = write_tree(tmp_path / "shop-project", SHOP)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", root, ignore=shutil.ignore_patterns(".celerylint_cache"))
    monkeypatch.chdir(root)
    return root


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-cache", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def codes(capsys: pytest.CaptureFixture[str], *args: str) -> list[tuple[str, str]]:
    _, out, _ = check(capsys, "--format", "json", *args)
    return [(item["filename"], item["code"]) for item in json.loads(out)]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("celerylint 0.1.0 ")


def test_exit_codes_of_a_bad_and_a_clean_project(capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, str(FIXTURES / "demo"))[0] == 1
    assert check(capsys, str(FIXTURES / "clean"))[0] == 0


def test_files_filter_the_report_but_not_the_analysis(
        demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    everything = codes(capsys)
    jobs = codes(capsys, "acme/scheduler/jobs.py")
    assert jobs == [f for f in everything if f[0] == "acme/scheduler/jobs.py"] != []
    both = codes(capsys, "acme/scheduler/jobs.py", "docker-compose.yml")
    # The compose finding needs the Python model: it is there although no .py file was passed.
    assert ("docker-compose.yml", "CEL401") in both
    assert [f for f in both if f[0] == "acme/scheduler/jobs.py"] == jobs


def test_project_root_of_files_is_found_from_a_marker(
        demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (demo / "pyproject.toml").write_text("[project]\nname = 'acme'\n", encoding="utf-8")
    monkeypatch.chdir(demo.parent)
    found = codes(capsys, "demo/acme/scheduler/jobs.py")
    assert ("demo/acme/scheduler/jobs.py", "CEL701") in found


@pytest.mark.parametrize("args", [
    ["--fix", "--add-noqa"], ["--diff", "--write-baseline", "b.json"],
    ["--strict-baseline"], ["a_dir", "another_dir"],
])
def test_contradictions_are_usage_errors(shop: Path, args: list[str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    (shop / "a_dir").mkdir()
    (shop / "another_dir").mkdir()
    code, _, err = check(capsys, *args)
    assert code == 2 and err.startswith("celerylint: error: ")


def test_fix_applies_safe_fixes_only_unless_asked(shop: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, "--fix")
    assert code == 1 and "fixed 1 problem, 1 remaining" in err
    assert 'CELERY_BROKER_URL = "redis' in (shop / "shop/settings.py").read_text()
    assert "CEL710" in out and "CEL104" not in out
    code, out, err = check(capsys, "--fix", "--unsafe-fixes")
    assert code == 0 and "fixed 1 problem, 0 remaining" in err
    assert "notify_admins.delay" not in (shop / "shop/jobs.py").read_text()


def test_diff_prints_and_writes_nothing(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (shop / "shop/settings.py").read_text()
    code, out, err = check(capsys, "--diff")
    assert code == 1 and "would fix 1 problem" in err
    assert "-BROKER_URL" in out and '+CELERY_BROKER_URL = "redis://redis:6379/0"' in out
    assert out.startswith("--- a/shop/settings.py\n+++ b/shop/settings.py\n")
    assert (shop / "shop/settings.py").read_text() == before
    assert check(capsys, "--diff", "--select", "CEL701")[:2] == (0, "")


def test_add_noqa_silences_the_next_run(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(capsys, "--add-noqa")
    assert code == 0 and "added 2 noqa code(s) in 2 file(s)" in err
    assert "# noqa: CEL104" in (shop / "shop/settings.py").read_text()
    assert check(capsys)[0] == 0


def test_baseline_round_trip_and_strict_mode(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, "--write-baseline", "baseline.json")
    assert (code, out) == (0, "") and "recorded 2 finding(s)" in err
    assert check(capsys, "--baseline", "baseline.json")[0] == 0
    (shop / "shop/jobs.py").write_text("def run():\n    return 1\n")
    assert check(capsys, "--baseline", "baseline.json")[0] == 0
    code, _, err = check(capsys, "--baseline", "baseline.json", "--strict-baseline")
    assert code == 1 and "stale baseline entry: shop/jobs.py: CEL710" in err
    (shop / "shop/jobs.py").write_text('def run():\n    # print("done")\n    return 1\n')
    code, out, _ = check(capsys, "--baseline", "baseline.json")
    assert code == 1 and "CEL710" in out and "CEL104" not in out


def test_missing_baseline_is_a_usage_error(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(capsys, "--baseline", "nope.json")
    assert code == 2 and "--write-baseline nope.json" in err


def test_unused_noqa_is_reported_and_fixed(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (shop / "shop/jobs.py").write_text(
        "def run():\n    return 1  # noqa: CEL303, E501\n\n\n"
        "def later():\n    return 2  # noqa: CEL701\n")
    found = codes(capsys, "--select", "CEL3,CEL002")
    assert found == [("shop/jobs.py", "CEL002")]  # CEL701 did not run: not judged
    code, _, _ = check(capsys, "--fix", "--select", "CEL002,CEL303")
    assert code == 0
    assert "return 1  # noqa: E501\n" in (shop / "shop/jobs.py").read_text()


def test_statistics_and_source_display(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, "--statistics")[1] == (
        "1 CEL104 deprecated-setting-name\n1 CEL710 commented-out-code\n")
    with_source = check(capsys)[1]
    without_source = check(capsys, "--no-show-source")[1]
    assert '2 | BROKER_URL = "redis://redis:6379/0"' in with_source
    assert " | " not in without_source and "CEL104" in without_source


def test_output_file_and_formats(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, "--format", "sarif", "-o", "report.sarif")
    assert code == 1 and out == ""
    sarif = json.loads((shop / "report.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 2


def test_timings_go_to_stderr(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, err = check(capsys, "--timings", "--format", "concise")
    assert "timings" not in out
    assert "celerylint: timings (seconds):" in err and "discovery" in err
    # The ten slowest rules are listed; which ten depends on the machine's load.
    assert "celerylint: slowest rules (seconds):" in err and " CEL" in err


def test_cache_is_written_and_cleaned(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--cache-dir", "cache-here"]) == 1
    assert (shop / "cache-here").is_dir()
    assert main(["clean", "--cache-dir", "cache-here"]) == 0
    assert not (shop / "cache-here").exists()
    assert "removed the cache" in capsys.readouterr().err


def test_no_cache_writes_no_cache(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check(capsys, "--jobs", "1")
    assert not (shop / ".celerylint_cache").exists()


def test_other_subcommands_are_wired() -> None:
    assert {"check", "rule", "clean", "graph", "inventory", "report"} <= subcommand_names(
        build_parser())
