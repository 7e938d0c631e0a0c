"""The rule registry: identities are well formed and unique, selection follows ruff."""

from __future__ import annotations

import pytest

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
    expected = {r.code for r in all_rules() if r.default_enabled}
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
def test_select_extend_and_ignore(select: list[str], extend: list[str], ignore: list[str],
                                  expected: set[str]) -> None:
    chosen = codes(select_rules(select, extend, ignore))
    assert chosen & {"CEL001", "CEL701", "CEL702", "CEL703", "CEL704"} == expected
    assert chosen <= {r.code for r in all_rules()}


def test_select_all_is_every_rule() -> None:
    assert codes(select_rules(["ALL"], (), ())) == {r.code for r in all_rules()}


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

