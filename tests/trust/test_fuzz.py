"""Generated input through the whole pipeline: nothing escapes, bad input becomes findings.

Each example writes a small Celery project to a fresh directory, replaces one of its
files (a module, ``.env``, ``docker-compose.yml``, ``Procfile``) with generated
content, and runs ``api.run`` or the CLI on it. The properties: no exception, no
internal error, every Python file that does not parse is a CEL001, so is every compose
file that is not YAML or not shaped like compose, and every env line python-dotenv cannot
read is a CEL601.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import hypothesmith
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import FIXTURES, write_tree
from tests.trust.conftest import assert_no_crash, run_cli

from celerylint.api import RunResult, run
from celerylint.project.deploy.deployments import (
    DeploymentKind,
    DeploymentProblemKind,
    parse_deployment,
)
from celerylint.project.environment.envfiles import parse_env_file
from celerylint.settings import Settings

# CELERYLINT_FUZZ_SCALE=20 for a long bug hunt; the default keeps the suite quick.
SCALE = max(1, int(os.environ.get("CELERYLINT_FUZZ_SCALE", "1")))
# Derandomised by default: CI replays the same examples; a scaled hunt explores anew.
FUZZ = settings(max_examples=40 * SCALE, deadline=None, derandomize=SCALE == 1,
                # hypothesmith's node strategy filters many drafts by design.
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

BASE_PROJECT: dict[str, str | bytes] = {
    "proj/__init__.py": "",
    "proj/celery.py": (
        "from celery import Celery\n\napp = Celery('proj')\n"
        "app.config_from_object('proj.celeryconfig')\napp.autodiscover_tasks(['proj'])\n"),
    "proj/celeryconfig.py": (
        "import os\n\nbroker_url = os.environ['CELERY_BROKER_URL']\n"
        "task_routes = {'proj.tasks.add': {'queue': 'math'}}\n"
        "beat_schedule = {'every-minute': {'task': 'proj.tasks.add', 'schedule': 60.0,"
        " 'args': (1, 2)}}\n"),
    "proj/tasks.py": (
        "from proj.celery import app\n\n\n@app.task(bind=True, max_retries=3)\n"
        "def add(self, x, y):\n    return x + y\n"),
    ".env": "CELERY_BROKER_URL=redis://redis:6379/0\n",
    "docker-compose.yml": (
        "services:\n  redis:\n    image: redis:7\n  worker:\n    build: .\n"
        "    command: celery -A proj worker -Q math,celery\n    env_file: .env\n"),
    "Procfile": "worker: celery -A proj worker -Q math\nbeat: celery -A proj beat\n",
    "requirements.txt": "celery[redis]\n",
}

# --- strategies -----------------------------------------------------------------------

DEMO_MODULES = sorted(p for p in (FIXTURES / "demo").rglob("*.py")
                      if ".celerylint_cache" not in p.parts)


@st.composite
def mutated_module(draw: st.DrawFn) -> bytes:
    """A real fixture module with a few random cuts, insertions and duplications."""
    data = bytearray(draw(st.sampled_from(DEMO_MODULES)).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "insert", "duplicate", "truncate"]))
        if kind == "cut":
            del data[where:where + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[where:where] = draw(st.one_of(
                st.binary(max_size=12),
                st.sampled_from([b"(", b")", b"[", b"\n    ", b"\t", b"'''", b"\\", b":",
                                 b"async ", b"@app.task\n", b"\xff\xfe", b"\x00", b"# noqa"])))
        elif kind == "duplicate":
            data[where:where] = data[where:where + draw(st.integers(1, 80))]
        else:
            del data[where:]
    return bytes(data)


# Python 2 and the inputs that made libcst raise something other than a syntax error
# (TypeError from a node's validation on ``else(lambda: 0)``): each once took a whole run down.
PYTHON2_LINES = [
    'print "hello"', "print >>sys.stderr, 'x'", 'exec "x = 1"', "exec code in ns",
    "y = `x`", "s = ur'abc'", "n = 10L", "z = 0777", "if a <> b: pass",
    "raise ValueError, 'bad'", "def f(a, (b, c)): pass", "x = 1 if y else(lambda: 0)",
    "x = not(lambda: 0)",
]


@st.composite
def python2_module(draw: st.DrawFn) -> bytes:
    """A Celery module mixing Python 2 statements, tabs and spaces into valid code."""
    lines = ["# -*- coding: utf-8 -*-", "from celery import shared_task", ""]
    for _ in range(draw(st.integers(1, 6))):
        indent = draw(st.sampled_from(["", "\t", "    ", "\t    "]))
        statement = draw(st.sampled_from(PYTHON2_LINES))
        lines.append(f"@shared_task\ndef t():\n{indent or '    '}{statement}" if indent
                     else statement)
    return "\n".join(lines).encode() + b"\n"


_ENV_KEYS = st.sampled_from(["CELERY_BROKER_URL", "REDIS_PASSWORD", "export DEBUG", "A B",
                             "", "1KEY", "KEY", "ключ", "CELERY_WORKER_CONCURRENCY"])
_ENV_VALUES = st.one_of(
    st.sampled_from(["redis://:pw@redis:6379/0", "'unterminated", '"multi\nline"', "a b c",
                     "${OTHER}", "$(cmd)", "'#'", "\\", "x # comment", '"\\"', ""]),
    st.text(max_size=20),
)


@st.composite
def env_file(draw: st.DrawFn) -> bytes:
    """Plausible and broken ``KEY=value`` lines, mixed with raw bytes."""
    lines: list[bytes] = []
    for _ in range(draw(st.integers(0, 12))):
        line = draw(st.one_of(
            st.builds(lambda k, s, v: f"{k}{s}{v}", _ENV_KEYS,
                      st.sampled_from(["=", " = ", ":", "==", ""]), _ENV_VALUES),
            st.text(max_size=30),
        )).encode("utf-8", "surrogatepass")
        lines.append(draw(st.one_of(st.just(line), st.binary(max_size=30))))
    return draw(st.sampled_from([b"\n", b"\r\n"])).join(lines)


_COMPOSE_KEYS = st.sampled_from([
    "services", "worker", "beat", "redis", "command", "entrypoint", "environment", "env_file",
    "image", "depends_on", "deploy", "replicas", "profiles", "x-worker", "<<", "build",
    "CELERY_BROKER_URL", "healthcheck", "volumes",
])
_COMPOSE_SCALARS = st.one_of(
    st.sampled_from(["celery -A proj worker -Q math", "celery -A proj beat", "celery worker -B",
                     ["celery", "-A", "proj", "worker", "--queues", "a,b"],
                     "redis://:secret@redis:6379/0", ".env", "missing.env", "${VAR:?err}", "3"]),
    st.text(max_size=15), st.integers(), st.booleans(), st.none(),
)
_COMPOSE_TREES = st.recursive(
    _COMPOSE_SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(_COMPOSE_KEYS, children, max_size=5)),
    max_leaves=30,
)


@st.composite
def compose_file(draw: st.DrawFn) -> bytes:
    """A YAML document shaped like compose (or not), sometimes cut or corrupted."""
    tree = draw(st.one_of(
        st.dictionaries(st.just("services"),
                        st.dictionaries(_COMPOSE_KEYS, _COMPOSE_TREES, max_size=4), min_size=1),
        _COMPOSE_TREES))
    text = yaml.safe_dump(tree, allow_unicode=True).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        where = draw(st.integers(0, len(text)))
        text = text[:where] + draw(st.sampled_from([b"", b"\t", b": [", b"&a ", b"*a", b"\xff",
                                                    b"{{ x }}", b"!!python/object:os.system"]))
    return draw(st.one_of(st.just(text), st.binary(max_size=200)))


_PROCFILE_WORDS = st.sampled_from([
    "celery", "-A", "proj", "worker", "beat", "-Q", "math,celery", "--queues=", "-B", "&&",
    "'", '"', "$PORT", "--app", "proj.celery:app", "-c", "4", "exec", "python", "manage.py",
    "celery_worker", "#", "\\", ";", "|",
])


@st.composite
def procfile(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.sampled_from(["worker", "beat", "web", "", "release", "w:x"]))
        words = draw(st.lists(st.one_of(_PROCFILE_WORDS, st.text(max_size=8)), max_size=10))
        lines.append(f"{name}: {' '.join(words)}".encode("utf-8", "surrogatepass"))
    text = b"\n".join(lines)
    return draw(st.one_of(st.just(text), st.binary(max_size=100)))


# --- the property ----------------------------------------------------------------------


def analyse(replacements: Mapping[str, str | bytes]) -> RunResult:
    """``api.run`` on the base project with some files replaced, checked for the contract."""
    with tempfile.TemporaryDirectory(prefix="celerylint-fuzz-") as directory:
        root = write_tree(Path(directory), {**BASE_PROJECT, **replacements})
        # scope "project": every unparsable module must be reported, loaded by a worker or not
        result = run(Settings(root=root, use_cache=False, jobs=1, scope="project"))
        assert not result.internal_errors, result.internal_errors[0]
        _assert_bad_python_is_cel001(result)
        _assert_bad_compose_is_cel001(result, root, replacements)
        _assert_bad_env_lines_are_cel601(result, root, replacements)
        return result


def _assert_bad_python_is_cel001(result: RunResult) -> None:
    unparsable = {path for path, facts in result.project.facts_by_path.items()
                  if facts.parse_failure is not None and not facts.skip_file}
    reported = {f.path for f in result.findings if f.code == "CEL001"}
    suppressed = {f.path for f in (result.suppression.suppressed if result.suppression else ())
                  if f.code == "CEL001"}
    assert unparsable <= reported | suppressed, (unparsable, reported)


_UNREADABLE_COMPOSE = (DeploymentProblemKind.INVALID_YAML, DeploymentProblemKind.UNEXPECTED_SHAPE)


def _assert_bad_compose_is_cel001(result: RunResult, root: Path,
                                  replacements: Mapping[str, str | bytes]) -> None:
    for path in replacements:
        if not path.endswith(".yml"):
            continue
        data = (root / path).read_bytes()
        if b"noqa" in data or b"\0" in data:  # silenced, or not read at all (see the doc)
            continue
        facts = parse_deployment(path, data.decode("utf-8", "replace"))
        if facts is None or facts.kind is not DeploymentKind.COMPOSE:
            continue
        expected = {p.line for p in facts.problems if p.kind in _UNREADABLE_COMPOSE}
        reported = {f.line for f in result.findings if f.code == "CEL001" and f.path == path}
        assert expected <= reported, (expected, reported)


def _assert_bad_env_lines_are_cel601(result: RunResult, root: Path,
                                     replacements: Mapping[str, str | bytes]) -> None:
    for path in replacements:
        if not path.endswith(".env"):
            continue
        data = (root / path).read_bytes()
        if b"noqa" in data:  # a generated '# noqa' may legitimately silence the finding
            continue
        # Findings are 1-based; a problem about the whole file (line 0) lands on line 1.
        expected = {max(problem.line, 1) for problem in parse_env_file(path, data).problems}
        reported = {f.line for f in result.findings if f.code == "CEL601" and f.path == path}
        assert expected <= reported, (expected, reported)


def test_the_base_project_is_analysed_cleanly() -> None:
    """The baseline of every property below: the unmodified project parses completely."""
    result = analyse({})
    assert all(f.parse_failure is None for f in result.project.facts_by_path.values())
    assert "proj.tasks" in {f.module for f in result.project.facts_by_path.values()}


def test_a_syntax_error_is_a_cel001_and_an_env_error_a_cel601() -> None:
    """The two properties can fail: a broken module and a broken env line are reported."""
    result = analyse({"proj/tasks.py": "def broken(:\n", ".env": "A B C\nGOOD=1\n"})
    assert [f.path for f in result.findings if f.code == "CEL001"] == ["proj/tasks.py"]
    assert [f.line for f in result.findings if f.code == "CEL601"] == [1]


def test_a_compose_file_compose_cannot_read_is_a_cel001() -> None:
    result = analyse({"docker-compose.yml": "services:\n  worker:\n    image: x\n   bad: 1\n",
                      "compose.prod.yml": "services:\n  - worker\n"})
    assert sorted((f.path, f.line) for f in result.findings if f.code == "CEL001") == [
        ("compose.prod.yml", 2), ("docker-compose.yml", 4)]


@FUZZ
@given(source=hypothesmith.from_grammar())
def test_grammar_generated_modules(source: str) -> None:
    analyse({"proj/tasks.py": source})


@settings(FUZZ, max_examples=12 * SCALE)
@given(source=hypothesmith.from_node())
def test_cst_generated_modules(source: str) -> None:
    analyse({"proj/celeryconfig.py": source})


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_a_module(data: bytes) -> None:
    analyse({"proj/tasks.py": data, "proj/other.py": data[::-1]})


def test_a_python2_file_or_a_libcst_failure_is_that_files_cel001() -> None:
    """Exceptions other than syntax errors (libcst's TypeError on valid Python) included.

    Runs take facts from CPython's tree, so valid Python libcst cannot handle is analysed;
    libcst's failure is still that file's parse failure wherever libcst's pass runs."""
    from celerylint.source.extract import extract_module_facts

    odd = "from celery import Celery\nx = 1 if y else(lambda: 0)\n"
    result = analyse({"proj/legacy.py": "from celery import task\nprint 'hi'\nexec 'x'\n",
                      "proj/odd.py": odd})
    assert sorted(f.path for f in result.findings if f.code == "CEL001") == ["proj/legacy.py"]
    assert result.project.facts_by_path["proj/tasks.py"].parse_failure is None  # the rest ran
    assert result.project.facts_by_path["proj/odd.py"].parse_failure is None
    by_libcst = extract_module_facts("proj/odd.py", "proj.odd", False, odd.encode(),
                                     scanner="libcst")
    assert by_libcst.parse_failure is not None
    assert "celerylint's analysis failed" in by_libcst.parse_failure.message


@FUZZ
@given(data=python2_module())
def test_python2_modules(data: bytes) -> None:
    analyse({"proj/tasks.py": data, "proj/other.py": data})


@FUZZ
@given(data=mutated_module())
def test_mutated_real_modules(data: bytes) -> None:
    analyse({"proj/tasks.py": data})


@FUZZ
@given(data=env_file(), other=env_file())
def test_env_files(data: bytes, other: bytes) -> None:
    analyse({".env": data, "config/production.env": other})


@FUZZ
@given(data=compose_file())
def test_compose_files(data: bytes) -> None:
    analyse({"docker-compose.yml": data})


@FUZZ
@given(data=procfile())
def test_procfiles(data: bytes) -> None:
    analyse({"Procfile": data})


@settings(FUZZ, max_examples=10 * SCALE)
@given(module=mutated_module(), env=env_file(), compose=compose_file(), procfile=procfile())
def test_everything_at_once_through_the_cli(module: bytes, env: bytes, compose: bytes,
                                            procfile: bytes) -> None:
    """The CLI's commands on a project where every kind of input is generated."""
    with tempfile.TemporaryDirectory(prefix="celerylint-fuzz-") as directory:
        root = write_tree(Path(directory), {**BASE_PROJECT, "proj/tasks.py": module,
                                            ".env": env, "docker-compose.yml": compose,
                                            "Procfile": procfile})
        check = run_cli(["check", str(root), "--format", "json", "--no-cache"])
        assert_no_crash(check)
        assert isinstance(json.loads(check.out), list)
        for argv in (["inventory", str(root), "--format", "json"],
                     ["graph", "topology", str(root), "--format", "json"],
                     ["graph", "imports", str(root), "--format", "mermaid"]):
            outcome = run_cli(argv)
            assert_no_crash(outcome, allowed=(0,))
