"""The distributions a project declares, and the top-level modules they provide.

This is the "declared" side of the undeclared-dependency rule.  Files are read,
never executed (see :mod:`celerylint.project.packaging.requirements_files`), and reading
never raises: a broken or unreadable file becomes a problem, and a file whose
dependencies cannot be known statically (a computed ``install_requires``, a
missing ``-r`` include) marks the declarations *incomplete*.  ``declares_any``
is then False, so the rule stays silent instead of flagging every import.

Whether a declared distribution provides a module is answered in three ways
(:class:`Provision`), because a wrong "undeclared" finding costs more than a missed one:

* PROVIDED: installed metadata (:mod:`celerylint.project.packaging.distributions`) lists the
  module among the import names of a declared distribution or of one it requires,
  transitively and honouring extras (``celery[redis]`` -> ``kombu[redis]`` ->
  ``redis``; relying on a transitive dependency is fragile, but it is what pip
  installs, and not the bug this rule hunts), or the module is a distribution's
  own name (``django-celery-beat`` -> ``django_celery_beat``) or an extra's name
  (``requests[socks]`` -> ``socks``);
* UNKNOWN: some declared distribution (or a requirement of one) is installed nowhere
  celerylint can see, or is given by a URL that does not name it, so its import
  names are unknown and it could provide the module;
* MISSING: every distribution in the closure is known, and none provides it.
"""

from __future__ import annotations

import dataclasses
import enum
import posixpath
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from celerylint.project.packaging.distributions import (
    InstalledMetadata,
    guessed_import_names,
    normalize_distribution_name,
)
from celerylint.project.packaging.lock_files import LOCK_FILES, locked_distributions
from celerylint.project.packaging.requirements_files import (
    FileParser,
    FileReading,
    parse_dockerfile,
    parse_requirements_txt,
    parser_for,
)
from celerylint.regular_files import read_regular_bytes

__all__ = [
    "MAX_DEPENDENCY_FILE_BYTES",
    "DeclaredDependency",
    "DependencyDeclarations",
    "Provision",
    "normalize_distribution_name",
    "read_declarations",
]

# Real dependency files are a few kilobytes; a larger one is not a dependency list.
MAX_DEPENDENCY_FILE_BYTES = 1024 * 1024


class Provision(enum.Enum):
    """Whether the declared dependencies provide a top-level module."""

    PROVIDED = "provided"
    UNKNOWN = "unknown"  # a declared distribution's import names cannot be known
    MISSING = "missing"  # all are known, and none provides it


@dataclass(frozen=True)
class DeclaredDependency:
    """One distribution named in one file; ``specifier`` is the version constraint as
    written (PEP 440 or Poetry's ``^5.3``), ``""`` when unconstrained."""

    distribution: str
    normalized: str
    source: str
    line: int
    specifier: str
    extras: tuple[str, ...] = ()


@dataclass(frozen=True)
class DependencyDeclarations:
    """Everything the project's dependency files declare, and what could not be read."""

    dependencies: tuple[DeclaredDependency, ...] = ()
    sources: tuple[str, ...] = ()
    problems: tuple[tuple[str, int, str], ...] = ()
    incomplete_sources: tuple[str, ...] = ()
    # Lock files (poetry.lock, uv.lock, pdm.lock, Pipfile.lock), read for ``locked`` only
    # when an import is not provided by what the project declares itself.
    lock_files: tuple[Path, ...] = field(default=(), compare=False, repr=False)
    # Requirements that name no distribution (a URL without ``#egg=``, ``$PACKAGES``):
    # (file, line, text as written).
    unnamed: tuple[tuple[str, int, str], ...] = ()
    # Dependency files that could not be read or parsed at all: (file, line, why).
    unreadable: tuple[tuple[str, int, str], ...] = ()
    metadata: InstalledMetadata = field(default=InstalledMetadata(), compare=False, repr=False)

    @property
    def declares_any(self) -> bool:
        """True when the list is usable for "is this import declared?": something was
        declared and no file declares dependencies that only running code would reveal."""
        return bool(self.dependencies) and not self.incomplete_sources

    @cached_property
    def locked(self) -> tuple[str, ...]:
        """Distributions a lock file installs: the transitive requirements of declared
        packages that are not installed here (a 350 kB uv.lock costs 0.1 s to parse, so
        it is read only when the declarations alone do not answer)."""
        return tuple(sorted({name for path in self.lock_files
                             for name in locked_distributions(path)}))

    def provides_import(self, top_level_module: str) -> bool:
        """Whether a declared distribution (or one it installs) is known or named to
        provide the module.  Compared case-insensitively: ``PyPDF2`` and ``pypdf2``
        name one thing to a user, and a too-generous answer only costs a missed finding.
        What the declarations provide without the lock files is asked first: the lock
        only adds names."""
        name = top_level_module.lower()
        return self._declared_walk.provides(name) or self._walk.provides(name)

    def provision(self, top_level_module: str) -> Provision:
        if self.provides_import(top_level_module):
            return Provision.PROVIDED
        return Provision.UNKNOWN if self.unresolved else Provision.MISSING

    @property
    def unresolved(self) -> tuple[str, ...]:
        """Distributions whose import names or requirements cannot be known (sorted),
        and requirements written without a name."""
        return (*self._walk.finished().unresolved, *(text for _, _, text in self.unnamed))

    def unknown_note(self) -> str | None:
        """Why undeclared-dependency may stay silent, for ``--verbose``; None when every
        declared distribution's import names are known."""
        unresolved = self.unresolved
        if not self.declares_any or not unresolved:
            return None
        shown = ", ".join(unresolved[:5]) + (f" and {len(unresolved) - 5} more"
                                             if len(unresolved) > 5 else "")
        return (f"undeclared-dependency judges no import that {len(unresolved)} declared "
                f"distribution(s) could provide ({shown}): they are installed neither in "
                "the project's .venv nor next to celerylint, so their import names are unknown")

    def celery_declaration(self) -> DeclaredDependency | None:
        """The declaration of Celery that decides its version, or None if none names it.

        An exact pin anywhere wins (``celery==4.4.7``, typically a lock-style
        requirements file); otherwise the first declaration that bounds it, else
        the first one (unconstrained, so it decides no major)."""
        declared = [dep for dep in self.dependencies if dep.normalized == "celery"]
        majors = [_major_version(dep.specifier) for dep in declared]
        exact = [dep for dep, found in zip(declared, majors) if found is not None and found[1]]
        bounded = [dep for dep, found in zip(declared, majors) if found is not None]
        return (exact or bounded or declared or [None])[0]

    def celery_major_version(self) -> int | None:
        """The Celery major version the declarations pin down, or None: that of
        :meth:`celery_declaration`, the newest major under an upper bound
        (``>=5.3,<6`` -> 5), else the lower bound's major (``~=5.2``, ``^5.2``,
        ``>=4.0`` -> 4)."""
        dep = self.celery_declaration()
        found = _major_version(dep.specifier) if dep is not None else None
        return found[0] if found is not None else None

    def _declared_roots(self) -> list[tuple[str, frozenset[str]]]:
        return [(dep.normalized, frozenset(normalize_distribution_name(e) for e in dep.extras))
                for dep in self.dependencies]

    @cached_property
    def _declared_walk(self) -> "_ClosureWalk":
        return _ClosureWalk(self._declared_roots(), self.metadata)

    @cached_property
    def _walk(self) -> "_ClosureWalk":
        roots = self._declared_roots()
        roots += [(normalize_distribution_name(name), frozenset()) for name in self.locked]
        return _ClosureWalk(roots, self.metadata)


@dataclass(frozen=True)
class _Closure:
    """The import names (lower case) of the declared distributions and of everything
    they require, and the distributions whose names or requirements are unknown."""

    names: frozenset[str]
    unresolved: tuple[str, ...]


class _ClosureWalk:
    """The closure, expanded breadth first only as far as a question needs: most imports
    are provided by a distribution the project declares itself, found before any of the
    hundreds of requirements installed metadata names is parsed (0.2 s on pretalx)."""

    def __init__(self, roots: list[tuple[str, frozenset[str]]],
                 metadata: InstalledMetadata) -> None:
        self.metadata = metadata
        self.queue = deque(roots)
        self.seen: set[tuple[str, frozenset[str]]] = set()
        self.names: set[str] = set()
        self.unresolved: set[str] = set()

    def provides(self, name: str) -> bool:
        while name not in self.names and self.queue:
            self._step()
        return name in self.names

    def finished(self) -> _Closure:
        while self.queue:
            self._step()
        return _Closure(frozenset(self.names), tuple(sorted(self.unresolved)))

    def _step(self) -> None:
        name, extras = self.queue.popleft()
        if (name, extras) in self.seen:
            return
        self.seen.add((name, extras))
        self.names.update(n.lower() for n in guessed_import_names(name))
        self.names.update(e.replace("-", "_") for e in extras)
        found = self.metadata.top_levels(name)
        if found is None:
            self.unresolved.add(name)
            return
        self.names.update(n.lower() for n in found)
        # A requirement its markers exclude (another extra, another Python) is not
        # installed along with this one, so it provides nothing here.
        self.queue.extend((child.distribution, child.extras)
                          for child in self.metadata.requirements(name, extras) or ()
                          if child.applies)


# --- reading the files --------------------------------------------------------------


def read_declarations(root: Path, files: Sequence[str]) -> DependencyDeclarations:
    """Read every dependency file among ``files`` (project-relative POSIX paths),
    following ``-r`` includes relative to the including file.

    A file named only by ``-c`` is a constraints file: it pins versions of what
    something else requests and declares nothing, so it is not read on its own."""
    walker = _DeclarationWalker(root)
    packages = {posixpath.dirname(f) for f in files if f.endswith("/__init__.py")}
    parsers = {path: parser for path in files if (parser := parser_for(path)) is not None
               and not (path.endswith("setup.py") and posixpath.dirname(path) in packages)}
    candidates = sorted(parsers, key=_reading_order)
    constraints = {_joined(path, target) for path in candidates
                   for target in walker.reading(path, parsers[path]).constraints}
    for path in candidates:
        if path not in constraints:
            walker.visit(path, parsers[path])
    lock_files = tuple(root / path for path in files if PurePosixPath(path).name in LOCK_FILES)
    return dataclasses.replace(walker.result(), lock_files=lock_files,
                               metadata=InstalledMetadata.for_project(root))


def _reading_order(path: str) -> tuple[int, int, str]:
    """Shallow files first, and pyproject.toml before the older formats, so the first
    declaration of a distribution is the one a maintainer would look at."""
    rank = ["pyproject.toml", "setup.cfg", "setup.py", "Pipfile"]
    name = PurePosixPath(path).name
    return path.count("/"), rank.index(name) if name in rank else len(rank), path


def _joined(including: str, target: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(including), target))


_OUTSIDE_INCLUDE = ("includes '{target}', which is outside the project; celerylint reads only "
                    "project files, so the dependencies declared there are unknown.")
_MISSING_INCLUDE = "includes '{target}', which does not exist; installing from this file fails."


@dataclass
class _DeclarationWalker:
    root: Path
    dependencies: list[DeclaredDependency] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    unnamed: list[tuple[str, int, str]] = field(default_factory=list)
    unreadable: list[tuple[str, int, str]] = field(default_factory=list)
    _readings: dict[str, FileReading] = field(default_factory=dict)
    _visited: set[str] = field(default_factory=set)

    def reading(self, path: str, parser: FileParser) -> FileReading:
        """The file's reading, parsed once; an unreadable file is an incomplete one."""
        if path not in self._readings:
            text, problem = self._text(path)
            self._readings[path] = (parser(text) if text is not None else
                                    FileReading(problems=((1, problem),), complete=False,
                                                unreadable=True))
        return self._readings[path]

    def visit(self, path: str, parser: FileParser) -> None:
        if path in self._visited:
            return  # read already, or an include cycle
        self._visited.add(path)
        reading = self.reading(path, parser)
        self.sources.append(path)
        self.problems.extend((path, line, message) for line, message in reading.problems)
        if reading.unreadable:
            self.unreadable.extend((path, line, message) for line, message in reading.problems)
        if not reading.complete:
            self.incomplete.append(path)
        self.unnamed.extend((path, line, text) for line, text in reading.unnamed)
        self.dependencies.extend(
            DeclaredDependency(entry.name, normalize_distribution_name(entry.name), path,
                               entry.line, entry.specifier, entry.extras)
            for entry in reading.requirements)
        for target, line in reading.includes:
            if parser is parse_dockerfile:
                self._image_include(path, target, line)
            else:
                self._include(path, target, line)

    def _image_include(self, path: str, target: str, line: int) -> None:
        """``pip install -r`` in a Dockerfile names a path inside the image, copied from
        somewhere in the build context: the project file of that name beside the
        Dockerfile or at the root, else an unnamed set of requirements."""
        name = PurePosixPath(target).name
        for candidate in (_joined(path, name), name):
            if (self.root / candidate).is_file():
                self.visit(candidate, parse_requirements_txt)
                return
        self.unnamed.append((path, line, f"-r {target}"))

    def _include(self, path: str, target: str, line: int) -> None:
        joined = _joined(path, target)
        if "://" in target or joined.startswith("../") or PurePosixPath(joined).is_absolute():
            self._unknown(path, line, _OUTSIDE_INCLUDE.format(target=target))
        elif not (self.root / joined).exists():  # a FIFO exists: reading it says why not
            self._unknown(path, line, _MISSING_INCLUDE.format(target=target))
        else:
            self.visit(joined, parse_requirements_txt)

    def _unknown(self, path: str, line: int, message: str) -> None:
        self.problems.append((path, line, message))
        self.incomplete.append(path)

    def _text(self, path: str) -> tuple[str | None, str]:
        try:
            data = read_regular_bytes(self.root / path, MAX_DEPENDENCY_FILE_BYTES)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            return None, f"The file cannot be read ({reason}); its dependencies are unknown."
        if len(data) > MAX_DEPENDENCY_FILE_BYTES:
            return None, "The file is larger than 1 MiB, which no dependency list is; skipped."
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, "The file is not UTF-8 text, so the dependencies it declares are unknown."
        if "\0" in text:
            return None, "The file holds NUL bytes: it is binary, not a dependency list; skipped."
        return text, ""

    def result(self) -> DependencyDeclarations:
        return DependencyDeclarations(tuple(self.dependencies), tuple(self.sources),
                                      tuple(self.problems), tuple(dict.fromkeys(self.incomplete)),
                                      unnamed=tuple(self.unnamed),
                                      unreadable=tuple(self.unreadable))


# --- celery version ---------------------------------------------------------------

_CLAUSE = re.compile(r"^(===|==|~=|!=|<=|>=|<|>|\^|~|=)?v?(\d+)((?:\.(?:\d+|\*))*)")


def _major_version(specifier: str) -> tuple[int, bool] | None:
    """(major, is_exact) of a PEP 440 or Poetry constraint, or None if unbounded."""
    exact: list[int] = []
    lower: list[int] = []
    upper: list[int] = []
    for clause in re.split(r",|\|\||\s+(?=[<>=!~^])", specifier):
        match = _CLAUSE.match(clause.replace(" ", ""))
        if match is None:
            continue
        operator, major, rest = match[1] or "", int(match[2]), match[3]
        if operator in ("", "=", "==", "==="):
            exact.append(major)
        elif operator == "<":
            zeros_only = set(rest) <= {".", "0"}
            upper.append(major - 1 if zeros_only else major)
        elif operator == "<=":
            upper.append(major)
        elif operator != "!=":
            lower.append(major)
    if exact:
        return exact[0], True
    if upper and min(upper) >= 0:
        return min(upper), False
    return (max(lower), False) if lower else None
