"""Both store implementations behind one interface; the remote one against a real Oxigraph
server started by the tests (``oxigraph serve`` on 127.0.0.1)."""

import pytest

from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.sparql.reader import StoreReader
from hsvo_graph.canned.catalog import load_catalog, run_canned
from hsvo_graph.store import QuerySyntaxError, RemoteStore, StoreError

from .expected import ALN_NARA_VARD_2025
from .servers import free_port, running_oxigraph


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
    with pytest.raises(StoreError, match="cannot be reached") as raised:
        dead.graph_names()
    assert raised.value.status == 503 and "127.0.0.1" not in str(raised.value)


def test_a_failed_remote_update_changes_nothing(remote_store):
    before = remote_store.triple_count()
    with pytest.raises(QuerySyntaxError):
        remote_store.update("DROP ALL ; INSERT DATA { <http://x/a> <http://x/b> }")
    assert remote_store.triple_count() == before


def test_health_answers_503_while_the_backend_is_down_and_recovers(tmp_path, settings):
    port = free_port()
    with running_oxigraph(tmp_path / "db", port=port) as url:
        store = RemoteStore(f"{url}/query", f"{url}/update", f"{url}/store", 2)
        client = TestClient(create_app(settings.model_copy(update={"store": "remote"}), store))
        client.__enter__()
        assert client.get("/health").status_code == 200
    try:
        down = client.get("/health")
        assert down.status_code == 503 and "127.0.0.1" not in down.text
        for path in ("/catalog", "/sparql?query=ASK%7B%7D"):  # the store's status, not 502
            assert client.get(path).status_code == 503, path
        with running_oxigraph(tmp_path / "db", port=port):
            assert client.get("/health").status_code == 200
    finally:
        client.__exit__(None, None, None)


@pytest.mark.parametrize("body", [
    b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"a',  # cut off
    b'\xff\xfe{"head":{}}',  # not UTF-8
    b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"\\ud800"}}]}}',
], ids=["cut off", "not UTF-8", "lone surrogate"])
def test_a_broken_select_answer_is_a_store_error_that_says_where(body: bytes) -> None:
    """A store's SELECT answer that is not JSON (a remote store's answer cut off, bytes that
    are not UTF-8, an escaped half of a surrogate pair, which no text can hold) is a
    StoreError (502 over HTTP) that says where, not an error of the service."""
    from hsvo_graph.store.base import table_from_json

    with pytest.raises(StoreError, match=r"not valid SPARQL JSON results: .*char \d+"):
        table_from_json(body)
