"""Rule findings stored between runs and replayed while the rule's declared inputs hold.

A project rule's entry is keyed on the digests of its ``inputs``; a module rule's
entries are keyed per file on that file's bytes and the digests of its ``inputs``. An
entry whose findings are in, or name, a file that changed since it was stored is
recomputed, since the Python input leaves out the positions of unrelated files. A
rule with ``inputs = None`` runs every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from celerylint.findings import Finding
from celerylint.rule_inputs import InputDigests, Mentions, RuleInput
from celerylint.rules.base import ModuleRule, ProjectRule, Rule
from celerylint.rules.catalog import BOTH, PROJECT, CatalogEntry, RuleSource, entry_of, rule_class
from celerylint.run_cache import RunInputs, RunStore, inventory_digest, key_of
from celerylint.run_records import CorruptEntry, decode_findings, encode_finding

if TYPE_CHECKING:
    from celerylint.project.model import Project

NOTES = "notes"  # entry names beside the rule codes
SCOPE = "scope"


class RuleCache:
    """One run's view of the stored rule findings; ``recomputed`` says what really ran."""

    def __init__(self, store: RunStore, inputs: RunInputs, project: Project,
                 fresh: Mapping[str, list[str]] | None = None) -> None:
        """``fresh``: per-file digests made where this run parsed the files."""
        self.store = store
        stored = store.load_rules()
        previous = stored.get("hashes")
        previous = previous if isinstance(previous, dict) else {}
        changed = {path for path in {*previous, *inputs.hashes}
                   if previous.get(path) != inputs.hashes.get(path)}
        # A message may name a changed file by its module rather than its path.
        modules = sorted(f.module for f in project.inventory.python
                         if f.path in changed and f.module)
        self.changed = Mentions(changed, modules)
        known_files = stored.get("files")
        known_text = stored.get("text")
        self.digests = InputDigests(project, inputs.hashes,
                                    known_files if isinstance(known_files, dict) else {}, fresh,
                                    known_text if isinstance(known_text, dict) else {})
        entries = stored.get("rules")
        self.entries: dict[str, Any] = entries if isinstance(entries, dict) else {}
        self.hashes = inputs.hashes
        self.base = key_of(inputs.environment, inputs.settings, inputs.listing,
                           inventory_digest(project.inventory))
        self.recomputed: list[str] = []  # codes, and "CODE path" for module rules
        self.ran: set[str] = set()  # only these entries are checked against today's files

    def findings(self, rule: RuleSource, project: Project) -> list[Finding]:
        """The rule's findings, replayed when its inputs are unchanged, else computed
        (only then is a catalog entry's rule class imported)."""
        entry = rule if isinstance(rule, CatalogEntry) else entry_of(rule)
        declared = entry.inputs
        self.ran.add(entry.code)
        if declared is None or entry.kind == BOTH:
            self.recomputed.append(entry.code)
            self.entries.pop(entry.code, None)
            return _computed(rule_class(rule)(), project)
        inputs_key = key_of(self.base, entry.code,
                            [self.digests.digest(which) for which in sorted(declared)])
        if entry.kind == PROJECT:
            return self._project_rule(rule, entry.code, project, inputs_key)
        return self._module_rule(rule, entry.code, project, inputs_key)

    # The model's other products: notes and hygiene scope verdicts, keyed like a rule
    # that reads the whole project.

    def _model_key(self) -> str:
        return key_of(self.base, "model", [self.digests.digest(RuleInput.PYTHON),
                                           self.digests.digest(RuleInput.OTHER_FILES)])

    def notes(self, compute: Callable[[], list[str]]) -> list[str]:
        """The model's notes for --verbose, replayed while the project's inputs hold."""
        self.ran.add(NOTES)
        key = self._model_key()
        entry = self.entries.get(NOTES)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == key \
                and isinstance(entry[1], list) and all(isinstance(n, str) for n in entry[1]) \
                and not any(self.changed.named_in(note) for note in entry[1]):
            return list(entry[1])
        self.recomputed.append(NOTES)
        found = compute()
        self.entries[NOTES] = [key, found]
        return found

    def model_count(self, name: str, compute: Callable[[], int]) -> int:
        """A number the model yields (how many settings modules Celery runs with),
        replayed while the project's inputs hold, so asking never builds the model."""
        self.ran.add(name)
        key = self._model_key()
        entry = self.entries.get(name)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == key \
                and type(entry[1]) is int:
            return int(entry[1])
        self.recomputed.append(name)
        found = compute()
        self.entries[name] = [key, found]
        return found

    def scope_verdicts(self) -> dict[str, str | None]:
        """``"CODE path"`` -> the sentence scope judgement adds (None: out of scope); the
        caller fills in what is missing, and ``save`` keeps it."""
        self.ran.add(SCOPE)
        key = self._model_key()
        entry = self.entries.get(SCOPE)
        known: dict[str, str | None] = {}
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == key \
                and isinstance(entry[1], dict):
            known = {k: v for k, v in entry[1].items() if isinstance(k, str)
                     and (v is None or (isinstance(v, str)
                                        and not self.changed.named_in(v)))}
        self.entries[SCOPE] = [key, known]
        return known

    def _replayable(self, entry: Any, key: str) -> list[Finding] | None:
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != key:
            return None
        try:
            found = decode_findings(entry[1])
        except (CorruptEntry, ValueError, TypeError):
            return None
        if self.changed and any(self.changed.finding(finding) for finding in found):
            return None
        return found

    def _project_rule(self, rule: RuleSource, code: str, project: Project,
                      key: str) -> list[Finding]:
        found = self._replayable(self.entries.get(code), key)
        if found is None:
            self.recomputed.append(code)
            checker = rule_class(rule)()
            assert isinstance(checker, ProjectRule)
            found = list(checker.check_project(project))
        self.entries[code] = [key, [encode_finding(f) for f in found]]
        return found

    def _module_rule(self, rule: RuleSource, code: str, project: Project,
                     key: str) -> list[Finding]:
        stored = self.entries.get(code)
        checker: ModuleRule | None = None  # made when a file must be checked again
        stored = stored if isinstance(stored, dict) else {}
        kept: dict[str, Any] = {}
        found: list[Finding] = []
        for path in sorted(project.facts_by_path):  # a replayed file's facts stay unread
            file_key = key_of(key, path, self.hashes.get(path, ""))
            of_file = self._replayable(stored.get(path), file_key)
            if of_file is None:
                self.recomputed.append(f"{code} {path}")
                if checker is None:
                    made = rule_class(rule)()
                    assert isinstance(made, ModuleRule)
                    checker = made
                of_file = list(checker.check_module(project.facts_by_path[path], project))
            kept[path] = [file_key, [encode_finding(f) for f in of_file]]
            found.extend(of_file)
        self.entries[code] = kept
        return found

    def forget(self, codes: Iterable[str]) -> None:
        """Rules that crashed: nothing of theirs is kept."""
        for code in codes:
            self.entries.pop(code, None)

    def save(self) -> None:
        entries = {code: entry for code, entry in self.entries.items() if code in self.ran}
        self.store.save_rules({"hashes": self.hashes, "files": self.digests.per_file,
                               "text": self.digests.text_table, "rules": entries})


def _computed(rule: Rule, project: Project) -> list[Finding]:
    found: list[Finding] = []
    if isinstance(rule, ProjectRule):
        found.extend(rule.check_project(project))
    if isinstance(rule, ModuleRule):
        for facts in project.python_facts():
            found.extend(rule.check_module(facts, project))
    return found
