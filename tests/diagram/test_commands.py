"""``celerylint graph``, ``inventory`` and ``report`` through ``cli.main``: files, --check, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest
from tests.conftest import require_program, write_tree
from tests.diagram.shop_project import SECRETS, SHOP

from celerylint import cli, commands
from celerylint.diagram import render as render_module


class Outcome(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def invoke(*argv: str) -> Outcome:
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return invoke


def test_the_cli_registers_every_subcommand() -> None:
    assert set(commands.SUBCOMMAND_NAMES) <= cli.subcommand_names(cli.build_parser())


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "shop_project", SHOP)
    (root / "pyproject.toml").write_text("[tool.celerylint]\ncache-dir = '../cache'\n")
    return root


def test_topology_to_a_file_then_check_it(run, shop: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "topology.mmd"
    assert run("graph", "topology", str(shop), "-o", str(target)).code == 0
    assert target.read_text().startswith("---\ntitle:")  # mermaid, from the file name
    assert run("graph", "topology", str(shop), "--check", str(target)) == (0, "", "")


def test_check_reports_a_stale_diagram_with_a_diff(run, shop: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "topology.dot"
    run("graph", "topology", str(shop), "-o", str(target))
    target.write_text(target.read_text().replace("concurrency 4", "concurrency 8"))
    outcome = run("graph", "topology", str(shop), "--check", str(target))
    assert outcome.code == 1
    assert "out of date" in outcome.out and "-o" in outcome.out
    assert "-" in outcome.out and "concurrency 4" in outcome.out


def test_check_of_a_missing_file_fails(run, shop: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outcome = run("graph", "imports", str(shop), "--check", str(tmp_path / "nope.dot"))
    assert outcome.code == 1 and "does not exist" in outcome.out


def test_imports_formats_and_options(run, shop: Path) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(run("graph", "imports", str(shop), "--format", "json").out)
    assert {n["id"] for n in document["nodes"]} >= {"mod_shop_views", "mod_shop_orders_tasks"}
    external = run("graph", "imports", str(shop), "--external", "--format", "json").out
    assert "ext_redis" in external
    scoped = json.loads(run("graph", "imports", str(shop), "--scope", "shop.billing",
                            "--format", "json").out)
    assert "mod_shop_celery_app" in {n["id"] for n in scoped["nodes"]}  # a neighbour
    collapsed = json.loads(run("graph", "imports", str(shop), "--depth", "1",
                               "--format", "json").out)
    assert [n["id"] for n in collapsed["nodes"]] == ["pkg_shop"]


def test_usage_errors_exit_2(run, shop: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("graph", "imports", str(shop), "--scope", "nope").code == 2
    assert run("graph", "imports", str(tmp_path / "absent")).code == 2
    assert run("graph", "imports", str(shop), "--depth", "0").code == 2
    assert run("graph").code == 2
    both = run("graph", "topology", str(shop), "-o", "a.dot", "--check", "b.dot")
    assert both.code == 2 and "not both" in both.err


def test_missing_graphviz_exits_2_with_the_install_hint(run, shop: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_module.shutil, "which", lambda program: None)
    outcome = run("graph", "topology", str(shop), "-o", str(tmp_path / "t.png"))
    assert outcome.code == 2
    assert "install graphviz (apt-get install graphviz)" in outcome.err
    assert not (tmp_path / "t.png").exists()


def test_png_and_svg_files(run, shop: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    require_program("dot", "graphviz")
    assert run("graph", "topology", str(shop), "-o", str(tmp_path / "t.png")).code == 0
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"
    assert run("graph", "imports", str(shop), "-o", str(tmp_path / "i.svg")).code == 0
    assert b"<svg" in (tmp_path / "i.svg").read_bytes()


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_inventory_formats_hide_secrets(run, shop: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    outcome = run("inventory", str(shop), "--format", fmt)
    assert outcome.code == 0 and "shop.orders.tasks.place_order" in outcome.out
    assert not [s for s in SECRETS if s in outcome.out]


def test_report_to_a_file(run, shop: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "report.md"
    assert run("report", str(shop), "-o", str(target)) == (0, "", "")
    text = target.read_text()
    assert text.startswith("# celerylint report: `shop_project`")
    assert "```mermaid" in text and "CEL401" in text
    assert not [s for s in SECRETS if s in text]
