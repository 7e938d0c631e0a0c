"""The bundled projects: the demos show every rule, the clean project shows none.

fixtures/demo (plain Celery) and fixtures/django_shop (Django settings read with
``namespace="CELERY"``) are the catalogue's living example, so a rule added without an
example in one of them fails here. They are checked as copies outside any git
checkout, the way someone who downloads them sees them: committed-secret and
env-file-not-ignored ask git what is tracked, and in this repository every fixture file
is, which would hide the django_shop ``.env`` that nobody meant to commit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dotenv import dotenv_values
from tests.conftest import FIXTURES

from celerylint import api
from celerylint.cli import main
from celerylint.findings import Finding
from celerylint.report import FORMATS
from celerylint.rules.registry import all_rules, is_default
from celerylint.secrets import split_credentials
from celerylint.settings import Settings

DEMOS = ("demo", "django_shop")
# What django_shop exists for: the mistakes only a Django settings module can make.
DJANGO_ONLY = {"CEL101", "CEL102", "CEL104", "CEL302"}


def _copy(name: str, destination: Path) -> Path:
    root = destination / name
    shutil.copytree(FIXTURES / name, root, ignore=shutil.ignore_patterns(".celerylint_cache"))
    return root


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One copy of each fixture for the whole module: the runs only read them."""
    destination = tmp_path_factory.mktemp("fixtures")
    return {name: _copy(name, destination) for name in (*DEMOS, "clean")}


@pytest.fixture(scope="module")
def findings(copies: dict[str, Path]) -> dict[str, list[Finding]]:
    """Default and preview rules on each copy, as ``celerylint check --preview PATH`` runs
    them: the demos show every rule a user can run without naming it."""
    found: dict[str, list[Finding]] = {}
    for name, root in copies.items():
        result = api.run(Settings(root=root, paths=(root,), use_cache=False, preview=True))
        assert not result.internal_errors, result.internal_errors
        found[name] = result.findings
    return found


def test_the_demos_together_show_every_default_rule(
        findings: dict[str, list[Finding]]) -> None:
    """Every stable rule has an example; nothing opt-in fires even with --preview."""
    fired = {f.code for name in DEMOS for f in findings[name]}
    stable = {rule.code for rule in all_rules() if is_default(rule)}
    runnable = {rule.code for rule in all_rules() if is_default(rule, preview=True)}
    assert sorted(stable - fired) == [], "rules without an example in the demos"
    assert sorted(fired - runnable) == [], "opt-in rules firing by default"


def test_the_default_run_of_the_demo_shows_the_call_disabled_until_its_module_exists(
        copies: dict[str, Path]) -> None:
    """Issue 19: the demo still shows the commented-out ``# from …`` in worker code, without
    --preview, with the process that runs the module without it."""
    root = copies["demo"]
    result = api.run(Settings(root=root, paths=(root,), use_cache=False))
    [finding] = [f for f in result.findings if f.code == "CEL711"]
    assert (finding.path, finding.line, finding.end_line) == ("acme/scheduler/jobs.py", 6, 7)
    assert "Task 'acme.workers.notifications.notify_admins' is never sent" in finding.message
    assert ("`celery -A acme.celery_app worker` in docker-compose.yml imports acme.celery_app"
            " → acme.scheduler → acme.scheduler.jobs") in finding.message
    assert not [f for f in result.findings if f.code == "CEL710"]


def test_django_shop_shows_the_django_settings_mistakes(
        findings: dict[str, list[Finding]]) -> None:
    assert DJANGO_ONLY <= {f.code for f in findings["django_shop"]}


def test_the_clean_project_has_no_finding_and_exits_zero(
        findings: dict[str, list[Finding]], copies: dict[str, Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    assert findings["clean"] == []
    assert main(["check", "--no-cache", str(copies["clean"])]) == 0
    assert "All checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", DEMOS)
def test_every_demo_finding_points_at_a_line_of_its_file(
        name: str, findings: dict[str, list[Finding]], copies: dict[str, Path]) -> None:
    assert findings[name]
    for finding in findings[name]:
        lines = (copies[name] / finding.path).read_text(encoding="utf-8").splitlines()
        assert 1 <= finding.line <= len(lines), finding
        assert lines[finding.line - 1].strip(), f"{finding} points at a blank line"


def _demo_passwords() -> list[str]:
    values = dotenv_values(FIXTURES / "demo" / "config" / "production.env")
    passwords = {split_credentials(v)[1] for v in values.values() if v and "://" in v}
    return sorted(p for p in passwords if p)


@pytest.mark.parametrize("output_format", sorted(FORMATS))
def test_no_output_format_prints_the_demo_passwords(
        output_format: str, copies: dict[str, Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    passwords = _demo_passwords()
    assert passwords, "the demo is meant to hold a committed broker password"
    code = main(["check", "--no-cache", "--format", output_format, str(copies["demo"])])
    output = capsys.readouterr().out
    assert code == 1 and output
    assert [p for p in passwords if p in output] == []
