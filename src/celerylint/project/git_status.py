"""Whether a file is committed or ignored, asked of git (never of the project's code).

Outside a git checkout, the root ``.gitignore`` is read with simple glob rules,
and every file counts as one that would be committed.
"""

from __future__ import annotations

import fnmatch
import subprocess
from functools import lru_cache
from pathlib import Path

from celerylint.regular_files import read_regular_text


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None


@lru_cache(maxsize=64)
def in_git_checkout(root: Path) -> bool:
    done = _git(root, "rev-parse", "--is-inside-work-tree")
    return done is not None and done.returncode == 0 and done.stdout.strip() == b"true"


def _gitignore_patterns(root: Path) -> list[str]:
    try:
        lines = read_regular_text(root / ".gitignore").splitlines()
    except OSError:
        return []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def is_ignored(root: Path, rel: str) -> bool:
    if in_git_checkout(root):
        done = _git(root, "check-ignore", "-q", "--", rel)
        return done is not None and done.returncode == 0
    name = rel.rsplit("/", 1)[-1]
    ignored = False
    for pattern in _gitignore_patterns(root):
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").lstrip("/")
        if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(name, pattern):
            ignored = not negate
    return ignored


def is_committed(root: Path, rel: str) -> bool:
    """Tracked by git; outside git, any file not ignored would be committed."""
    if in_git_checkout(root):
        return is_tracked(root, rel)
    return not is_ignored(root, rel)


def is_tracked(root: Path, rel: str) -> bool:
    """Already in git's index (False outside a git checkout)."""
    if not in_git_checkout(root):
        return False
    done = _git(root, "ls-files", "--error-unmatch", "--", rel)
    return done is not None and done.returncode == 0


def git_tracks_any(root: Path, rel: str) -> bool:
    """Whether git's index holds any file at or under ``rel``."""
    done = _git(root, "ls-files", "-z", "--", rel)
    return done is not None and done.returncode == 0 and bool(done.stdout.strip(b"\0"))
