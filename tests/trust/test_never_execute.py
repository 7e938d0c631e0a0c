"""celerylint never runs the project it analyses: every command, on a booby-trapped project.

fixtures/never_execute/ is a Celery project whose every Python file, if imported or
run, writes a marker file, connects to ``127.0.0.1:$CELERYLINT_TRUST_PORT`` and exits.
The test listens on that port and runs every command on a copy of it. Three witnesses
must stay silent: the marker directory, the listening socket, and an audit hook that
sees every import, exec, connect and subprocess of this interpreter. A control test
springs the trap on purpose, so that each witness is known to work.
"""

from __future__ import annotations

import glob
import os
import runpy
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import require_program
from tests.trust.conftest import CliOutcome, assert_no_crash, copy_fixture, run_cli, snapshot

from celerylint.report import FORMATS
from celerylint.source import pool, pool_workers

FIXTURE = "never_execute"
PACKAGE = "trapped"
DEFAULT_MARKERS = "/tmp/celerylint-marker-*"
ALLOWED_PROGRAMS = frozenset({"git", "dot"})  # file listing, and Graphviz for SVG


@dataclass
class AuditRecord:
    """What this interpreter did while ``active``: the audit hook's notebook."""

    root: str = ""
    active: bool = False
    imports: list[str] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)
    connects: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)

    def reset(self, root: Path) -> None:
        """Forget everything; watch files under ``root`` from now on (when active)."""
        self.root, self.active = str(root), False
        for events in (self.imports, self.executed, self.connects, self.programs):
            events.clear()

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.active:
            return
        if event == "import":
            self.imports.append(str(args[0]))
        elif event == "exec":
            filename = getattr(args[0], "co_filename", "")
            if str(filename).startswith(self.root):
                self.executed.append(str(filename))
        elif event == "socket.connect":
            self.connects.append(repr(args[1]))
        elif event == "subprocess.Popen":
            self.programs.append(os.path.basename(os.fsdecode(args[0])))
        elif event in ("os.system", "os.exec", "os.posix_spawn", "os.spawn"):
            self.programs.append(f"{event}{args[:1]!r}")


_AUDIT = AuditRecord()
sys.addaudithook(_AUDIT.hook)  # hooks cannot be removed; this one is inert unless active


@dataclass
class Trap:
    """The project copy, where its markers go, and the socket it would call."""

    project: Path
    markers: Path
    listener: socket.socket
    audit: AuditRecord

    def connections(self) -> int:
        """Connections that arrived since the listener opened (accepting drains them)."""
        count = 0
        self.listener.setblocking(False)
        while True:
            try:
                connection, _ = self.listener.accept()
            except BlockingIOError:
                return count
            connection.close()
            count += 1

    def fixture_modules_loaded(self) -> list[str]:
        root = str(self.project)
        return sorted(name for name, module in list(sys.modules.items())
                      if str(getattr(module, "__file__", None) or "").startswith(root))

    def assert_never_ran(self, what: str) -> None:
        assert not list(self.markers.iterdir()), f"{what}: markers {list(self.markers.iterdir())}"
        assert self.connections() == 0, f"{what}: the project connected to the test's socket"
        assert not self.audit.executed, f"{what}: executed {self.audit.executed}"
        assert not self.audit.connects, f"{what}: connected to {self.audit.connects}"
        assert not [name for name in self.audit.imports
                    if name.split(".")[0] in (PACKAGE, "trap_backend", "manage", "setup")]
        assert set(self.audit.programs) <= ALLOWED_PROGRAMS, self.audit.programs
        assert not self.fixture_modules_loaded(), self.fixture_modules_loaded()


@pytest.fixture
def trap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Trap]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    markers = tmp_path / "markers"
    markers.mkdir()
    monkeypatch.setenv("CELERYLINT_TRUST_MARKER_DIR", str(markers))
    monkeypatch.setenv("CELERYLINT_TRUST_PORT", str(listener.getsockname()[1]))
    project = copy_fixture(FIXTURE, tmp_path / "project")
    before = set(glob.glob(DEFAULT_MARKERS))
    _AUDIT.reset(project)
    try:
        yield Trap(project, markers, listener, _AUDIT)
    finally:
        _AUDIT.active = False
        listener.close()
        for name in list(sys.modules):  # the control test imports the fixture on purpose
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                del sys.modules[name]
    assert set(glob.glob(DEFAULT_MARKERS)) == before, "a trap fired without the test's env"


def test_the_trap_springs_when_the_project_is_run(trap: Trap) -> None:
    """Control: executing one fixture file trips every witness the real test relies on."""
    trap.audit.active = True
    try:
        with pytest.raises(SystemExit):
            runpy.run_path(str(trap.project / PACKAGE / "settings.py"))
    finally:
        trap.audit.active = False
    assert [p.name for p in trap.markers.iterdir()] == ["celerylint-marker-django_settings"]
    assert trap.connections() == 1
    assert trap.audit.executed and trap.audit.connects
    with pytest.raises(AssertionError):
        trap.assert_never_ran("control")


def test_importing_the_package_springs_the_trap_too(trap: Trap) -> None:
    """Control, the way a worker would: ``import trapped.tasks`` in a fresh interpreter."""
    completed = subprocess.run([sys.executable, "-c", f"import {PACKAGE}.tasks"],
                               cwd=trap.project, capture_output=True, timeout=60, check=False)
    assert completed.returncode == 3, completed.stderr
    assert (trap.markers / "celerylint-marker-package").exists()
    assert trap.connections() == 1


def _commands(project: Path, scratch: Path) -> list[list[str]]:
    """Every command and output format that only reads the project."""
    path = str(project)
    commands = [["check", path, "--format", name, "--no-cache"] for name in sorted(FORMATS)]
    commands += [
        [path], ["check", path, "--statistics"], ["check", path, "--verbose", "--timings"],
        ["check", path, "--diff", "--unsafe-fixes"], ["check", path, "--show-source"],
        ["check", str(project / PACKAGE / "tasks.py"), "--format", "json"],
        ["rule", "--all"], ["rule", "CEL201", "--format", "json"],
        ["inventory", path], ["inventory", path, "--format", "json"],
        ["inventory", path, "--format", "markdown"], ["report", path],
        ["graph", "imports", path, "--format", "dot"],
        ["graph", "imports", path, "--format", "mermaid", "--external"],
        ["graph", "imports", path, "--format", "json"],
        ["graph", "topology", path, "--format", "dot"],
        ["graph", "topology", path, "--format", "mermaid"],
        ["graph", "topology", path, "--format", "json"],
        ["check", path, "--write-baseline", str(scratch / "baseline.json")],
        ["check", path, "--baseline", str(scratch / "baseline.json")],
        ["clean", path],
    ]
    return commands


def _run_watched(trap: Trap, argv: list[str]) -> CliOutcome:
    trap.audit.active = True
    try:
        return run_cli(argv, cwd=trap.project)
    finally:
        trap.audit.active = False


def test_no_command_runs_the_project(trap: Trap, tmp_path: Path) -> None:
    original = snapshot(trap.project)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    outcomes = [_run_watched(trap, argv) for argv in _commands(trap.project, scratch)]
    for outcome in outcomes:
        assert_no_crash(outcome)
    assert any(o.code == 1 for o in outcomes), "the fixture is expected to have findings"
    trap.assert_never_ran("read-only commands")
    assert snapshot(trap.project) == original, "a read-only command changed the project"


def test_rendering_through_graphviz_runs_only_dot(trap: Trap, tmp_path: Path) -> None:
    """SVG goes through Graphviz's ``dot``: the one subprocess the audit allows."""
    require_program("dot", "graphviz")
    original = snapshot(trap.project)
    target = tmp_path / "topology.svg"
    outcome = _run_watched(trap, ["graph", "topology", str(trap.project), "-o", str(target)])
    assert_no_crash(outcome)
    assert target.read_bytes().lstrip().startswith(b"<")
    assert "dot" in trap.audit.programs, "the audit hook must see the one subprocess it allows"
    trap.assert_never_ran("graph topology -o topology.svg")
    assert snapshot(trap.project) == original, "rendering changed the project"


def test_fixing_and_silencing_do_not_run_the_project(trap: Trap, tmp_path: Path) -> None:
    """--fix and --add-noqa write to the project: each on a copy of its own."""
    for argv in (["--fix", "--unsafe-fixes"], ["--add-noqa"]):
        copy = Path(shutil.copytree(trap.project, tmp_path / argv[-1].strip("-")))
        trap.audit.reset(copy)
        before = snapshot(copy)
        outcome = _run_watched(trap, ["check", str(copy), *argv])
        assert_no_crash(outcome)
        assert snapshot(copy) != before, f"{argv} had nothing to do: {outcome.describe()}"
        trap.assert_never_ran(" ".join(argv))


def test_worker_processes_do_not_run_the_project(trap: Trap,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing in forked workers (forced on this small tree) is as inert as in-process."""
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(pool_workers, "MIN_CHUNK_BYTES", 1)
    outcome = _run_watched(trap, ["check", str(trap.project), "--jobs", "2", "--verbose",
                                  "--no-cache"])
    assert_no_crash(outcome)
    assert "parsed in 2 process(es)" in outcome.err, outcome.err
    trap.assert_never_ran("--jobs 2")


def _entry_point() -> list[str]:
    """The console script users run; without it, an interpreter that first drops the
    working directory from sys.path (see the test below for why that matters)."""
    script = shutil.which("celerylint")
    if script:
        return [script]
    return [sys.executable, "-c",
            "import sys; del sys.path[0]; from celerylint.cli import main; sys.exit(main())"]


def test_the_installed_entry_point_does_not_run_the_project(trap: Trap) -> None:
    """Separate interpreters, started as a user starts them, in and outside the project:
    only the witnesses outside this process (markers, socket) can see them."""
    source = str(Path(pool.__file__).parents[2])
    env = {**os.environ, "PYTHONPATH": source}
    runs = [(_entry_point(), trap.project, ["check", ".", "--format", "json"]),
            (_entry_point(), trap.project, ["report", "."]),
            ([sys.executable, "-m", "celerylint"], trap.project.parent,
             ["check", str(trap.project), "--jobs", "2"])]
    for command, cwd, argv in runs:
        completed = subprocess.run([*command, *argv], cwd=cwd, capture_output=True,
                                   timeout=120, check=False, env=env)
        assert completed.returncode in (0, 1), (command, argv, completed.stderr)
        assert b"Traceback" not in completed.stderr
    trap.assert_never_ran("separate interpreters")
