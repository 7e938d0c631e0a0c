"""The one place hygiene findings are judged by what Celery runs.

A rule that declares ``hygiene = True`` (imports, commented-out code, env files)
speaks by default only about modules and files a Celery process loads or reads.
Its in-scope findings on a Python module gain a sentence naming the process, the
import chain and the consequence; the rest are dropped and counted for
``--verbose``. ``scope = "project"`` keeps every finding, unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celerylint.findings import Finding

if TYPE_CHECKING:
    from celerylint.project.model import Project
    from celerylint.project.process_scope import LoadingChain, ProcessScope
    from celerylint.rules.base import Rule
    from celerylint.rules.catalog import RuleSource

PROJECT_SCOPE = "project"


@dataclass(frozen=True)
class ScopeJudgement:
    kept: list[Finding]
    out_of_scope: int  # hygiene findings about code no Celery process loads


def judge_scope(findings: Iterable[Finding], rules: Mapping[str, "Rule | RuleSource"],
                project: "Project",
                known: MutableMapping[str, str | None] | None = None) -> ScopeJudgement:
    """Drop hygiene findings outside what Celery runs; say how Celery reaches the rest.

    A verdict depends only on the rule and the finding's path: ``known`` maps
    ``"CODE path"`` to the sentence added (None: dropped), read first and filled in,
    so a run whose model inputs did not change never builds the process scope."""
    findings = list(findings)
    if project.settings.scope == PROJECT_SCOPE or not any(
            _is_hygiene(f, rules) for f in findings):
        return ScopeJudgement(findings, 0)
    known = {} if known is None else known
    scope: ProcessScope | None = None
    kept: list[Finding] = []
    dropped = 0
    for finding in findings:
        rule = rules.get(finding.code)
        if rule is None or not rule.hygiene:
            kept.append(finding)
            continue
        key = f"{finding.code} {finding.path}"
        if key not in known:
            scope = scope or project.process_scope()
            known[key] = _added_sentence(finding, _instance(rule), scope)
        added = known[key]
        if added is None:
            dropped += 1
        else:
            kept.append(dataclasses.replace(finding, message=finding.message + added)
                        if added else finding)
    return ScopeJudgement(kept, dropped)


def _instance(rule: "Rule | RuleSource") -> "Rule":
    """A rule object to ask, from a rule, its class, or its catalog entry (imported only
    when a verdict is not known already)."""
    from celerylint.rules.base import Rule
    from celerylint.rules.catalog import rule_class

    return rule if isinstance(rule, Rule) else rule_class(rule)()


def _added_sentence(finding: Finding, rule: "Rule", scope: "ProcessScope") -> str | None:
    """None when the finding is out of scope, else what ``with_loading_chain`` adds."""
    if not rule.judged_in_scope(finding, scope):
        return None
    return with_loading_chain(finding, rule, scope).message[len(finding.message):]


def _is_hygiene(finding: Finding, rules: Mapping[str, "Rule"]) -> bool:
    rule = rules.get(finding.code)
    return rule is not None and rule.hygiene


def with_loading_chain(finding: Finding, rule: "Rule", scope: "ProcessScope") -> Finding:
    """The finding, its message extended with the process that loads its module."""
    if scope.whole_project:
        return finding
    loading = scope.loading_chain_of_path(finding.path)
    if loading is None:
        return finding
    return dataclasses.replace(finding, message=f"{finding.message} "
                               f"{loading_sentence(loading, rule.process_consequence)}")


def loading_sentence(loading: "LoadingChain", consequence: str = "") -> str:
    """``celery -A proj worker` in docker-compose.yml imports proj.tasks → proj.llm: the
    worker fails at start-up.`` (the consequence is the rule's)."""
    text = loading.describe()
    if consequence:
        text += ": " + consequence.format(process=loading.process.kind)
    return text[0].upper() + text[1:] + "." if text[0].isalpha() else text + "."
