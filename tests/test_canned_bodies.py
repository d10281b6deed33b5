"""Body parameters: a name (abbreviation or label, any case and spacing) is resolved to the
IRIs of the bodies that bear it, from every body's names read once per dataset version, and
the canned question starts from those nodes instead of filtering every body's names inside
SPARQL (which Oxigraph evaluates after joining the rest: seconds on a large graph)."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import URIRef

from hsvo_graph.api.app import create_app
from hsvo_graph.canned.bodies import NO_BODY, body_names
from hsvo_graph.canned.catalog import bind_arguments, load_catalog, parse_canned_query, run_canned
from hsvo_graph.config import Settings
from hsvo_graph.namespaces import ID
from hsvo_graph.sparql.binding import bind_values
from hsvo_graph.sparql.executor import WorkerPool
from hsvo_graph.sparql.reader import StoreReader
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.store.tracking import TrackedStore

HSVO = "https://w3id.org/hsvo-graph/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
A = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def catalog(settings):
    return load_catalog(settings.queries_dir)


def body_queries(catalog) -> list:
    return [q for q in catalog.values() if any(p.type == "body" for p in q.parameters)]


def test_the_service_binds_a_body_as_its_iri_never_compares_names_in_sparql(store, catalog):
    queries = body_queries(catalog)
    assert {q.id for q in queries} >= {"body_involvement_by_year", "activities_by_body_and_area",
                                       "bodies_and_mandates", "recurring_activities",
                                       "documents_and_decisions"}
    reader = StoreReader(store)
    for query in queries:
        name = next(p.name for p in query.parameters if p.type == "body")
        arguments = {p.name: p.example or "nära vård" for p in query.parameters if p.required}
        arguments[name] = " äLn "
        bound = bind_arguments(reader, query, arguments)
        assert bound[name] == [URIRef(f"{ID}body/uppsala-aln")], query.id
        text = bind_values(query.sparql, bound)
        assert f"VALUES ?{name} {{ <{ID}body/uppsala-aln> }}" in text, query.id
        assert not compares(query.sparql, name), query.id


def compares(sparql: str, name: str) -> bool:
    """Whether ``?name`` is compared or passed to a function (a name FILTER), not just used
    as a node of the pattern, tested for being bound, or projected."""
    code = re.sub(r"(?m)^\s*#.*$", "", sparql)  # comments
    text = code.replace(f"!BOUND(?{name})", "").replace(f"(?{name} AS", "")
    return re.search(rf"(=|,|\()\s*\?{name}\b|\?{name}\s*(=|!=|,|\))", text) is not None


def test_the_structure_check_catches_a_name_filter():
    assert compares("FILTER (LCASE(STR(?name)) = ?body)", "body")
    assert compares('FILTER (CONTAINS(CONCAT("|", ?keys, "|"), CONCAT("|", ?body, "|")))', "body")
    assert not compares("FILTER (!BOUND(?body) || EXISTS { ?a hsvo:involves ?body })", "body")


@pytest.mark.parametrize("names", [[" äLn "], ["ÄLDRENÄMNDEN"], ["  Äldrenämnden\t"],
                                   ["elderly  care committee"], ["ÄLN", "Äldrenämnden"]])
def test_a_body_is_named_by_abbreviation_or_any_label_in_any_case_and_spacing(store, settings, names):
    query = load_catalog(settings.queries_dir)["body_involvement_by_year"]
    bound = bind_arguments(StoreReader(store), query, {"body": names})
    assert bound == {"body": [URIRef(f"{ID}body/uppsala-aln")]}  # two names of one body: once


def test_several_bodies_and_unknown_ones(store, settings):
    query = load_catalog(settings.queries_dir)["body_involvement_by_year"]
    reader = StoreReader(store)
    bound = bind_arguments(reader, query, {"body": ["scn", "Nobody", "Omsorgsnämnden"]})
    assert bound["body"] == [URIRef(f"{ID}body/uppsala-scn"), URIRef(f"{ID}body/uppsala-osn")]
    assert bind_arguments(reader, query, {"body": ["Nobody"]}) == {"body": [NO_BODY]}
    assert run_canned(reader, query, {"body": "Nobody"}).rows == []
    assert run_canned(reader, query, {"body": ["Nobody", "SCN"]}).rows == run_canned(
        reader, query, {"body": "SCN"}).rows


def test_a_name_borne_by_several_bodies_binds_them_all(tmp_path, settings):
    own = EmbeddedStore(tmp_path / "store")
    try:
        own.update("""PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        INSERT DATA { GRAPH <urn:test:g> {
          <urn:test:a> a hsvo:Body ; hsvo:abbreviation "ÄLN" ; rdfs:label "Äldrenämnden (A)"@sv .
          <urn:test:b> a hsvo:Body ; hsvo:abbreviation "äln" ; rdfs:label "Äldrenämnden (B)"@sv .
          <urn:test:c> hsvo:abbreviation "ÄLN" . } }""")  # not a body
        query = load_catalog(settings.queries_dir)["body_involvement_by_year"]
        bound = bind_arguments(StoreReader(own), query, {"body": "Äln"})
        assert sorted(bound["body"]) == [URIRef("urn:test:a"), URIRef("urn:test:b")]
    finally:
        own.close()



def test_a_folded_body_parameter_matches_without_diacritics(store, tmp_path: Path):
    path = tmp_path / "folded.rq"
    path.write_text("#+ title: x\n#+ parameters:\n#+   - {name: body, type: body, fold: true}\n"
                    "SELECT ?body WHERE { }\n", encoding="utf-8")
    query = parse_canned_query(path)
    reader = StoreReader(store)
    assert bind_arguments(reader, query, {"body": "aldrenamnden"}) == {"body": [URIRef(f"{ID}body/uppsala-aln")]}
    assert [str(r["body"]) for r in run_canned(reader, query, {"body": "ALN"}).rows] == [f"{ID}body/uppsala-aln"]


def test_body_names_are_read_whole_past_the_row_cap(tmp_path: Path):
    own = EmbeddedStore(tmp_path / "store")
    own.update("INSERT DATA { GRAPH <urn:test:g> {\n" + "\n".join(
        f'<urn:test:b{i}> a <{HSVO}Body> ; <{LABEL}> "Nämnd {i}"@sv, "Board {i}"@en ; <{HSVO}abbreviation> "N{i}" .'
        for i in range(7)) + "\n} }")
    pool = WorkerPool(TrackedStore(own), 10.0, 1, max_rows=4)  # 21 names, read 4 at a time
    try:
        names = body_names(pool.reader())
        assert len(names.normalised) == 21
        assert names.normalised["board 6"] == names.folded["namnd 6"] == (URIRef("urn:test:b6"),)
    finally:
        pool.close()
        own.close()


def synthetic_recurrences(bodies: int, pairs: int) -> str:
    """``bodies`` bodies and ``pairs`` activities continued the next year, each involving one
    body: the old name filter, inside FILTER EXISTS, read every body's names for every pair."""
    lines = []
    for b in range(bodies):
        body = f"<{ID}body/scale-{b}>"
        lines += [f"{body} <{A}> <{HSVO}Body> .", f'{body} <{LABEL}> "Skalnämnd {b}"@sv .',
                  f'{body} <{HSVO}abbreviation> "S{b}" .']
    for p in range(pairs):
        first, nxt = f"<{ID}activity/scale-{p}>", f"<{ID}activity/scale-{p}-next>"
        lines += [f"{first} <{HSVO}continuedBy> {nxt} .", f'{first} <{LABEL}> "Aktivitet {p}"@sv .',
                  f'{nxt} <{LABEL}> "Aktivitet {p}, året efter"@sv .', f"{first} <{HSVO}year> 2024 .",
                  f"{nxt} <{HSVO}year> 2025 .", f"{first} <{HSVO}involves> <{ID}body/scale-{p % bodies}> ."]
    return "INSERT DATA { GRAPH <urn:test:scale> {\n" + "\n".join(lines) + "\n} }"


@pytest.fixture
def scaled(tmp_path: Path, settings: Settings) -> Iterator[TestClient]:
    """The service, with its usual 5 s time limit, on 400 bodies and 100 recurring activities:
    with the body found by name inside SPARQL, recurring_activities took about 20 s here (a
    503); from the bound body, milliseconds."""
    own = settings.model_copy(update={"query_workers": 1, "query_memory_image": False,
                                      "query_time_limit_s": 5.0})
    store = EmbeddedStore(tmp_path / "store")
    store.update(synthetic_recurrences(400, 100))
    with TestClient(create_app(own, store)) as client:
        yield client
    store.close()


def test_a_body_question_on_many_bodies_answers_within_the_time_limit(scaled) -> None:
    for name in ("S7", "skalnämnd 7"):
        answer = scaled.get("/q/recurring_activities", params={"body": name},
                            headers={"Accept": "application/json"})
        assert answer.status_code == 200, answer.text
        assert [row["title"] for row in answer.json()["rows"]] == ["Aktivitet 7"]
    unknown = scaled.get("/q/recurring_activities", params={"body": "S400"},
                         headers={"Accept": "application/json"})
    assert unknown.status_code == 200 and unknown.json()["count"] == 0
