"""The README stays true: its Quick start is what CI runs, and it lists every rule."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

from celerylint.rules.registry import all_rules

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the Quick start needs a bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_exactly_two_commands() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "celerylint check fixtures/demo" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci_script = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci_script.splitlines()


def test_readme_lists_every_rule() -> None:
    missing = [r.code for r in all_rules() if f"`{r.code}` | `{r.name}`" not in README]
    assert not missing, f"README rule table lacks {missing}"


def test_readme_rule_table_shows_each_rule_status_and_precision() -> None:
    from celerylint.docs import readme_rule_table

    assert readme_rule_table() in README, (
        "README's rule table is stale: paste celerylint.docs.readme_rule_table()")
