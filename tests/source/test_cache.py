"""The facts cache: hits, misses, invalidation, corruption, sharing, pruning, clearing."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import REPO_ROOT, write_tree

from celerylint.discovery import discover
from celerylint.settings import Settings
from celerylint.source.cache import (
    ENTRY_SUFFIX,
    NAMESPACE_PREFIX,
    STALE_NAMESPACE_SECONDS,
    STALE_TEMP_SECONDS,
    FactsCache,
    clear_cache,
    dump_facts,
    entry_key,
    load_blob,
)
from celerylint.source.fact_codec import DecodeError
from celerylint.source.extract import extract_module_facts
from celerylint.source.pool import Extraction, extract

PROJECT = {
    "proj/__init__.py": "",
    "proj/celery.py": "from celery import Celery\napp = Celery('proj')\n",
    "proj/tasks.py": "from proj.celery import app\n\n@app.task\ndef add(x, y):\n    return x + y\n",
}


def run(root: Path, **changes: object) -> Extraction:
    """Extract and decode every file's facts, so the counts are final."""
    return lazily(root, **changes).facts_loaded()


def lazily(root: Path, **changes: object) -> Extraction:
    settings = Settings(root=root, jobs=1, **changes)  # type: ignore[arg-type]
    return extract(settings, discover(root, (), ()), {})


def entries_dir(root: Path) -> Path:
    (found,) = (root / ".celerylint_cache").glob(f"{NAMESPACE_PREFIX}*")
    return found


def entry_files(root: Path) -> list[Path]:
    return sorted(entries_dir(root).glob(f"*{ENTRY_SUFFIX}"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "project", PROJECT)


def test_second_run_answers_every_file_from_the_cache(project: Path) -> None:
    first = run(project)
    second = run(project)
    assert (first.stats.parsed, first.stats.cached) == (3, 0)
    assert (second.stats.parsed, second.stats.cached) == (0, 3)
    assert second.facts == first.facts
    assert list(second.facts) == list(first.facts)


def test_cached_facts_are_decoded_only_when_read(project: Path) -> None:
    first = run(project)
    second = lazily(project)
    assert second.facts.decoded == set()
    assert second.facts["proj/tasks.py"] == first.facts["proj/tasks.py"]
    assert second.facts.decoded == {"proj/tasks.py"}
    assert "proj/celery.py" in second.facts and len(second.facts.decoded) == 1
    assert dict(second.facts.items()) == dict(first.facts.items())
    assert len(second.facts.decoded) == 3


def test_an_entry_that_no_longer_decodes_when_read_is_parsed_then(project: Path) -> None:
    first = run(project)
    second = lazily(project)
    for entry in entry_files(project):  # spoiled after the plan found them stored
        entry.write_bytes(b"[1, 2")
    assert second.stats.cached == 3
    assert second.facts["proj/tasks.py"] == first.facts["proj/tasks.py"]
    assert (second.stats.parsed, second.stats.cached) == (1, 2)
    again = run(project)  # the parsed file's entry was written again; the others not yet
    assert (again.stats.parsed, again.stats.cached) == (2, 1)


def test_cached_facts_equal_fresh_extraction(project: Path) -> None:
    run(project)
    cached = run(project).facts["proj/tasks.py"]
    fresh = extract_module_facts("proj/tasks.py", "proj.tasks", False,
                                 (project / "proj/tasks.py").read_bytes())
    assert cached == fresh


def test_changed_content_is_parsed_again(project: Path) -> None:
    run(project)
    (project / "proj/tasks.py").write_text("import os\n", encoding="utf-8")
    again = run(project)
    assert (again.stats.parsed, again.stats.cached) == (1, 2)
    assert [i.module for i in again.facts["proj/tasks.py"].imports] == ["os"]


def test_key_covers_every_input_of_the_extractor() -> None:
    base = entry_key("a/b.py", "a.b", False, b"x = 1\n")
    assert len({
        base,
        entry_key("a/c.py", "a.b", False, b"x = 1\n"),
        entry_key("a/b.py", "b", False, b"x = 1\n"),
        entry_key("a/b.py", "a.b", True, b"x = 1\n"),
        entry_key("a/b.py", "a.b", False, b"x = 2\n"),
    }) == 5
    assert entry_key("a/b.py", "a.b", False, b"x = 1\n") == base


def test_corrupt_entry_is_a_miss_and_gets_rewritten(project: Path) -> None:
    run(project)
    for entry in entry_files(project):
        entry.write_bytes(b"\x80\x05not a pickle")
    again = run(project)
    assert (again.stats.parsed, again.stats.cached) == (3, 0)
    assert run(project).stats.cached == 3


def test_truncated_and_empty_entries_are_misses(project: Path) -> None:
    run(project)
    first, second, _ = entry_files(project)
    first.write_bytes(first.read_bytes()[:40])
    second.write_bytes(b"")
    assert run(project).stats.parsed == 2


def test_entry_of_another_class_is_a_miss_and_never_runs_code(project: Path, tmp_path: Path) -> None:
    run(project)
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    for entry in entry_files(project):
        entry.write_bytes(pickle.dumps(Exploit()))
    assert run(project).stats.parsed == 3
    assert not marker.exists()
    with pytest.raises(DecodeError):
        load_blob(pickle.dumps(Exploit()))


def test_entry_for_another_file_is_refused(project: Path) -> None:
    settings = Settings(root=project)
    cache = FactsCache.open(project, settings)
    facts = extract_module_facts("proj/other.py", "proj.other", False, b"")
    cache.store("k", dump_facts(facts))
    assert cache.load("k", "proj/tasks.py", "proj.tasks", False) is None
    assert cache.load("k", "proj/other.py", "proj.other", False) == facts


def test_entries_of_vanished_files_are_pruned(project: Path) -> None:
    run(project)
    assert len(entry_files(project)) == 3
    (project / "proj/tasks.py").unlink()
    run(project)
    assert len(entry_files(project)) == 2


def test_superseded_entry_of_an_edited_file_is_pruned(project: Path) -> None:
    run(project)
    (project / "proj/tasks.py").write_text("x = 1\n", encoding="utf-8")
    run(project)
    assert len(entry_files(project)) == 3


def test_only_stale_temporary_files_are_pruned(project: Path) -> None:
    run(project)
    fresh = entries_dir(project) / f".tmp-fresh{ENTRY_SUFFIX}"
    stale = entries_dir(project) / f".tmp-stale{ENTRY_SUFFIX}"
    for leftover in (fresh, stale):
        leftover.write_bytes(b"partial")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    run(project)
    assert fresh.exists() and not stale.exists()


def test_namespaces_of_other_versions_are_pruned_once_stale(project: Path) -> None:
    run(project)
    cache_dir = project / ".celerylint_cache"
    stale = cache_dir / f"{NAMESPACE_PREFIX}old"
    recent = cache_dir / f"{NAMESPACE_PREFIX}recent"
    for directory in (stale, recent):
        directory.mkdir()
        (directory / f"x{ENTRY_SUFFIX}").write_bytes(b"")
    old = time.time() - STALE_NAMESPACE_SECONDS - 60
    os.utime(stale, (old, old))
    run(project)
    assert recent.exists() and not stale.exists()


def test_cache_directory_ignores_itself(project: Path) -> None:
    run(project)
    assert (project / ".celerylint_cache/.gitignore").read_text() == "*\n"


def test_cache_in_the_project_root_never_writes_an_ignore_all_file(project: Path) -> None:
    run(project, cache_dir=".")
    assert not (project / ".gitignore").exists()
    assert run(project, cache_dir=".").stats.cached == 3


def test_unwritable_cache_directory_runs_without_cache(project: Path) -> None:
    (project / "not-a-dir").write_text("a file where the cache should go\n")
    first = run(project, cache_dir="not-a-dir/cache")
    second = run(project, cache_dir="not-a-dir/cache")
    assert (second.stats.parsed, second.stats.cached) == (3, 0)
    assert second.facts == first.facts
    assert any("not writable" in note for note in second.stats.notes)


def test_cache_off_writes_nothing(project: Path) -> None:
    result = run(project, use_cache=False)
    assert result.stats.parsed == 3
    assert not (project / ".celerylint_cache").exists()


def test_clear_cache_removes_only_what_celerylint_wrote(project: Path) -> None:
    run(project)
    assert clear_cache(project, Settings(root=project))
    assert not (project / ".celerylint_cache").exists()
    assert not clear_cache(project, Settings(root=project))


def test_clear_cache_keeps_foreign_files_in_a_shared_directory(project: Path) -> None:
    (project / "shared").mkdir()
    (project / "shared/notes.txt").write_text("mine\n")
    (project / "shared/.gitignore").write_text("*.log\n")
    run(project, cache_dir="shared")
    assert clear_cache(project, Settings(root=project, cache_dir="shared"))
    assert sorted(p.name for p in (project / "shared").iterdir()) == [".gitignore", "notes.txt"]
    assert (project / "shared/.gitignore").read_text() == "*.log\n"


_CHILD = """
import sys
from pathlib import Path
from celerylint.discovery import discover
from celerylint.settings import Settings
from celerylint.source.pool import extract
root = Path(sys.argv[1])
for _ in range(3):
    result = extract(Settings(root=root, jobs=1), discover(root, (), ()), {})
    assert len(result.facts) == 40, result.stats
print(sorted((p, len(f.imports)) for p, f in result.facts.items()))
"""


def test_two_processes_can_share_the_cache(tmp_path: Path) -> None:
    files = {f"pkg/mod{i}.py": f"import os\nfrom pkg import mod{(i + 1) % 40}\n" for i in range(40)}
    root = write_tree(tmp_path / "shared", {"pkg/__init__.py": "", **files})
    (root / "pkg/__init__.py").unlink()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    children = [subprocess.Popen([sys.executable, "-c", _CHILD, str(root)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
    outputs = [child.communicate(timeout=300) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    assert outputs[0][0] == outputs[1][0]
    after = run(root)
    assert (after.stats.parsed, after.stats.cached) == (0, 40)
