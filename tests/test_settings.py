"""``[tool.celerylint]``: where it is found, what it may hold, and how the CLI overrides it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import write_tree

from celerylint import cli
from celerylint.config_file import ConfigError
from celerylint.discovery import discover
from celerylint.settings import find_config, load_settings, parse_table

pytestmark = pytest.mark.usefixtures("preview_rules_as_stable")

BROKEN = {
    "pkg/__init__.py": "",
    "pkg/helpers.py": "present = 1\n",
    "pkg/a.py": "from pkg.gone import x\nfrom pkg.helpers import absent\n",
    "pkg/b.py": "import pkg.vanished\n",
}


def check_json(root: Path, *flags: str, capsys: pytest.CaptureFixture[str],
               monkeypatch: pytest.MonkeyPatch) -> tuple[int, set[tuple[str, str]], str]:
    """Exit code, {(code, project-relative path)} and stderr of ``check root``."""
    monkeypatch.chdir(root)
    code = cli.main(["check", ".", "--format", "json", *flags])
    captured = capsys.readouterr()
    report = json.loads(captured.out) if captured.out else []
    found = {(f["code"], f["filename"]) for f in report}
    return code, found, captured.err


# --- finding the file ------------------------------------------------------------------

def test_nearest_pyproject_with_a_celerylint_table_wins(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": "[tool.celerylint]\nselect = ['CEL702']\n",
        "outer/pyproject.toml": "[tool.celerylint]\nselect = ['CEL701']\n",
        "outer/inner/pyproject.toml": "[project]\nname = 'inner'\n",  # no table: skipped
        "outer/inner/proj/x.py": "",
    })
    start = tmp_path / "outer" / "inner" / "proj"
    assert find_config(start) == tmp_path / "outer" / "pyproject.toml"
    settings = load_settings([start], None, {})
    assert settings.select == ("CEL701",)
    assert settings.config_path == tmp_path / "outer" / "pyproject.toml"


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings([tmp_path], None, {})
    assert settings.config_path is None
    assert settings.root == tmp_path.resolve()
    assert settings.ignore == ()


def test_explicit_config_path_is_used(tmp_path: Path) -> None:
    write_tree(tmp_path, {"elsewhere.toml": "[tool.celerylint]\nignore = ['CEL7']\n",
                          "proj/x.py": ""})
    settings = load_settings([tmp_path / "proj"], tmp_path / "elsewhere.toml", {})
    assert settings.ignore == ("CEL7",)


def test_command_line_overrides_config(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.celerylint]\nselect = ['CEL702']\n"
                                            "jobs = 3\n"})
    settings = load_settings([tmp_path], None, {"select": ("CEL701",), "ignore": None})
    assert settings.select == ("CEL701",)
    assert settings.jobs == 3  # untouched by the command line


def test_command_line_override_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {**BROKEN, "pyproject.toml": "[tool.celerylint]\nselect = ['CEL702']\n"})
    _, from_config, _ = check_json(tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert from_config == {("CEL702", "pkg/a.py")}
    _, overridden, _ = check_json(tmp_path, "--select", "CEL701", capsys=capsys,
                                  monkeypatch=monkeypatch)
    assert overridden == {("CEL701", "pkg/a.py"), ("CEL701", "pkg/b.py")}


# --- what the table may hold --------------------------------------------------------------

def test_parse_table_maps_kebab_keys_to_fields() -> None:
    values = parse_table({
        "select": ["CEL7"], "extend-select": ["CEL001"], "ignore": "CEL702",
        "exclude": ["legacy"], "extend-exclude": ["gen_*.py"], "source-roots": ["backend"],
        "cache-dir": ".cache", "jobs": 2, "per-file-ignores": {"tests/*": ["CEL701"]},
    })
    assert values == {
        "select": ("CEL7",), "extend_select": ("CEL001",), "ignore": ("CEL702",),
        "exclude": ("legacy",), "extend_exclude": ("gen_*.py",), "source_roots": ("backend",),
        "cache_dir": ".cache", "jobs": 2, "per_file_ignores": (("tests/*", ("CEL701",)),),
    }


@pytest.mark.parametrize(("table", "named"), [
    ({"select": 3}, "select"),
    ({"ignore": ["CEL701", 7]}, "ignore"),
    ({"cache-dir": 1}, "cache-dir"),
    ({"jobs": -1}, "jobs"),
    ({"jobs": True}, "jobs"),
    ({"per-file-ignores": ["x"]}, "per-file-ignores"),
    ({"per-file-ignores": {"a.py": 5}}, "per-file-ignores.a.py"),
    ({"exclud": []}, "did you mean 'exclude'"),
    ({"frobnicate": 1}, "known keys:"),
])
def test_bad_values_name_the_key(table: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        parse_table(table)


def test_invalid_toml_exits_2_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {**BROKEN, "pyproject.toml": "[tool.celerylint]\nselect = [\n"})
    code, _, err = check_json(tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2
    assert str(tmp_path / "pyproject.toml") in err
    assert "not valid TOML" in err
    assert "Traceback" not in err


def test_config_table_that_is_not_a_table_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {**BROKEN, "pyproject.toml": "[tool]\ncelerylint = 1\n"})
    code, _, err = check_json(tmp_path, "--config", "pyproject.toml", capsys=capsys,
                              monkeypatch=monkeypatch)
    assert code == 2
    assert "must be a table" in err


@pytest.mark.parametrize("config", [
    "select = ['CEL9999']",
    "ignore = ['missing-modul']",
    "[tool.celerylint.per-file-ignores]\n'pkg/*' = ['CEL77x']",
])
def test_unknown_selectors_in_config_exit_2(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_tree(tmp_path, {**BROKEN, "pyproject.toml": f"[tool.celerylint]\n{config}\n"})
    code, _, err = check_json(tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2
    assert "unknown rule selector(s) in " in err
    assert "pyproject.toml" in err


# --- per-file-ignores, exclude, source roots ---------------------------------------------

@pytest.mark.parametrize("pattern, codes, expected", [
    ("pkg/a.py", "['CEL701']", {("CEL701", "pkg/b.py"), ("CEL702", "pkg/a.py")}),
    ("a.py", "['CEL7']", {("CEL701", "pkg/b.py")}),  # a bare file name matches anywhere
    ("pkg/*", "['missing-module']", {("CEL702", "pkg/a.py")}),
    ("pkg/*", "['ALL']", set()),
])
def test_per_file_ignores(pattern: str, codes: str, expected: set[tuple[str, str]],
                          tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {**BROKEN, "pyproject.toml": "[tool.celerylint]\nselect = ['CEL7']\n"
                          f"[tool.celerylint.per-file-ignores]\n'{pattern}' = {codes}\n"})
    _, found, err = check_json(tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert found == expected, err


@pytest.mark.parametrize("key", ["exclude", "extend-exclude"])
def test_exclude_and_extend_exclude_drop_files(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_tree(tmp_path, {**BROKEN, "legacy/old.py": "import pkg.gone_too\n",
                          "pyproject.toml": f"[tool.celerylint]\nselect = ['CEL701']\n"
                                            f"{key} = ['legacy', 'b.py']\n"})
    _, found, _ = check_json(tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert found == {("CEL701", "pkg/a.py")}


def test_exclude_keeps_the_default_excludes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": "", ".venv/lib/x.py": "", "legacy/y.py": ""})
    settings = load_settings([tmp_path], None, {"exclude": ("legacy",)})
    files = discover(settings.root, settings.all_excludes, settings.source_roots).files
    assert files == ["app.py"]


def test_source_roots_make_a_folder_importable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        # Namespace packages only: nothing tells discovery that backend/ is a source root.
        "backend/app/helpers.py": "present = 1\n",
        "backend/app/tasks.py": "from app.helpers import absent\n",
    }
    write_tree(tmp_path, {**files, "pyproject.toml": "[tool.celerylint]\nselect = ['CEL702']\n"})
    _, without, _ = check_json(tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert without == set()  # 'app' is not known as first-party
    (tmp_path / "pyproject.toml").write_text(
        "[tool.celerylint]\nselect = ['CEL702']\nsource-roots = ['backend']\n")
    _, with_root, _ = check_json(tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert with_root == {("CEL702", "backend/app/tasks.py")}


def test_preview_and_scope_are_read_and_checked() -> None:
    assert parse_table({"preview": True, "scope": "project"}) == {
        "preview": True, "scope": "project"}
    with pytest.raises(ConfigError, match="preview must be true or false"):
        parse_table({"preview": "yes"})
    with pytest.raises(ConfigError, match="scope must be one of 'celery', 'project'"):
        parse_table({"scope": "everything"})
