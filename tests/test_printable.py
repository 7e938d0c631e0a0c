"""Output text for names that are not UTF-8: always encodable, shown as ``\\xNN``."""

from __future__ import annotations

import os

import pytest

from celerylint.printable import encode_output, printable, printable_strings
from celerylint.report.sarif import artifact_uri

LATIN1_NAME = os.fsdecode(b"caf\xe9/tasks.py")  # 'caf\udce9/tasks.py'


@pytest.mark.parametrize("text", ["", "proj/tasks.py", "café ✓", "a\\xe9"])
def test_text_that_encodes_is_unchanged(text: str) -> None:
    assert printable(text) == text


def test_undecodable_bytes_are_shown_as_hex_escapes() -> None:
    assert printable(LATIN1_NAME) == "caf\\xe9/tasks.py"
    assert encode_output(LATIN1_NAME + " é") == b"caf\\xe9/tasks.py \xc3\xa9"


def test_other_lone_surrogates_are_shown_as_unicode_escapes() -> None:
    assert printable("x\ud800y") == "x\\ud800y"


def test_every_string_of_a_json_value_keys_included() -> None:
    value = {LATIN1_NAME: [LATIN1_NAME, 1, None], "n": (LATIN1_NAME,)}
    assert printable_strings(value) == {"caf\\xe9/tasks.py": ["caf\\xe9/tasks.py", 1, None],
                                        "n": ["caf\\xe9/tasks.py"]}


def test_sarif_uris_percent_encode_the_original_bytes() -> None:
    assert artifact_uri(LATIN1_NAME) == "caf%E9/tasks.py"
    assert artifact_uri("proj/my tasks é.py") == "proj/my%20tasks%20%C3%A9.py"
