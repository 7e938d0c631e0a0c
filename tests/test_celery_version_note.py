"""A project pinned to another Celery major gets one --verbose note, and only then."""

from __future__ import annotations

from importlib.metadata import version

from tests.conftest import write_tree

from celerylint.cli import main


def test_other_major_is_noted_once(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    installed = int(version("celery").split(".")[0])
    root = write_tree(tmp_path / "p", {"requirements.txt": f"celery=={installed - 1}.0.0\n",
                                       "proj/__init__.py": ""})
    main(["check", str(root), "--verbose"])
    assert capsys.readouterr().err.count(f"declares Celery {installed - 1}.x") == 1


def test_same_major_is_silent(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    installed = int(version("celery").split(".")[0])
    root = write_tree(tmp_path / "p", {"requirements.txt": f"celery>={installed}.0,<{installed + 1}\n",
                                       "proj/__init__.py": ""})
    main(["check", str(root), "--verbose"])
    assert "declares Celery" not in capsys.readouterr().err
