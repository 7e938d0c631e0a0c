"""CEL604: a key present in one environment's env file and missing from a sibling's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.env_model import env_model
from celerylint.project.envfiles import EnvFile, sibling_key
from celerylint.rules.base import ProjectRule
from celerylint.source.facts import Span

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


class EnvDrift(ProjectRule):
    code = "CEL604"
    name = "env-drift"
    severity = Severity.WARNING
    summary = "Sibling env files (development/production, real/example) disagree on which keys exist."

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for group in sibling_groups(env_model(project).files):
            all_keys = sorted({k for f in group for k in f.keys()})
            for key in all_keys:
                having = [f for f in group if key in f.keys()]
                lacking = [f for f in group if key not in f.keys()]
                if not lacking:
                    continue
                first = having[0]
                entry = first.entry(key)
                line = entry.line if entry else 1
                yield self.finding(
                    first.path, Span(line, 1, line, 1),
                    f"'{key}' is set in {', '.join(f.path for f in having)} but missing from "
                    f"{', '.join(f.path for f in lacking)}: that environment runs with a "
                    "different configuration (or the example misleads whoever sets it up).",
                    fix_hint=f"Add {key} to {', '.join(f.path for f in lacking)} (an empty "
                    "value documents it in an example).",
                    subjects=(key,),
                )
