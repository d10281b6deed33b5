"""Both store implementations behind one interface; the remote one against a real Oxigraph
server started by the tests (``oxigraph serve`` on 127.0.0.1)."""

import pytest

from hsvo_graph.sparql.reader import StoreReader
from hsvo_graph.canned.catalog import load_catalog, run_canned
from hsvo_graph.store import QuerySyntaxError, RemoteStore, StoreError

from .expected import ALN_NARA_VARD_2025


def test_remote_store_holds_the_same_graphs_and_triples(store, remote_store):
    assert remote_store.graph_names() == store.graph_names()
    for graph in store.graph_names():
        assert remote_store.triple_count(graph) == store.triple_count(graph)


def test_remote_and_embedded_give_the_same_answer(store, remote_store, settings):
    query = load_catalog(settings.queries_dir)["activities_by_body_and_area"]
    arguments = {"body": "äln", "area": "nära vård", "year": "2025"}
    embedded = run_canned(StoreReader(store), query, arguments)
    remote = run_canned(StoreReader(remote_store), query, arguments)
    assert remote.column("title") == embedded.column("title") == ALN_NARA_VARD_2025
    assert remote.column("indicator") == embedded.column("indicator")


def test_remote_graph_read_uses_the_graph_store_protocol(store, remote_store):
    graph = "https://w3id.org/hsvo-graph/graph/bodies"
    assert len(remote_store.read_graph(graph).splitlines()) == store.triple_count(graph)


def test_remote_union_default_graph_is_checked(remote_store):
    remote_store.check_union_default_graph()


def test_malformed_queries_raise_the_parser_message(store, remote_store):
    for target in (store, remote_store):
        with pytest.raises(QuerySyntaxError):
            target.query("SELECT WHERE {")


def test_unreachable_remote_store_raises_a_clear_error():
    dead = RemoteStore("http://127.0.0.1:9/query", "http://127.0.0.1:9/update", "http://127.0.0.1:9/store", 2)
    with pytest.raises(StoreError, match="127.0.0.1:9"):
        dead.graph_names()


def test_a_failed_remote_update_changes_nothing(remote_store):
    before = remote_store.triple_count()
    with pytest.raises(QuerySyntaxError):
        remote_store.update("DROP ALL ; INSERT DATA { <http://x/a> <http://x/b> }")
    assert remote_store.triple_count() == before
