"""The rule catalog: what a run knows of a rule without importing it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT, write_tree

from celerylint.rules.catalog import catalog, entry_of, table_source
from celerylint.rules.registry import all_rules, select_entries, select_rules

TABLE = REPO_ROOT / "src/celerylint/rules/catalog_table.py"


def test_the_generated_table_matches_the_rule_classes() -> None:
    """Regenerate with ``python -m celerylint.rules.catalog_write`` after changing a rule."""
    assert TABLE.read_text(encoding="utf-8") == table_source(all_rules())
    assert catalog() == tuple(entry_of(rule) for rule in all_rules())


def test_entries_load_their_rule_class() -> None:
    for entry, rule in zip(catalog(), all_rules()):
        assert entry.load() is rule
        assert entry.meta() == rule.meta()


def test_selection_from_the_catalog_equals_selection_from_the_classes() -> None:
    cases = [(None, (), ()), (["ALL"], (), ["CEL7"]), (None, ["CEL710"], []),
             (["CEL1", "missing-module"], ["CEL3"], ["CEL101", "CEL30"])]
    for select, extend, ignore in cases:
        for preview in (False, True):
            assert [e.code for e in select_entries(select, extend, ignore, preview)] == \
                [r.code for r in select_rules(select, extend, ignore, preview)]


_AFTER_AN_EDIT = """
import json, sys
from pathlib import Path
from celerylint import api
from celerylint.settings import load_settings
result = api.run(load_settings([Path(sys.argv[1])], None, {}), replay=True)
print(json.dumps({"recomputed": result.recomputed,
                  "rule_modules": sorted(m for m in sys.modules
                                         if m.startswith("celerylint.rules.")
                                         and m.count(".") >= 3)}))
"""


def test_an_unrelated_edit_imports_only_the_rules_it_runs_again(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "proj/__init__.py": "",
        "proj/celery.py": "from celery import Celery\napp = Celery('proj', broker='redis://')\n",
        "proj/tasks.py": "from proj.celery import app\n\n@app.task\ndef add(x, y):\n    return x + y\n",
        "proj/util.py": "VALUE = 1\n",
    })

    def run() -> dict[str, list[str]]:
        done = subprocess.run([sys.executable, "-c", _AFTER_AN_EDIT, str(root)],
                              capture_output=True, text=True, check=True, timeout=300)
        return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]

    first = run()
    assert len(first["rule_modules"]) > 20  # the first run runs every rule
    (root / "proj/util.py").write_text("# an edit\nVALUE = 1\n")
    again = run()
    rerun = {entry.split()[0] for entry in again["recomputed"]}
    by_code = {entry.code: entry.module for entry in catalog()}
    assert rerun and all(" proj/util.py" in entry for entry in again["recomputed"])
    assert set(again["rule_modules"]) >= {by_code[code] for code in rerun}
    # No project rule re-runs after this edit, so none of their modules (which import the
    # Celery model, deployments and env files) is imported.
    # (CEL002's module excepted: the run itself lists the noqa comments with it.)
    project_rules = {entry.module for entry in catalog()
                     if entry.kind == "project" and entry.code != "CEL002"}
    assert not project_rules & set(again["rule_modules"])
