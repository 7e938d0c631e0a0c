"""Whether the cache directory may be trusted: the analysed repository does not choose it.

A repository under review is untrusted input. If it commits a ``.celerylint_cache``
(or points ``cache-dir`` at a symbolic link or outside its own tree), facts read from
there would be the repository's word, not celerylint's, and ``celerylint clean`` would
delete files the repository owns. Such a directory is not used; a directory the user
names with ``--cache-dir`` on the command line is their own choice and always is.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celerylint.settings import Settings


def untrusted_cache_reason(root: Path, settings: Settings) -> str | None:
    """Why the configured cache directory must not be used, or None when it may."""
    if settings.cache_dir_from_command_line:
        return None
    directory = root / settings.cache_dir
    if directory.is_symlink():
        return f"cache directory {settings.cache_dir} is a symbolic link"
    try:
        relative = directory.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return (f"cache-dir {settings.cache_dir!r} in the configuration places the cache "
                "outside the project root (use --cache-dir on the command line to choose it)")
    if directory.is_dir() and _tracked_by_git(root, relative.as_posix()):
        return (f"git tracks files in the cache directory {settings.cache_dir}: a cache "
                "committed to the repository is not trusted")
    return None


def _tracked_by_git(root: Path, relative: str) -> bool:
    from celerylint.project.git_status import git_tracks_any, in_git_checkout

    return in_git_checkout(root) and git_tracks_any(root, relative)


__all__ = ["untrusted_cache_reason"]
