"""Reading a project file without trusting what kind of file it is.

A FIFO named ``Procfile`` or ``setup.cfg`` blocks the first ``open()`` for reading until
some writer appears, which is never; a character device never ends. So every read of
a file the analysed tree names goes through :func:`read_regular_bytes`: the path is
stat-ed first and only a regular file is opened (non-blocking, and checked again
after opening, in case the file was swapped in between). Anything else raises
:class:`NotRegularFileError`, an ``OSError``, so readers that already treat an
unreadable file as "not read" keep doing so.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


class NotRegularFileError(OSError):
    """The path exists but is no regular file (FIFO, socket, device, directory)."""

    def __init__(self, path: str | os.PathLike[str], kind: str) -> None:
        super().__init__(errno.EINVAL, f"{kind}, not a regular file", os.fspath(path))
        self.kind = kind

    @property
    def reason(self) -> str:
        return not_read_reason(self.kind)


def not_read_reason(kind: str) -> str:
    """Why a special file of ``kind`` was not read, for CEL001."""
    return f"{kind}, not a regular file: not read"


def special_file_kind(mode: int) -> str | None:
    """"a FIFO", "a socket", ... for a ``st_mode`` that is no regular file; None if it is."""
    if stat.S_ISREG(mode):
        return None
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "a special file"


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


def read_regular_bytes(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The file's bytes (at most ``limit`` + 1 of them when a limit is given, so the
    caller can tell "too large"); ``NotRegularFileError`` for anything but a regular file.

    Symbolic links are followed (discovery has already refused those that leave the
    project)."""
    kind = special_file_kind(os.stat(path).st_mode)
    if kind is not None:
        raise NotRegularFileError(path, kind)
    with open(path, "rb", opener=_nonblocking) as stream:
        kind = special_file_kind(os.fstat(stream.fileno()).st_mode)
        if kind is not None:
            raise NotRegularFileError(path, kind)
        return stream.read() if limit is None else stream.read(limit + 1)


def read_regular_text(path: str | os.PathLike[str], errors: str = "replace") -> str:
    """The file as UTF-8 text; the same refusals as :func:`read_regular_bytes`."""
    return read_regular_bytes(path).decode("utf-8", errors)


def is_regular_file(path: Path) -> bool:
    """Whether ``path`` (links followed) is a regular file, without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
