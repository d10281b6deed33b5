"""A store's plan context kept between processes (hsvo_graph/validation/context.py, under
the store's version): read back exactly as read from the store, never the context of an
earlier content (a write, or a store rebuilt at the same path), and a damaged or
unreadable entry is read from the store again instead of failing."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hsvo_graph.cli.main import main
from hsvo_graph.config import Settings
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.validation import cache, context
from hsvo_graph.validation.context import Context, context_from_store, context_if_stored

HSVO = "https://w3id.org/hsvo-graph/ontology#"
BODY = "https://w3id.org/hsvo-graph/id/body/testnamnd"
GRAPH_A = "https://w3id.org/hsvo-graph/graph/test-a"
GRAPH_B = "https://w3id.org/hsvo-graph/graph/test-b"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "hsvo-graph"


def body(label: str, graph: str = GRAPH_A) -> bytes:
    """A board with a label and a blank-node mandate (blank nodes are read too)."""
    return (f'<{BODY}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{HSVO}Board> <{graph}> .\n'
            f'<{BODY}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@sv <{graph}> .\n'
            f'<{BODY}> <{HSVO}hasMandate> _:m <{graph}> .\n'
            f'_:m <{HSVO}grants> <{HSVO}Decision> <{graph}> .\n').encode()


def labels(found: Context) -> set[str]:
    return {str(o) for s, p, o in found.graph if str(s) == BODY and str(p).endswith("#label")}


def same(cached: Context, read: Context) -> bool:
    return cached.parts == read.parts and cached.description == read.description


def read_fresh(store: EmbeddedStore, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Context:
    """The context read from the store, the cache left out."""
    with monkeypatch.context() as patch:
        patch.setattr(context, "_cached_parts", lambda name: None)
        patch.setattr(cache, "keep", lambda *args, **kwargs: None)
        return context_from_store(store, settings)


def refuse_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the store was read although its context is cached")

    monkeypatch.setattr(context, "_read_parts", refuse)


def test_the_cached_context_is_the_read_context(
    settings: Settings, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.replace_graphs(body("Testnämnden") + body("Andra", GRAPH_B).replace(BODY.encode(),
                         b"https://w3id.org/hsvo-graph/id/body/andra"), [GRAPH_A, GRAPH_B])
    read = context_from_store(store, settings)  # read, and kept
    assert len(list(cache_home.glob("context-*.nq"))) == 1
    fresh = read_fresh(store, settings, monkeypatch)
    refuse_reading(monkeypatch)
    cached = context_from_store(store, settings)
    assert same(cached, read) and same(cached, fresh)
    assert list(cached.parts) == list(read.parts)  # the same graphs in the same order
    assert labels(cached) == {"Testnämnden"}
    store.close()


def test_a_write_is_never_answered_from_the_earlier_entry(
    settings: Settings, cache_home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    store.replace_graphs(body("Före"), [GRAPH_A])
    assert labels(context_from_store(store, settings)) == {"Före"}
    store.replace_graphs(body("Efter"), [GRAPH_A])  # by this process
    assert labels(context_from_store(store, settings)) == {"Efter"}
    other = EmbeddedStore(path)  # by another opening of the store (as another process)
    other.replace_graphs(body("Annan"), [GRAPH_A])
    other.close()
    assert labels(context_from_store(store, settings)) == {"Annan"}
    store.close()
    # Removed and rebuilt at the same path: the generation names start again.
    shutil.rmtree(path)
    rebuilt = EmbeddedStore(path)
    rebuilt.replace_graphs(body("Ny"), [GRAPH_A])
    assert rebuilt.generations.names() == ["gen-000001"]
    assert labels(context_from_store(rebuilt, settings)) == {"Ny"}
    # Only the newest few entries are kept.
    assert 1 <= len(list(cache_home.glob("context-*.nq"))) <= 8
    rebuilt.close()


def test_an_empty_or_temporary_store_is_not_cached(settings: Settings, cache_home: Path,
                                                   tmp_path: Path) -> None:
    empty = EmbeddedStore(tmp_path / "empty")
    assert empty.version() is None and context_if_stored(empty, settings) is None
    scratch = EmbeddedStore(None)
    scratch.replace_graphs(body("Tillfällig"), [GRAPH_A])
    assert scratch.version() is None
    assert labels(context_if_stored(scratch, settings) or Context({}, "")) == {"Tillfällig"}
    assert not list(cache_home.glob("context-*"))
    empty.close()
    scratch.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty", "header",
                                    "other graph", "other length", "directory"])
def test_a_damaged_entry_is_read_from_the_store_again(
    damage: str, settings: Settings, cache_home: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.replace_graphs(body("Testnämnden"), [GRAPH_A])
    read = context_from_store(store, settings)
    [entry] = cache_home.glob("context-*.nq")
    content = entry.read_bytes()
    header, _, data = content.partition(b"\n")
    meta = json.loads(header)
    damaged = {
        "garbage": b"\x00\xff not a cache entry",
        "truncated": content[: len(content) - 40],
        "flipped": header + b"\n" + data.replace(b"Testn", b"Tastn"),
        "empty": b"",
        "header": b'{"graphs": 7}\n' + data,
        "other graph": header.replace(GRAPH_A.encode(), GRAPH_B.encode()) + b"\n" + data,
        "other length": json.dumps({**meta, "parts": [[GRAPH_A, meta["parts"][0][1] - 1]]})
        .encode() + b"\n" + data,
    }
    if damage == "directory":  # unreadable: a directory where the file should be
        entry.unlink()
        entry.mkdir()
    else:
        entry.write_bytes(damaged[damage])
    again = context_from_store(store, settings)
    assert same(again, read)
    if damage != "directory":  # kept again, whole: the next read is a cache hit
        assert entry.read_bytes() == content
        refuse_reading(monkeypatch)
        assert same(context_from_store(store, settings), read)
    store.close()


def test_an_import_is_seen_by_the_next_validate(tmp_path: Path, cache_home: Path) -> None:
    """``hsvo validate`` of a follow-up report of a list that is only imported after the
    first validation (the first run kept the context of the store without it)."""
    plan, report = tmp_path / "plan.csv", tmp_path / "report.csv"
    plan.write_text(
        "Prioriterat område;Lokalt fokusområde;Aktivitet;Uppföljning;Ansvar\n"
        "Nära vård;Samsjuklighet;Införa gemensam samsjuklighetsmottagning;Mottagningen är öppen;"
        "OSN, SCN och VS\n", encoding="utf-8")
    report.write_text("Lokalt fokusområde;Aktivitet;Status;Uppföljning\n"
                      "Samsjuklighet;Införa gemensam samsjuklighetsmottagning;pågår;Öppnad.\n",
                      encoding="utf-8")
    options = ["--store-path", str(tmp_path / "store"), "--plans-dir", str(tmp_path / "plans")]
    validate = [*options, "validate", "--kind", "samverkansberättelse", "--year", "2026",
                "--follows-up", "doc:aktivitetslista-hsvo-uppsala-2026", str(report)]
    runner = CliRunner()
    assert runner.invoke(main, [*options, "load"]).exit_code == 0
    before = runner.invoke(main, validate)
    assert before.exit_code == 1 and "FollowUpReport-followsUp" in before.output
    assert list(cache_home.glob("context-*.nq"))
    imported = runner.invoke(main, [*options, "import", "--year", "2026", str(plan)])
    assert imported.exit_code == 0, imported.output
    after = runner.invoke(main, validate)
    assert after.exit_code == 0, after.output
    assert "0 fel, 0 varningar" in after.output
