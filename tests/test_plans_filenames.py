"""One cleaning of an uploaded file name (validation/filenames.py) for the registry's kept
original and for both exports: no path traversal, no NUL, a bounded length with the
extension kept, NFC and NFD alike, no Windows device names."""

import unicodedata
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from hsvo_graph.validation.filenames import export_name, safe_name
from hsvo_graph.validation.meta import PlanMeta
from hsvo_graph.validation.model import Plan, PlanInfo, Report
from hsvo_graph.validation.registry import PlanDiff, PlanRegistry, key_of



@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../x.csv", "x.csv"),
        ("..\\..\\windows\\x.csv", "x.csv"),
        ("/etc/cron.d/x", "x"),
        ("..", "plan"),
        ("", "plan"),
        ("a\x00b.csv", "a_b.csv"),
        ("x.csv...", "x.csv"),
        (".htaccess", "htaccess"),
        ("CON.csv", "_CON.csv"),
        ("nul", "_nul"),
        ("Lpt1.tar.gz", "_Lpt1.tar.gz"),
        ("COM¹.csv", "_COM1.csv"),
        ("CONFIG.csv", "CONFIG.csv"),
        ("aktivitetslista 2026 (2).xlsx", "aktivitetslista_2026_2_.xlsx"),
    ],
)
def test_a_sent_name_becomes_one_safe_file_name(sent: str, kept: str) -> None:
    assert safe_name(sent) == kept == export_name(sent)


def test_nfc_and_nfd_give_the_same_name_without_accents() -> None:
    name = "Aktivitetslista Älvkarleby åäö 2026.csv"
    nfc, nfd = unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)
    assert nfc != nfd
    assert safe_name(nfc) == safe_name(nfd) == "Aktivitetslista_Alvkarleby_aao_2026.csv"


def test_a_very_long_name_is_cut_with_its_extension_kept() -> None:
    long = "a" * 10_000 + ".csv"
    assert safe_name(long) == "a" * 116 + ".csv"
    assert safe_name(long, 80) == "a" * 76 + ".csv"
    assert len(safe_name("b" * 10_000)) == 120
    assert safe_name("." * 500 + "x" * 500 + ".ttl").endswith(".ttl")


def _record(directory: Path, sent: str) -> str:
    """Keep a (tiny) plan in a registry under the name ``sent``; its kept file's path."""
    graph = URIRef("https://w3id.org/hsvo-graph/graph/plan-aktivitetslista-hsvo-uppsala-2026")
    info = PlanInfo(source=sent, kind="activity-list", document=None, graph=graph)
    registry = PlanRegistry(directory)
    entry = registry.record(Plan(info, Graph()), Report(info, [], "test"), b"data", sent,
                            PlanMeta(), "test", PlanDiff())
    kept = (directory / entry.key / entry.file).resolve()
    assert kept.is_file() and kept.is_relative_to(directory.resolve())
    assert registry.original(entry) == b"data" and entry.name == sent
    return entry.file


@pytest.mark.parametrize(
    "sent", ["../../x.csv", "..\\x.csv", "a\x00b.csv", "CON.csv", "x" * 5000 + ".xlsx", ""]
)
def test_the_registry_keeps_the_original_under_the_export_name(tmp_path: Path, sent: str) -> None:
    kept = _record(tmp_path, sent)
    assert kept.startswith("files/001-")
    assert kept.split("-", 2)[2] == safe_name(sent, 80)
    assert "/" not in kept.removeprefix("files/") and "\x00" not in kept


def test_the_registry_keeps_nfc_and_nfd_names_alike(tmp_path: Path) -> None:
    name = "Älvkarleby.csv"
    first = _record(tmp_path / "a", unicodedata.normalize("NFC", name))
    second = _record(tmp_path / "b", unicodedata.normalize("NFD", name))
    assert first.split("-", 2)[2] == second.split("-", 2)[2] == "Alvkarleby.csv"


def test_registry_keys_are_unchanged() -> None:
    """Keys are folder names of plans already kept: the shared characters do not change them."""
    base = "https://w3id.org/hsvo-graph/graph/"
    assert key_of(base + "plan-aktivitetslista-hsvo-uppsala-2026") == (
        "plan-aktivitetslista-hsvo-uppsala-2026")
    assert key_of(base + "plan-älv").startswith("plan-_lv-")
