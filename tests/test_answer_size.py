"""Answers are cut by size as well as rows: values adding up to more than 8 MiB are cut
there and flagged like the row cap (a 200 with X-HSVO-Truncated), never a 502 from
pyoxigraph's parser ("Reached the buffer maximal size of 16777216")."""

import pytest

from hsvo_graph.sparql.results import MAX_VALUE_BYTES

RESULTS = ["text/csv", "text/tab-separated-values", "application/sparql-results+json",
           "application/sparql-results+xml"]


def doubled(steps: int, head: str = 'SELECT ?v WHERE { BIND("0123456789abcdef" AS ?v0) ') -> str:
    """A query whose ?v is 16 × 2^steps bytes long, made by CONCAT."""
    text = head
    for i in range(1, steps + 1):
        text += f"BIND(CONCAT(?v{i - 1}, ?v{i - 1}) AS ?v{i}) "
    return text + f"BIND(?v{steps} AS ?v) }}"


def post(client, query: str, accept: str):  # type: ignore[no-untyped-def]
    return client.post("/sparql", content=query.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": accept})


@pytest.mark.parametrize("accept", RESULTS)
def test_one_value_over_the_cap_is_a_flagged_empty_answer(client, accept):
    response = post(client, doubled(20), accept)  # one value of 16 MiB
    assert response.status_code == 200, response.text[:300]
    assert response.headers["x-hsvo-truncated"] == "true"
    assert response.headers["x-hsvo-byte-limit"] == str(MAX_VALUE_BYTES)
    assert len(response.content) < 1000  # the head, no row
    if accept == "application/sparql-results+json":
        assert response.json()["truncated"] is True and response.json()["results"]["bindings"] == []


def test_rows_are_kept_while_their_values_fit(client):
    """50 rows of 1 MiB (58 MB as SPARQL JSON, held whole before): the first 7 come."""
    query = doubled(16, 'SELECT ?i ?v WHERE { VALUES ?i { %s } '
                    'BIND(CONCAT(STR(?i), "0123456789abcdef") AS ?v0) ' % " ".join(map(str, range(50))))
    response = post(client, query + " ORDER BY ?i", "text/csv")
    assert response.status_code == 200
    rows = response.text.splitlines()[1:]
    assert len(rows) == 7  # each ?v is 17 × 2^16 bytes (1.06 MiB): 8 of them pass 8 MiB
    assert [row.split(",")[0] for row in rows] == [str(i) for i in range(7)]
    assert response.headers["x-hsvo-truncated"] == "true"


def test_a_value_under_the_cap_in_csv_is_answered_whole(client):
    """CSV is written by way of SPARQL JSON, whose parser refused values over 8 MiB: a
    value of 4 MiB is answered in full and not flagged."""
    response = post(client, doubled(18), "text/csv")
    assert response.status_code == 200 and "x-hsvo-truncated" not in response.headers
    assert len(response.text.splitlines()[1]) == 16 * 2**18


def test_graphs_are_cut_by_size_too(client):
    query = doubled(16, 'CONSTRUCT { ?s <http://example.org/p> ?v } WHERE { VALUES ?i { %s } '
                    'BIND(IRI(CONCAT("http://example.org/", STR(?i))) AS ?s) '
                    'BIND(CONCAT(STR(?i), "0123456789abcdef") AS ?v0) ' % " ".join(map(str, range(20))))
    response = post(client, query, "application/n-triples")
    assert response.status_code == 200
    assert response.headers["x-hsvo-truncated"] == "true"
    assert 0 < len(response.text.splitlines()) < 20
