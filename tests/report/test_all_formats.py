"""Properties every format keeps: registered, no secrets, deterministic."""

from __future__ import annotations

import json

import pytest
from tests.report.builders import SECRET, ContextFactory, clear_password, result_get

from celerylint.findings import Applicability, Edit, Fix
from celerylint.report import FORMATS, renderer

EXPECTED_FORMATS = {"text", "concise", "grouped", "json", "json-lines", "sarif", "github",
                    "junit", "gitlab"}
LEAKY = clear_password(
    fix=Fix(f"Use password={SECRET}", Applicability.UNSAFE,
            (Edit(1, 1, 1, 1, f'REDIS_PASSWORD = "{SECRET}"\n'),)),
    subjects=(SECRET,),
)


def test_every_format_is_registered() -> None:
    assert set(FORMATS) == EXPECTED_FORMATS
    for name in FORMATS:
        assert callable(renderer(name))


@pytest.mark.parametrize("name", sorted(EXPECTED_FORMATS))
def test_no_format_prints_a_secret(make_context: ContextFactory, name: str) -> None:
    output = renderer(name)(make_context([LEAKY, result_get()]))
    assert "****" in output
    assert SECRET not in output


@pytest.mark.parametrize("name", sorted(EXPECTED_FORMATS))
def test_same_input_same_output(make_context: ContextFactory, name: str) -> None:
    findings = [LEAKY, result_get(), result_get(7)]
    assert renderer(name)(make_context(findings)) == renderer(name)(make_context(findings))


def test_json_lines_holds_the_json_objects(make_context: ContextFactory) -> None:
    context = make_context([LEAKY, result_get()])
    lines = renderer("json-lines")(context).splitlines()
    assert [json.loads(line) for line in lines] == json.loads(renderer("json")(context))
