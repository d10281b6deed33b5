"""The graphs a query's FROM / FROM NAMED names are the ones its engine would read.

The service resolves the dataset clause itself (``analysis.Analysis.resolve``, for
``protocol.query_dataset``) and hands the engine graph lists, so its reading of BASE, PREFIX
and relative IRIs must be pyoxigraph's, or a query answers from other graphs than it names
(or is refused). Differential: every term is read by the analysis and by pyoxigraph, with
the same base IRI; the W3C evaluation tests (tests/test_w3c_query_evaluation.py) only use
relative IRIs against an http base.
"""

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.sparql.analysis import analyse
from hsvo_graph.store import EmbeddedStore

ENDPOINT = "http://testserver/sparql"
# RFC 3986, section 5.4: its normal and abnormal examples, against its base
RFC_BASE = "http://a/b/c/d;p?q"
RFC_REFERENCES = (
    "g:h", "g", "./g", "g/", "/g", "//g", "?y", "g?y", "#s", "g#s", "g?y#s", ";x", "g;x",
    "g;x?y#s", "", ".", "./", "..", "../", "../g", "../..", "../../", "../../g", "../../../g",
    "../../../../g", "/./g", "/../g", "g.", ".g", "g..", "..g", "./../g", "./g/.", "g/./h",
    "g/../h", "g;x=1/./y", "g;x=1/../y", "g?y/./x", "g?y/../x", "g#s/./x", "g#s/../x",
)
PROLOGUES = (
    # a scheme urllib's urljoin does not resolve against (it answered "g", not an IRI)
    ("BASE <tag:example.org,2026:dir/>", "<g>"),
    ("BASE <urn:example:a>", "<b>"),
    ("BASE <app://host/a/b>", "<../c>"),
    ("BASE <tag:a/b/c>", "<../../d>"),
    # a relative BASE, and a BASE against the one before
    ("BASE <dir/> BASE <sub/>", "<g>"),
    # a PREFIX's IRI is read against the base where it is declared, not a later one
    ("PREFIX p: <rel/> BASE <http://other/>", "p:g"),
    ("BASE <tag:x,1:d/> PREFIX p: <e/>", "p:g"),
    # a prefixed name is its namespace and local part: not resolved again
    ("PREFIX p: <http://x/a/>", "p:b\\/..\\/c"),
    ("BASE <http://b/> PREFIX e: <http://e/>", "<n>"),
)


def engine_reads(prologue: str, term: str, base: str) -> str:
    solution = next(iter(ox.Store().query(f"{prologue} SELECT ({term} AS ?x) {{}}",
                                          base_iri=base)))
    return solution["x"].value


@pytest.mark.parametrize("reference", RFC_REFERENCES)
def test_a_relative_iri_resolves_as_the_engine_resolves_it(reference: str) -> None:
    analysis = analyse(f"BASE <{RFC_BASE}> SELECT * FROM <{reference}> {{}}")
    assert analysis.resolve(f"<{reference}>", ENDPOINT) == engine_reads(
        f"BASE <{RFC_BASE}>", f"<{reference}>", ENDPOINT)


@pytest.mark.parametrize(("prologue", "term"), PROLOGUES)
def test_the_prologue_is_read_as_the_engine_reads_it(prologue: str, term: str) -> None:
    analysis = analyse(f"{prologue} SELECT * FROM {term} {{}}")
    assert analysis.resolve(term, ENDPOINT) == engine_reads(prologue, term, ENDPOINT)


def test_a_from_against_a_tag_base_answers_from_that_graph() -> None:
    """End to end: the endpoint answers as pyoxigraph does (it refused the query, 400)."""
    graph = "tag:example.org,2026:dir/g"
    store = EmbeddedStore(None)
    store.replace_graphs(f"<http://s> <http://p> <http://o> <{graph}> .\n".encode(), [graph])
    settings = Settings(store="embedded", store_path=None, changes_log=None, query_workers=1)
    query = "BASE <tag:example.org,2026:dir/> SELECT ?s FROM <g> WHERE { ?s ?p ?o }"
    with TestClient(create_app(settings, store)) as client:
        response = client.post("/sparql", data={"query": query},
                               headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    assert [b["s"]["value"] for b in response.json()["results"]["bindings"]] == ["http://s"]
