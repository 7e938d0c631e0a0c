"""The precision benchmark's script: labels match findings across line shifts,
every committed label is well formed, and a run on a pinned commit of a local
mirror reports per-rule figures and fails on unlabelled findings."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from benchmarks.precision import run

PRECISION = Path(run.__file__).resolve().parent


def test_message_key_blanks_positions_but_keeps_names() -> None:
    message = ("Task 'a.b' is used (.s() at pkg/tasks.py:67) but its module is never imported "
               "(line 20, beat inside a worker)")
    key = run.message_key(message)
    assert "pkg/tasks.py:N" in key and "line N" in key
    assert "67" not in key and "20" not in key
    assert "'a.b'" in key


def label(line: int, verdict: str, key: str = "k") -> run.Label:
    return run.Label("CEL710", "w/tasks.py", line, key, verdict, "reason")


def finding(line: int, message: str = "k") -> run.Finding:
    return run.Finding("CEL710", "w/tasks.py", line, message)


def test_labels_survive_line_shifts_and_pair_by_nearest_line() -> None:
    labels = [label(10, "true"), label(50, "false")]
    pairs, stale = run.match([finding(53), finding(14)], labels)
    verdicts = {f.line: l.verdict for f, l in pairs}
    assert verdicts == {14: "true", 53: "false"}
    assert stale == 0


def test_a_finding_with_another_message_elsewhere_is_unlabelled_and_the_label_stale() -> None:
    pairs, stale = run.match([finding(11, "other message")], [label(10, "true")])
    assert pairs[0][1] is None
    assert stale == 1


def test_a_reworded_finding_at_the_same_line_keeps_its_label() -> None:
    """A message that gained a sentence (the process that breaks) is the same finding."""
    labels = [label(10, "true"), label(30, "false", key="x")]
    pairs, stale = run.match([finding(10, "k, and the worker fails"), finding(30, "x")], labels)
    assert [(f.line, l.verdict if l else None) for f, l in pairs] == [(10, "true"), (30, "false")]
    assert stale == 0


def committed_label_files() -> list[Path]:
    return sorted((PRECISION / "labels").glob("*.jsonl"))


def test_every_committed_label_is_well_formed_and_names_a_pinned_project() -> None:
    projects = {p.name for p in run.load_projects(PRECISION / "projects.toml")}
    files = committed_label_files()
    assert files, "no label files committed"
    for path in files:
        assert path.stem in projects, f"{path.name} names no project of projects.toml"
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            item = json.loads(raw)
            assert item["verdict"] in run.VERDICTS, f"{path.name}:{number}"
            assert item["reason"].strip(), f"{path.name}:{number} has no reason"
            assert item["key"] == run.message_key(item["key"]), f"{path.name}:{number} key has positions"


def test_pinned_projects_name_full_commits() -> None:
    for project in run.load_projects(PRECISION / "projects.toml"):
        assert len(project.commit) == 40 and int(project.commit, 16) >= 0, project.name


def make_mirror(root: Path) -> str:
    """A bare repository at root/demo+proj/repo holding one tiny Celery project;
    returns its commit."""
    work = root / "work"
    (work / "proj").mkdir(parents=True)
    (work / "proj" / "__init__.py").write_text("")
    (work / "proj" / "tasks.py").write_text(
        "from celery import Celery\n\napp = Celery('proj')\n\n\n"
        "@app.task(soft_time_limit=60, time_limit=60)\ndef slow():\n    return 1\n"
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "demo"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True,
                            text=True).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(root / "demo+proj" / "repo")],
                   check=True)
    return commit


@pytest.fixture
def pinned(tmp_path: Path) -> tuple[Path, list[str]]:
    commit = make_mirror(tmp_path / "mirror")
    projects = tmp_path / "projects.toml"
    projects.write_text(
        f'[[project]]\nname = "demo"\nrepo = "demo/proj"\ncommit = "{commit}"\nsubdir = "."\n\n'
        f'[[project]]\nname = "absent"\nrepo = "nobody/absent"\ncommit = "{"0" * 40}"\nsubdir = "."\n'
    )
    (tmp_path / "labels").mkdir()
    args = ["--projects", str(projects), "--labels-dir", str(tmp_path / "labels"),
            "--mirror-root", str(tmp_path / "mirror"), "--work-dir", str(tmp_path / "scratch")]
    return tmp_path, args


def test_run_reports_unlabelled_findings_then_counts_the_labels(
    pinned: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, args = pinned
    stubs = root / "stubs.jsonl"
    assert run.main([*args, "--write-unlabelled", str(stubs)]) == 1
    err = capsys.readouterr().err
    assert "skip absent: no mirror" in err

    entries = [json.loads(line) for line in stubs.read_text().splitlines()]
    assert ("CEL205", "proj/tasks.py") in {(e["code"], e["path"]) for e in entries}
    with (root / "labels" / "demo.jsonl").open("w") as out:
        for entry in entries:
            entry.update(verdict="true", reason="soft limit equals hard limit")
            del entry["project"], entry["message"]
            out.write(json.dumps(entry) + "\n")

    assert run.main([*args, "--markdown"]) == 0
    report = capsys.readouterr().out
    row = next(line for line in report.splitlines() if line.startswith("| CEL205 |"))
    assert row.split("|")[-2].strip() == "100.0 %"
    assert any(line.startswith("| demo |") for line in report.splitlines())
