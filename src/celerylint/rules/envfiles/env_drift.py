"""CEL604: sibling env files that disagree on a variable a Celery process needs."""

from __future__ import annotations

import itertools
import posixpath
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.environment.env_model import EnvModel, _join, env_model, service_env_files
from celerylint.project.environment.envfiles import EnvFile, sibling_key
from celerylint.rules.base import WHOLE_PROJECT, ProjectRule
from celerylint.source.facts import CallValue, Const, Span

if TYPE_CHECKING:
    from celerylint.project.model import Project


def sibling_groups(files: list[EnvFile]) -> list[list[EnvFile]]:
    """Files of one family (same place and name but for the environment word)."""
    groups: dict[str, list[EnvFile]] = defaultdict(list)
    for env_file in files:
        if not env_file.problems or env_file.entries:
            groups[sibling_key(env_file.path)].append(env_file)
    result = []
    for members in groups.values():
        kinds = {(f.environment, f.is_example) for f in members}
        if len(members) > 1 and len(kinds) > 1:
            result.append(sorted(members, key=lambda f: f.path))
    return sorted(result, key=lambda g: g[0].path)


def overlay_pairs(model: EnvModel) -> set[frozenset[str]]:
    """Pairs of files one service loads together: the later one overrides, not rivals."""
    pairs: set[frozenset[str]] = set()
    for deployment in model.compose:
        base = deployment.path.rsplit("/", 1)[0] if "/" in deployment.path else ""
        for service in deployment.services:
            loaded = [_join(base, written) for written, _ in service_env_files(service)]
            pairs.update(frozenset(pair) for pair in itertools.combinations(loaded, 2))
    return pairs


# Callees that load an env file into the process (python-dotenv, django-environ).
_LOADERS = frozenset({"load_dotenv", "read_env", "dotenv_values"})
_PATH_KEYWORDS = ("dotenv_path", "env_file", "path")


def _loaded_path(call: CallValue) -> str | None:
    """The literal path a loader call names, if it names one."""
    if call.func.rpartition(".")[2] not in _LOADERS:
        return None
    values = [*call.args[:1], *(call.keyword(name) for name in _PATH_KEYWORDS)]
    for value in values:
        if isinstance(value, Const) and isinstance(value.value, str) and value.value:
            return value.value
    return None


def code_overlay_pairs(project: "Project", model: EnvModel) -> set[frozenset[str]]:
    """Pairs of env files one module loads in turn (``load_dotenv(".env")`` then
    ``load_dotenv(".env.dev", override=True)``): overlays of one process, not rivals.
    A relative path is tried from the project root and from the module's folder."""
    known = {f.path for f in model.files}
    pairs: set[frozenset[str]] = set()
    for facts in project.python_facts():
        folder = facts.path.rsplit("/", 1)[0] if "/" in facts.path else ""
        loaded: list[str] = []
        for fact in facts.calls:
            written = _loaded_path(fact.call)
            if written is None:
                continue
            for candidate in (posixpath.normpath(written),
                              posixpath.normpath(posixpath.join(folder, written))):
                if candidate in known and candidate not in loaded:
                    loaded.append(candidate)
        pairs.update(frozenset(pair) for pair in itertools.combinations(loaded, 2))
    return pairs


def _is_local_override(first: str, second: str) -> bool:
    """``.env.local`` overrides ``.env`` (and ``.env.production.local`` its base)."""
    return first.removesuffix(".local") == second or second.removesuffix(".local") == first


def _keys_listed(keys: list[str]) -> str:
    return ", ".join(keys)


class EnvDrift(ProjectRule):
    code = "CEL604"
    inputs = WHOLE_PROJECT
    name = "env-drift"
    severity = Severity.WARNING
    summary = "Sibling env files (development/production, real/example) disagree on which keys exist."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        model = env_model(project)
        needed = model.keys_celery_needs()
        overlays = overlay_pairs(model) | code_overlay_pairs(project, model)
        for group in sibling_groups(model.files):
            for first, second in itertools.combinations(group, 2):
                if (first.environment, first.is_example) == (second.environment, second.is_example):
                    continue
                if frozenset((first.path, second.path)) in overlays \
                        or _is_local_override(first.path, second.path):
                    continue
                finding = self._pair_finding(first, second, needed)
                if finding is not None:
                    yield finding

    def _pair_finding(self, first: EnvFile, second: EnvFile, needed: set[str]) -> Finding | None:
        only_first = sorted((first.keys() - second.keys()) & needed)
        only_second = sorted((second.keys() - first.keys()) & needed)
        if not only_first and not only_second:
            return None
        where, keys = (first, only_first) if only_first else (second, only_second)
        entry = where.entry(keys[0])
        line = entry.line if entry else 1
        parts = [f"{_keys_listed(only)} only in {f.path}"
                 for f, only in ((first, only_first), (second, only_second)) if only]
        lacking = [f.path for f, only in ((second, only_first), (first, only_second)) if only]
        return self.finding(
            where.path, Span(line, 1, line, 1),
            f"{first.path} and {second.path} disagree on variables a Celery process reads "
            f"without a default: {'; '.join(parts)}. A worker started with "
            f"{' or '.join(lacking)} fails at start-up or runs with Celery's default there "
            "(and an example that lacks a key misleads whoever sets the environment up).",
            fix_hint=f"Add the missing keys to {' and '.join(lacking)} (an empty value "
            "documents a key in an example).",
            subjects=(first.path, second.path),
        )
