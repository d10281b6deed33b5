"""The row cap's rewrite of a query's text (``analysis.with_row_limit``) changes nothing but
how many rows come back: with a cap of two rows, the endpoint answers the first two of the
engine's own answer to the query as sent (an ordered one: these queries order their
solutions), flagged as cut when there were more, and refuses what the engine refuses.
The W3C evaluation tests (tests/test_w3c_query_evaluation.py) hold such queries too; these
are the rewrite's corners in one place, in every results format it writes natively."""

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.store import EmbeddedStore

CAP = 2
GRAPH = "urn:g"
DATA = "".join(f'<urn:s{i}> <urn:p> "{i}" .\n' for i in range(6))
QUERIES = (
    "SELECT * { ?s ?p ?o } ORDER BY ?o # LIMIT 1",  # a comment ends the text
    "SELECT * { ?s ?p ?o } ORDER BY ?o LIMIT 10 # the end",
    "select * { ?s ?p ?o } order by ?o limit 3",
    "SELECT * { ?s ?p ?o } ORDER BY ?o LIMIT\n1",
    "SELECT * { ?s ?p ?o } ORDER BY ?o OFFSET 1",
    "SELECT * { ?s ?p ?o } ORDER BY ?o OFFSET 2 LIMIT 3",
    "SELECT * { ?s ?p ?o } ORDER BY ?o LIMIT 4 OFFSET 1 VALUES ?p { <urn:p> }",
    "SELECT * { ?s ?p ?o } ORDER BY ?o VALUES ?p { <urn:p> } # trailing VALUES",
    "SELECT * { { SELECT * { ?s ?p ?o } ORDER BY DESC(?o) LIMIT 5 } } ORDER BY ?o",
    "SELECT ?o (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?o HAVING (COUNT(*) > 0) ORDER BY ?o",
    'SELECT * { ?s ?p ?o FILTER (?o != "\\u0031") } ORDER BY ?o',  # escapes: not rewritten
    "SELECT * { ?s ?p ?o } ORDER BY ?o LIMIT 0",
    "SELECT * { ?s ?p ?o } ORDER BY ?o LIMIT 18446744073709551615",
    # past what pyoxigraph reads: refused, not lowered to a LIMIT it reads and answered
    "SELECT * { ?s ?p ?o } ORDER BY ?o LIMIT 18446744073709551616",
)
FORMATS = ("application/sparql-results+json", "application/sparql-results+xml",
           "text/tab-separated-values")


@pytest.fixture(scope="module")
def capped() -> Iterator[TestClient]:
    store = EmbeddedStore(None)
    store.replace_graphs(DATA.replace(" .\n", f" <{GRAPH}> .\n").encode(), [GRAPH])
    settings = Settings(store="embedded", store_path=None, changes_log=None, query_workers=1,
                        max_result_rows=CAP)
    with TestClient(create_app(settings, store)) as client:
        yield client


def engine(query: str) -> list[tuple[str, ...]] | None:
    """pyoxigraph's answer to the query as sent, on the data; None when it refuses it."""
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.N_TRIPLES)
    try:
        return [tuple(map(str, row)) for row in store.query(query)]
    except SyntaxError:
        return None


@pytest.mark.parametrize("media_type", FORMATS)
@pytest.mark.parametrize("query", QUERIES)
def test_the_cap_cuts_the_engines_answer(capped: TestClient, query: str, media_type: str) -> None:
    response = capped.post("/sparql", data={"query": query, "default-graph-uri": GRAPH},
                           headers={"Accept": media_type})
    whole = engine(query)
    if whole is None:
        assert response.status_code == 400 and "malformed query" in response.text
        return
    assert response.status_code == 200, response.text
    got = [tuple(map(str, row)) for row in ox.parse_query_results(
        response.content, format=ox.QueryResultsFormat.from_media_type(media_type))]
    assert got == whole[:CAP]
    assert (response.headers.get("x-hsvo-truncated") == "true") == (len(whole) > CAP)
