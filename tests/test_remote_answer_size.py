"""An external store's answer is cut at 8 MiB of values and flagged as the embedded store's
is (test_answer_size.py), not a 502: pyoxigraph's parsers, which read the store's answer,
refuse a JSON value over 8 MiB and an N-Triples line over 16 MiB. Against the real
`oxigraph serve` of the test session, and the embedded store beside it (``service``)."""

import pytest

from hsvo_graph.sparql.results import MAX_VALUE_BYTES

from .test_answer_size import RESULTS, doubled, post


@pytest.mark.parametrize("accept", RESULTS)
def test_one_value_over_the_cap_is_a_flagged_empty_answer(service, accept):  # type: ignore[no-untyped-def]
    response = post(service, doubled(20), accept)  # one value of 16 MiB
    assert response.status_code == 200, response.text[:300]
    assert response.headers["x-hsvo-truncated"] == "true"
    assert response.headers["x-hsvo-byte-limit"] == str(MAX_VALUE_BYTES)
    assert len(response.content) < 1000  # the head, no row
    if accept == "application/sparql-results+json":
        assert response.json()["truncated"] is True and response.json()["results"]["bindings"] == []


def test_rows_are_kept_while_their_values_fit(service):  # type: ignore[no-untyped-def]
    """50 rows of 1.06 MiB: the first 7, on both stores, then a value of 9 MiB after them."""
    query = doubled(16, 'SELECT ?i ?v WHERE { VALUES ?i { %s } '
                    'BIND(CONCAT(STR(?i), "0123456789abcdef") AS ?v0) ' % " ".join(map(str, range(50))))
    response = post(service, query + " ORDER BY ?i", "text/csv")
    assert response.status_code == 200
    rows = response.text.splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == [str(i) for i in range(7)]
    assert response.headers["x-hsvo-truncated"] == "true"


def test_a_value_under_the_cap_is_answered_whole(service):  # type: ignore[no-untyped-def]
    """A value of 4 MiB is answered whole; a store's answer over 8 MiB (five values of
    2 MiB) is answered up to the cap (three rows), flagged."""
    response = post(service, doubled(18), "application/sparql-results+json")
    assert response.status_code == 200 and "x-hsvo-truncated" not in response.headers
    assert len(response.json()["results"]["bindings"][0]["v"]["value"]) == 16 * 2**18
    five = doubled(17, 'SELECT ?i ?v WHERE { VALUES ?i { 1 2 3 4 5 } BIND("0123456789abcdef" AS ?v0) ')
    response = post(service, five + " ORDER BY ?i", "application/sparql-results+json")
    assert response.status_code == 200 and response.headers["x-hsvo-truncated"] == "true"
    assert [b["i"]["value"] for b in response.json()["results"]["bindings"]] == ["1", "2", "3"]
    assert response.json()["truncated"] is True


@pytest.mark.parametrize("steps, triples", [(16, 20), (20, 2)])
def test_graphs_are_cut_by_size_too(service, steps, triples):  # type: ignore[no-untyped-def]
    """Triples of 1 MiB (7 fit) and of 16 MiB (a line the N-Triples parser refuses): cut
    and flagged, the same triples on both stores."""
    query = doubled(steps, 'CONSTRUCT { ?s <http://example.org/p> ?v } WHERE { VALUES ?i { %s } '
                    'BIND(IRI(CONCAT("http://example.org/", STR(?i))) AS ?s) '
                    'BIND(CONCAT(STR(?i), "0123456789abcdef") AS ?v0) ' % " ".join(map(str, range(triples))))
    response = post(service, query, "application/n-triples")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["x-hsvo-truncated"] == "true"
    lines = response.text.splitlines()
    assert len(lines) == (7 if steps == 16 else 0)


def test_a_store_holding_a_value_over_the_cap_is_dumped_whole(tmp_path):  # type: ignore[no-untyped-def]
    """The store's own reads (the dumps' copy of every quad) read a value of 17 MiB, which
    pyoxigraph's parsers refuse in SPARQL JSON and N-Quads alike (it was a 500); /sparql
    cuts it and flags the cut, as the embedded store does."""
    from fastapi.testclient import TestClient

    from hsvo_graph.api.app import create_app
    from hsvo_graph.config import Settings
    from hsvo_graph.store import RemoteStore

    from .servers import running_oxigraph

    value = "0123456789abcdef" * 2**20 + "end"  # 16 MiB and 3 bytes
    with running_oxigraph(tmp_path / "oxigraph") as url:
        settings = Settings(store="remote", remote_query_url=f"{url}/query",
                            remote_update_url=f"{url}/update", remote_gsp_url=f"{url}/store",
                            plans_dir=tmp_path / "plans", changes_log=None)
        store = RemoteStore(settings.remote_query_url, settings.remote_update_url,
                            settings.remote_gsp_url, timeout_s=120)
        # a SPARQL update (an N-Quads load, the embedded store's too, refuses such a line)
        store.update('INSERT DATA { GRAPH <http://example.org/long> { '
                     f'<http://example.org/s> <http://example.org/p> "{value}" . '
                     '<http://example.org/t> <http://example.org/p> "short" } }')
        assert {len(q.object.value) for q in store.quads()} == {len(value), 5}
        with TestClient(create_app(settings, store)) as client:
            dump = client.get("/dumps/hsvo-graph.nq")
            assert dump.status_code == 200 and dump.content.count(b"\n") == 2
            assert value.encode() in dump.content
            response = post(client, "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o",
                            "application/sparql-results+json")
            assert response.status_code == 200 and response.headers["x-hsvo-truncated"] == "true"
        store.close()
