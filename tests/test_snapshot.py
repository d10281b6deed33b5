"""A snapshot's derived values (dumps, VoID statistics) are computed once per state of the
dataset, also when many requests ask at the same moment, and a failed computation is not
remembered."""

import threading
import time
from datetime import UTC, datetime

import pyoxigraph as ox
import pytest

from hsvo_graph.sparql.dumps import dataset_file
from hsvo_graph.store.snapshot import Snapshot

GRAPH = ox.NamedNode("https://w3id.org/hsvo-graph/graph/a")
HSVO = "https://w3id.org/hsvo-graph/ontology#"


def snapshot() -> Snapshot:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/hsvo-graph/id/x"), ox.NamedNode(HSVO + "name"),
                      ox.Literal("Äldrenämnden", language="sv"), GRAPH))
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/hsvo-graph/id/x"), ox.NamedNode(HSVO + "year"),
                      ox.Literal("2025", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    return Snapshot("test", (GRAPH.value,), datetime.now(UTC), lambda: store)


def test_callers_asking_at_once_share_one_computation():
    state = snapshot()
    calls = []
    started = threading.Barrier(8)

    def slow(_: Snapshot) -> bytes:
        calls.append(1)
        time.sleep(0.3)  # long enough for every other caller to arrive meanwhile
        return b"dump"

    results: list[bytes] = []

    def ask() -> None:
        started.wait()
        results.append(state.derived("dump", slow))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [b"dump"] * 8
    assert len(calls) == 1
    assert state.derived("dump", slow) == b"dump" and len(calls) == 1  # and later callers too
    assert state.derived("other", lambda _: b"other") == b"other"  # each key its own value


def test_a_failed_computation_is_not_remembered():
    state = snapshot()

    def failing(_: Snapshot) -> bytes:
        raise OSError("disk full")

    with pytest.raises(OSError):
        state.derived("dump", failing)
    assert state.derived("dump", lambda _: b"second try") == b"second try"


@pytest.mark.parametrize("media_type, fmt", [("application/trig", ox.RdfFormat.TRIG),
                                             ("application/n-quads", ox.RdfFormat.N_QUADS)])
def test_the_dataset_file_holds_every_quad_in_its_graph(media_type: str, fmt: ox.RdfFormat):
    state = snapshot()
    body = dataset_file(state, media_type)
    assert set(ox.parse(body, format=fmt)) == set(state.store)
    assert "Äldrenämnden".encode() in body  # UTF-8, not escaped
    if fmt == ox.RdfFormat.TRIG:
        assert body.startswith(b"@prefix")  # the project's prefixes declared
        assert b"\ngraph:a {\n" in body  # one block for the named graph, by its prefix
    assert dataset_file(state, media_type) is body  # the same state: the same bytes, kept
