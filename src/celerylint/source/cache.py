"""On-disk cache of per-file facts, so an unchanged file is never parsed twice.

Layout under ``<root>/<cache_dir>``::

    .gitignore                        "*": the cache never shows in ``git status``
    CACHEDIR.TAG                      backup tools skip the directory
    facts-<namespace>/<key>.json      one ModuleFacts per entry, as plain JSON data

The namespace hashes what changes the facts of every file (schema version,
celerylint version, the extractor's own source, the Python version, the
project root); the key hashes what changes one file's facts (path, module
name, package flag, bytes). Entries are written to a temporary file and
renamed into place, so a reader sees a whole entry or none, and any entry that
cannot be read back is a miss. Several runs may share the directory without
locks: the worst a race can do is make a run parse a file again.

An entry is ``[ENTRY_MAGIC, schema version, celerylint version, facts]``, the
facts written by ``fact_codec``: JSON, whose parser is built for untrusted input
(pickle runs code and marshal crashes the interpreter on crafted bytes), decoded
with every field checked against its declared type. A cache directory planted by
an untrusted repository can therefore neither run code nor crash a run: what
does not decode to facts of the expected file is a miss, and the file is parsed.
(``cache_trust`` refuses such a directory anyway: facts that decode are still the
repository's word.)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from celerylint import __version__
from celerylint.regular_files import read_regular_bytes
from celerylint.source import fact_codec
from celerylint.source import facts as facts_module
from celerylint.source.facts import ModuleFacts

if TYPE_CHECKING:
    from celerylint.settings import Settings

# Bump when ModuleFacts changes shape or meaning in a way the source
# fingerprint below would not notice (e.g. an installed build without sources).
FACTS_SCHEMA_VERSION = 4  # 2: ImportFact.guarded, ImportContext.SCRIPT; 3: JSON, not pickle;
# 4: keys hash the sha256 of the bytes, which the run cache already knows
ENTRY_MAGIC = "celerylint-facts"
ENTRY_SUFFIX = ".json"
TEMP_PREFIX = ".tmp-"
NAMESPACE_PREFIX = "facts-"
STALE_NAMESPACE_SECONDS = 7 * 24 * 3600  # another version's or another root's entries
STALE_TEMP_SECONDS = 3600  # a crashed writer's leftovers; a live writer needs milliseconds
GITIGNORE = "*\n"
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by celerylint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def cache_directory(root: Path, settings: Settings) -> Path:
    """``cache_dir`` relative to the project root (an absolute setting is kept)."""
    return root / settings.cache_dir


def _extractor_fingerprint() -> bytes:
    """Hash of the ``celerylint.source`` code: editing an extractor invalidates the cache."""
    digest = hashlib.sha256()
    package_dir = Path(facts_module.__file__).parent
    with suppress(OSError):
        for source in sorted(package_dir.glob("*.py")):
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.digest()


def namespace(root: Path) -> str:
    """Everything that changes the facts of every file, hashed."""
    digest = hashlib.sha256()
    for part in (
        f"schema={FACTS_SCHEMA_VERSION}", f"celerylint={__version__}",
        f"python={sys.version_info[0]}.{sys.version_info[1]}",
        f"root={root.resolve()}",
    ):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(_extractor_fingerprint())
    return digest.hexdigest()[:24]


def content_digest(data: bytes) -> str:
    """A file's sha256, as the run cache records it (``run_cache.content_hashes``)."""
    return hashlib.sha256(data).hexdigest()


def entry_key(path: str, module: str, is_package: bool, digest: str) -> str:
    """Everything that changes one file's facts: ``extract_module_facts``'s arguments,
    the bytes by their ``content_digest`` (so a file the run cache hashed is not read)."""
    return hashlib.sha256(
        f"{path}\0{module}\0{int(is_package)}\0{digest}".encode("utf-8", "surrogateescape")
    ).hexdigest()


def write_entry(entries_dir: str, key: str, blob: bytes) -> bool:
    """Atomically publish one entry; False (never an exception) when the disk refuses.

    A plain function of strings so that worker processes can call it.
    """
    try:
        handle, temp_path = tempfile.mkstemp(dir=entries_dir, prefix=TEMP_PREFIX,
                                             suffix=ENTRY_SUFFIX)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(blob)
        os.replace(temp_path, os.path.join(entries_dir, key + ENTRY_SUFFIX))
    except OSError:
        with suppress(OSError):
            os.unlink(temp_path)
        return False
    return True


def load_blob(blob: bytes) -> ModuleFacts:
    """The facts of one entry; ``fact_codec.DecodeError`` for anything else.

    Also reads what worker processes send back, which is an entry too.
    """
    try:
        entry = json.loads(blob)
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, digits past the limit
        raise fact_codec.DecodeError(f"not a cache entry: {exc}") from None
    if not (type(entry) is list and len(entry) == 4 and entry[0] == ENTRY_MAGIC
            and entry[1] == FACTS_SCHEMA_VERSION and entry[2] == __version__):
        raise fact_codec.DecodeError("not an entry of this celerylint's facts")
    return fact_codec.decode(ModuleFacts, entry[3])  # type: ignore[no-any-return]


def dump_facts(module_facts: ModuleFacts) -> bytes:
    return entry_of_encoded(fact_codec.dumps(module_facts))


def entry_of_encoded(encoded: bytes) -> bytes:
    """The cache entry of facts already written by ``fact_codec.dumps`` (the same bytes
    as ``json.dumps`` of the whole entry: both are compact ASCII JSON)."""
    head = json.dumps([ENTRY_MAGIC, FACTS_SCHEMA_VERSION, __version__], separators=(",", ":"))
    return head[:-1].encode("ascii") + b"," + encoded + b"]"


class FactsCache:
    """One run's view of the cache: lookups, the entries it used, and the pruning after."""

    def __init__(self, directory: Path, entries_dir: Path, writable: bool, notes: list[str]) -> None:
        self.directory = directory
        self.entries_dir = entries_dir
        self.writable = writable
        self.notes = notes  # why the cache is read-only or off, for --verbose
        self.used: set[str] = set()

    @classmethod
    def open(cls, root: Path, settings: Settings) -> FactsCache:
        """Prepare the directory; an unwritable one gives a read-only cache and a note."""
        directory = cache_directory(root, settings)
        entries_dir = directory / f"{NAMESPACE_PREFIX}{namespace(root)}"
        notes: list[str] = []
        writable = True
        try:
            entries_dir.mkdir(parents=True, exist_ok=True)
            _write_markers(directory, root)
            os.utime(entries_dir)  # marks this namespace as alive for the pruning of others
        except OSError as exc:
            writable = False
            notes.append(f"cache directory {directory} is not writable "
                         f"({exc.strerror or exc}); running without writing the cache")
        return cls(directory, entries_dir, writable, notes)

    def has(self, key: str) -> bool:
        """Whether an entry is stored under ``key`` (kept by ``prune`` from now on);
        whether it decodes is ``load``'s question."""
        if os.path.isfile(self.entries_dir / (key + ENTRY_SUFFIX)):
            self.used.add(key)
            return True
        return False

    def load(self, key: str, path: str, module: str, is_package: bool) -> ModuleFacts | None:
        """The cached facts, or None for a missing, unreadable, corrupt or foreign entry."""
        try:
            blob = read_regular_bytes(self.entries_dir / (key + ENTRY_SUFFIX))
            found = load_blob(blob)
        except Exception:  # noqa: BLE001 - any unreadable entry is a miss, never a crash
            return None
        if not (found.path == path and found.module == module
                and found.is_package == is_package):
            return None
        self.used.add(key)
        return found

    @property
    def worker_entries_dir(self) -> str | None:
        """Where worker processes write their entries; None when they must not."""
        return str(self.entries_dir) if self.writable else None

    def store(self, key: str, blob: bytes) -> None:
        """Write one entry; the first failure turns writing off for the rest of the run."""
        self.used.add(key)
        if self.writable and not write_entry(str(self.entries_dir), key, blob):
            self.write_failed()

    def stored_elsewhere(self, key: str, written: bool) -> None:
        """A worker process wrote (or failed to write) this entry."""
        self.used.add(key)
        if not written and self.writable:
            self.write_failed()

    def write_failed(self) -> None:
        self.writable = False
        self.notes.append(f"cannot write to cache directory {self.directory}; "
                          "files parsed in this run were not all cached")

    def prune(self) -> int:
        """Drop entries this run did not use, and stale namespaces; O(entries), no locks."""
        if not self.writable:
            return 0
        removed = _prune_entries(self.entries_dir, self.used)
        _prune_namespaces(self.directory, keep=self.entries_dir.name)
        return removed


_MARKERS = {".gitignore": GITIGNORE, "CACHEDIR.TAG": CACHEDIR_TAG}


def _write_markers(directory: Path, root: Path) -> None:
    """Never inside the project root itself: an ignore-everything file there hides the project."""
    if directory.resolve() in (root.resolve(), *root.resolve().parents):
        return
    for name, text in _MARKERS.items():
        marker = directory / name
        if not marker.exists():
            marker.write_text(text, encoding="utf-8")


def _is_our_marker(entry: os.DirEntry[str]) -> bool:
    expected = _MARKERS.get(entry.name)
    if expected is None or not entry.is_file(follow_symlinks=False):
        return False
    try:
        return Path(entry.path).read_text(encoding="utf-8") == expected
    except (OSError, UnicodeDecodeError):
        return False


def _prune_entries(entries_dir: Path, used: set[str]) -> int:
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(entries_dir))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if name.startswith(TEMP_PREFIX):
            with suppress(OSError):
                if now - entry.stat().st_mtime > STALE_TEMP_SECONDS:
                    os.unlink(entry.path)
            continue
        if name.endswith(ENTRY_SUFFIX) and name[: -len(ENTRY_SUFFIX)] not in used:
            with suppress(OSError):  # another run may have removed it first
                os.unlink(entry.path)
                removed += 1
    return removed


def _prune_namespaces(directory: Path, keep: str) -> None:
    now = time.time()
    with suppress(OSError):
        for entry in os.scandir(directory):
            if entry.name == keep or not entry.name.startswith(NAMESPACE_PREFIX):
                continue
            with suppress(OSError):
                if entry.is_dir() and now - entry.stat().st_mtime > STALE_NAMESPACE_SECONDS:
                    shutil.rmtree(entry.path, ignore_errors=True)


def clear_cache(root: Path, settings: Settings) -> bool:
    """Remove what celerylint wrote (``celerylint clean``); True when something was removed.

    Only our own files are deleted, so a ``cache-dir`` pointing at a directory
    that holds anything else loses nothing but our entries.
    """
    directory = cache_directory(root, settings)
    if not directory.is_dir():
        return False
    removed = False
    for entry in list(os.scandir(directory)):
        # ``runs-``: the run results of celerylint.run_cache, kept beside the facts.
        if entry.name.startswith((NAMESPACE_PREFIX, "runs-")) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed = True
        elif _is_our_marker(entry):
            with suppress(OSError):
                os.unlink(entry.path)
                removed = True
    with suppress(OSError):
        directory.rmdir()  # only succeeds when nothing else lives there
    return removed
