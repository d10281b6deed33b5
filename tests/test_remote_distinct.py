"""How the remote store reads a store's JSON answer. A store that repeats a row of a SELECT
DISTINCT answer (Virtuoso 7.2.5 does, in some of its runs, for body_names_over_time:
tests/test_virtuoso.py) is mended: the service shows each row once, as the query asked; a
query that did not ask keeps every row, and so does a store not known to repeat rows. An
answer nested deeper than the JSON parser goes is an invalid answer, not a crash."""

import json
import urllib.parse

import httpx
import pytest

from hsvo_graph.store import StoreError
from hsvo_graph.store.remote import GENERIC, VIRTUOSO, Dialect, RemoteStore, selects_distinct

ROW = {"s": {"type": "uri", "value": "http://x/a"}, "n": {"type": "literal", "value": "Ä"}}
OTHER = {"s": {"type": "uri", "value": "http://x/b"}, "b": {"type": "bnode", "value": "nodeID://b12"}}
# the same row with its members in another order, then another row, then the first again
ANSWER = {"head": {"vars": ["s", "n", "b"]},
          "results": {"bindings": [ROW, dict(reversed(ROW.items())), OTHER, ROW]}}


def _store(dialect: Dialect) -> RemoteStore:
    def answer(request: httpx.Request) -> httpx.Response:
        form = dict(urllib.parse.parse_qsl(request.content.decode()))
        assert "query" in form
        return httpx.Response(200, content=json.dumps(ANSWER).encode(),
                              headers={"content-type": "application/sparql-results+json"})

    store = RemoteStore("http://store.invalid/sparql", "http://store.invalid/sparql",
                        "http://store.invalid/sparql", dialect=dialect)
    store._client = httpx.Client(transport=httpx.MockTransport(answer))
    return store


def _rows(store: RemoteStore, sparql: str) -> list[dict[str, object]]:
    # graphs named, so that the store is not asked for its graphs first
    body = store.query(sparql, default_graphs=["http://x/g"], named_graphs=[]).body
    return json.loads(body)["results"]["bindings"]


def test_repeated_rows_of_a_distinct_answer_are_shown_once_in_their_order() -> None:
    rows = _rows(_store(VIRTUOSO), "SELECT  distinct ?s ?n ?b WHERE { ?s ?p ?n } ORDER BY ?s")
    assert rows == [ROW, {**OTHER, "b": {"type": "bnode", "value": "b12"}}]


@pytest.mark.parametrize("sparql", [
    "SELECT ?s ?n ?b WHERE { ?s ?p ?n }",
    "SELECT ?s ?n ?b WHERE { { SELECT DISTINCT ?s WHERE { ?s ?p ?o } } ?s ?p ?n }",
    "# SELECT DISTINCT\nSELECT ?s ?n ?b WHERE { ?s ?p 'SELECT DISTINCT' }",
    "SELECT REDUCED ?s ?n ?b WHERE { ?s ?p ?n }",
])
def test_an_answer_the_query_let_repeat_keeps_every_row(sparql: str) -> None:
    assert len(_rows(_store(VIRTUOSO), sparql)) == 4


def test_a_store_not_known_to_repeat_rows_is_passed_on_as_it_answered() -> None:
    assert len(_rows(_store(GENERIC), "SELECT DISTINCT ?s ?n ?b WHERE { ?s ?p ?n }")) == 4


@pytest.mark.parametrize(("sparql", "distinct"), [
    ("PREFIX x: <http://x/distinct>\nSELECT DISTINCT * WHERE { ?s ?p ?o }", True),
    ("select\n\tDistinct ?s {}", True),
    ("SELECT ?s WHERE { { SELECT DISTINCT ?s {} } }", False),
    ("SELECT ?distinct WHERE {}", False),
    ("ASK { { SELECT DISTINCT ?s {} } }", False),
    ("CONSTRUCT { ?s ?p ?o } WHERE { { SELECT DISTINCT ?s ?p ?o {} } }", False),
])
def test_only_the_querys_own_select_counts(sparql: str, distinct: bool) -> None:
    assert selects_distinct(sparql) is distinct


def _answering(body: bytes, dialect: Dialect) -> RemoteStore:
    store = RemoteStore("http://store.invalid/sparql", "http://store.invalid/sparql",
                        "http://store.invalid/sparql", dialect=dialect)
    store._client = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(
        200, content=body, headers={"content-type": "application/sparql-results+json"})))
    return store


DEEP = b'{"head": {"vars": ["s"]}, "boolean": ' + b"[" * 100_000 + b"]" * 100_000 + b', "results": {"bindings": []}}'


@pytest.mark.parametrize("read", [
    lambda store: store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", default_graphs=["http://x/g"],
                              named_graphs=[]),
    lambda store: store.graph_names(),
    lambda store: store.ask("ASK { ?s ?p ?o }"),
], ids=["mended", "read", "ask"])
def test_an_answer_nested_beyond_the_parsers_reach_is_not_valid_not_a_crash(read) -> None:
    """A store's JSON nested 100,000 deep made the standard library's parser raise
    RecursionError, which no handler took for bad JSON: a 500 instead of the 502 "the
    store's answer is not valid" that any other garbage gets."""
    with pytest.raises(StoreError, match="not valid"):
        read(_answering(DEEP, VIRTUOSO))
