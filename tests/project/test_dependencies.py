"""Declared dependencies: every file format, includes, broken files, and which
top-level modules a declared distribution provides."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import write_tree

from celerylint.project.packaging import requirement_strings
from celerylint.project.packaging.dependencies import (
    DeclaredDependency,
    DependencyDeclarations,
    Provision,
    normalize_distribution_name,
    read_declarations,
)
from celerylint.project.packaging.requirements_files import (
    parse_requirement,
    parse_requirements_txt,
    parse_setup_py,
    parser_for,
)


def declarations(tmp_path: Path, files: Mapping[str, str | bytes]) -> DependencyDeclarations:
    root = write_tree(tmp_path / "p", files)
    return read_declarations(root, sorted(files))


def names(found: DependencyDeclarations) -> list[str]:
    return [dep.distribution for dep in found.dependencies]


def declared(distribution: str, specifier: str = "") -> DependencyDeclarations:
    dep = DeclaredDependency(distribution, normalize_distribution_name(distribution),
                             "requirements.txt", 1, specifier)
    return DependencyDeclarations((dep,), ("requirements.txt",))


# --- pyproject.toml -------------------------------------------------------------------


def test_pep621_dependencies_keep_specifier_source_line_and_extras(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"pyproject.toml": """\
        [project]
        name = "proj"
        dependencies = [
            "celery[redis]>=5.3,<6",
            'Django_Environ ; python_version >= "3.8"',
        ]
        [project.optional-dependencies]
        sentry = ["sentry-sdk>=1.0"]
        """})
    celery, environ, sentry = found.dependencies
    assert celery == DeclaredDependency("celery", "celery", "pyproject.toml", 4, ">=5.3,<6",
                                        ("redis",))
    assert (environ.distribution, environ.normalized, environ.specifier, environ.line) == (
        "Django_Environ", "django-environ", "", 5)
    assert (sentry.distribution, sentry.line) == ("sentry-sdk", 8)
    assert found.sources == ("pyproject.toml",) and found.declares_any


def test_dependency_groups_pdm_uv_and_build_requirements(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"pyproject.toml": """\
        [build-system]
        requires = ["setuptools>=61"]
        [dependency-groups]
        test = ["pytest>=8", {include-group = "lint"}]
        lint = ["ruff"]
        [tool.pdm.dev-dependencies]
        docs = ["mkdocs"]
        [tool.uv]
        dev-dependencies = ["ipdb"]
        """})
    assert names(found) == ["setuptools", "pytest", "ruff", "mkdocs", "ipdb"]


def test_poetry_tables_skip_python_and_read_versions_and_extras(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"pyproject.toml": """\
        [tool.poetry.dependencies]
        python = "^3.10"
        celery = {version = "^5.3", extras = ["redis"]}
        flower = "*"
        numpy = [{version = "<2", python = "<3.9"}, {version = ">=2", python = ">=3.9"}]
        [tool.poetry.group.test.dependencies]
        pytest = "^8"
        [tool.poetry.dev-dependencies]
        black = "23.1"
        """})
    assert [(d.distribution, d.specifier, d.extras, d.line) for d in found.dependencies] == [
        ("celery", "^5.3", ("redis",), 3), ("flower", "", (), 4), ("numpy", "<2", (), 5),
        ("pytest", "^8", (), 7), ("black", "23.1", (), 9)]


def test_setuptools_dynamic_dependencies_read_the_named_file(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "pyproject.toml": '[project]\ndynamic = ["dependencies"]\n'
                          '[tool.setuptools.dynamic]\ndependencies = {file = ["deps/base.txt"]}\n',
        "deps/base.txt": "redis>=5\n",
    })
    assert names(found) == ["redis"]
    assert found.sources == ("pyproject.toml", "deps/base.txt")


def test_malformed_toml_is_a_problem_and_makes_the_list_unusable(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "pyproject.toml": '[project]\nname = "proj"\ndependencies = ["celery"\n',
        "requirements.txt": "redis\n",
    })
    assert names(found) == ["redis"]  # the other file is still read
    [(path, line, message)] = found.problems
    assert path == "pyproject.toml" and line >= 3 and "not valid TOML" in message
    assert found.incomplete_sources == ("pyproject.toml",)
    assert not found.declares_any


# --- requirements files ----------------------------------------------------------------


def test_requirements_lines_options_markers_urls_and_editables(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"requirements.txt": """\
        # production
        --index-url https://pypi.example/simple
        celery[redis,sqs]==5.4.0  # pinned
        requests>=2 ; python_version < "3.8"
        kombu==5.3.4 \\
            --hash=sha256:0123456789abcdef
        mylib @ git+https://github.com/acme/mylib.git@main
        -e git+https://github.com/acme/other.git#egg=other_lib
        -e .
        ./vendor/pkg
        https://files.example/wheels/fancy_pkg-1.2-py3-none-any.whl
        -f ./wheels
        """})
    assert [(d.distribution, d.specifier, d.line) for d in found.dependencies] == [
        ("celery", "==5.4.0", 3), ("requests", ">=2", 4), ("kombu", "==5.3.4", 5),
        ("mylib", "", 7), ("other_lib", "", 8), ("fancy_pkg", "", 11)]
    assert found.dependencies[0].extras == ("redis", "sqs")
    assert found.problems == ()


def test_an_invalid_requirement_line_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"requirements.txt": "celery\nnot a requirement!!\n"})
    assert names(found) == ["celery"]
    assert [(p[0], p[1]) for p in found.problems] == [("requirements.txt", 2)]
    assert found.declares_any  # one bad line does not hide the rest


def test_includes_are_relative_to_the_including_file(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "requirements.txt": "-r requirements/prod.txt\n",
        "requirements/prod.txt": "--requirement=base.txt\ngunicorn\n",
        "requirements/base.txt": "celery\n",
    })
    assert [(dep.distribution, dep.source) for dep in found.dependencies] == [
        ("gunicorn", "requirements/prod.txt"), ("celery", "requirements/base.txt")]
    assert found.sources == ("requirements.txt", "requirements/prod.txt", "requirements/base.txt")


def test_include_cycles_read_each_file_once(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "requirements/a.txt": "-r b.txt\ncelery\n",
        "requirements/b.txt": "-r a.txt\nredis\n",
    })
    assert sorted(names(found)) == ["celery", "redis"]
    assert sorted(found.sources) == ["requirements/a.txt", "requirements/b.txt"]


def test_an_include_that_is_missing_or_outside_the_project_is_incomplete(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "requirements.txt": "-r missing.txt\n-r ../shared.txt\n-r https://x.example/r.txt\nredis\n",
    })
    assert names(found) == ["redis"]
    assert [(p[1], "does not exist" in p[2]) for p in found.problems] == [
        (1, True), (2, False), (3, False)]
    assert found.incomplete_sources == ("requirements.txt",) and not found.declares_any


def test_constraint_files_declare_nothing(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "requirements/main.in": "-c constraints.txt\ncelery\n",
        "requirements/constraints.txt": "celery==5.4.0\nurllib3==2.2.0\n",
    })
    assert names(found) == ["celery"]
    assert "requirements/constraints.txt" not in found.sources


@pytest.mark.parametrize(("path", "picked"), [
    ("requirements.txt", True), ("requirements-dev.txt", True), ("dev-requirements.in", True),
    ("requirements/prod.txt", True), ("requirements/base.in", True),
    ("docs/requirements.txt", True), ("pyproject.toml", True), ("sub/setup.py", True),
    ("Pipfile", True), ("setup.cfg", True),
    ("MANIFEST.in", False), ("notes.txt", False), ("Pipfile.lock", False),
    ("requirements.py", False), ("src/setup_utils.py", False),
])
def test_which_files_are_dependency_files(path: str, picked: bool) -> None:
    assert (parser_for(path) is not None) is picked


def test_an_undecodable_file_is_reported(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"requirements.txt": b"\xff\xfe\x00celery\x00"})
    assert found.dependencies == ()
    assert found.problems[0][0] == "requirements.txt" and "UTF-8" in found.problems[0][2]


# --- setup.cfg, setup.py, Pipfile ---------------------------------------------------------


def test_setup_cfg_install_requires_and_extras(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"setup.cfg": """\
        [metadata]
        name = proj
        [options]
        install_requires =
            celery>=5.2  # the worker
            redis
        [options.extras_require]
        s3 = boto3
        """})
    assert [(d.distribution, d.specifier, d.line) for d in found.dependencies] == [
        ("celery", ">=5.2", 5), ("redis", "", 6), ("boto3", "", 8)]


def test_a_broken_setup_cfg_is_a_problem(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"setup.cfg": "install_requires = celery\n[options\n"})
    assert found.dependencies == () and found.problems and not found.declares_any


def test_setup_py_literals_names_concatenation_and_spread_dicts(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"setup.py": """\
        from setuptools import setup
        BASE = ["celery>=5.3"]
        REQUIREMENTS = BASE + ["redis"]
        EXTRAS = {"s3": ["boto3"], "dev": ("pytest",)}
        options = {"tests_require": ["hypothesis"]}
        setup(name="proj", install_requires=REQUIREMENTS, extras_require=EXTRAS, **options)
        """})
    assert names(found) == ["celery", "redis", "boto3", "pytest", "hypothesis"]
    assert found.dependencies[0].line == 2 and found.declares_any


def test_setup_py_with_computed_install_requires_declares_nothing_from_it(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"setup.py": """\
        import os
        from setuptools import setup
        REQUIREMENTS = os.environ["DEPS"].split(",")
        setup(name="proj", install_requires=REQUIREMENTS, extras_require={"s3": ["boto3"]})
        """})
    assert names(found) == ["boto3"]
    [(path, line, message)] = found.problems
    assert (path, line) == ("setup.py", 4) and "computed" in message
    assert not found.declares_any


def test_setup_py_reading_a_requirements_file_follows_that_file(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "setup.py": """\
            from setuptools import setup
            def read(name):
                return open(name).read().splitlines()
            setup(name="proj", install_requires=read("requirements/base.txt"))
            """,
        "requirements/base.txt": "celery>=5\n",
    })
    assert [(d.distribution, d.source) for d in found.dependencies] == [
        ("celery", "requirements/base.txt")]
    assert found.problems == () and found.declares_any


def test_setup_py_is_parsed_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    found = declarations(tmp_path, {"setup.py": (
        f"open({str(marker)!r}, 'w').close()\n"
        "from setuptools import setup\nsetup(install_requires=['celery'])\n")})
    assert names(found) == ["celery"] and not marker.exists()


def test_python2_setup_py_is_a_problem(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"setup.py": "print 'hi'\nsetup(install_requires=['x'])\n"})
    assert found.dependencies == () and found.problems[0][1] == 1 and not found.declares_any


def test_setup_py_without_dependencies_is_fine() -> None:
    reading = parse_setup_py("from setuptools import setup\nsetup()\n")
    assert reading.requirements == () and reading.complete and reading.problems == ()


def test_pipfile_categories(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"Pipfile": """\
        [[source]]
        url = "https://pypi.org/simple"
        [packages]
        celery = {version = "==5.3.6", extras = ["redis"]}
        "django-redis" = "*"
        [dev-packages]
        pytest = ">=8"
        [requires]
        python_version = "3.11"
        """})
    assert [(d.distribution, d.specifier, d.extras, d.line) for d in found.dependencies] == [
        ("celery", "==5.3.6", ("redis",), 4), ("django-redis", "", (), 5),
        ("pytest", ">=8", (), 7)]


def test_nothing_declared_means_nothing_can_be_judged(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"app.py": "import celery\n", "pyproject.toml": "[tool.x]\n"})
    assert found.dependencies == () and found.sources == ("pyproject.toml",)
    assert not found.declares_any and not found.provides_import("celery")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_no_requirements_text_makes_the_parser_raise(text: str) -> None:
    reading = parse_requirements_txt(text)
    assert all(entry.line >= 1 for entry in reading.requirements)


@settings(max_examples=100, deadline=None)
@given(st.text(), st.sampled_from(["setup.py", "setup.cfg", "pyproject.toml", "Pipfile"]))
def test_no_file_text_makes_a_parser_raise(text: str, name: str) -> None:
    parser = parser_for(name)
    assert parser is not None
    parser(text)


def test_the_regex_fallback_parses_without_packaging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requirement_strings, "Requirement", None)
    assert parse_requirement('celery[redis] >=5.3, <6 ; python_version > "3"') == (
        "celery", ">=5.3, <6", ("redis",))
    assert parse_requirement("mylib @ git+https://x/y.git") == ("mylib", "", ())
    assert parse_requirement("flask (>=2.0)") == ("flask", ">=2.0", ())
    assert parse_requirement("not a requirement!!") is None


# --- distribution -> import names: see test_distributions.py --------------------------


def test_provides_import_is_case_insensitive_and_covers_extras_names() -> None:
    assert declared("PyPDF2").provides_import("PyPDF2")
    assert declared("pypdf2").provides_import("PyPDF2")
    dep = DeclaredDependency("requests", "requests", "requirements.txt", 1, "", ("socks",))
    assert DependencyDeclarations((dep,)).provides_import("socks")


def test_declaring_celery_provides_what_celery_installs() -> None:
    celery = declared("celery")
    assert all(celery.provides_import(m) for m in ("kombu", "billiard", "vine", "click", "amqp"))
    assert not celery.provides_import("redis")  # only with the redis extra
    assert not celery.provides_import("numpy")


def test_celery_redis_extra_provides_redis_through_kombu() -> None:
    dep = DeclaredDependency("celery", "celery", "requirements.txt", 1, "", ("redis",))
    assert DependencyDeclarations((dep,)).provides_import("redis")


# --- celery version ------------------------------------------------------------------


@pytest.mark.parametrize(("specifier", "major"), [
    (">=5.3,<6", 5), ("==4.4.7", 4), ("~=5.2", 5), ("^5.2", 5), (">=4.0", 4), ("<5", 4),
    ("<5.3", 5), ("<=5.0", 5), (">=4.4, <5.3", 5), ("5.3.*", 5), ("==5.*", 5),
    (">=5.3 <6.0", 5), ("!=5.0.0", None), ("", None), ("*", None), ("==5.0.0rc1", 5),
])
def test_celery_major_version_from_a_specifier(specifier: str, major: int | None) -> None:
    assert declared("celery", specifier).celery_major_version() == major


def test_an_exact_celery_pin_wins_over_a_range(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "pyproject.toml": '[project]\ndependencies = ["celery[redis]>=4.4"]\n',
        "requirements.txt": "Celery==5.4.0\n",
    })
    assert found.celery_major_version() == 5
    assert declared("kombu", "==5.3").celery_major_version() is None


def test_the_celery_declaration_is_the_one_that_decides_the_major(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "pyproject.toml": '[project]\ndependencies = ["celery", "celery[redis]>=4.4"]\n',
        "requirements.txt": "Celery==5.4.0\n",
    })
    pinned = found.celery_declaration()
    assert pinned is not None
    assert (pinned.source, pinned.specifier) == ("requirements.txt", "==5.4.0")
    bounded = declarations(tmp_path / "b", {
        "pyproject.toml": '[project]\ndependencies = ["celery", "celery[redis]>=4.4"]\n'})
    assert bounded.celery_declaration().specifier == ">=4.4"  # type: ignore[union-attr]
    assert declared("celery").celery_declaration().specifier == ""  # type: ignore[union-attr]
    assert declared("kombu", "==5.3").celery_declaration() is None


def test_lock_files_provide_transitive_requirements(tmp_path: Path) -> None:
    """alembic comes with Flask-Migrate: a poetry.lock records it even when Flask-Migrate
    is not installed next to celerylint."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry.dependencies]\npython = "^3.10"\nFlask-Migrate = "2.7.0"\n')
    (tmp_path / "poetry.lock").write_text(
        '[[package]]\nname = "flask-migrate"\nversion = "2.7.0"\n\n'
        '[[package]]\nname = "alembic"\nversion = "1.11.0"\n')
    without_lock = read_declarations(tmp_path, ["pyproject.toml"])
    with_lock = read_declarations(tmp_path, ["pyproject.toml", "poetry.lock"])
    assert not without_lock.provides_import("alembic")
    assert with_lock.provides_import("alembic")
    assert not with_lock.provides_import("requests")
    # Neither is installed here, so what else they provide is unknown: never "missing".
    assert with_lock.provision("requests") is Provision.UNKNOWN


# --- pip install lines of Dockerfiles, hatch, dynamic dependencies -------------------------


def test_dockerfile_pip_install_lines_declare_distributions(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "docker/worker/Dockerfile": (
            "FROM python:3.12\n# RUN pip install commented-out\n"
            "RUN pip install --no-cache-dir -r requirements.txt \\\n"
            "    && python -m pip install -U 'gunicorn>=21' \"celery[redis]>=5\" -e .\n"
            "RUN uv pip install --system -i https://pypi.org/simple sentry-sdk\n"),
        "requirements.txt": "flower\n",
    })
    assert names(found) == ["flower", "gunicorn", "celery", "sentry-sdk"]
    assert found.sources == ("requirements.txt", "docker/worker/Dockerfile")
    assert found.unnamed == ()


def test_dockerfile_installs_that_name_nothing_are_unnamed(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "Dockerfile": "RUN pip install $EXTRA_PACKAGES git+https://g.example/o/r.git\n"
                      "RUN pip install -r /srv/requirements/prod.txt\n",
        "requirements.txt": "celery\n"})
    assert [text for _, _, text in found.unnamed] == [
        "$EXTRA_PACKAGES", "git+https://g.example/o/r.git", "-r /srv/requirements/prod.txt"]
    assert found.provision("anything") is Provision.UNKNOWN


def test_hatch_requirements_files_are_read(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "pyproject.toml": (
            '[project]\nname = "x"\ndynamic = ["dependencies", "optional-dependencies"]\n'
            '[tool.hatch.metadata.hooks.requirements_txt]\nfiles = ["requirements/base.txt"]\n'
            '[tool.hatch.metadata.hooks.requirements_txt.optional-dependencies]\n'
            'dev = ["requirements/dev.txt"]\n'),
        "requirements/base.txt": "celery\n", "requirements/dev.txt": "pytest\n"})
    assert names(found) == ["celery", "pytest"]
    assert found.declares_any


def test_dynamic_dependencies_nothing_names_make_the_list_unusable(tmp_path: Path) -> None:
    found = declarations(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\ndynamic = ["dependencies"]\n'
                          '[build-system]\nrequires = ["pdm-backend"]\n'})
    assert not found.declares_any
    assert "dynamic" in found.problems[0][2]


def test_dependency_groups_and_extras_are_declarations(tmp_path: Path) -> None:
    found = declarations(tmp_path, {"pyproject.toml": (
        '[project]\nname = "x"\ndependencies = ["celery"]\n'
        '[project.optional-dependencies]\ns3 = ["boto3"]\n'
        '[dependency-groups]\ntest = ["pytest", {include-group = "lint"}]\nlint = ["ruff"]\n')})
    assert sorted(names(found)) == ["boto3", "celery", "pytest", "ruff"]


def test_a_project_naming_itself_in_its_groups_declares_no_other_distribution(
        tmp_path: Path) -> None:
    found = declarations(tmp_path, {"pyproject.toml": (
        '[project]\nname = "My_Proj"\ndependencies = ["celery"]\n'
        '[project.optional-dependencies]\nall = ["my-proj[s3]"]\ns3 = ["boto3"]\n'
        '[dependency-groups]\ndev = ["my.proj[all]", "pytest"]\n')})
    assert sorted(names(found)) == ["boto3", "celery", "pytest"]


def test_the_projects_own_packages_in_a_lock_file_are_not_dependencies(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["celery"]\n')
    (tmp_path / "uv.lock").write_text(
        '[[package]]\nname = "shop"\nversion = "0.1.0"\nsource = { editable = "." }\n\n'
        '[[package]]\nname = "shared-lib"\nversion = "0.1.0"\nsource = { directory = "libs/x" }\n\n'
        '[[package]]\nname = "celery"\nversion = "5.4.0"\n'
        'source = { registry = "https://pypi.org/simple" }\n')
    (tmp_path / "Pipfile.lock").write_text(
        '{"default": {"shop": {"editable": true, "path": "."}, "kombu": {"version": "==5.3"}}}')
    found = read_declarations(tmp_path, ["pyproject.toml", "uv.lock", "Pipfile.lock"])
    assert found.locked == ("celery", "kombu", "shared-lib")  # another local package counts
