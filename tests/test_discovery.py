"""Which files belong to the project and which module name each Python file gets."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint.discovery import discover


def modules(root: Path, exclude: tuple[str, ...] = (),
            source_roots: tuple[str, ...] = ()) -> dict[str, str]:
    return {pf.path: pf.module for pf in discover(root, exclude, source_roots).python}


def git(root: Path, *argv: str) -> None:
    subprocess.run(["git", "-C", str(root), *argv], check=True, capture_output=True)


# --- which files ------------------------------------------------------------------------

DEFAULT_EXCLUDED = {
    ".venv/lib/site.py": "", "venv/bin/x.py": "", "node_modules/pkg/x.py": "",
    "pkg/__pycache__/mod.cpython-311.pyc": "", "pkg/__pycache__/stale.py": "",
    ".tox/py311/x.py": "", "build/lib/pkg/mod.py": "", "dist/x.py": "",
    "thing.egg-info/PKG-INFO": "", ".mypy_cache/x.py": "", ".celerylint_cache/x.py": "",
}


def test_plain_tree_lists_files_without_default_excludes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/mod.py": "", "Procfile": "worker: x\n",
                          "config/prod.env": "A=1\n", **DEFAULT_EXCLUDED})
    inventory = discover(tmp_path, (), ())
    assert inventory.files == ["Procfile", "config/prod.env", "pkg/__init__.py", "pkg/mod.py"]
    assert [pf.path for pf in inventory.python] == ["pkg/__init__.py", "pkg/mod.py"]


def test_git_tree_lists_tracked_and_untracked_but_not_ignored(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".gitignore": "generated/\n*.local.py\n",
        "pkg/__init__.py": "", "pkg/tracked.py": "", "pkg/untracked.py": "",
        "generated/out.py": "", "pkg/dev.local.py": "", **DEFAULT_EXCLUDED,
    })
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".gitignore", "pkg/__init__.py", "pkg/tracked.py")
    inventory = discover(tmp_path, (), ())
    assert inventory.files == [".gitignore", "pkg/__init__.py", "pkg/tracked.py",
                               "pkg/untracked.py"]


def test_git_tree_skips_deleted_tracked_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "", "b.py": ""})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "a.py", "b.py")
    (tmp_path / "b.py").unlink()
    assert discover(tmp_path, (), ()).files == ["a.py"]


def test_git_subdirectory_paths_are_relative_to_the_checked_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {"service/app/__init__.py": "", "service/app/tasks.py": "",
                          "other/x.py": ""})
    git(tmp_path, "init", "-q")
    assert modules(tmp_path / "service") == {"app/__init__.py": "app",
                                             "app/tasks.py": "app.tasks"}


@pytest.mark.parametrize("pattern", ["legacy", "legacy/", "legacy/*", "*/old_*.py"])
def test_user_excludes(tmp_path: Path, pattern: str) -> None:
    write_tree(tmp_path, {"app.py": "", "legacy/old_a.py": ""})
    assert discover(tmp_path, (pattern,), ()).files == ["app.py"]


def test_directory_named_like_a_python_file_is_not_a_module(tmp_path: Path) -> None:
    write_tree(tmp_path, {"weird.py/inside.txt": "x", "ok.py": ""})
    inventory = discover(tmp_path, (), ())
    assert [pf.path for pf in inventory.python] == ["ok.py"]
    assert inventory.files == ["ok.py", "weird.py/inside.txt"]


@pytest.mark.parametrize("with_git", [False, True])
def test_symlink_loop_terminates(tmp_path: Path, with_git: bool) -> None:
    write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/mod.py": ""})
    os.symlink(tmp_path, tmp_path / "pkg" / "loop")  # pkg/loop -> the project root
    os.symlink("../pkg", tmp_path / "pkg" / "self")  # relative link to its own parent
    if with_git:
        git(tmp_path, "init", "-q")
    inventory = discover(tmp_path, (), ())
    assert [pf.path for pf in inventory.python] == ["pkg/__init__.py", "pkg/mod.py"]


def test_symlinked_file_is_kept(tmp_path: Path) -> None:
    write_tree(tmp_path, {"real/settings.py": "X = 1\n"})
    (tmp_path / "app").mkdir()
    os.symlink(tmp_path / "real" / "settings.py", tmp_path / "app" / "settings.py")
    assert "app/settings.py" in discover(tmp_path, (), ()).files


# --- module names -----------------------------------------------------------------------

def test_plain_packages(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/sub/__init__.py": "",
                          "pkg/sub/mod.py": "", "script.py": "", "my-script.py": ""})
    inventory = discover(tmp_path, (), ())
    by_path = {pf.path: pf for pf in inventory.python}
    assert by_path["pkg/__init__.py"].module == "pkg"
    assert by_path["pkg/__init__.py"].is_package
    assert by_path["pkg/sub/mod.py"].module == "pkg.sub.mod"
    assert not by_path["pkg/sub/mod.py"].is_package
    assert by_path["script.py"].module == "script"
    assert by_path["my-script.py"].module == ""  # not importable by that name


def test_src_layout(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/pkg/__init__.py": "", "src/pkg/mod.py": "",
                          "tests/test_mod.py": ""})
    inventory = discover(tmp_path, (), ())
    by_path = {pf.path: pf for pf in inventory.python}
    assert by_path["src/pkg/mod.py"].module == "pkg.mod"
    assert by_path["src/pkg/mod.py"].aliases == ("src.pkg.mod",)
    assert by_path["tests/test_mod.py"].module == "tests.test_mod"
    assert "src" in inventory.source_roots


def test_namespace_packages_without_init(tmp_path: Path) -> None:
    write_tree(tmp_path, {"ns/sub/mod.py": "", "ns/other.py": ""})
    assert modules(tmp_path) == {"ns/other.py": "ns.other", "ns/sub/mod.py": "ns.sub.mod"}


def test_setuptools_package_dir_in_pyproject(tmp_path: Path) -> None:
    write_tree(tmp_path, {"lib/ns/mod.py": ""})
    assert modules(tmp_path) == {"lib/ns/mod.py": "lib.ns.mod"}
    (tmp_path / "pyproject.toml").write_text('[tool.setuptools]\npackage-dir = {"" = "lib"}\n')
    assert modules(tmp_path)["lib/ns/mod.py"] == "ns.mod"


def test_setuptools_packages_find_where(tmp_path: Path) -> None:
    write_tree(tmp_path, {"code/ns/mod.py": "",
                          "pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["code"]\n'})
    assert modules(tmp_path)["code/ns/mod.py"] == "ns.mod"


def test_setup_py_literal_package_dir(tmp_path: Path) -> None:
    write_tree(tmp_path, {"lib/ns/mod.py": "",
                          "setup.py": "from setuptools import setup\n"
                                      "setup(name='x', package_dir={'': 'lib'})\n"})
    assert modules(tmp_path)["lib/ns/mod.py"] == "ns.mod"


@pytest.mark.parametrize("setup_py", [
    "from setuptools import setup\nROOT = 'lib'\nsetup(package_dir={'': ROOT})\n",
    "this is not python(\n",
    b"\xff\xfe\x00 binary",
])
def test_setup_py_that_cannot_be_read_statically_is_ignored(
    tmp_path: Path, setup_py: str | bytes
) -> None:
    write_tree(tmp_path, {"lib/ns/mod.py": "", "setup.py": setup_py})
    assert modules(tmp_path)["lib/ns/mod.py"] == "lib.ns.mod"


def test_broken_pyproject_does_not_stop_discovery(tmp_path: Path) -> None:
    write_tree(tmp_path, {"lib/ns/mod.py": "", "pyproject.toml": "[tool.setuptools\n"})
    assert modules(tmp_path)["lib/ns/mod.py"] == "lib.ns.mod"


def test_django_layout_is_rooted_at_manage_py(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "backend/manage.py": "",
        "backend/mysite/__init__.py": "", "backend/mysite/settings.py": "",
        "backend/mysite/celery.py": "",
        "backend/polls/tasks.py": "",  # an app without __init__.py still imports as polls
        "README.md": "",
    })
    found = modules(tmp_path)
    assert found["backend/mysite/settings.py"] == "mysite.settings"
    assert found["backend/mysite/celery.py"] == "mysite.celery"
    assert found["backend/polls/tasks.py"] == "polls.tasks"
    assert found["backend/manage.py"] == "manage"


def test_configured_source_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"services/api/app/tasks.py": ""})
    assert modules(tmp_path)["services/api/app/tasks.py"] == "services.api.app.tasks"
    inventory = discover(tmp_path, (), ("services/api/",))
    python_file = inventory.python[0]
    assert python_file.module == "app.tasks"
    assert python_file.aliases == ("services.api.app.tasks",)


def test_missing_configured_source_root_is_dropped(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": ""})
    assert discover(tmp_path, (), ("nope",)).source_roots == [""]
