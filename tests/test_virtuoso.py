"""Any SPARQL 1.1 store: every canned query, with its documented examples, gives the same
answer on the embedded store, on a real `oxigraph serve` and on a real Virtuoso (both
started by the tests), and the remote store copes with Virtuoso's limits (update size,
blank nodes, system graphs, result cap)."""

from collections import Counter
from typing import Any

import pytest
from rdflib import XSD, BNode, Literal
from rdflib.term import Identifier

from hsvo_graph.canned.catalog import CannedQuery, load_catalog, run_canned
from hsvo_graph.config import PROJECT_ROOT
from hsvo_graph.sparql.reader import StoreReader
from hsvo_graph.store import GraphStore, QuerySyntaxError, RemoteStore, Table
from hsvo_graph.store.remote import GENID, VIRTUOSO
from hsvo_graph.store.snapshot import Snapshots
from hsvo_graph.store.tracking import TrackedStore

CATALOG = load_catalog(PROJECT_ROOT / "queries")


def _examples(query: CannedQuery) -> list[dict[str, str]]:
    """The documented examples: every example value, and the required ones alone."""
    every = {p.name: p.example for p in query.parameters if p.example is not None}
    required = {p.name: p.example for p in query.parameters if p.required and p.example is not None}
    return [every] if every == required else [every, required]


# Flaky, cause not found yet (so not strict): in some sessions one of the stores answers a
# decision dated "2023"^^xsd:gYear with ?when "2023-01". (Virtuoso 7.2.5 answering
# body_names_over_time with a row twice despite SELECT DISTINCT, in some of its runs, is
# mended by the remote store's dialect: repeats_distinct_rows, tests/test_remote_distinct.py.)
UNSETTLED = {"documents_and_decisions-none"}


def _case(query_id: str, arguments: dict[str, str]) -> Any:
    name = f"{query_id}-{'-'.join(arguments) or 'none'}"
    marks = [pytest.mark.xfail(reason="flaky: see UNSETTLED",
                               strict=False)] if name in UNSETTLED else []
    return pytest.param(query_id, arguments, id=name, marks=marks)


CASES = [_case(query_id, arguments)
         for query_id, query in sorted(CATALOG.items()) for arguments in _examples(query)]


def _value(term: Identifier) -> str:
    """One cell as the stores may legitimately differ on it: blank-node labels; xsd:string
    written or not (the same literal in RDF 1.1); a boolean's lexical form ("1" or "true").
    A GROUP_CONCAT list is compared in order: each reads its names from a sub-select that
    orders them (queries/README.md)."""
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, Literal) and term.datatype == XSD.boolean:
        return str(term.toPython())  # "0" and "false" are one value
    if isinstance(term, Literal) and term.datatype in (None, XSD.string) and not term.language:
        return repr(str(term))
    return term.n3()


def _rows(table: Table) -> list[tuple[tuple[str, str], ...]]:
    """The rows as comparable values; an empty string counts as unbound (a GROUP_CONCAT
    over no values: "" by the standard, unbound on Oxigraph)."""
    return sorted(
        tuple(sorted((name, _value(term)) for name, term in row.items()
                     if not (isinstance(term, Literal) and str(term) == "" and not term.language)))
        for row in table.rows
    )


@pytest.mark.parametrize(("query_id", "arguments"), CASES)
def test_every_canned_query_agrees_on_all_three_stores(
    query_id: str, arguments: dict[str, Any], store: GraphStore, remote_store: RemoteStore,
    virtuoso_store: RemoteStore,
) -> None:
    answers = {name: _rows(run_canned(StoreReader(target), CATALOG[query_id], arguments))
               for name, target in (("embedded", store), ("oxigraph", remote_store),
                                    ("virtuoso", virtuoso_store))}
    assert answers["oxigraph"] == answers["embedded"]
    assert answers["virtuoso"] == answers["embedded"]


# A body's names are bound as its IRIs: several in one VALUES block, one (Virtuoso gets a BIND),
# or NO_BODY for a name no body bears. (documents_and_decisions with a body and a year is left
# out: Virtuoso 7.2 cannot compile it, "Bad dfe in sqlo_place_exp", nor could it before bodies
# were bound as IRIs.)
BODY_CASES = [
    pytest.param("body_involvement_by_year", {"body": ["ÄLN", " scn "], "year": ["2024"]}, 3, id="several"),
    pytest.param("bodies_and_mandates", {"body": "tl hsvo"}, 5, id="one"),
    pytest.param("documents_and_decisions", {"body": ["TL HSVO"]}, 5, id="decides"),
    pytest.param("body_involvement_by_year", {"body": ["Nobody"]}, 0, id="unknown"),
    pytest.param("activities_by_body_and_area", {"body": "Nobody", "area": "vård", "year": "2024"}, 0,
                 id="unknown-among-others"),
    pytest.param("recurring_activities", {"year": "2024", "body": "x\" } UNION { ?s ?p ?o } #"}, 0,
                 id="hostile"),
]


@pytest.mark.parametrize(("query_id", "arguments", "at_least"), BODY_CASES)
def test_bodies_bound_as_iris_agree_on_all_three_stores(
    query_id: str, arguments: dict[str, Any], at_least: int, store: GraphStore,
    remote_store: RemoteStore, virtuoso_store: RemoteStore,
) -> None:
    answers = {name: _rows(run_canned(StoreReader(target), CATALOG[query_id], arguments))
               for name, target in (("embedded", store), ("oxigraph", remote_store),
                                    ("virtuoso", virtuoso_store))}
    assert len(answers["embedded"]) >= at_least and (at_least or not answers["embedded"])
    assert answers["oxigraph"] == answers["embedded"]
    assert answers["virtuoso"] == answers["embedded"]


def test_virtuoso_is_recognised_and_its_system_graphs_stay_out(store, virtuoso_store):
    assert virtuoso_store.dialect is VIRTUOSO
    assert virtuoso_store.graph_names() == store.graph_names()
    assert virtuoso_store.triple_count() == store.triple_count()
    assert not any(str(q.graph_name.value).startswith("http://www.openlinksw.com")
                   for q in virtuoso_store.quads())


def test_a_snapshot_of_virtuoso_holds_our_graphs_and_nothing_of_its_own(store, virtuoso_store):
    """The dumps' and VoID's state: named from the graph sizes, copied page by page below
    Virtuoso's row cap (it offers no whole-dataset GET), its system graphs left out."""
    assert virtuoso_store.graph_sizes() == store.graph_sizes()
    snapshot = Snapshots(TrackedStore(virtuoso_store)).current()
    assert list(snapshot.graphs) == sorted(store.graph_names())
    copied = Counter(q.graph_name.value for q in snapshot.store)
    assert copied == store.graph_sizes()


def test_a_load_larger_than_one_virtuoso_update_is_all_or_nothing(virtuoso_store):
    graph = "https://w3id.org/hsvo-graph/graph/test-large"
    lines = [f'<https://w3id.org/hsvo-graph/id/t{i}> <http://www.w3.org/2000/01/rdf-schema#label> '
             f'"t{i}" <{graph}> .\n' for i in range(10_100)]
    lines.append(f'_:b1 <http://www.w3.org/2000/01/rdf-schema#label> "blank" <{graph}> .\n')
    try:
        virtuoso_store.replace_graphs("".join(lines).encode(), [graph])
        assert virtuoso_store.triple_count(graph) == 10_101
        # past the 10,000-row cap, and the blank node comes back as a blank node
        body = virtuoso_store.read_graph(graph)
        assert len(body.splitlines()) == 10_101
        assert GENID.encode() not in body and b"_:" in body
        before = virtuoso_store.triple_count(graph)
        broken = b"<https://w3id.org/x> <https://w3id.org/y> 'no' <" + graph.encode() + b"> .\n"
        with pytest.raises(SyntaxError):  # refused before anything is written
            virtuoso_store.replace_graphs(broken, [graph])
        assert virtuoso_store.triple_count(graph) == before
    finally:
        virtuoso_store.replace_graphs(b"", [graph])
    assert graph not in virtuoso_store.graph_names()


def test_a_query_nested_too_deep_never_reaches_the_store(remote_store, virtuoso_store):
    query = "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"
    for target in (remote_store, virtuoso_store):
        with pytest.raises(QuerySyntaxError, match="nests"):
            target.query(query)
        assert target.ask("ASK {}") is True  # the backend is still up


def test_a_construct_is_answered_as_a_graph(virtuoso_store):
    response = virtuoso_store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3")
    assert response.kind == "graph" and response.media_type == "application/n-triples"


def test_a_refused_update_is_not_echoed(virtuoso_store):
    huge = "INSERT DATA { " + " ".join(f"<http://x/{i}> <http://x/p> _:b{i} ." for i in range(3000)) + " } }"
    with pytest.raises(QuerySyntaxError) as raised:
        virtuoso_store.update(huge)
    assert len(str(raised.value)) < 600
