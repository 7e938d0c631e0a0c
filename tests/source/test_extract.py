"""One file's facts: imports and their contexts, definitions, calls, comments, skip-file."""

from __future__ import annotations

import pickle
import sys
import textwrap

import pytest

from celerylint.source.collectors import resolve_relative
from celerylint.source.extract import extract_module_facts
from celerylint.source.facts import (
    CallValue,
    Const,
    ImportContext,
    ImportFact,
    ModuleFacts,
    NameRef,
)


def facts_of(source: str, module: str = "pkg.mod", is_package: bool = False) -> ModuleFacts:
    path = module.replace(".", "/") + ("/__init__.py" if is_package else ".py")
    facts = extract_module_facts(path, module, is_package, textwrap.dedent(source).encode())
    assert facts.parse_failure is None, facts.parse_failure
    return facts


def import_named(facts: ModuleFacts, bound: str) -> ImportFact:
    (found,) = [fact for fact in facts.imports if fact.bound == bound]
    return found


# --- imports and where they stand ---------------------------------------------------------

CONTEXTS = """\
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from proj.models import Model
else:
    from proj.runtime import Model as RuntimeModel

try:
    import ujson as json
except ImportError:
    json = None

try:
    from proj.fast import speedups
except (ModuleNotFoundError, AttributeError):
    speedups = None

try:
    from proj.other import value
except KeyError:
    value = None

if os.environ.get("X"):
    import proj.optional as optional
elif settings.USE_S3:
    import storages as s3
else:
    import proj.local as local_storage

if registry:
    import proj.plugins as plugins


def task():
    import proj.late
    try:
        import proj.fast_late as fast_late
    except Exception:
        fast_late = None
    if settings.SENTRY_DSN:
        import sentry_sdk
    return proj.late


class Holder:
    from proj.attrs import attr


if __name__ == "__main__":
    import argparse
else:
    import proj.imported as imported
"""


@pytest.mark.parametrize(("bound", "context", "conditional", "guarded"), [
    ("os", ImportContext.MODULE, False, False),
    ("Model", ImportContext.TYPE_CHECKING, False, False),
    ("RuntimeModel", ImportContext.MODULE, True, False),  # the else branch runs at load time
    ("json", ImportContext.GUARDED, True, True),
    ("speedups", ImportContext.GUARDED, True, True),
    ("value", ImportContext.MODULE, True, False),  # KeyError does not guard an import
    ("optional", ImportContext.GUARDED, True, True),  # an environment switch
    ("s3", ImportContext.GUARDED, True, True),  # a settings switch
    ("local_storage", ImportContext.GUARDED, True, True),  # the switch's other side
    ("plugins", ImportContext.MODULE, True, False),  # a plain runtime condition
    ("proj", ImportContext.FUNCTION, False, False),
    ("fast_late", ImportContext.FUNCTION, True, True),  # guarded inside a function
    ("sentry_sdk", ImportContext.FUNCTION, True, True),
    ("attr", ImportContext.MODULE, False, False),  # a class body runs at load time
    ("argparse", ImportContext.SCRIPT, True, False),  # only when run as a script
    ("imported", ImportContext.MODULE, True, False),  # the else of __main__ runs on import
])
def test_import_contexts(bound: str, context: ImportContext, conditional: bool,
                         guarded: bool) -> None:
    fact = import_named(facts_of(CONTEXTS), bound)
    assert (fact.context, fact.conditional, fact.guarded) == (context, conditional, guarded)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* is Python 3.11 syntax")
def test_except_star_guards_an_import() -> None:
    facts = facts_of("try:\n    import orjson\nexcept* ImportError:\n    orjson = None\n")
    fact = import_named(facts, "orjson")
    assert (fact.context, fact.guarded) == (ImportContext.GUARDED, True)


def test_unbracketed_except_tuple_of_python_3_14_guards_an_import() -> None:
    facts = facts_of("try:\n    import ujson\nexcept ValueError, ImportError:\n    ujson = None\n")
    assert import_named(facts, "ujson").guarded


def test_typing_dot_type_checking_is_recognised() -> None:
    facts = facts_of("import typing\nif typing.TYPE_CHECKING:\n    import proj.models\n")
    assert import_named(facts, "proj").context is ImportContext.TYPE_CHECKING


def test_function_level_import_records_its_function() -> None:
    facts = facts_of("class K:\n    def m(self):\n        import proj.late\n")
    assert import_named(facts, "proj").function == "K.m"


def test_import_forms() -> None:
    facts = facts_of("""\
        import a.b.c
        import a.b as ab
        from x.y import z as zed, w
    """)
    assert [(f.module, f.name, f.bound) for f in facts.imports] == [
        ("a.b.c", None, "a"), ("a.b", None, "ab"), ("x.y", "z", "zed"), ("x.y", "w", "w"),
    ]
    from_import = import_named(facts, "zed")
    assert from_import.span.line == 3
    assert from_import.module_span is not None and from_import.module_span.column == 6


# --- relative imports ----------------------------------------------------------------------

@pytest.mark.parametrize(("module", "is_package", "source", "expected"), [
    ("pkg.mod", False, "from . import sib", ("pkg", "sib", False)),
    ("pkg.mod", False, "from .sib import x", ("pkg.sib", "x", False)),
    ("pkg", True, "from . import sub", ("pkg", "sub", False)),  # __init__: its own package
    ("pkg", True, "from .sub import x", ("pkg.sub", "x", False)),
    ("pkg.sub", True, "from .. import x", ("pkg", "x", False)),
    ("pkg.sub.mod", False, "from ..other import x", ("pkg.other", "x", False)),
    ("pkg.mod", False, "from .. import x", ("", "x", True)),  # above the top package
    ("pkg", True, "from .. import x", ("", "x", True)),
    ("top", False, "from . import x", ("", "x", True)),  # a top-level module has no package
])
def test_relative_imports(module: str, is_package: bool, source: str,
                          expected: tuple[str, str, bool]) -> None:
    (fact,) = facts_of(source + "\n", module, is_package).imports
    assert (fact.module, fact.name, fact.beyond_top_level) == expected
    assert fact.level == source.split()[1].count(".") - source.split()[1].strip(".").count(".")


def test_relative_import_keeps_what_was_written() -> None:
    (fact,) = facts_of("from ..workers import cleanup\n", "proj.scheduler.jobs").imports
    assert (fact.level, fact.relative_name, fact.module) == (2, "workers", "proj.workers")


def test_resolve_relative_directly() -> None:
    assert resolve_relative("a.b.c", False, 2, "d") == ("a.d", False)
    assert resolve_relative("a.b.c", True, 3, None) == ("a", False)
    assert resolve_relative("a.b.c", False, 3, "d")[1] is True
    assert resolve_relative("", False, 1, "d")[1] is True


# --- defined names ----------------------------------------------------------------------

def test_defined_names() -> None:
    facts = facts_of("""\
        import os.path
        from x import y as z
        def func(): local = 1
        async def afunc(): pass
        class Klass:
            attr = 1
        a = 1
        b, (c, d) = 1, (2, 3)
        [e, f] = 1, 2
        g: int = 1
        h: int
        i += 1
        for j, k in []:
            pass
        with open("f") as handle:
            pass
        if True:
            inside_if = 1
        def _hidden():
            inner = 1
        settings.FOO = 1
        mapping["key"] = 1
    """)
    assert facts.defined_names == {
        "os", "z", "func", "afunc", "Klass", "a", "b", "c", "d", "e", "f", "g", "i", "j",
        "k", "handle", "inside_if", "_hidden",
    }


def test_function_level_imports_are_not_module_names() -> None:
    facts = facts_of("def f():\n    from x import y\n")
    assert "y" not in facts.defined_names


def test_dunder_all_literal_and_extended() -> None:
    facts = facts_of("""\
        __all__ = ["a", "b"]
        __all__ += ("c",)
    """)
    assert facts.all_names == ("a", "b", "c")
    assert facts_of("__all__ = ('x',)\n").all_names == ("x",)


@pytest.mark.parametrize("source", [
    "__all__ = [name for name in dir()]\n",
    "__all__ = other.__all__\n",
    "__all__ = [*other.__all__, 'x']\n",  # only part of it is known
    "x = 1\n",
])
def test_dunder_all_unknown_when_not_a_literal_list(source: str) -> None:
    assert facts_of(source).all_names is None


def test_star_import_and_module_getattr() -> None:
    facts = facts_of("from proj.base import *\n\ndef __getattr__(name):\n    return name\n")
    assert facts.has_star_import
    assert facts.has_module_getattr
    (star,) = facts.imports
    assert (star.module, star.name, star.bound) == ("proj.base", "*", "*")
    assert "*" not in facts.defined_names
    plain = facts_of("class K:\n    def __getattr__(self, name):\n        return name\n")
    assert not plain.has_module_getattr
    assert not plain.has_star_import


# --- functions, classes, assignments, calls ------------------------------------------------

NESTED = """\
@app.task(bind=True, name=make_name())
def send(self, to, *args, retries=3, **kwargs):
    deliver(to)


class Mailer(Base, metaclass=Meta):
    retries = 3
    timeout: int = 10

    class Config:
        queue = "mail"

    @shared_task(default=pick())
    def method(self, default=compute()):
        helper()

        def inner():
            deep_call()
        return inner
"""


def test_function_qualnames_and_module_level_flag() -> None:
    facts = facts_of(NESTED)
    assert [(f.qualname, f.is_module_level) for f in facts.functions] == [
        ("send", True), ("Mailer.method", False), ("Mailer.method.<locals>.inner", False),
    ]
    send = facts.functions[0]
    assert [p.name for p in send.parameters] == ["self", "to", "args", "retries", "kwargs"]
    assert [p.has_default for p in send.parameters] == [False, False, False, True, False]
    (decorator,) = send.decorators
    assert isinstance(decorator, CallValue) and decorator.func == "app.task"
    assert decorator.keyword("bind") == Const(True, decorator.keyword("bind").span)


def test_calls_carry_the_enclosing_function() -> None:
    facts = facts_of(NESTED)
    where = {call.func: call.function for call in facts.calls}
    assert where == {
        # Decorators and defaults are evaluated in the enclosing scope.
        "app.task": "", "make_name": "", "shared_task": "", "pick": "", "compute": "",
        "deliver": "send",
        "helper": "Mailer.method",
        "deep_call": "Mailer.method.<locals>.inner",
    }


def test_classes_and_class_attributes() -> None:
    facts = facts_of(NESTED)
    assert [(c.qualname, c.bases) for c in facts.classes] == [
        ("Mailer", ("Base",)), ("Mailer.Config", ()),
    ]
    scoped = {(a.target, a.scope) for a in facts.assignments}
    assert scoped == {("retries", "Mailer"), ("timeout", "Mailer"), ("queue", "Mailer.Config")}
    assert "retries" not in facts.defined_names  # class attributes are not module names


def test_assignments_record_values_keys_and_conditions() -> None:
    facts = facts_of("""\
        broker_url = "redis://localhost"
        CELERY["queue"] = "default"
        beat_schedule += extra
        if DEBUG:
            task_always_eager = True
        app.conf.timezone = "UTC"
        def configure(app):
            app.conf.result_backend = "redis://"
            ignored_local = 1
    """)
    by_target = {a.target: a for a in facts.assignments}
    assert set(by_target) == {"broker_url", "CELERY", "beat_schedule", "task_always_eager",
                              "app.conf.timezone", "app.conf.result_backend"}
    assert by_target["broker_url"].value.value == "redis://localhost"  # type: ignore[union-attr]
    assert by_target["CELERY"].key.value == "queue"  # type: ignore[union-attr]
    assert by_target["beat_schedule"].augmented == "AddAssign"
    assert by_target["task_always_eager"].conditional
    assert not by_target["broker_url"].conditional
    assert by_target["app.conf.result_backend"].function == "configure"
    assert isinstance(by_target["beat_schedule"].value, NameRef)


# --- comments -----------------------------------------------------------------------------

def test_comments_own_line_and_trailing() -> None:
    facts = facts_of("""\
        # header
        x = call(  # after the paren
            1,  # after an argument
            # alone inside the parens
        )
        def f():
            pass
            # closing the block
        y = 2  # trailing""")
    assert [(c.text, c.line, c.column, c.own_line) for c in facts.comments] == [
        ("# header", 1, 1, True),
        ("# after the paren", 2, 12, False),
        ("# after an argument", 3, 9, False),
        ("# alone inside the parens", 4, 5, True),
        ("# closing the block", 8, 5, True),
        ("# trailing", 9, 8, False),
    ]


def test_noqa_text_inside_a_string_is_not_a_comment() -> None:
    facts = facts_of('x = "# noqa: CEL701"\ny = """\n# celerylint: noqa\n"""\n')
    assert facts.comments == ()
    assert not facts.skip_file


# --- skip-file -------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "skipped"), [
    ("# celerylint: noqa\nimport x\n", True),
    ("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# celerylint: noqa\n", True),
    ("# CELERYLINT : NOQA  \n", True),
    ("# celerylint: noqa: CEL701\n", False),  # codes make it a line directive
    ("x = 1  # celerylint: noqa\n", False),
    ("\n" * 10 + "# celerylint: noqa\n", False),  # only the first ten lines count
])
def test_skip_file_directive(source: str, skipped: bool) -> None:
    assert facts_of(source).skip_file is skipped


def test_skip_file_is_kept_for_a_file_that_does_not_parse() -> None:
    facts = extract_module_facts("t.py", "t", False, b"# celerylint: noqa\n{% if x %}\ndef f(:\n")
    assert facts.parse_failure is not None
    assert facts.skip_file


# --- the facts themselves ---------------------------------------------------------------------

def test_facts_are_picklable_and_equal_after_a_round_trip() -> None:
    facts = facts_of(NESTED + CONTEXTS)
    assert pickle.loads(pickle.dumps(facts)) == facts


def test_same_source_same_facts() -> None:
    assert facts_of(NESTED) == facts_of(NESTED)


def test_crlf_and_bom_sources() -> None:
    facts = extract_module_facts("m.py", "m", False,
                                 b"\xef\xbb\xbfimport os\r\nx = 1  # c\r\n")
    assert facts.parse_failure is None
    assert [i.module for i in facts.imports] == ["os"]
    assert facts.comments[0].line == 2


def test_coding_cookie_is_honoured() -> None:
    data = "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1")
    facts = extract_module_facts("m.py", "m", False, data)
    assert facts.parse_failure is None
    assert facts.assignments[0].value.value == "café"  # type: ignore[union-attr]
