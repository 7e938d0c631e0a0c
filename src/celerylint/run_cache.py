"""Results of earlier runs, so an unchanged tree replays its report and an edit
recomputes only the rules whose inputs it touched.

Layout under ``<root>/<cache_dir>/runs-<namespace>/``::

    files.json         path -> [mtime_ns, size, inode, sha256]: a file whose stat is
                       unchanged is not read again (a file changed within the last
                       seconds is never recorded: its mtime may not move on the next edit)
    run-<key>.json     one whole run's findings after suppression and scope, keyed by a
                       digest of every input (see ``RunInputs.run_key``)
    inventory.json     module names and source roots of the file list, keyed on the list
                       and the files they are read from (``RunInputs.inventory_key``)
    rules.json         each rule's findings keyed by a digest of its declared inputs
                       (project rules) or of one file and those inputs (module rules),
                       the model's notes and scope verdicts, each file's input digests
                       and the file hashes they were checked against (``rule_cache``)

The namespace hashes what changes every result: this schema, celerylint's version
and the stat of every file of its own package, the installed distributions (Celery's
version among them), the Python version and the project root.

Everything is JSON of plain data (``run_records``), checked field by field on load: an
entry that is corrupt, truncated, from another schema or shaped to surprise is a miss,
never code.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celerylint import __version__
from celerylint.regular_files import read_regular_bytes

if TYPE_CHECKING:
    from celerylint.discovery import FileInventory
    from celerylint.settings import Settings

RUN_SCHEMA_VERSION = 1
NAMESPACE_PREFIX = "runs-"
RUNS_KEPT = 8  # whole-run records: one per recent (tree, settings) pair
RACY_SECONDS = 2.0  # a file modified this recently may change again within its mtime tick
STALE_NAMESPACE_SECONDS = 7 * 24 * 3600


# --- Fingerprints ---------------------------------------------------------------


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()


def _package_fingerprint() -> str:
    """The stat of every file of celerylint itself: an edited rule invalidates every result."""
    package_dir = Path(__file__).parent
    parts: list[str] = []
    for directory, subdirs, names in os.walk(package_dir):
        subdirs[:] = sorted(d for d in subdirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".md", ".toml", ".json", ".txt")):
                with suppress(OSError):
                    stat = os.stat(os.path.join(directory, name))
                    parts.append(f"{directory}/{name}:{stat.st_mtime_ns}:{stat.st_size}")
    return _digest(*parts)


def _installed_distributions() -> str:
    """Names and versions of the installed distributions (Celery's among them), read from
    their metadata directories' names: an upgrade changes what the rules know."""
    names: list[str] = []
    for entry in sys.path:
        with suppress(OSError):
            names.extend(n for n in os.listdir(entry or ".")
                         if n.endswith((".dist-info", ".egg-info")))
    return _digest(*sorted(names))


def namespace(root: Path) -> str:
    return _digest(f"schema={RUN_SCHEMA_VERSION}", f"celerylint={__version__}",
                   _package_fingerprint(), _installed_distributions(),
                   f"python={sys.version}", f"root={root.resolve()}")[:24]


def settings_digest(settings: Settings) -> str:
    """What in the settings changes results; ``jobs``, ``verbose`` and the cache do not."""
    import dataclasses

    relevant = dataclasses.replace(settings, jobs=0, verbose=False, use_cache=True,
                                   cache_dir="", cache_dir_from_command_line=False)
    return _digest(repr(relevant))


# --- File content keys ----------------------------------------------------------------


def _hash_file(path: str) -> str | None:
    try:
        return hashlib.sha256(read_regular_bytes(path)).hexdigest()
    except OSError:  # NotRegularFileError too: a file replaced by a FIFO is never opened
        return None


def content_hashes(root: Path, files: Sequence[str], known: Mapping[str, Any]
                   ) -> tuple[dict[str, str], dict[str, list[Any]]]:
    """Each file's sha256, reading only files whose (mtime_ns, size, inode) changed
    since ``known`` recorded them; returns the hashes and the stat table to record."""
    hashes: dict[str, str] = {}
    table: dict[str, list[Any]] = {}
    racy_after = time.time_ns() - int(RACY_SECONDS * 1e9)
    base = str(root)
    for rel in files:
        full = os.path.join(base, rel)
        try:
            stat = os.stat(full)
        except OSError:
            hashes[rel] = "unreadable"
            continue
        signature = [stat.st_mtime_ns, stat.st_size, stat.st_ino]
        entry = known.get(rel)
        if (isinstance(entry, list) and len(entry) == 4 and entry[:3] == signature
                and isinstance(entry[3], str)):
            sha = entry[3]
        else:
            sha = _hash_file(full) or "unreadable"
        hashes[rel] = sha
        if stat.st_mtime_ns < racy_after and sha != "unreadable":
            table[rel] = [*signature, sha]
    return hashes, table


# --- The store -----------------------------------------------------------------------


@dataclass
class RunInputs:
    """Digests of everything a run reads, computed before any fact is loaded."""

    environment: str  # namespace: celerylint, its sources, installed distributions, Python
    settings: str
    listing: str  # the file list and what lies around the files
    hashes: dict[str, str]  # path -> sha256 of its bytes
    stat_table: dict[str, list[Any]] = field(default_factory=dict)
    stat_table_grew: bool = False  # files settled since the table was written

    def run_key(self, extra: str = "") -> str:
        files = _digest(*(f"{path}:{sha}" for path, sha in sorted(self.hashes.items())))
        return _digest(self.environment, self.settings, self.listing, files, extra)[:32]

    def inventory_key(self) -> str:
        """What module names and source roots follow from: the list and the files
        ``inventory_of`` reads (configuration, deployment files, ``setup.py``), never
        the other Python files, so editing a module keeps the stored inventory."""
        read = (f"{path}:{sha}" for path, sha in sorted(self.hashes.items())
                if not path.endswith(".py") or path.rpartition("/")[2] == "setup.py")
        return _digest(self.environment, self.settings, self.listing, *read)[:32]


VENV_FOLDERS = (".venv", "venv", "env", ".env")  # as packaging.distributions looks for them


def outside_digest(root: Path, files: Sequence[str], env_files: Sequence[str]) -> str:
    """What rules probe beyond the listed files: whether a file exists in a project
    folder (a compose ``env_file``, a module on disk), packages installed in a virtual
    environment kept at the root, and configured env files, which git may ignore.
    Names only: an editor that saves by renaming a new copy into place changes nothing."""
    parts: list[str] = []
    folders = {"", *(rel.rpartition("/")[0] for rel in files)}
    for folder in sorted(folders):
        with suppress(OSError):
            parts.append(f"{folder}:{'/'.join(sorted(os.listdir(root / folder)))}")
    for venv in VENV_FOLDERS:
        for site in sorted((root / venv).glob("lib/python*/site-packages")):
            with suppress(OSError):
                parts.append(f"{site}:{'/'.join(sorted(os.listdir(site)))}")
    for env_file in env_files:
        parts.append(f"{env_file}:{_hash_file(str(root / env_file))}")
    return _digest(*parts)


def inventory_digest(inventory: FileInventory) -> str:
    python = (f"{f.path}:{f.module}:{int(f.is_package)}:{','.join(f.aliases)}"
              for f in inventory.python)
    return _digest(*inventory.files, "--", *python, "--", *inventory.source_roots)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(read_regular_bytes(path))
    except (OSError, ValueError, RecursionError):
        return None


def _write_json(path: Path, value: Any) -> bool:
    """Atomically publish ``value``; False (never an exception) when the disk refuses."""
    try:
        # ``dumps``, not ``dump``: only the one-shot encoder is CPython's C encoder (the
        # streaming one is pure Python, several times slower on the rule records).
        text = json.dumps(value, separators=(",", ":"))
    except (ValueError, TypeError, RecursionError):
        return False
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp, path)
    except OSError:
        with suppress(OSError):
            os.unlink(temp)
        return False
    return True


class RunStore:
    """One project's run records under its cache directory."""

    def __init__(self, directory: Path, environment: str) -> None:
        self.directory = directory
        self.environment = environment

    @classmethod
    def open(cls, settings: Settings) -> RunStore | None:
        """The store, or None when the cache directory cannot be created."""
        base = settings.root / settings.cache_dir
        environment = namespace(settings.root)
        directory = base / f"{NAMESPACE_PREFIX}{environment}"
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return cls(directory, environment)

    def prune_other_namespaces(self) -> None:
        """Another version's or another environment's records, once unused for a week."""
        import shutil

        now = time.time()
        with suppress(OSError):
            for entry in os.scandir(self.directory.parent):
                if entry.name.startswith(NAMESPACE_PREFIX) and entry.path != str(self.directory):
                    with suppress(OSError):
                        if entry.is_dir() and now - entry.stat().st_mtime > STALE_NAMESPACE_SECONDS:
                            shutil.rmtree(entry.path, ignore_errors=True)

    def inputs(self, settings: Settings, files: Sequence[str],
               unread: Sequence[str] = ()) -> RunInputs:
        """Digests of the listed files (module names follow from them and the settings);
        ``unread`` names the special files listed beside them, which are never opened."""
        known = _read_json(self.directory / "files.json")
        known = known if isinstance(known, dict) else {}
        hashes, table = content_hashes(settings.root, files, known)
        around = outside_digest(settings.root, files, settings.env_files)
        return RunInputs(self.environment, settings_digest(settings),
                         _digest(*files, "--", around, "--", *unread), hashes, table,
                         stat_table_grew=len(table) > len(known))

    def save_stat_table(self, inputs: RunInputs) -> None:
        _write_json(self.directory / "files.json", inputs.stat_table)

    # Whole runs

    def load_run(self, key: str) -> dict[str, Any] | None:
        record = _read_json(self.directory / f"run-{key}.json")
        if not isinstance(record, dict) or record.get("schema") != RUN_SCHEMA_VERSION \
                or record.get("key") != key:
            return None
        return record

    def save_run(self, key: str, record: dict[str, Any]) -> None:
        _write_json(self.directory / f"run-{key}.json",
                    {**record, "schema": RUN_SCHEMA_VERSION, "key": key})
        self._prune_runs()

    def _prune_runs(self) -> None:
        with suppress(OSError):
            runs = sorted(self.directory.glob("run-*.json"), key=lambda p: p.stat().st_mtime)
            for old in runs[:-RUNS_KEPT]:
                old.unlink()

    # The file inventory

    def load_inventory(self, key: str) -> Any:
        record = _read_json(self.directory / "inventory.json")
        if not isinstance(record, dict) or record.get("schema") != RUN_SCHEMA_VERSION \
                or record.get("key") != key:
            return None
        return record.get("inventory")

    def save_inventory(self, key: str, inventory: dict[str, Any]) -> None:
        _write_json(self.directory / "inventory.json",
                    {"schema": RUN_SCHEMA_VERSION, "key": key, "inventory": inventory})

    # Rule results

    def load_rules(self) -> dict[str, Any]:
        """The stored rule findings and file digests; unchecked inside (the reader checks)."""
        record = _read_json(self.directory / "rules.json")
        if isinstance(record, dict) and record.get("schema") == RUN_SCHEMA_VERSION \
                and record.get("environment") == self.environment \
                and isinstance(record.get("entries"), dict):
            return record["entries"]
        return {}

    def save_rules(self, entries: Mapping[str, Any]) -> None:
        _write_json(self.directory / "rules.json",
                    {"schema": RUN_SCHEMA_VERSION, "environment": self.environment,
                     "entries": dict(entries)})


def key_of(*parts: str | Iterable[str]) -> str:
    """A digest of strings and iterables of strings, for rule keys."""
    flat: list[str] = []
    for part in parts:
        if isinstance(part, str):
            flat.append(part)
        else:
            flat.extend(part)
            flat.append("--")
    return _digest(*flat)[:32]
