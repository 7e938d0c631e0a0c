"""What the services will really see: env files, compose environments, and the
variables the code reads, with whether each read has a default and feeds Celery.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from celerylint.project.celery.celery_model import celery_model
from celerylint.project.deploy.deployment_facts import DeploymentFacts, DeploymentKind, ServiceFacts
from celerylint.project.environment.celery_variables import (
    ConfigTarget,
    config_targets,
    target_of,
)
from celerylint.project.environment.envfiles import (
    EnvFile,
    is_env_file_candidate,
    is_example_path,
    parse_env_file,
    reads_as_env_file,
    sibling_key,
)
from celerylint.project.evaluate import EnvValue, plain
from celerylint.project.symbols import SymbolKind
from celerylint.regular_files import read_regular_bytes
from celerylint.source.facts import (
    CallValue,
    ModuleFacts,
    NameRef,
    Span,
    Subscript,
    Value,
)
from celerylint.source.value_walk import preorder_of

if TYPE_CHECKING:
    from celerylint.project.celery.celery_model import CeleryModel
    from celerylint.project.model import Project

# Reads that fail when the variable is unset (KeyError, ImproperlyConfigured, ...).
REQUIRED_READERS = {"os.environ", "environ.Env", "decouple.config"}
READER_LEAVES = {"getenv", "get", "env", "config", "str", "int", "bool", "float", "list", "url",
                 "json", "db", "cache_url", "Env"}
PYDANTIC_SETTINGS = {"pydantic.BaseSettings", "pydantic_settings.BaseSettings",
                     "pydantic.v1.BaseSettings"}


@dataclass(frozen=True)
class EnvRead:
    """One read of an environment variable, and where its value goes.

    ``feeds`` names the Celery setting (or :data:`REDIS_CLIENT`) the value
    reaches, "" when it reaches neither; ``part`` says it is only a piece of
    that value (the host of a URL built with an f-string).
    """

    variable: str
    path: str
    span: Span
    has_default: bool
    required: bool  # raises when unset (``os.environ[...]``, ``env(...)``), vs returns None
    feeds: str = ""
    parsed_as: str = ""  # "int" / "float" when wrapped in int(...)/float(...)
    part: bool = False
    raises: str = ""  # what a required read raises where the variable is unset

    @property
    def feeds_celery(self) -> bool:
        return bool(self.feeds)


@dataclass
class EnvModel:
    files: list[EnvFile]
    reads: list[EnvRead]
    compose: list[DeploymentFacts]
    set_by_code: set[str] = field(default_factory=set)  # os.environ.setdefault / assignment
    celery_paths: frozenset[str] = frozenset()  # files a worker or beat imports at start-up
    unread: list[tuple[str, str]] = field(default_factory=list)  # (path, why), for CEL001

    def provided(self) -> set[str]:
        keys = {k for f in self.files for k in f.keys()}
        for deployment in self.compose:
            for service in deployment.services:
                keys.update(key for key, _value, _line in service.environment)
        return keys | self.set_by_code

    def compose_defaults(self) -> set[str]:
        """Variables compose gives a value whatever the env files say."""
        found = {name for d in self.compose for name, default, _ in d.variables
                 if default is not None}
        found |= {key for d in self.compose for s in d.services
                  for key, value, _ in s.environment if value is not None}
        return found

    def keys_celery_needs(self) -> set[str]:
        """Variables a Celery process reads that no code default or compose default covers.

        Celery's own (``CELERY_BROKER_URL``), those that reach a Celery setting or a
        Redis client, and those read without a default by a module a worker imports.
        """
        from celerylint.project.urls.url_sources import celery_url_variables

        needed = {r.variable for r in self.reads if not r.has_default
                  and (r.feeds or r.path in self.celery_paths)}
        return (needed | celery_url_variables()) - self.compose_defaults() - self.set_by_code


def service_env_files(service: ServiceFacts) -> tuple[tuple[str, int], ...]:
    """Every env file a service loads, required or not, in compose's order."""
    return (*service.env_files, *service.optional_env_files)


def compose_env_file_paths(compose: list[DeploymentFacts]) -> set[str]:
    found = set()
    for deployment in compose:
        base = deployment.path.rsplit("/", 1)[0] if "/" in deployment.path else ""
        for service in deployment.services:
            for written, _line in service_env_files(service):
                found.add(_join(base, written))
    return found


def example_sibling(path: str, files: Iterable[str]) -> str | None:
    """The committed example an absent env file is copied from (``.env`` → ``.env.example``).

    Same directory, same family (:func:`sibling_key`), and named as an example.
    """
    directory = path.rsplit("/", 1)[0] if "/" in path else ""
    family = sibling_key(path)
    for candidate in sorted(files):
        here = candidate.rsplit("/", 1)[0] if "/" in candidate else ""
        if here == directory and candidate != path and is_example_path(candidate) \
                and sibling_key(candidate) == family:
            return candidate
    return None


def _join(base: str, written: str) -> str:
    parts = [p for p in (base + "/" + written if base else written).split("/") if p not in ("", ".")]
    result: list[str] = []
    for part in parts:
        if part == ".." and result:
            result.pop()
        else:
            result.append(part)
    return "/".join(result)


def _env_files(project: "Project", compose: list[DeploymentFacts],
               unread: list[tuple[str, str]]) -> list[EnvFile]:
    """Files named like env files whose content is one, and every file named as one.

    A file that compose loads or ``env-files`` selects is read whatever it holds;
    one found by its name alone must also read as dotenv (``env.go`` is code).
    One that cannot be read goes to ``unread`` with the reason.
    """
    patterns = project.settings.env_files
    by_name = {f for f in project.files if is_env_file_candidate(f)}
    loaded = compose_env_file_paths(compose)  # a copier .env.jinja is the .env it renders to
    named = {f for f in project.files if project.inventory.rendered_path(f) in loaded}
    named |= {f for f in project.files if any(fnmatch.fnmatch(f, p) for p in patterns
                                              if not p.startswith("!"))}
    excluded = [p[1:] for p in patterns if p.startswith("!")]
    result = []
    for rel in sorted(by_name | named):
        if any(fnmatch.fnmatch(rel, p) for p in excluded):
            continue
        try:
            data = read_regular_bytes(project.root / rel)
        except OSError as exc:
            unread.append((rel, f"the file cannot be read ({exc.strerror or exc})"))
            continue
        env_file = parse_env_file(rel, data)
        if rel in named or reads_as_env_file(env_file):
            result.append(env_file)
    return result


def _subscript_reads(value: Value, facts: ModuleFacts, model: "CeleryModel",
                     found: list[tuple[str, Span]]) -> None:
    """``os.environ["X"]`` anywhere inside a recorded value."""
    for node in preorder_of(value, Subscript):
        if isinstance(node.target, NameRef) \
                and model.evaluator.qualified_callee(node.target.dotted,
                                                     facts.module) == "os.environ":
            name = plain(model.evaluator.evaluate(node.index, facts.module))
            if isinstance(name, str):
                found.append((name, node.span))


def _raised_by(qualified: str, func: str) -> str:
    if qualified.startswith("decouple") or func.split(".")[0] == "config":
        return "decouple's UndefinedValueError"
    if qualified.startswith("os.environ"):
        return "KeyError"
    return "django-environ's ImproperlyConfigured"


def _reads_in(facts: ModuleFacts, model: "CeleryModel",
              targets: list[ConfigTarget]) -> list[EnvRead]:
    reads: list[EnvRead] = []
    wrappers = {c.call.args[0].span: c.func for c in facts.calls
                if c.func in ("int", "float") and c.call.args}
    for call in facts.calls:
        if call.func.rsplit(".", 1)[-1] not in READER_LEAVES or not call.call.args:
            continue
        value = model.evaluator.call(call.call, facts.module)
        if not isinstance(value, EnvValue):
            continue
        qualified = model.evaluator.qualified_callee(call.func, facts.module)
        required = not value.has_default and (
            qualified in REQUIRED_READERS or call.func.split(".")[0] in ("env", "config"))
        target = target_of(call.span, targets)
        reads.append(EnvRead(value.variable, facts.path, call.span, value.has_default, required,
                             target.setting if target else "", wrappers.get(call.span, ""),
                             bool(target and target.part),
                             _raised_by(qualified, call.func) if required else ""))
    subscripts: list[tuple[str, Span]] = []
    for assignment in facts.assignments:
        _subscript_reads(assignment.value, facts, model, subscripts)
    for call in facts.calls:
        for arg in (*call.call.args, *(k.value for k in call.call.kwargs)):
            _subscript_reads(arg, facts, model, subscripts)
    for name, span in sorted(set(subscripts), key=lambda item: (item[1].line, item[1].column)):
        target = target_of(span, targets)
        reads.append(EnvRead(name, facts.path, span, False, True, target.setting if target else "",
                             part=bool(target and target.part), raises="KeyError"))
    reads.extend(_pydantic_fields(facts, model))
    return reads


def _pydantic_fields(facts: ModuleFacts, model: "CeleryModel") -> list[EnvRead]:
    """Fields of ``BaseSettings`` subclasses: each is an environment variable."""
    reads: list[EnvRead] = []
    for cls in facts.classes:
        if not any(model.evaluator.qualified_callee(b, facts.module) in PYDANTIC_SETTINGS
                   for b in cls.bases):
            continue
        prefix = ""
        for assignment in facts.assignments:
            if assignment.scope in (cls.qualname, f"{cls.qualname}.Config") and \
                    assignment.target == "env_prefix":
                prefix = str(plain(model.evaluator.evaluate(assignment.value, facts.module)) or "")
            if assignment.scope == cls.qualname and assignment.target == "model_config" and \
                    isinstance(assignment.value, CallValue):
                given = assignment.value.keyword("env_prefix")
                prefix = str(plain(model.evaluator.evaluate(given, facts.module)) or "") \
                    if given is not None else prefix
        for assignment in facts.assignments:
            if assignment.scope != cls.qualname or assignment.target in ("model_config",) \
                    or assignment.target.startswith("_"):
                continue
            has_default = not (isinstance(assignment.value, NameRef)
                               and assignment.value.dotted == assignment.target)
            alias = _field_alias(assignment.value, facts, model)
            variable = alias or f"{prefix}{assignment.target}".upper()
            reads.append(EnvRead(variable, facts.path, assignment.span, has_default,
                                 not has_default, raises="pydantic's ValidationError"))
    return reads


def _field_alias(value: Value, facts: ModuleFacts, model: "CeleryModel") -> str | None:
    if isinstance(value, CallValue) and value.func.rsplit(".", 1)[-1] == "Field":
        for name in ("validation_alias", "alias", "env"):
            given = value.keyword(name)
            text = plain(model.evaluator.evaluate(given, facts.module)) if given else None
            if isinstance(text, str):
                return text.upper()
    return None


def _set_by_code(facts: ModuleFacts, model: "CeleryModel") -> set[str]:
    names = set()
    for call in facts.calls:
        if call.func.endswith("environ.setdefault") and call.call.args:
            name = plain(model.evaluator.evaluate(call.call.args[0], facts.module))
            if isinstance(name, str):
                names.add(name)
    for assignment in facts.assignments:
        if assignment.key is not None and assignment.target.endswith("environ"):
            name = plain(model.evaluator.evaluate(assignment.key, facts.module))
            if isinstance(name, str):
                names.add(name)
    return names


def build_env_model(project: "Project") -> EnvModel:
    model = celery_model(project)
    compose = [d for d in model.deployments if d.kind is DeploymentKind.COMPOSE]
    targets = config_targets(project, model)
    reads: list[EnvRead] = []
    set_by_code: set[str] = set()
    for facts in project.python_facts():
        if not facts.module or facts.parse_failure is not None:
            continue
        reads.extend(_reads_in(facts, model, targets.get(facts.path, [])))
        set_by_code |= _set_by_code(facts, model)
    unread: list[tuple[str, str]] = []
    files = _env_files(project, compose, unread)
    return EnvModel(files, reads, compose, set_by_code, _celery_paths(project, model), unread)


def _celery_paths(project: "Project", model: "CeleryModel") -> frozenset[str]:
    modules = {m for app_id in model.apps for m in model.registration_closure(app_id).modules}
    found = (project.module(module) for module in modules)
    return frozenset(facts.path for facts in found if facts is not None)


def env_model(project: "Project") -> EnvModel:
    return project.extension("env", build_env_model)  # type: ignore[no-any-return]


__all__ = ["EnvModel", "EnvRead", "env_model", "SymbolKind"]
