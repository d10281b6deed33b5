"""The snapshot of a remote store (for the dumps, VoID and the catalogue): its state is named
from the graphs' sizes without reading the quads, the quads are copied once per state and
only when needed, a write by this service or another client is a new state, and an answer
the store cut off is the store's failure (a 502), not the service's (a 500)."""

import threading
import time
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from hsvo_graph.sparql.executor import RemoteExecutor
from hsvo_graph.sparql.worker import QueryRequest
from hsvo_graph.store import GraphStore, RemoteStore, StoreError
from hsvo_graph.store.base import solution_rows
from hsvo_graph.store.snapshot import Snapshots
from hsvo_graph.store.tracking import TrackedStore

from .servers import running_oxigraph

EX = "http://example.org/"
JSON = "application/sparql-results+json"
CUT_OFF = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://ex'


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-snapshot")) as url:
        yield url


def remote(url: str) -> RemoteStore:
    return RemoteStore(f"{url}/query", f"{url}/update", f"{url}/store")


def insert(store: RemoteStore | TrackedStore, graph: str, subject: str, text: str) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{EX}{graph}> {{ <{EX}{subject}> <{EX}name> "{text}" }} }}')


def test_the_state_is_named_without_reading_the_quads(oxigraph: str, monkeypatch: pytest.MonkeyPatch):
    store = TrackedStore(remote(oxigraph))
    insert(store, "named", "a", "Åsa")
    reads: list[int] = []
    read_quads = store.inner.quads
    monkeypatch.setattr(store.inner, "quads", lambda: reads.append(1) or read_quads())
    snapshots = Snapshots(store)
    first = snapshots.current()
    assert f"{EX}named" in first.graphs and reads == []
    assert snapshots.current() is first  # the same sizes: the same state, its time kept
    sizes = [first.derived(key, lambda s: len(s.store)) for key in ("dump", "statistics")]
    assert sizes[0] == sizes[1] >= 1 and reads == [1]  # one copy for everything derived


def test_another_clients_write_is_a_new_state(oxigraph: str):
    snapshots = Snapshots(TrackedStore(remote(oxigraph)))
    before = snapshots.current()
    held = len(before.store)
    insert(remote(oxigraph), "other", "b", "Östhammar")  # not through the service
    after = snapshots.current()
    assert after.state != before.state and f"{EX}other" in after.graphs
    assert len(after.store) == held + 1


def test_a_state_is_never_given_another_states_content(oxigraph: str):
    snapshots = Snapshots(TrackedStore(remote(oxigraph)))
    named = snapshots.current()
    insert(remote(oxigraph), "later", "d", "Tierp")  # between naming the state and reading it
    with pytest.raises(StoreError, match="changed while") as caught:
        named.store
    assert caught.value.status == 503
    assert len(snapshots.current().store) >= 1  # the next request reads the new state


def test_an_own_write_that_keeps_every_size_is_a_new_state(oxigraph: str):
    store = TrackedStore(remote(oxigraph))
    insert(store, "same", "c", "Heby")
    snapshots = Snapshots(store)
    before = snapshots.current()
    store.update(f'DELETE DATA {{ GRAPH <{EX}same> {{ <{EX}c> <{EX}name> "Heby" }} }} ; '
                 f'INSERT DATA {{ GRAPH <{EX}same> {{ <{EX}c> <{EX}name> "Håbo" }} }}')
    after = snapshots.current()
    assert after.state != before.state
    assert "Håbo" in after.store.dump(format=ox.RdfFormat.N_QUADS).decode()


def test_an_answer_cut_off_is_the_stores_failure():
    with pytest.raises(StoreError, match="cut off") as caught:
        solution_rows(CUT_OFF)
    assert caught.value.status == 502


def test_a_query_answer_cut_off_is_a_502_not_a_500(oxigraph: str):
    executor = RemoteExecutor(TrackedStore(remote(oxigraph)), 5.0)
    # the store answers 200 and ends early, as oxigraph does when its own timeout stops it
    executor._remote._client = httpx.Client(transport=httpx.MockTransport(
        lambda request: httpx.Response(200, content=CUT_OFF, headers={"content-type": JSON})))
    try:
        with pytest.raises(StoreError, match="cut off") as caught:
            executor.run_blocking(QueryRequest("SELECT ?s WHERE { ?s ?p ?o }", JSON, "text/turtle", None), 5)
        assert caught.value.status == 502
    finally:
        executor.close()


def test_the_dataset_is_read_in_one_graph_store_request_where_the_store_answers_so(oxigraph: str):
    store = remote(oxigraph)
    insert(store, "gsp", "e", "Älvkarleby")
    store.update(f"INSERT DATA {{ _:x <{EX}name> \"Knivsta\" }}")  # the default graph too
    by_gsp = store._dataset_by_gsp()
    assert by_gsp is not None
    by_sparql = [q for q in GraphStore.quads(store) if not store._hidden_quad(q)]  # no marker
    assert len(by_gsp) == len(by_sparql)
    assert {q for q in by_gsp if not isinstance(q.subject, ox.BlankNode)} == \
        {q for q in by_sparql if not isinstance(q.subject, ox.BlankNode)}
    assert store.quads() == by_gsp


def test_a_graph_store_answer_that_is_not_what_the_graphs_hold_is_not_used(
        oxigraph: str, monkeypatch: pytest.MonkeyPatch):
    store = remote(oxigraph)
    insert(store, "partial", "f", "Enköping")
    monkeypatch.setattr(store, "graph_sizes", lambda: {f"{EX}partial": 2})  # the store says more
    assert store._dataset_by_gsp() is None
    assert ox.NamedNode(f"{EX}f") in {q.subject for q in store.quads()}  # read with SPARQL


def test_callers_waiting_on_a_check_take_its_answer(oxigraph: str, monkeypatch: pytest.MonkeyPatch):
    store = TrackedStore(remote(oxigraph))
    checks: list[int] = []
    sizes = store.graph_sizes

    def slow_sizes() -> dict[str, int]:
        checks.append(1)
        time.sleep(0.3)  # every other caller arrives meanwhile
        return sizes()

    monkeypatch.setattr(store, "graph_sizes", slow_sizes)
    snapshots = Snapshots(store)
    started = threading.Barrier(8)
    seen: list[str] = []

    def ask() -> None:
        started.wait()
        seen.append(snapshots.current().state)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and len(set(seen)) == 1
    assert len(checks) <= 2  # the first caller's check, and at most one begun after the rest asked
    before = len(checks)
    snapshots.current()
    assert len(checks) == before + 1  # a caller who asks after a check has ended checks again
