"""Text that can always be written out, file names that are not UTF-8 included.

A POSIX file name is bytes. Python hands the bytes that are not UTF-8 over as
lone surrogates (``caf\\udce9`` for ``caf\\xe9``, PEP 383), and no UTF-8
encoder accepts those, so a project rooted in such a directory would crash
every writer. Every output of celerylint shows such a byte as ``\\xNN`` (as the
``--verbose`` notes on skipped files do); only SARIF URIs differ, they
percent-encode the original bytes.
"""

from __future__ import annotations

import re
from typing import Any

_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # an undecodable byte, as os.fsdecode gives it
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # any other, e.g. from a "\ud800" literal


def printable(text: str) -> str:
    """``text`` with no lone surrogate left: escaped bytes as ``\\xNN``, others as ``\\uNNNN``.

    Guaranteed to encode as UTF-8; text that already does is returned unchanged.
    """
    if text.isascii() or not _LONE_SURROGATE.search(text):
        return text
    text = _ESCAPED_BYTE.sub(lambda match: f"\\x{ord(match.group()) - 0xDC00:02x}", text)
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def printable_strings(value: Any) -> Any:
    """A copy of a JSON-like value with every string in it (keys too) made printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_strings(key): printable_strings(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_strings(item) for item in value]
    return value


def encode_output(text: str) -> bytes:
    """The UTF-8 bytes celerylint writes for ``text``; never raises."""
    return printable(text).encode("utf-8")


__all__ = ["encode_output", "printable", "printable_strings"]
