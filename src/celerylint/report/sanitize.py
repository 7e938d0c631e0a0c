"""The last step before any text leaves a reporter: no secrets, no control characters.

Reporters build their output from these helpers so that a password written in
an analysed project, or an escape sequence hidden in one of its files, never
reaches a terminal, a CI log or an uploaded report. A file name that is not
UTF-8 comes out printable (``caf\\xe9``), never as an encoding error.
"""

from __future__ import annotations

import re
from typing import Any

from celerylint.printable import printable
from celerylint.secrets import mask_secrets_in_text

REPLACEMENT = "\ufffd"
# C0/C1 controls except tab and newline: they could move the cursor, recolour
# or rewrite a terminal line, or break XML.
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters XML 1.0 cannot carry at all, not even escaped.
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def masked(text: str) -> str:
    """``text`` with secrets hidden and control characters replaced, for terminals."""
    return terminal_safe(mask_secrets_in_text(text))


def terminal_safe(text: str) -> str:
    """``text`` printable, with control characters other than tab and newline replaced."""
    return _TERMINAL_UNSAFE.sub(REPLACEMENT, printable(text))


def masked_strings(value: Any) -> Any:
    """A copy of a JSON-like value with every string in it masked and printable.

    Structured formats mask field by field, before encoding, so masking can
    neither miss a secret hidden by JSON escapes nor break the document.
    """
    if isinstance(value, str):
        return mask_secrets_in_text(printable(value))
    if isinstance(value, dict):
        return {key: masked_strings(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked_strings(item) for item in value]
    return value


def xml_safe(text: str) -> str:
    """Masked text that XML 1.0 can carry; the serializer escapes the rest."""
    return _XML_UNSAFE.sub(REPLACEMENT, mask_secrets_in_text(printable(text)))
