"""The rule registry: identities are well formed and unique, selection follows ruff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint.cli import main
from celerylint.findings import Severity
from celerylint.rules.base import CODE_PATTERN, NAME_PATTERN, ModuleRule, ProjectRule, Rule
from celerylint.rules.registry import (
    RegistryError,
    _check_identities,
    all_rules,
    find_rule,
    select_rules,
    unknown_selectors,
)


def codes(rules: list[type[Rule]]) -> set[str]:
    return {rule.code for rule in rules}


def test_every_rule_has_a_well_formed_identity() -> None:
    rules = all_rules()
    assert rules, "no rules found"
    for rule in rules:
        assert issubclass(rule, (ModuleRule, ProjectRule))
        assert CODE_PATTERN.match(rule.code), rule
        assert NAME_PATTERN.match(rule.name), rule
        assert isinstance(rule.severity, Severity), rule
        assert rule.summary.strip(), rule
    assert [r.code for r in rules] == sorted(r.code for r in rules)


def test_foundation_rules_are_registered() -> None:
    assert {"CEL001", "CEL701", "CEL702", "CEL703", "CEL704"} <= codes(list(all_rules()))


@pytest.mark.parametrize("key", ["CEL701", "cel701", " CEL701 ", "missing-module"])
def test_find_rule_by_code_or_name(key: str) -> None:
    rule = find_rule(key)
    assert rule is not None and rule.code == "CEL701"


@pytest.mark.parametrize("key", ["CEL999", "missing", "CEL70", ""])
def test_find_rule_unknown(key: str) -> None:
    assert find_rule(key) is None


# --- selection ------------------------------------------------------------------------------

def test_default_selection_is_every_default_enabled_rule() -> None:
    expected = {r.code for r in all_rules() if r.default_enabled and not r.preview}
    assert codes(select_rules(None, (), ())) == expected


@pytest.mark.parametrize(("select", "extend", "ignore", "expected"), [
    (["CEL701"], [], [], {"CEL701"}),
    (["missing-module"], [], [], {"CEL701"}),
    (["CEL70"], [], ["CEL704"], {"CEL701", "CEL702", "CEL703"}),
    (["CEL701"], ["CEL001"], [], {"CEL001", "CEL701"}),
    (["CEL7"], [], ["CEL7"], set()),  # equally specific: ignore wins
    (["CEL701"], [], ["CEL7"], {"CEL701"}),  # the more specific selector wins
    (["CEL70"], [], ["missing-module", "CEL702", "CEL703", "CEL704"], set()),
    (["ALL"], [], ["CEL"], set()),
])
@pytest.mark.usefixtures("preview_rules_as_stable")
def test_select_extend_and_ignore(select: list[str], extend: list[str], ignore: list[str],
                                  expected: set[str]) -> None:
    chosen = codes(select_rules(select, extend, ignore))
    assert chosen & {"CEL001", "CEL701", "CEL702", "CEL703", "CEL704"} == expected
    assert chosen <= {r.code for r in all_rules()}


def test_select_all_is_every_stable_rule_and_with_preview_every_rule() -> None:
    assert codes(select_rules(["ALL"], (), ())) == {r.code for r in all_rules() if not r.preview}
    assert codes(select_rules(["ALL"], (), (), preview=True)) == {r.code for r in all_rules()}
    assert any(r.preview for r in all_rules())  # otherwise the first line proves nothing


def test_ignore_without_select_removes_from_the_defaults() -> None:
    chosen = codes(select_rules(None, (), ["CEL7"]))
    assert not any(code.startswith("CEL7") for code in chosen)
    assert "CEL001" in chosen


def test_unknown_selectors() -> None:
    assert unknown_selectors(["CEL701", "CEL7", "cel70", "missing-module", "ALL", "CEL"]) == []
    assert unknown_selectors(["CEL999", "C", "missing-modules", "CEL7011", "E501"]) == [
        "CEL999", "C", "missing-modules", "CEL7011", "E501"]


# --- identity checks --------------------------------------------------------------------------

def fake_rule(code: str, name: str, old_names: tuple[str, ...] = ()) -> type[Rule]:
    """A Rule that is neither a ModuleRule nor a ProjectRule, so the registry never sees it."""

    class Fake(Rule):
        pass

    Fake.code, Fake.name, Fake.old_names = code, name, old_names
    Fake.severity, Fake.summary = Severity.ERROR, "fake"
    Fake.__name__ = f"Fake{code}"  # error messages and collisions go by class name
    return Fake


@pytest.mark.parametrize(("rules", "message"), [
    ([("CEL1", "short-code")], "not CEL \\+ 3 digits"),
    ([("CEL100", "Not_Kebab")], "not kebab-case"),
    ([("CEL100", "one"), ("CEL100", "two")], "CEL100 is used by both"),
    ([("CEL100", "same"), ("CEL101", "same")], "same is used by both"),
])
def test_bad_identities_are_refused(rules: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        _check_identities([fake_rule(code, name) for code, name in rules])


def test_old_name_may_not_collide_with_another_rule() -> None:
    with pytest.raises(RegistryError, match="old name"):
        _check_identities([fake_rule("CEL100", "taken"), fake_rule("CEL101", "new", ("taken",))])
    _check_identities([fake_rule("CEL100", "current", ("former",))])  # its own old name: fine



# --- preview rules (ruff's semantics) ---------------------------------------------------------

@pytest.fixture
def preview_cel701(monkeypatch: pytest.MonkeyPatch) -> None:
    """CEL701 as if it were a preview rule: not yet measured on the precision benchmark."""
    monkeypatch.setattr(find_rule("CEL701"), "preview", True)


@pytest.mark.usefixtures("preview_cel701")
@pytest.mark.parametrize(("select", "extend", "preview", "chosen"), [
    (None, [], False, False),  # not in the default set
    (None, [], True, True),  # preview mode: in the default set
    (["CEL7"], [], False, False),  # a prefix does not reach it
    (["CEL7"], [], True, True),
    (["ALL"], [], False, False),  # nor does ALL
    (["ALL"], [], True, True),
    (["CEL701"], [], False, True),  # the exact code does
    (["cel701"], [], False, True),
    (["missing-module"], [], False, True),  # and so does the exact name
    (None, ["CEL701"], False, True),
    (None, ["CEL70"], False, False),
])
def test_preview_rules_need_preview_mode_or_an_exact_selection(
        select: list[str] | None, extend: list[str], preview: bool, chosen: bool) -> None:
    assert ("CEL701" in codes(select_rules(select, extend, (), preview))) is chosen


@pytest.mark.usefixtures("preview_cel701")
def test_preview_mode_does_not_change_stable_rules() -> None:
    stable = {r.code for r in all_rules()
              if r.default_enabled and not r.preview and r.code != "CEL701"}
    previews = {r.code for r in all_rules() if r.default_enabled and r.preview}
    assert codes(select_rules(None, (), ())) == stable
    assert codes(select_rules(None, (), (), preview=True)) == stable | previews
    assert codes(select_rules(["CEL7"], (), ["CEL701"], preview=True)) & {"CEL701"} == set()


def test_every_rule_has_a_status() -> None:
    for rule in all_rules():
        assert rule.meta().status == ("preview" if rule.preview else "stable")


@pytest.mark.usefixtures("preview_cel701")
def test_preview_mode_from_the_command_line_and_the_config(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path / "p", {"pkg/__init__.py": "", "pkg/a.py": "import pkg.gone\n"})

    def reported(*args: str) -> bool:
        main(["check", "--no-cache", "--format", "json", *args, str(root)])
        return any(item["code"] == "CEL701" for item in json.loads(capsys.readouterr().out))

    assert not reported()
    assert reported("--preview")
    assert reported("--select", "CEL701")
    (root / "pyproject.toml").write_text("[tool.celerylint]\npreview = true\n", encoding="utf-8")
    assert reported()
    assert not reported("--no-preview")
