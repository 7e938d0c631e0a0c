"""Replaying runs: byte-identical output cold, warm and after edits; what is recomputed.

Recomputation is counted through ``RunResult.recomputed`` (rule codes, and
"CODE path" for module rules; ``["replayed"]`` for a whole replayed run), never
through wall time.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
from tests.conftest import FIXTURES, REPO_ROOT, write_tree

from celerylint import api
from celerylint.cli import main
from celerylint.rule_inputs import Mentions, RuleInput
from celerylint.rules.base import ModuleRule, ProjectRule
from celerylint.rules.registry import all_rules
from celerylint.settings import load_settings

CHECK = ["check", ".", "--preview", "--exit-zero", "--format", "json"]


def _output(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    main([*CHECK, *extra])
    return capsys.readouterr().out


def _run(root: Path) -> api.RunResult:
    settings = load_settings([root], None, {"preview": True})
    return api.run(settings, replay=True)


def _generated(tmp_path: Path) -> Path:
    spec = importlib.util.spec_from_file_location("benchmark_generate",
                                                  REPO_ROOT / "benchmarks/generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate  # its dataclasses look their module up
    spec.loader.exec_module(generate)
    return generate.generate(tmp_path / "synth", 2500, 0).root


@pytest.fixture(params=["demo", "django_shop", "generated"])
def tree(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if request.param == "generated":
        root = _generated(tmp_path)
    else:
        root = tmp_path / request.param
        shutil.copytree(FIXTURES / request.param, root)
    monkeypatch.chdir(root)
    return root


def _python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if ".celerylint_cache" not in p.parts)


def _unrelated(root: Path) -> Path:
    """A Python file that defines no task, app or beat entry."""
    return next(p for p in _python_files(root)
                if not any(word in p.read_text() for word in ("task", "celery", "Celery", "beat")))


def _tasks_module(root: Path) -> Path:
    return next(p for p in _python_files(root) if "task" in p.read_text() and "def " in p.read_text())


def test_output_is_byte_identical_cold_warm_and_after_edits(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    uncached = _output(capsys, "--no-cache")
    assert _output(capsys) == uncached  # fills the cache
    assert _output(capsys) == uncached  # replays the whole run
    for edit in (_unrelated(tree), _tasks_module(tree)):
        edit.write_text("\n\n# an edit that shifts every line\n" + edit.read_text())
        uncached = _output(capsys, "--no-cache")
        assert _output(capsys) == uncached
        assert _output(capsys) == uncached


def test_an_unchanged_tree_is_replayed_whole(tree: Path) -> None:
    assert _run(tree).recomputed != ["replayed"]
    again = _run(tree)
    assert again.recomputed == ["replayed"]
    assert again.project is None


def test_an_unrelated_edit_recomputes_only_that_files_module_rules(tree: Path) -> None:
    _run(tree)
    edited = _unrelated(tree)
    edited.write_text("\n\n# moved down\n" + edited.read_text().replace("\n\n", "\n\n\n"))
    result = _run(tree)
    recomputed = result.recomputed
    rel = edited.relative_to(tree).as_posix()
    assert recomputed, "the edited file's module rules run again"
    assert all(entry.endswith(" " + rel) for entry in recomputed), recomputed
    # Notes and scope verdicts replay too: the Celery model is never built.
    assert result.project is not None
    assert not {"celery", "process_scope"} & set(result.project._extensions)


def test_an_unrelated_edit_reads_only_the_facts_its_rules_look_at(tree: Path) -> None:
    """Facts are decoded from the cache when read: after an unrelated edit, the edited
    file's and those of the first-party modules it imports (its import checks look
    their names up), never the rest of the tree."""
    _run(tree)
    edited = _unrelated(tree)
    edited.write_text("# moved down\n" + edited.read_text())
    result = _run(tree)
    assert result.project is not None
    rel = edited.relative_to(tree).as_posix()
    project = result.project
    imported = {project.module(i.module).path for i in project.facts_by_path[rel].imports
                if project.module(i.module) is not None}
    parents = {project.module(".".join(i.module.split(".")[:n])).path
               for i in project.facts_by_path[rel].imports
               for n in range(1, i.module.count(".") + 1)
               if project.module(".".join(i.module.split(".")[:n])) is not None}
    assert rel in project.facts_by_path.decoded
    assert project.facts_by_path.decoded <= {rel} | imported | parents
    assert len(project.facts_by_path.decoded) < len(project.facts_by_path)


def test_a_comment_that_names_the_broker_does_not_make_a_module_celerys(
        tmp_path: Path) -> None:
    """Relevance words are looked for outside comments: shifting the lines of a plain
    module whose comments talk about the broker re-runs no project rule."""
    root = write_tree(tmp_path / "p", {
        "proj/__init__.py": "",
        "proj/celery.py": "from celery import Celery\napp = Celery('proj', broker='redis://')\n",
        "proj/util.py": "# keep payloads small: the broker pays for them\nLIMIT = 3\n",
    })
    _run(root)
    (root / "proj/util.py").write_text("# an edit\n" + (root / "proj/util.py").read_text())
    recomputed = _run(root).recomputed
    assert recomputed and all(entry.endswith(" proj/util.py") for entry in recomputed)


def test_a_comment_that_names_a_module_re_runs_the_rule_that_reads_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """unregistered-task counts a dispatch only from a module something names, in any text
    (comments too): a comment added to a plain module changes its answer, so the Python
    text input re-runs it, where the facts alone would replay a stale result."""
    from tests.rules.test_registration_evidence import IMPORTERS

    root = write_tree(tmp_path / "p", IMPORTERS)
    monkeypatch.chdir(root)
    assert json.loads(_output(capsys)) == []  # the pivotal sender is wired nowhere
    routers = root / "proj/routers.py"
    routers.write_text(routers.read_text() + "# proj.importers.pivotal.api is wired by hand\n")
    result = _run(root)
    assert "CEL302" in result.recomputed
    assert [(f.code, f.path) for f in result.findings] == [
        ("CEL302", "proj/importers/pivotal/tasks.py")]
    assert _output(capsys) == _output(capsys, "--no-cache")


def test_unused_noqa_is_found_without_reading_unchanged_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """CEL002 lists every directive: an unchanged file's come from the rule cache."""
    root = write_tree(tmp_path / "p", {
        "proj/__init__.py": "",
        "proj/celery.py": "from celery import Celery\napp = Celery('proj')\n",
        "proj/util.py": "LIMIT = 3  # noqa: CEL101\n",
        "proj/other.py": "VALUE = 1\n",
    })
    monkeypatch.chdir(root)
    uncached = _output(capsys, "--no-cache")
    assert [f["code"] for f in json.loads(uncached)] == ["CEL002"]
    _output(capsys)
    (root / "proj/other.py").write_text("# an edit\nVALUE = 1\n")
    result = _run(root)
    assert result.project is not None
    assert "proj/util.py" not in result.project.facts_by_path.decoded
    assert [(f.code, f.path) for f in result.findings] == [("CEL002", "proj/util.py")]
    assert _output(capsys) == _output(capsys, "--no-cache")


def test_the_inventory_is_stored_until_a_file_it_reads_changes(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = api.inventory_of

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "inventory_of", counted)
    fresh = _run(tree)
    assert len(calls) == 1
    edited = _unrelated(tree)
    edited.write_text("# an edit\n" + edited.read_text())
    stored = _run(tree)
    assert len(calls) == 1  # a Python edit leaves module names and roots as they were
    assert fresh.project is not None and stored.project is not None
    assert stored.project.inventory.python == fresh.project.inventory.python
    assert stored.project.inventory.source_roots == fresh.project.inventory.source_roots
    (tree / "setup.cfg").write_text("[options]\npackage_dir =\n    =src\n")
    _run(tree)
    assert len(calls) == 2  # a file the inventory reads changed


def test_editing_a_tasks_module_recomputes_the_rules_that_read_tasks(tree: Path) -> None:
    _run(tree)
    edited = _tasks_module(tree)
    edited.write_text(edited.read_text() + "\n\n@shared_task\ndef added_by_the_test(x):\n"
                      "    return x\n")
    result = _run(tree)
    by_code = {r.code: r for r in all_rules()}
    reading_tasks = {code for code in result.rules if issubclass(by_code[code], ProjectRule)
                     and RuleInput.PYTHON in (by_code[code].inputs or ())}
    assert {"CEL101", "CEL201"} <= reading_tasks <= set(result.recomputed)
    # A module rule that reads only its own file runs again on the edited file alone; one
    # that looks names up in other modules runs again everywhere, as a new name may
    # satisfy another file's import.
    own_file = [e.split(" ", 1) for e in result.recomputed
                if " " in e and by_code[e.split(" ", 1)[0]].inputs == frozenset()]
    assert own_file and {path for _, path in own_file} == {edited.relative_to(tree).as_posix()}


def test_a_rule_that_declares_no_inputs_runs_every_time(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from celerylint.rules import catalog_table

    undeclared = next(r for r in all_rules() if issubclass(r, ProjectRule) and not r.preview)
    monkeypatch.setattr(undeclared, "inputs", None)
    monkeypatch.setattr(catalog_table, "TABLE", tuple(  # the catalog says so too
        (*row[:5], None, *row[6:]) if row[0] == undeclared.code else row
        for row in catalog_table.TABLE))
    _run(tree)
    second = _run(tree)
    assert second.recomputed == [undeclared.code]  # no whole run stored, the rest replayed
    assert _run(tree).recomputed == [undeclared.code]


def test_a_shifted_finding_in_an_unrelated_file_is_not_replayed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The broken file's facts without positions do not change when its lines shift, so
    only the check on findings in changed files keeps CEL001 from replaying line 1."""
    root = write_tree(tmp_path / "p", {
        "proj/__init__.py": "",
        "proj/celery.py": "from celery import Celery\napp = Celery('proj')\n",
        "proj/broken.py": "x = (\n",
    })
    monkeypatch.chdir(root)
    rows = [f["location"]["row"] for f in json.loads(_output(capsys, "--scope", "project"))]
    assert rows == [1]
    (root / "proj/broken.py").write_text("\n\n\nx = (\n")
    rows = [f["location"]["row"] for f in json.loads(_output(capsys, "--scope", "project"))]
    assert rows == [4]
    settings = load_settings([root], None, {"preview": True, "scope": "project"})
    (root / "proj/broken.py").write_text("\nx = (\n")
    assert "CEL001" in api.run(settings, replay=True).recomputed


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "hostile"])
def test_a_damaged_store_is_a_miss(tree: Path, damage: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    uncached = _output(capsys, "--no-cache")
    _output(capsys)
    store = next((tree / ".celerylint_cache").glob("runs-*"))
    for entry in store.glob("*.json"):
        text = entry.read_text()
        entry.write_text({
            "garbage": "\x00\xff not json",
            "truncated": text[: len(text) // 2],
            "foreign": json.dumps({**json.loads(text), "schema": 999})
            if text.startswith("{") else "[]",
            "hostile": _hostile(text),
        }[damage])
    assert _output(capsys) == uncached
    assert _output(capsys) == uncached


def _hostile(text: str) -> str:
    """Right schema and keys, wrong shapes: strings for lists, a pickle for findings."""
    record = json.loads(text)
    if "findings" in record:
        record["findings"] = [["CEL999", 1, None, [], "x", {}, 0, 0, 0, None, None, []]]
        record["rules"] = "cos\nsystem\n(S'echo owned'\ntR."
    if "inventory" in record:
        record["inventory"] = {"python": [["a.py", 1, "x", None]], "roots": "not a list"}
    if "entries" in record:
        record["entries"] = {"hashes": [], "files": {"a.py": [1, 2, 3]},
                             "rules": {"CEL101": ["key", "not findings"]}}
    return json.dumps(record)


def test_module_rules_are_keyed_per_file(tree: Path) -> None:
    module_rules = {r.code for r in all_rules() if issubclass(r, ModuleRule)}
    first = _run(tree).recomputed
    assert {entry.split()[0] for entry in first if " " in entry} <= module_rules


def test_a_changed_module_is_named_only_as_a_whole_dotted_name() -> None:
    changed = Mentions(["proj/util.py"], ["proj.util", "proj"])
    assert changed.named_in("see proj/util.py:3")
    assert changed.named_in("'proj.util' defines it at line 3")
    assert changed.named_in("the package proj is missing")
    assert not changed.named_in("proj.util_old and proj.tasks are fine")
