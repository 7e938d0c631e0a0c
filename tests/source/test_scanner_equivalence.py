"""The two scanners must give the same facts.

Runs take their facts from CPython's ``ast``; libcst's pass is the reference they are
held to (and the fallback when the fast scan cannot judge a file). Every
Python file this repository holds (the rule docs' traps, the fixtures, celerylint's
own code and tests) and generated programs are scanned both ways and compared.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import unicodedata
import warnings

import hypothesis.strategies as st
import hypothesmith
import pytest
from hypothesis import HealthCheck, assume, given, settings
from tests.conftest import REPO_ROOT

from celerylint.docs import load_docs
from celerylint.source.extract import extract_module_facts, names_celery
from celerylint.source.facts import ModuleFacts


def _difference(ast_side: object, libcst_side: object, path: str = "") -> str | None:
    """Where two facts first differ, as a readable path; None when they are equal."""
    if ast_side == libcst_side:
        return None
    if dataclasses.is_dataclass(ast_side) and type(ast_side) is type(libcst_side):
        for field in dataclasses.fields(ast_side):
            found = _difference(getattr(ast_side, field.name), getattr(libcst_side, field.name),
                                f"{path}.{field.name}")
            if found:
                return found
    if isinstance(ast_side, tuple) and isinstance(libcst_side, tuple) \
            and len(ast_side) == len(libcst_side):
        for index, (left, right) in enumerate(zip(ast_side, libcst_side)):
            found = _difference(left, right, f"{path}[{index}]")
            if found:
                return found
    return f"{path}: ast={ast_side!r:.300} libcst={libcst_side!r:.300}"


def _both(source: bytes, module: str = "proj.tasks") -> tuple[ModuleFacts, ModuleFacts]:
    return (extract_module_facts("proj/tasks.py", module, False, source, scanner="ast"),
            extract_module_facts("proj/tasks.py", module, False, source, scanner="libcst"))


def _repository_sources() -> list[tuple[str, bytes]]:
    sources = [(str(p.relative_to(REPO_ROOT)), p.read_bytes())
               for top in ("fixtures", "src", "tests", "benchmarks")
               for p in sorted((REPO_ROOT / top).rglob("*.py"))]
    for doc in sorted(load_docs().values(), key=lambda d: d.code):
        for example in doc.examples:
            for number, block in enumerate(example.blocks):
                if block.language == "python":
                    sources.append((f"{doc.path} {example.section} {example.heading} #{number}",
                                    block.text.encode()))
    return sources


REPOSITORY_SOURCES = _repository_sources()


def test_the_corpus_covers_both_sides_of_the_prefilter() -> None:
    needing = sum(names_celery(data) for _, data in REPOSITORY_SOURCES)
    assert len(REPOSITORY_SOURCES) > 300
    assert 50 < needing < len(REPOSITORY_SOURCES) - 50


@pytest.mark.parametrize("name,source", REPOSITORY_SOURCES, ids=[n for n, _ in REPOSITORY_SOURCES])
def test_scanners_agree_on_every_python_file_of_the_repository(name: str, source: bytes) -> None:
    by_ast, by_libcst = _both(source)
    assert _difference(by_ast, by_libcst) is None


TRAPS = {
    "non-ascii columns": 'NAME = "café"; QUEUE = "überweisungen"  # état\nx = f(é=1, q=QUEUE)\n',
    "parenthesised tuple and generator": (
        "X = (\n    'a',\n    'b',  # trailing comment\n)\ny = sum(\n    i for i in X\n)\n"
        "z = ids[(a, b)]\nw = ids[a, b]\nv = ids[1:2]\n"),
    "implicit f-string concatenation": (
        'A = "redis://" f"{HOST}:{PORT}" "/0"\nB = f"""\\\nx={{y}}\\n{z}"""\n'
        "C = f\"{'literal'} {name}\"\n"),
    "definition names after odd whitespace": (
        "async  def   job(self, /, a, *args, b=1, **kw):\n    return None\n"
        "class   Conf( Base , *mixins, metaclass=M):\n    x: int\n    y: int = 2\n"),
    "relative and guarded imports": (
        "from . import a\nfrom .. b import c as d\nfrom .e.f import *\ntry:\n    import g\n"
        "except ImportError:\n    g = None\nwith suppress(ImportError):\n    import h\n"
        "if TYPE_CHECKING:\n    import i\nelse:\n    import j\n"),
    "feature switches, script blocks and except*": (
        "if settings.X or os.getenv('Y', default=1):\n    import a\nelif f(k=DEBUG):\n"
        "    import b\nelse:\n    import c\nif '__main__' == __name__:\n    import d\n"
        "else:\n    import e\nif (lambda q=1: q)(x.y().z):\n    import f\n"
        "def t():\n    if env.bool('Z'):\n        from . import h\n"),
    "handlers, returns and locals": (
        "def t(self):\n    r = add.delay(1)\n    other = compute()\n    try:\n        go()\n"
        "    except Exception as exc:\n        log.error(exc); raise\n    return True\n"),
    "augmented and subscript assignments": (
        "__all__ = ['a']\n__all__ += ['b']\nS = {}\nS['k'] = {'task': 't'}\nS |= {'x': 1}\n"
        "app.conf.beat_schedule['n'] = {}\nfor p, q in items: pass\n"),
}


if sys.version_info >= (3, 11):
    TRAPS["except*"] = "try:\n    import g\nexcept* (ImportError, KeyError):\n    pass\n"


@pytest.mark.parametrize("name", sorted(TRAPS))
def test_scanners_agree_on_traps(name: str) -> None:
    by_ast, by_libcst = _both(TRAPS[name].encode())
    assert by_ast.parse_failure is None
    assert _difference(by_ast, by_libcst) is None


# CELERYLINT_FUZZ_SCALE=20 for a long, randomised hunt; the default is quick and derandomised,
# so that a CI run never fails on an example no earlier run has seen.
SCALE = max(1, int(os.environ.get("CELERYLINT_FUZZ_SCALE", "1")))
GENERATED = settings(max_examples=25 * SCALE, derandomize=SCALE == 1,
                     deadline=None, suppress_health_check=[
                         HealthCheck.too_slow, HealthCheck.filter_too_much,
                         HealthCheck.data_too_large])


def _assert_agree(source: str) -> None:
    # CPython reads identifiers NFKC-normalised (``ª`` is ``a``), as the import system does;
    # libcst keeps them as written. Real identifiers are ASCII or already normalised.
    assume(unicodedata.normalize("NFKC", source) == source)
    if not source.endswith("\n"):
        # libcst places a comment on the last line of a file without a final newline one
        # line too early ("A\n\n #" puts "#" on line 2); CPython's tokenizer is right.
        source += "\n"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_ast, by_libcst = _both(source.encode("utf-8", "surrogatepass"))
    if by_ast.parse_failure is None and by_libcst.parse_failure is None:
        assert _difference(by_ast, by_libcst) is None


@GENERATED
@given(source=hypothesmith.from_grammar())
def test_scanners_agree_on_programs_generated_from_the_grammar(source: str) -> None:
    _assert_agree(source)


@GENERATED
@given(source=hypothesmith.from_node())
def test_scanners_agree_on_programs_generated_from_syntax_trees(source: str) -> None:
    _assert_agree(source)


@given(st.sampled_from(sorted(TRAPS)))
def test_auto_scanner_is_one_of_the_two(name: str) -> None:
    source = TRAPS[name].encode()
    automatic = extract_module_facts("proj/tasks.py", "proj.tasks", False, source)
    assert automatic in _both(source)


@pytest.mark.parametrize("source", [
    "x = " + " + ".join(["a"] * 1500) + "\n",
    "def f():\n    return " + " and ".join(["a"] * 1500) + "\n",
])
def test_both_scanners_refuse_the_same_deep_nesting_at_the_same_place(source: str) -> None:
    by_ast, by_libcst = _both(source.encode())
    assert by_ast.parse_failure is not None and "levels deep" in by_ast.parse_failure.message
    assert by_ast == by_libcst
