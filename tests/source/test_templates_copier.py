"""Copier templates (issue 19, project templates): files with the templates suffix are
read as the files they render to, and findings point at the real ``.jinja`` path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from celerylint import api
from celerylint.discovery import discover
from celerylint.findings import Finding
from celerylint.settings import Settings
from celerylint.source.templates import (
    _LineColumns,
    copier_rendered_paths,
    copier_templates,
    rendered_file_name,
)
from tests.conftest import write_tree

FIXTURE = Path(__file__).resolve().parents[1] / "copier_template"
PACKAGE = "template/{{ project_name }}"
CELERY_APP = f"{PACKAGE}/celery_app.py.jinja"
COMPOSE = "template/docker-compose.yml.jinja"
SECRET_CODES = {"CEL112", "CEL404", "CEL605", "CEL606", "CEL607"}


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "copier"
    shutil.copytree(FIXTURE, root)
    return root


def _fixed(root: Path) -> Path:
    """The twin with the two true findings fixed: minute=0 and a worker for 'reports'."""
    app = root / CELERY_APP
    app.write_text(app.read_text().replace("crontab(hour=7)", "crontab(hour=7, minute=0)"))
    compose = root / COMPOSE
    compose.write_text(compose.read_text().replace("-Q default", "-Q default,reports"))
    return root


def _run(root: Path) -> api.RunResult:
    return api.run(Settings(root=root, paths=(root,), use_cache=False, preview=True))


def _where(findings: list[Finding]) -> set[tuple[str, str, int, int]]:
    return {(f.code, f.path, f.line, f.column) for f in findings}


@pytest.mark.parametrize(("name", "suffix", "expected"), [
    ("tasks.py.jinja", ".jinja", "tasks.py"),
    ("{% if use_celery %}worker.py{% endif %}.jinja", ".jinja", "worker.py"),
    ("tasks.py", ".jinja", None),  # copied as it is, not rendered
    ("tasks.py.tmpl", ".tmpl", "tasks.py"),
    ("{% if never %}{% endif %}.jinja", ".jinja", None),
])
def test_a_template_file_renders_to_its_name_without_the_suffix(
        name: str, suffix: str, expected: str | None) -> None:
    assert rendered_file_name(name, suffix) == expected


def test_copier_yml_places_the_template_and_names_its_suffix(tmp_path: Path) -> None:
    files = {"copier.yml": "_subdirectory: 'project'\n_templates_suffix: .tmpl  # ours\n",
             "project/{{ name }}/tasks.py.tmpl": "", "project/README.md.jinja": "",
             "tests/test_template.py.tmpl": "",
             "plain/copier.yaml": "project_name:\n  type: str\n",
             "plain/celery_app.py.jinja": "", "elsewhere/tasks.py.jinja": ""}
    write_tree(tmp_path, files)
    templates = copier_templates(tmp_path, sorted(files))
    assert [(t.root, t.suffix) for t in templates] == [("plain", ".jinja"), ("project", ".tmpl")]
    assert copier_rendered_paths(sorted(files), templates) == {
        "plain/celery_app.py.jinja": "plain/celery_app.py",
        "project/{{ name }}/tasks.py.tmpl": "project/{{ name }}/tasks.py",
    }


def test_template_files_are_modules_named_as_rendered_at_their_real_paths(
        tmp_path: Path) -> None:
    inventory = discover(_copy(tmp_path), (), ())
    modules = {pf.path: pf.module for pf in inventory.python}
    assert modules[CELERY_APP] == "project_name.celery_app"
    assert modules[f"{PACKAGE}/__init__.py.jinja"] == "project_name"
    assert modules[f"{PACKAGE}/{{% if use_celery %}}worker_health.py{{% endif %}}.jinja"] \
        == "project_name.worker_health"
    assert inventory.rendered_path(COMPOSE) == "template/docker-compose.yml"
    assert "template" in inventory.source_roots


def test_no_jinja_file_is_python_outside_a_copier_template(tmp_path: Path) -> None:
    write_tree(tmp_path, {"emails/tasks.py.jinja": "x = {{ y }}\n", "app/tasks.py": ""})
    assert [pf.path for pf in discover(tmp_path, (), ()).python] == ["app/tasks.py"]


def test_true_findings_inside_the_template_point_at_the_jinja_files(tmp_path: Path) -> None:
    found = _where(_run(_copy(tmp_path)).findings)
    assert ("CEL401", COMPOSE, 11, 14) in found  # 'reports' has no worker in compose
    # crontab(hour=7) stands after an expression: the column is the template's
    line = (tmp_path / "copier" / CELERY_APP).read_text().splitlines()[13]
    assert ("CEL502", CELERY_APP, 14, line.index("crontab(hour=7)") + 1) in found


def test_the_fixed_twin_is_silent(tmp_path: Path) -> None:
    codes = {f.code for f in _run(_fixed(_copy(tmp_path))).findings}
    assert codes.isdisjoint({"CEL401", "CEL502", "CEL507"})


def test_template_markers_give_no_parse_failure_and_placeholders_no_secret(
        tmp_path: Path) -> None:
    result = _run(_copy(tmp_path))
    assert not [f for f in result.findings if f.code == "CEL001"]
    assert not [f for f in result.findings if f.code in SECRET_CODES]
    assert not [f for f in result.findings if f.code == "CEL608"]  # .env renders from .env.jinja


def test_a_literal_secret_in_a_template_env_file_is_still_reported(tmp_path: Path) -> None:
    """The placeholders are silent because they are placeholders, not because
    ``.env.jinja`` is unread: a real password committed in it is a finding."""
    root = _copy(tmp_path)
    env = root / "template/.env.jinja"
    env.write_text(env.read_text().replace(
        "CELERY_BROKER_URL=redis://redis:6379/0",
        "CELERY_BROKER_URL=redis://:Xk82hQp3vLr9Wn7Tz@redis:6379/0"))
    assert any(f.path == "template/.env.jinja" for f in _run(root).findings
               if f.code in SECRET_CODES)


def test_a_template_that_is_no_python_when_blanked_is_one_verbose_note(
        tmp_path: Path) -> None:
    result = _run(_copy(tmp_path))
    notes = [n for n in result.notes if "project template" in n]
    assert notes == [f"skipped 1 file(s) of the project template {PACKAGE}: they are not "
                     "Python even with the template markers blanked"]
    assert not [f for f in result.findings if f.path.endswith("signals.py.jinja")]


def test_columns_after_an_expression_map_back_to_the_template() -> None:
    line = 'x = "{{ cookiecutter.slug }}.tasks", crontab(hour=7)  # {% raw %}'
    blanked = 'x = "slug.tasks", crontab(hour=7)  # ' + " " * len("{% raw %}")
    columns = _LineColumns(line)
    assert columns.column(blanked.index("crontab") + 1) == line.index("crontab") + 1
    assert columns.column(blanked.index("slug") + 1) == line.index("{{") + 1
    assert columns.column(blanked.index("slug") + 5, is_end=True) == line.index("}}") + 3
    assert columns.column(3) == 3


def test_a_template_with_expressions_only_that_stays_no_python_is_a_note(
        tmp_path: Path) -> None:
    """No ``{% %}`` in the file and no template folder: the suffix alone marks it."""
    write_tree(tmp_path, {"copier.yml": "name:\n  type: str\n",
                          "settings.py.jinja": "DEBUG = {{ debug }} {{ verbose }}\n"})
    result = _run(tmp_path)
    assert not [f for f in result.findings if f.code == "CEL001"]
    assert [n for n in result.notes if "project template" in n] == [
        "skipped 1 file(s) of the project template .: they are not Python even with "
        "the template markers blanked"]


def test_a_conditional_folder_holds_modules_named_as_rendered(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "copier.yml": "_subdirectory: template\n",
        "template/{% if use_celery %}jobs{% endif %}/__init__.py": "",
        "template/{% if use_celery %}jobs{% endif %}/tasks.py.jinja": "",
    })
    modules = {pf.path: pf.module for pf in discover(tmp_path, (), ()).python}
    assert modules["template/{% if use_celery %}jobs{% endif %}/tasks.py.jinja"] == "jobs.tasks"
