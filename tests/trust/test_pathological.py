"""Pathological trees: huge, deep, looping, vanishing, unreadable, undecodable.

Each run must end with exit 0 or 1, say what it skipped (a finding, or a ``--verbose``
note), print no traceback and finish in bounded time. Runs that could crash the
interpreter itself (libcst's native parser) happen in a child process, so that a crash
fails the test instead of killing the test run.
"""

from __future__ import annotations

import builtins
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write_tree
from tests.trust.conftest import CliOutcome, assert_no_crash, run_cli

from celerylint import api
from celerylint.discovery import FileInventory, PythonFile
from celerylint.source import pool, pool_workers

pytestmark = pytest.mark.usefixtures("preview_rules_as_stable")

SMALL_PROJECT: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/app.py": "from celery import Celery\n\napp = Celery('pkg')\n",
    "pkg/tasks.py": "from pkg.app import app\n\n\n@app.task\ndef add(x, y):\n    return x + y\n",
    "pkg/broken_import.py": "import pkg.gone\n",
}


class Overdue(Exception):
    """The run took longer than its deadline: a hang, as far as users can tell."""


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Interrupt the Python code of this process after ``seconds``."""
    def expire(signum: int, frame: object) -> None:
        raise Overdue(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_json(root: Path, *flags: str, seconds: int = 60) -> tuple[CliOutcome, list[Any]]:
    """Every module judged (``--scope project``): these trees test that analysis reaches
    each file, not which files a worker loads."""
    with deadline(seconds):
        outcome = run_cli(["check", ".", "--format", "json", "--no-cache", "--verbose",
                           "--scope", "project", *flags], cwd=root)
    assert_no_crash(outcome)
    return outcome, json.loads(outcome.out)


def codes_by_file(findings: list[dict[str, Any]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in findings:
        found.setdefault(finding["filename"], set()).add(finding["code"])
    return found


# --- size -------------------------------------------------------------------------------

def test_a_20000_line_module_is_analysed_to_its_last_line(tmp_path: Path) -> None:
    body = []
    for block in range(2_000):  # ten lines each: code, comments, a docstring line
        body += [f"def job_{block}(x):", f'    """Job {block}."""', "    # a comment",
                 "    # another comment", "    value = x + 1", "    if value > 3:",
                 "        return value", "    return None", "", ""]
    body[-1] = "import pkg.gone_at_the_end"
    root = write_tree(tmp_path / "p", {**SMALL_PROJECT, "pkg/long.py": "\n".join(body) + "\n"})
    _, findings = check_json(root, "--select", "CEL001,CEL701", seconds=120)
    long = [(f["code"], f["location"]["row"]) for f in findings if f["filename"] == "pkg/long.py"]
    assert long == [("CEL701", 20_000)]


FILE_COUNT = 10_000


def test_a_package_of_10000_files(tmp_path: Path) -> None:
    """Worker processes (two) and every rule, with one broken file among them."""
    files: dict[str, str | bytes] = {"big/__init__.py": ""}
    for index in range(FILE_COUNT):
        files[f"big/m{index}.py"] = f"from big import m{(index + 1) % FILE_COUNT}\n"
    files["big/m5000.py"] = "def broken(:\n"
    root = write_tree(tmp_path / "p", files)
    started = time.perf_counter()
    outcome, findings = check_json(root, "--jobs", "2", seconds=150)
    elapsed = time.perf_counter() - started
    assert codes_by_file(findings) == {"big/m5000.py": {"CEL001"}}, findings[:5]
    assert f"{FILE_COUNT + 1} Python files" in outcome.err
    assert "in 2 process(es)" in outcome.err
    print(f"{FILE_COUNT} files checked in {elapsed:.1f} s")


# --- depth ------------------------------------------------------------------------------

NESTED_500 = {
    "parens": "x = " + "(" * 500 + "1" + ")" * 500,
    "lists": "x = " + "[" * 500 + "]" * 500,
}
DEEP_BUT_ANALYSED = {  # Python accepts these; celerylint must analyse them, not give up
    "unary_500": "x = " + "-" * 500 + "1",
    "not_500": "x = " + "not " * 500 + "a",
    "attributes_500": "x = a" + ".b" * 500,
    "subscripts_500": "x = a" + "[0]" * 500,
    "lambdas_500": "x = " + "lambda: " * 500 + "1",
    "conditionals_500": "x = " + "1 if a else " * 500 + "2",
    "calls_199": "x = " + "f(" * 199 + "1" + ")" * 199,
    "call_pairs_198": "x = " + "f(g(" * 99 + "1" + "))" * 99,
    "keywords_199": "x = " + "f(x=" * 199 + "1" + ")" * 199,
    "dicts_199": "x = " + "{'a': " * 199 + "1" + "}" * 199,
    "comprehensions_199": "x = " + "[a.b(c)[d] for a in " * 199 + "y" + "]" * 199,
    "subscript_nest_199": "x = " + "a[" * 199 + "1" + "]" * 199,
    "and_chain_900": "x = " + " and ".join(["a"] * 900),
}


def test_deep_nesting_is_analysed_or_refused_by_python_never_a_crash(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = dict(SMALL_PROJECT)
    for name, expression in {**NESTED_500, **DEEP_BUT_ANALYSED}.items():
        files[f"deep/{name}.py"] = f"{expression}\nimport deep.gone_{name}\n"
    root = write_tree(tmp_path / "p", files)
    _, findings = check_json(root, "--select", "CEL001,CEL701", seconds=150)
    codes = codes_by_file(findings)
    for name in NESTED_500:
        assert codes[f"deep/{name}.py"] == {"CEL001"}, name
        message = next(f["message"] for f in findings if f["filename"] == f"deep/{name}.py")
        assert "too many nested parentheses" in message
    for name in DEEP_BUT_ANALYSED:  # analysed to the end: the import on line 2 is seen
        assert codes[f"deep/{name}.py"] == {"CEL701"}, (name, codes[f"deep/{name}.py"])


def _child(argv: list[str], cwd: Path, prelude: str = "") -> subprocess.CompletedProcess[str]:
    """celerylint in a child interpreter, after ``prelude``; a segfault is a return code."""
    script = f"import sys\n{prelude}\nfrom celerylint.cli import main\nsys.exit(main(sys.argv[1:]))"
    source = str(Path(pool.__file__).parents[2])
    return subprocess.run([sys.executable, "-c", script, *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=150, check=False,
                          env={**os.environ, "PYTHONPATH": source})


AND_CHAIN = "x = " + " and ".join(["a"] * 20_000) + "\n"  # one BoolOp for CPython


def test_a_20000_term_boolean_chain_is_refused_before_it_reaches_libcst(tmp_path: Path) -> None:
    """libcst nests the chain 20,000 deep and its native parser segfaults on it."""
    root = write_tree(tmp_path / "p", {**SMALL_PROJECT, "pkg/chain.py": AND_CHAIN})
    completed = _child(["check", ".", "--format", "json", "--no-cache", "--jobs", "1",
                        "--scope", "project", "--preview"], root)
    assert completed.returncode == 1, (completed.returncode, completed.stderr[-2000:])
    assert "Traceback" not in completed.stderr
    findings = json.loads(completed.stdout)
    chain = [f["message"] for f in findings if f["filename"] == "pkg/chain.py"]
    assert len(chain) == 1 and "nested more than 1000 levels" in chain[0], chain
    assert "pkg/broken_import.py" in {f["filename"] for f in findings}


CRASHING_WORKERS = """
from celerylint.source import extract, pool, pool_workers
extract.MAX_NESTING_DEPTH = 10 ** 9  # let the chain reach libcst, in a worker: it crashes
extract.RUN_SCANNER = "libcst"  # runs scan with ast: force libcst, whose parser crashes
pool.PARALLEL_MIN_FILES = 2
pool_workers.MIN_CHUNK_BYTES = 1
"""


def test_a_worker_killed_by_the_parser_costs_only_its_file(tmp_path: Path) -> None:
    """A real segfault in a worker process: the other files of its chunk are redone in
    fresh processes, and the culprit alone becomes a CEL001."""
    files: dict[str, str | bytes] = {**SMALL_PROJECT, "pkg/chain.py": AND_CHAIN}
    for index in range(12):
        files[f"pkg/mod{index}.py"] = f"import pkg.missing_{index}\n"
    root = write_tree(tmp_path / "p", files)
    completed = _child(["check", ".", "--format", "json", "--no-cache", "--jobs", "2",
                        "--verbose", "--scope", "project", "--preview"], root, CRASHING_WORKERS)
    assert completed.returncode == 1, (completed.returncode, completed.stderr[-2000:])
    assert "Traceback" not in completed.stderr and "internal error" not in completed.stderr
    findings = json.loads(completed.stdout)
    codes = codes_by_file(findings)
    assert codes["pkg/chain.py"] == {"CEL001"}
    message = next(f["message"] for f in findings if f["filename"] == "pkg/chain.py")
    assert "parser crashed on this file" in message
    assert all(codes[f"pkg/mod{index}.py"] == {"CEL701"} for index in range(12)), codes


# --- the file system --------------------------------------------------------------------

def test_symlink_loops_and_dangling_links(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {**SMALL_PROJECT, "real.py": "import pkg.gone_too\n"})
    (root / "loop").symlink_to(".")
    (root / "pkg" / "again").symlink_to("../pkg")
    (root / "self.py").symlink_to("self.py")
    (root / "dangling.py").symlink_to("nowhere.py")
    (root / "pkg" / "linked.py").symlink_to("../real.py")
    (root / "cycle_a.env").symlink_to("cycle_b.env")
    (root / "cycle_b.env").symlink_to("cycle_a.env")
    outcome, findings = check_json(root, seconds=60)
    assert "skipped self.py: not a regular file" in outcome.err
    assert "skipped dangling.py: not a regular file" in outcome.err
    assert "skipped cycle_a.env: not a regular file" in outcome.err
    assert {"pkg/linked.py", "real.py"} <= set(codes_by_file(findings))


@pytest.fixture
def refuse_reads(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make reading a path fail as with chmod 000 (the tests run as root, where it does not)."""
    refused: list[str] = []
    real_open: Callable[..., Any] = builtins.open
    real_read_bytes = Path.read_bytes

    def check(path: Any) -> None:
        name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else ""
        if any(name.replace(os.sep, "/").endswith(suffix) for suffix in refused):
            raise PermissionError(13, "Permission denied", name)

    def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "r" in mode:
            check(file)
        return real_open(file, mode, *args, **kwargs)

    def guarded_read_bytes(self: Path) -> bytes:
        check(self)
        return real_read_bytes(self)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(Path, "read_bytes", guarded_read_bytes)
    return refused.append


def test_unreadable_files_and_directories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          refuse_reads: Callable[[str], None]) -> None:
    root = write_tree(tmp_path / "p", {
        **SMALL_PROJECT, "pkg/secret.py": "x = 1\n", ".env": "A=1\n",
        "docker-compose.yml": "services:\n  w:\n    command: celery -A pkg.app worker\n",
        "locked/inside.py": "import nothing\n", "pkg/dir.py/notes.txt": "not a module\n",
    })
    (root / "empty.py").mkdir()  # a directory whose name ends in .py
    for suffix in ("pkg/secret.py", ".env", "docker-compose.yml"):
        refuse_reads(suffix)
    real_scandir = os.scandir

    def guarded_scandir(path: Any = ".") -> Any:
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded_scandir)
    outcome, findings = check_json(root, seconds=60)
    unreadable = [f for f in findings if f["filename"] == "pkg/secret.py"]
    assert [f["code"] for f in unreadable] == ["CEL001"]
    assert "cannot read file" in unreadable[0]["message"]
    assert "locked: Permission denied" in outcome.err
    files = set(codes_by_file(findings))
    assert not {"empty.py", "pkg/dir.py", "locked/inside.py"} & files


def test_files_deleted_during_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Discovery saw them; by the time they are read they are gone (or never existed)."""
    root = write_tree(tmp_path / "p", {
        **SMALL_PROJECT, "pkg/victim.py": "import os\n", "config/production.env": "A=1\n",
        "Procfile": "worker: celery -A pkg.app worker\n",
    })
    real_inventory_of = api.inventory_of

    def discover_then_delete(*args: Any) -> FileInventory:
        inventory = real_inventory_of(*args)
        for rel in ("pkg/victim.py", "config/production.env", "Procfile"):
            (root / rel).unlink()
        inventory.files.append("pkg/ghost.py")
        inventory.python.append(PythonFile("pkg/ghost.py", "pkg.ghost", False))
        return inventory

    monkeypatch.setattr(api, "inventory_of", discover_then_delete)
    _, findings = check_json(root, seconds=60)
    for path in ("pkg/victim.py", "pkg/ghost.py"):
        gone = [f for f in findings if f["filename"] == path]
        assert [f["code"] for f in gone] == ["CEL001"], (path, gone)
        assert "cannot read file" in gone[0]["message"]


def test_non_utf8_file_names(tmp_path: Path) -> None:
    """Names that are not UTF-8 cannot be printed in any report: skipped, with a note."""
    root = write_tree(tmp_path / "p", dict(SMALL_PROJECT))
    raw = os.fsencode(root)
    os.makedirs(raw + b"/d\xe9p", exist_ok=True)
    for name, content in ((b"/pkg/caf\xe9.py", b"def broken(:\n"),
                          (b"/d\xe9p/x.py", b"import nothing_here\n"),
                          (b"/conf\xff.env", b"A B\n"), (b"/pkg/ok\xc3\xa9.py", b"x = 1\n")):
        with open(raw + name, "wb") as stream:
            stream.write(content)
    outcome, findings = check_json(root, seconds=60)
    assert "skipped pkg/caf\\xe9.py: the file name is not valid UTF-8" in outcome.err
    assert "skipped conf\\xff.env: the file name is not valid UTF-8" in outcome.err
    assert "pkg/broken_import.py" in codes_by_file(findings)
    from celerylint.report import FORMATS

    commands = [["check", str(root), "--format", name, "--no-cache"] for name in FORMATS]
    commands += [["inventory", str(root), "--format", name] for name in
                 ("text", "json", "markdown")]
    commands += [["report", str(root)], ["graph", "imports", str(root), "--format", "dot"],
                 ["graph", "topology", str(root), "--format", "mermaid"]]
    for argv in commands:
        assert_no_crash(run_cli(argv, cwd=root))


def test_pool_recovery_redoes_the_chunk_and_blames_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recovery on its own: a worker dies on one file; the facts of every other file
    are those of a serial run, and the notes name the culprit."""
    from celerylint.discovery import discover
    from celerylint.settings import Settings
    from celerylint.source import extract as extract_module

    files: dict[str, str | bytes] = {f"pkg/m{i}.py": f"import pkg.m{i + 1}\n" for i in range(30)}
    files["pkg/m13.py"] = "KILL_THE_WORKER = 1\n"
    root = write_tree(tmp_path / "p", files)
    settings = Settings(root=root, use_cache=False, jobs=2)
    serial = pool.extract(Settings(root=root, use_cache=False, jobs=1),
                          discover(root, (), ()), {})
    parent = os.getpid()
    real = extract_module.extract_module_facts

    def dies_on_the_marked_file(path: str, module: str, is_package: bool, data: bytes) -> Any:
        if os.getpid() != parent and b"KILL_THE_WORKER" in data:
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer or a segfault would
        return real(path, module, is_package, data)

    monkeypatch.setattr(extract_module, "extract_module_facts", dies_on_the_marked_file)
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(pool_workers, "MIN_CHUNK_BYTES", 1)
    parallel = pool.extract(settings, discover(root, (), ()), {})
    failure = parallel.facts["pkg/m13.py"].parse_failure
    assert failure is not None and "crashed" in failure.message
    assert {p: f for p, f in parallel.facts.items() if p != "pkg/m13.py"} == \
        {p: f for p, f in serial.facts.items() if p != "pkg/m13.py"}
    assert list(parallel.facts) == list(serial.facts)
    assert "the parser crashed on pkg/m13.py" in parallel.stats.notes
    assert parallel.stats.processes == 2


def test_an_exception_in_a_worker_process_is_that_files_cel001(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a dead worker but an exception escaping extraction in one: the file gets its
    parse failure, every other file its facts, and the pool is not given up."""
    import libcst

    from celerylint.discovery import discover
    from celerylint.settings import Settings
    from celerylint.source import extract as extract_module

    files: dict[str, str | bytes] = {f"pkg/m{i}.py": f"import pkg.m{i + 1}\n" for i in range(30)}
    files["pkg/m7.py"] = "RAISE_IN_EXTRACTION = 1\n"
    root = write_tree(tmp_path / "p", files)
    serial = pool.extract(Settings(root=root, use_cache=False, jobs=1),
                          discover(root, (), ()), {})
    real = extract_module.extract_module_facts

    def raises_on_the_marked_file(path: str, module: str, is_package: bool, data: bytes) -> Any:
        if b"RAISE_IN_EXTRACTION" in data:
            raise libcst.CSTValidationError("as libcst raises on a Python 2 file")
        return real(path, module, is_package, data)

    monkeypatch.setattr(extract_module, "extract_module_facts", raises_on_the_marked_file)
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(pool_workers, "MIN_CHUNK_BYTES", 1)
    for jobs in (2, 1):
        result = pool.extract(Settings(root=root, use_cache=False, jobs=jobs),
                              discover(root, (), ()), {})
        failure = result.facts["pkg/m7.py"].parse_failure
        assert failure is not None and "CSTValidationError" in failure.message, jobs
        assert {p: f for p, f in result.facts.items() if p != "pkg/m7.py"} == \
            {p: f for p, f in serial.facts.items() if p != "pkg/m7.py"}
        assert result.stats.processes == jobs
