"""Every rule doc is executable: Bad examples produce exactly their marked findings,
Good examples produce none. The meta-tests keep docs and registry in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from celerylint.docs import REQUIRED_SECTIONS, load_docs
from celerylint.rules.registry import all_rules
from celerylint.testing import check_example, expected_findings

DOCS = load_docs()
CASES = [
    pytest.param(doc, example, id=f"{code}-{doc.name}-{example.section}-{index}")
    for code, doc in sorted(DOCS.items())
    for index, example in enumerate(doc.examples)
]


@pytest.mark.parametrize(("doc", "example"), CASES)
def test_doc_example(doc, example, tmp_path: Path) -> None:
    problems = check_example(doc, example, tmp_path)
    assert not problems, f"{doc.path} {example.section} {example.heading!r}:\n" + "\n".join(problems)


def test_every_rule_has_a_doc() -> None:
    missing = [f"{r.code} {r.name}" for r in all_rules() if r.code not in DOCS]
    assert not missing, f"rules without a doc in rules/: {missing}"


def test_every_doc_names_a_registered_rule() -> None:
    registered = {r.code: r for r in all_rules()}
    for code, doc in DOCS.items():
        assert code in registered, f"{doc.path} documents unknown rule {code}"
        assert registered[code].name == doc.name, f"{doc.path}: name differs from the rule's"
        assert doc.path.endswith(f"/{doc.name}.md"), f"{doc.path}: file must be named {doc.name}.md"


@pytest.mark.parametrize("code", sorted(DOCS))
def test_doc_structure(code: str) -> None:
    doc = DOCS[code]
    for section in REQUIRED_SECTIONS:
        assert section in doc.sections, f"{doc.path} lacks a '## {section}' section"
    bad = [e for e in doc.examples if e.section == "Bad"]
    good = [e for e in doc.examples if e.section == "Good"]
    assert bad and good, f"{doc.path} needs Bad and Good examples"
    for example in bad:
        marked = {e for e in expected_findings(example) if e.code == code}
        assert marked, f"{doc.path}: a Bad example marks no {code} finding"
    for example in doc.examples:
        for block in example.blocks:
            assert block.title or block.language == "expect", (
                f"{doc.path}: every code block needs title=\"path\" (line {block.first_line})")


def test_codes_and_names_unique() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


def test_doc_paths_read_from_title_lines_match_the_parsed_docs() -> None:
    from celerylint.docs import doc_paths, load_docs

    assert doc_paths() == {code: doc.path for code, doc in load_docs().items()}
    assert len(doc_paths()) == len(all_rules())
