"""An imported plan keeps the file name its uploader sent, and over HTTP that may be any
text. ``hsvo plans export`` and the HTTP download write it cleaned the same way: only its last
part, in safe characters, in the current directory, and never over an existing file unless
asked to (--force)."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from hsvo_graph.cli.main import main
from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.validation.context import context_from_store
from hsvo_graph.validation.filenames import export_name
from hsvo_graph.validation.managed import Upload, import_managed

from .test_import import META_2026, PLAN_2026

KEY = "plan-aktivitetslista-hsvo-uppsala-2026"


def test_export_names_are_one_safe_file_name() -> None:
    assert export_name("/tmp/auditC/escaped-owned.ttl") == "escaped-owned.ttl"
    assert export_name("..\\..\\x.csv") == "x.csv"
    assert export_name("../../x.csv") == "x.csv"
    assert [export_name(n) for n in ("..", ".", "/", "", ".bashrc")] == ["plan"] * 4 + ["bashrc"]
    assert export_name('a "b"\r\nc.csv') == "a_b_c.csv"


def _import_as(tmp_path: Path, sent: str) -> list[str]:
    """The plan imported under the name ``sent``; the CLI options for its store."""
    settings = Settings(store="embedded", store_path=tmp_path / "store",
                        plans_dir=tmp_path / "plans")
    store = EmbeddedStore(settings.store_path)
    load(store, settings)
    change = import_managed(store, settings, Upload(PLAN_2026, sent, META_2026),
                            lambda: context_from_store(store, settings), "test")
    assert change.imported
    store.close()
    return ["--store-path", str(tmp_path / "store"), "--plans-dir", str(tmp_path / "plans")]


@pytest.mark.parametrize("sent", ["{outside}/owned.csv", "../../owned.csv"])
def test_cli_export_stays_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sent: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    work = tmp_path / "a" / "b" / "work"
    work.mkdir(parents=True)
    options = _import_as(tmp_path, sent.format(outside=outside))
    monkeypatch.chdir(work)
    export = CliRunner().invoke(main, [*options, "plans", "export", KEY])
    assert export.exit_code == 0, export.output
    assert (work / "owned.csv").read_bytes() == PLAN_2026
    assert not (outside / "owned.csv").exists() and not (tmp_path / "a" / "owned.csv").exists()

    (work / "owned.csv").write_text("mine")
    again = CliRunner().invoke(main, [*options, "plans", "export", KEY])
    assert again.exit_code == 1 and "already exists; use --force" in again.output
    assert (work / "owned.csv").read_text() == "mine"
    forced = CliRunner().invoke(main, [*options, "plans", "export", "--force", KEY])
    assert forced.exit_code == 0 and (work / "owned.csv").read_bytes() == PLAN_2026
