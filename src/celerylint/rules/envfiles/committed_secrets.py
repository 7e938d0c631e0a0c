"""CEL606/CEL607: real secrets committed in env files, and a .env git does not ignore."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celerylint.findings import Finding, Severity
from celerylint.project.environment.env_model import env_model
from celerylint.project.environment.envfiles import EnvFile
from celerylint.project.git_status import is_committed, is_ignored, is_tracked
from celerylint.rules.base import WITH_GIT, ProjectRule
from celerylint.secrets import (
    looks_like_placeholder,
    looks_like_secret_key,
    looks_like_secret_value,
)
from celerylint.source.facts import Span

if TYPE_CHECKING:
    from celerylint.project.model import Project


_USER_KEY_TOKENS = frozenset({"USER", "USERNAME", "LOGIN"})
# A comment that says the file's credentials are a throwaway demo stack's.
# Searched in the text after a line's first '#': one pattern with a leading "#.*" backtracks
# quadratically on a long line of '#' (a hostile or generated file).
_DEMO_NOTE = re.compile(
    r"\b(demo|for (local )?development only|local development only|dev(elopment)? only|"
    r"not (for|in|to be used in) production|never use in production|insecure|testing only)\b",
    re.IGNORECASE,
)


def _url_password(value: str) -> bool:
    from celerylint.project.urls.broker_urls import parse_broker_url
    from celerylint.project.urls.url_parts import split_url, split_userinfo

    if "://" not in value:
        return False
    parsed = parse_broker_url(value)
    parts = split_url(value)
    username, password = split_userinfo(parts.userinfo if parts else None)
    return parsed.has_password and not parsed.password_is_placeholder and password != username


def _user_names(env_file: EnvFile) -> set[str]:
    """Values of the file's user-name keys: a password equal to one is a demo default."""
    return {entry.value for entry in env_file.entries if entry.value
            and _USER_KEY_TOKENS.intersection(re.split(r"[^A-Z0-9]+", entry.key.upper()))}


def _documented_as_demo(project: "Project", path: str) -> bool:
    data = project.read_bytes(path)
    if data is None:
        return False
    lines = data.decode("utf-8", "replace").splitlines()
    return any(_DEMO_NOTE.search(line.partition("#")[2]) for line in lines if "#" in line)


def _holds_secret(key: str, value: str, user_names: set[str]) -> bool:
    if _url_password(value):
        return True
    return (looks_like_secret_key(key) and bool(value) and not looks_like_placeholder(value)
            and looks_like_secret_value(value) and value not in user_names)


class CommittedSecret(ProjectRule):
    code = "CEL606"
    inputs = WITH_GIT
    name = "committed-secret"
    severity = Severity.WARNING
    summary = "A committed (non-example) env file holds a real-looking password, token or key."
    preview = True  # below 95 % on the precision benchmark: see its doc's Known limits

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for env_file in env_model(project).files:
            if env_file.is_example or not is_committed(project.root, env_file.path):
                continue
            if _documented_as_demo(project, env_file.path):
                continue  # a demo stack's throwaway credentials, said so in the file
            user_names = _user_names(env_file)
            for entry in env_file.entries:
                if not _holds_secret(entry.key, entry.value or "", user_names):
                    continue
                yield self.finding(
                    env_file.path, Span(entry.line, entry.column, entry.line, entry.column),
                    f"'{entry.key}' holds a real-looking secret (value hidden) in a file that is "
                    "committed: everyone with the repository has it, and rotating it needs a "
                    "deploy.",
                    fix_hint="Move it to a secret store or an untracked .env, and commit an "
                    "example file with a placeholder; rotate the leaked value.",
                    subjects=(entry.key,),
                )


class EnvFileNotIgnored(ProjectRule):
    code = "CEL607"
    inputs = WITH_GIT
    name = "env-file-not-ignored"
    severity = Severity.WARNING
    summary = "A local .env file is not listed in .gitignore, so secrets end up committed."
    preview = True  # below 95 % on the precision benchmark: see its doc's Known limits

    def check_project(self, project: "Project") -> Iterator[Finding]:
        for env_file in env_model(project).files:
            name = env_file.path.rsplit("/", 1)[-1]
            if name != ".env" and not (name.startswith(".env.") and name.endswith(".local")):
                continue
            if is_ignored(project.root, env_file.path) or is_tracked(project.root, env_file.path):
                continue  # a tracked file is committed on purpose: committed-secret judges it
            yield self.finding(
                env_file.path, Span(1, 1, 1, 1),
                f"{env_file.path} is not ignored by git: the next 'git add .' commits every "
                "local secret in it.",
                fix_hint="Add '.env' to .gitignore (and commit a .env.example instead).",
                subjects=(env_file.path,),
            )
