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


# --- namespace packages and source roots as processes find them ------------------------

def test_namespace_folder_inside_a_package_does_not_start_a_new_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"backend/alpha/__init__.py": "",
                          "backend/alpha/background/celery_app.py": "",
                          "backend/alpha/background/jobs/__init__.py": "",
                          "backend/alpha/background/jobs/cleanup.py": ""})
    found = modules(tmp_path)
    assert found["backend/alpha/background/celery_app.py"] == "alpha.background.celery_app"
    assert found["backend/alpha/background/jobs/cleanup.py"] == \
        "alpha.background.jobs.cleanup"


def test_a_setup_py_inside_a_package_is_a_module_not_a_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"inbox/__init__.py": "", "inbox/views/__init__.py": "",
                          "inbox/views/setup.py": "", "inbox/views/inbox.py": ""})
    found = modules(tmp_path)
    assert found["inbox/views/inbox.py"] == "inbox.views.inbox"
    assert found["inbox/views/setup.py"] == "inbox.views.setup"


def test_a_setup_py_beside_a_service_still_marks_its_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"service/setup.py": "", "service/app/tasks.py": ""})
    assert modules(tmp_path)["service/app/tasks.py"] == "app.tasks"


@pytest.mark.parametrize("deploy_file, text", [
    ("docker/Dockerfile", "FROM python\nWORKDIR /srv/backend\nCMD celery -A pkg worker\n"),
    ("docker-compose.yml", "services:\n  w:\n    working_dir: /code/backend\n"),
    ("deploy/k8s/worker.yaml", "spec:\n  containers:\n    - workingDir: /code/backend\n"),
    ("deploy/supervisord.conf", "[program:w]\ncommand=celery -A pkg worker\n"
                                "directory=/opt/app/backend\n"),
    ("bin/start.sh", "#!/bin/sh\ncd backend && exec celery -A pkg worker\n"),
    ("Procfile", "worker: celery --workdir backend -A pkg worker\n"),
])
def test_the_working_directory_of_a_process_is_a_source_root(
        tmp_path: Path, deploy_file: str, text: str) -> None:
    write_tree(tmp_path, {"backend/pkg/background/tasks.py": "", deploy_file: text})
    assert modules(tmp_path)["backend/pkg/background/tasks.py"] == "pkg.background.tasks"


def test_a_working_directory_that_is_a_package_is_not_a_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/__init__.py": "", "app/tasks.py": "",
                          "Dockerfile": "WORKDIR /app\n"})
    assert modules(tmp_path)["app/tasks.py"] == "app.tasks"


@pytest.mark.parametrize("config_file, text", [
    ("pyproject.toml", '[tool.pytest.ini_options]\npythonpath = ["lib"]\n'),
    ("pytest.ini", "[pytest]\npythonpath = lib\n"),
    ("setup.cfg", "[options]\npackage_dir =\n    =lib\n"),
    ("setup.cfg", "[options.packages.find]\nwhere = lib\n"),
])
def test_pytest_pythonpath_and_setup_cfg_package_dirs(
        tmp_path: Path, config_file: str, text: str) -> None:
    write_tree(tmp_path, {"lib/ns/mod.py": "", config_file: text})
    assert modules(tmp_path)["lib/ns/mod.py"] == "ns.mod"


def test_test_folders_without_init_hold_distinct_modules(tmp_path: Path) -> None:
    write_tree(tmp_path, {"tests/conftest.py": "", "tests/utils.py": "",
                          "tests/test_a.py": "",
                          "backend/pkg/__init__.py": "",
                          "backend/tests/conftest.py": "", "backend/tests/utils.py": "",
                          "backend/tests/test_b.py": ""})
    found = discover(tmp_path, (), ()).python
    canonical = [pf.module for pf in found]
    assert len(canonical) == len(set(canonical)), canonical
    by_path = {pf.path: pf for pf in found}
    assert "utils" in by_path["tests/utils.py"].aliases  # pytest imports it as 'utils'
    assert "utils" in by_path["backend/tests/utils.py"].aliases


def test_the_same_name_in_a_regular_package_keeps_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {"tests/__init__.py": "", "tests/conftest.py": "",
                          "backend/pkg/__init__.py": "", "backend/tests/conftest.py": ""})
    found = modules(tmp_path)
    assert found["tests/conftest.py"] == "tests.conftest"
    assert found["backend/tests/conftest.py"] == "backend.tests.conftest"


@pytest.mark.parametrize("folder", [".github/scripts", "${SERVICE}/app", "my-service.d/app"])
def test_folders_that_cannot_be_imported_hold_no_module(tmp_path: Path, folder: str) -> None:
    write_tree(tmp_path, {f"{folder}/manage.py": "", f"{folder}/tasks.py": ""})
    assert set(modules(tmp_path).values()) <= {""} or folder == "my-service.d/app"
    if folder == "my-service.d/app":  # a hyphenated folder may be a root, never a package
        assert modules(tmp_path)[f"{folder}/tasks.py"] == "tasks"


def test_a_cookiecutter_folder_holds_the_modules_it_renders_to(tmp_path: Path) -> None:
    """Issue 19: Celery rules apply to a template tree where its files parse once the
    markers are blanked, so its modules have the rendered names."""
    write_tree(tmp_path, {"{{cookiecutter.slug}}/app/__init__.py": "",
                          "{{cookiecutter.slug}}/app/tasks.py": ""})
    assert modules(tmp_path)["{{cookiecutter.slug}}/app/tasks.py"] == "app.tasks"


def test_migrations_are_modules_of_their_package(tmp_path: Path) -> None:
    write_tree(tmp_path, {"shop/__init__.py": "", "shop/migrations/__init__.py": "",
                          "shop/migrations/0091_backfill.py": "", "scripts/0091_other.py": ""})
    found = modules(tmp_path)
    assert found["shop/migrations/0091_backfill.py"] == "shop.migrations.0091_backfill"
    assert found["scripts/0091_other.py"] == ""  # no package: nothing imports it by name


def test_pytest_importlib_mode_gives_test_files_no_bare_name(tmp_path: Path) -> None:
    write_tree(tmp_path, {"tests/conftest.py": "", "tests/utils.py": "", "tests/test_a.py": "",
                          "pytest.ini": "[pytest]\naddopts = --import-mode=importlib\n"})
    by_path = {pf.path: pf for pf in discover(tmp_path, (), ()).python}
    assert by_path["tests/utils.py"].module == "tests.utils"
    assert by_path["tests/utils.py"].aliases == ()


def test_a_conftest_above_the_test_folders_marks_a_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"backend/conftest.py": "", "backend/pkg/background/tasks.py": "",
                          "backend/pkg/tests/test_tasks.py": ""})
    assert modules(tmp_path)["backend/pkg/background/tasks.py"] == "pkg.background.tasks"


def test_a_conftest_among_test_files_marks_no_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"qa/conftest.py": "", "qa/test_flow.py": "", "qa/helpers/x.py": ""})
    assert modules(tmp_path)["qa/helpers/x.py"] == "qa.helpers.x"


def test_a_hyphenated_file_in_a_package_is_a_module_a_loose_one_is_not(tmp_path: Path) -> None:
    write_tree(tmp_path, {"proj/__init__.py": "", "proj/settings/__init__.py": "",
                          "proj/settings/gitlab-ci.py": "", "tools/run-me.py": ""})
    found = modules(tmp_path)
    assert found["proj/settings/gitlab-ci.py"] == "proj.settings.gitlab-ci"
    assert found["tools/run-me.py"] == ""
