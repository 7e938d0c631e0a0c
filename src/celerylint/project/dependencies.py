"""The distributions a project declares, and the top-level modules they provide.

This is the "declared" side of the undeclared-dependency rule.  Files are read,
never executed (see :mod:`celerylint.project.requirements_files`), and reading
never raises: a broken or unreadable file becomes a problem, and a file whose
dependencies cannot be known statically (a computed ``install_requires``, a
missing ``-r`` include) marks the declarations *incomplete*.  ``declares_any``
is then False, so the rule stays silent instead of flagging every import.

Which modules a declared distribution provides is decided generously, because a
wrong "undeclared" finding costs more than a missed one:

* its own import names (:func:`import_names_for`): the normalised name, a table
  of well-known differences, and, when the distribution happens to be installed
  next to celerylint, the top-level modules its metadata lists;
* the import names of its requirements, read from installed metadata up to
  :data:`TRANSITIVE_DEPTH` levels deep and honouring declared extras: declaring
  ``celery[redis]`` provides ``kombu`` (level 1) and ``redis`` (level 2, through
  ``kombu[redis]``).  Relying on a transitive dependency is fragile, but it is
  what pip installs, and it is not the bug this rule hunts;
* the names of its extras (``requests[socks]`` provides ``socks``), since an
  extra usually exists to pull in the package it is named after.

Installed metadata is only ever *added*; without it the static rules still apply.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path, PurePosixPath

from celerylint.project.requirements_files import (
    FileParser,
    FileReading,
    parse_requirement,
    parse_requirements_txt,
    parser_for,
)

__all__ = [
    "MAX_DEPENDENCY_FILE_BYTES",
    "TRANSITIVE_DEPTH",
    "DeclaredDependency",
    "DependencyDeclarations",
    "import_names_for",
    "installed_top_levels",
    "normalize_distribution_name",
    "read_declarations",
]

# Real dependency files are a few kilobytes; a larger one is not a dependency list.
MAX_DEPENDENCY_FILE_BYTES = 1024 * 1024
# Requirements of requirements: enough for celery[redis] -> kombu[redis] -> redis.
TRANSITIVE_DEPTH = 2


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
    # Distributions a lock file installs (poetry.lock, uv.lock, pdm.lock, Pipfile.lock):
    # the transitive requirements of declared packages that are not installed here.
    locked: tuple[str, ...] = ()

    @property
    def declares_any(self) -> bool:
        """True when the list is usable for "is this import declared?": something was
        declared and no file declares dependencies that only running code would reveal."""
        return bool(self.dependencies) and not self.incomplete_sources

    def provides_import(self, top_level_module: str) -> bool:
        """Whether a declared distribution (or one it installs) provides the module.

        Compared case-insensitively: ``PyPDF2`` and ``pypdf2`` name one thing to a
        user, and a too-generous answer only costs a missed finding."""
        return top_level_module.lower() in self._provided_modules

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

    @cached_property
    def _provided_modules(self) -> frozenset[str]:
        names: set[str] = set()
        for dep in self.dependencies:
            extras = frozenset(normalize_distribution_name(e) for e in dep.extras)
            for distribution in {dep.distribution, *extras,
                                 *_requirements_closure(dep.normalized, extras)}:
                names.update(name.lower() for name in import_names_for(distribution))
        for distribution in self.locked:
            names.update(name.lower() for name in import_names_for(distribution))
        return frozenset(names)


def normalize_distribution_name(name: str) -> str:
    """PEP 503: ``Django_Celery.Beat`` and ``django-celery-beat`` are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


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
    result = walker.result()
    locked = tuple(sorted({name for path in files if PurePosixPath(path).name in LOCK_FILES
                           for name in _locked_distributions(root / path)}))
    return dataclasses.replace(result, locked=locked) if locked else result


LOCK_FILES = frozenset({"poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock"})


def _locked_distributions(path: Path) -> list[str]:
    """Package names a lock file pins; nothing (never an error) when it cannot be read."""
    import json

    from celerylint.config_file import load_toml

    if path.name == "Pipfile.lock":
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [name for section in ("default", "develop")
                for name in (document.get(section) or {}) if isinstance(name, str)]
    document = load_toml(path) or {}
    packages = document.get("package", [])
    return [p["name"] for p in packages if isinstance(p, dict) and isinstance(p.get("name"), str)]


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
    _readings: dict[str, FileReading] = field(default_factory=dict)
    _visited: set[str] = field(default_factory=set)

    def reading(self, path: str, parser: FileParser) -> FileReading:
        """The file's reading, parsed once; an unreadable file is an incomplete one."""
        if path not in self._readings:
            text, problem = self._text(path)
            self._readings[path] = (parser(text) if text is not None else
                                    FileReading(problems=((1, problem),), complete=False))
        return self._readings[path]

    def visit(self, path: str, parser: FileParser) -> None:
        if path in self._visited:
            return  # read already, or an include cycle
        self._visited.add(path)
        reading = self.reading(path, parser)
        self.sources.append(path)
        self.problems.extend((path, line, message) for line, message in reading.problems)
        if not reading.complete:
            self.incomplete.append(path)
        self.dependencies.extend(
            DeclaredDependency(entry.name, normalize_distribution_name(entry.name), path,
                               entry.line, entry.specifier, entry.extras)
            for entry in reading.requirements)
        for target, line in reading.includes:
            self._include(path, target, line)

    def _include(self, path: str, target: str, line: int) -> None:
        joined = _joined(path, target)
        if "://" in target or joined.startswith("../") or PurePosixPath(joined).is_absolute():
            self._unknown(path, line, _OUTSIDE_INCLUDE.format(target=target))
        elif not (self.root / joined).is_file():
            self._unknown(path, line, _MISSING_INCLUDE.format(target=target))
        else:
            self.visit(joined, parse_requirements_txt)

    def _unknown(self, path: str, line: int, message: str) -> None:
        self.problems.append((path, line, message))
        self.incomplete.append(path)

    def _text(self, path: str) -> tuple[str | None, str]:
        try:
            with (self.root / path).open("rb") as handle:
                data = handle.read(MAX_DEPENDENCY_FILE_BYTES + 1)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            return None, f"The file cannot be read ({reason}); its dependencies are unknown."
        if len(data) > MAX_DEPENDENCY_FILE_BYTES:
            return None, "The file is larger than 1 MiB, which no dependency list is; skipped."
        try:
            return data.decode("utf-8-sig"), ""
        except UnicodeDecodeError:
            return None, "The file is not UTF-8 text, so the dependencies it declares are unknown."

    def result(self) -> DependencyDeclarations:
        return DependencyDeclarations(tuple(self.dependencies), tuple(self.sources),
                                      tuple(self.problems), tuple(dict.fromkeys(self.incomplete)))


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


# --- distribution -> import names --------------------------------------------------

# Distributions whose import name is not their own name with "-" as "_".
_KNOWN_IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "pyyaml": ("yaml",), "python-dotenv": ("dotenv",), "beautifulsoup4": ("bs4",),
    "pillow": ("PIL",), "django-environ": ("environ",), "python-decouple": ("decouple",),
    "scikit-learn": ("sklearn",), "scikit-image": ("skimage",), "opencv-python": ("cv2",),
    "opencv-python-headless": ("cv2",), "opencv-contrib-python": ("cv2",),
    "opencv-contrib-python-headless": ("cv2",), "psycopg2-binary": ("psycopg2",),
    "python-dateutil": ("dateutil",), "pyjwt": ("jwt",), "protobuf": ("google",),
    "djangorestframework": ("rest_framework",), "msgpack-python": ("msgpack",),
    "pycryptodome": ("Crypto",), "pycryptodomex": ("Cryptodome",), "attrs": ("attr", "attrs"),
    "setuptools": ("setuptools", "pkg_resources"), "pyzmq": ("zmq",), "pyserial": ("serial",),
    "pyopenssl": ("OpenSSL",), "pynacl": ("nacl",), "mysqlclient": ("MySQLdb",),
    "dnspython": ("dns",), "grpcio": ("grpc",), "ipython": ("IPython",),
    "python-memcached": ("memcache",), "python-json-logger": ("pythonjsonlogger",),
    "websocket-client": ("websocket",), "argon2-cffi": ("argon2",), "pymupdf": ("fitz",),
    "gdal": ("osgeo",), "umap-learn": ("umap",), "faust-streaming": ("faust",),
    "google-api-python-client": ("googleapiclient",), "slackclient": ("slack",),
    "paho-mqtt": ("paho",), "python-crontab": ("crontab", "cronlog"),
    "djangorestframework-simplejwt": ("rest_framework_simplejwt",),
    "django-cors-headers": ("corsheaders",), "django-filter": ("django_filters",),
    "django-storages": ("storages",), "django-crispy-forms": ("crispy_forms",),
    "django-debug-toolbar": ("debug_toolbar",), "django-allauth": ("allauth",),
    "django-model-utils": ("model_utils",), "django-import-export": ("import_export",),
    "django-phonenumber-field": ("phonenumber_field",), "django-anymail": ("anymail",),
    "django-health-check": ("health_check",), "django-celery-email": ("djcelery_email",),
    "django-timezone-field": ("timezone_field",), "django-polymorphic": ("polymorphic",),
    "celery-redbeat": ("redbeat",), "matplotlib": ("matplotlib", "mpl_toolkits", "pylab"),
    "factory-boy": ("factory",), "python3-saml": ("onelogin",), "python-saml": ("onelogin",),
    "pytest-factoryboy": ("pytest_factoryboy",), "ldap3": ("ldap3",),
    "python-ldap": ("ldap",), "gitpython": ("git",), "python-magic": ("magic",), "pyhamcrest": ("hamcrest",),
}
# Distribution families that install into one shared namespace package.
_NAMESPACE_PREFIXES = frozenset({
    "google", "azure", "opentelemetry", "sphinxcontrib", "zope", "jaraco", "backports",
    "ruamel", "plone", "collective",
})
# Framework plugins usually drop the framework prefix: django-i18nfield -> i18nfield,
# django-hierarkey -> hierarkey, flask-cors -> flask_cors (kept by the plain form too).
_AFFIXES = (re.compile(r"^python-"), re.compile(r"-python$"), re.compile(r"-binary$"),
            re.compile(r"-py$"), re.compile(r"^py"), re.compile(r"^django-"),
            re.compile(r"^flask-"), re.compile(r"^pytest-"), re.compile(r"^types-"),
            re.compile(r"^sqlalchemy-"))


@cache
def import_names_for(distribution: str) -> frozenset[str]:
    """The top-level modules a distribution may provide, generously: its normalised
    name with ``_``, the name without ``python-``/``-python``/``-binary``/``-py``, a
    known alias, a shared namespace (``google-cloud-storage`` -> ``google``), the
    first part of a dotted name (``zope.interface`` -> ``zope``), and the modules
    its installed metadata lists, when it is installed next to celerylint."""
    normalized = normalize_distribution_name(distribution)
    names = {normalized.replace("-", "_"), *_KNOWN_IMPORT_NAMES.get(normalized, ())}
    names.update(affix.sub("", normalized).replace("-", "_") for affix in _AFFIXES)
    if (family := normalized.split("-")[0]) in _NAMESPACE_PREFIXES:
        names.add(family)
    if "." in distribution:
        names.add(distribution.split(".")[0])
    names |= installed_top_levels(distribution)
    return frozenset(name for name in names if name.isidentifier())


@cache
def installed_top_levels(distribution: str) -> frozenset[str]:
    """Top-level modules of the distribution installed in celerylint's own environment,
    from ``top_level.txt`` or else the RECORD file list; empty when not installed."""
    try:
        installed = importlib.metadata.distribution(distribution)
        top_level = installed.read_text("top_level.txt")
        listing = top_level or installed.read_text("RECORD") or ""
    except (importlib.metadata.PackageNotFoundError, ValueError, OSError):
        return frozenset()
    if top_level:
        return frozenset(line.strip().split("/")[0] for line in top_level.splitlines()
                         if line.strip())
    paths = (line.split(",")[0].strip('"') for line in listing.splitlines())
    return frozenset(filter(None, (_top_level_of(path.split("/")) for path in paths)))


def _top_level_of(parts: Sequence[str]) -> str | None:
    """The importable top-level name a RECORD entry belongs to, if any."""
    if not parts or parts[0] in ("..", "__pycache__") or "." in parts[0] and len(parts) > 1:
        return None  # outside site-packages, bytecode, or *.dist-info / *.data directories
    if not parts[-1].endswith((".py", ".pyi", ".so", ".pyd")):
        return None
    return parts[0] if len(parts) > 1 else parts[0].split(".")[0]


_EXTRA_MARKER = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")


@cache
def _direct_requirements(normalized: str, extras: frozenset[str]) -> tuple[
        tuple[str, frozenset[str]], ...]:
    """(distribution, extras) pairs an installed distribution requires with ``extras``
    selected.  Other markers (python_version, platform) are ignored on purpose: the
    project may be deployed on another interpreter than celerylint runs on."""
    try:
        requires = importlib.metadata.requires(normalized) or []
    except (importlib.metadata.PackageNotFoundError, ValueError, OSError):
        return ()
    found: list[tuple[str, frozenset[str]]] = []
    for text in requires:
        parts = parse_requirement(text)
        wanted = {normalize_distribution_name(e) for e in _EXTRA_MARKER.findall(text)}
        if parts is not None and (not wanted or wanted & extras):
            found.append((normalize_distribution_name(parts.name),
                          frozenset(normalize_distribution_name(e) for e in parts.extras)))
    return tuple(found)


def _requirements_closure(normalized: str, extras: Iterable[str]) -> frozenset[str]:
    """Distributions installed along with a declared one, :data:`TRANSITIVE_DEPTH` deep."""
    frontier = [(normalized, frozenset(extras))]
    seen: set[tuple[str, frozenset[str]]] = set()
    for _ in range(TRANSITIVE_DEPTH):
        frontier = [child for name, chosen in frontier
                    for child in _direct_requirements(name, chosen) if child not in seen]
        seen.update(frontier)
    return frozenset(name for name, _ in seen)
