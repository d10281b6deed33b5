"""The SPARQL 1.1 Protocol endpoint, read side: operations, errors, content negotiation,
dataset parameters, the inference switch, descriptions, dumps, Graph Store reads, CORS,
editor and documentation — each test against the embedded and the remote store."""

import csv
import io
import json

import pyoxigraph as ox
import pytest

from hsvo_graph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, data_graph_iri
from hsvo_graph.sparql.recent import Recent

HSVO = "https://w3id.org/hsvo-graph/ontology#"
BODIES = data_graph_iri("bodies")
UPPSALA = data_graph_iri("uppsala-2024-2026")
BOARDS = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{HSVO}Board> }}"
ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"


def number(response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def triples(response, media_type: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.from_media_type(media_type))]


def objects(graph: list[ox.Triple], subject: str | None, predicate: str) -> set[str]:
    return {str(t.object.value) for t in graph
            if t.predicate.value == predicate and (subject is None or t.subject.value == subject)}


# -- operations and errors -----------------------------------------------------------

def test_get_and_both_posts_give_the_same_answer(service, store):
    boards = store.select(BOARDS).rows[0]["n"]
    for response in (
        service.get("/sparql", params={"query": BOARDS}),
        service.post("/sparql", data={"query": BOARDS}),
        service.post("/sparql", content=BOARDS.encode(),
                     headers={"Content-Type": "application/sparql-query; charset=utf-8"}),
    ):
        assert response.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
        assert number(response) == int(boards)


def test_malformed_query_is_400_with_the_parsers_message(service):
    response = service.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert response.text.startswith("malformed query:") and len(response.text) > 30


@pytest.mark.parametrize("query", [
    "PREFIX : <http://example/>\nSELECT (:function(1) AS ?f) {}",
    "SELECT * { ?s ?p ?o FILTER (<http://www.w3.org/2005/xpath-functions#upper-case>(?o)) }",
    "ASK { ?s ?p ?o FILTER (<http://www.w3.org/2001/XMLSchema#notAType>(?o)) }",
])
def test_a_function_the_engine_does_not_have_is_the_querys_fault(service, query):
    """SPARQL 1.1 §17.6: such a query is not evaluated and an error is returned: a 400
    naming the function (the W3C syntax suite's own :function(...) was a 502, "the store
    failed", on the embedded store), on every store."""
    response = service.get("/sparql", params={"query": query})
    assert response.status_code == 400, response.text
    assert "not supported" in response.text and "function" in response.text


@pytest.mark.parametrize("send", [
    lambda c: c.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D"),
    lambda c: c.post("/sparql", content=b"query=ASK%20%7B%7D&query=ASK%20%7B%7D", headers=FORM),
    lambda c: c.post("/sparql?query=ASK%20%7B%7D", content=b"query=ASK%20%7B%7D", headers=FORM),
    lambda c: c.post("/sparql", content=b"", headers=FORM),
    lambda c: c.get("/sparql", params={"query": "ASK {}", "inference": "maybe"}),
    lambda c: c.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"}),
    lambda c: c.get("/sparql", params={"query": "ASK {}", "format": "pdf"}),
    lambda c: c.post("/sparql", data={"update": "DROP ALL"}),
], ids=["two-query-get", "two-query-form", "url-and-form", "no-query", "bad-flag", "bad-iri",
        "unknown-format", "update-param"])
def test_protocol_errors_are_400(service, send):
    response = send(service)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/plain")


def test_wrong_content_type_is_415(service):
    for content_type in ("text/plain", "application/json", "application/sparql-update"):
        response = service.post("/sparql", content=b"ASK {}", headers={"Content-Type": content_type})
        assert response.status_code == 415


@pytest.mark.parametrize("query, status", [
    ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", 400),
    ("DELETE WHERE { ?s ?p ?o }", 400),
    ("CLEAR ALL", 400),
    ("LOAD <file:///etc/passwd> INTO GRAPH <http://x/g>", 400),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403),
    ("SELECT * WHERE { ?s ?p ?o } # INSERT is only a comment here", 200),
])
def test_updates_service_and_load_are_refused_and_change_nothing(service, store, query, status):
    before = store.triple_count()
    for response in (service.post("/sparql", data={"query": query}),
                     service.get("/sparql", params={"query": query})):
        assert response.status_code == status, response.text
    assert store.triple_count() == before


# -- content negotiation ------------------------------------------------------------

@pytest.mark.parametrize("accept, fmt, expected", [
    (None, None, "application/sparql-results+json"),
    ("*/*", None, "application/sparql-results+json"),
    ("application/json", None, "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", None, "application/sparql-results+xml"),
    ("text/*", None, "text/csv"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    ("image/png, */*;q=0.1", None, "application/sparql-results+json"),
    ("application/sparql-results+json", "tsv", "text/tab-separated-values"),
    (None, "xml", "application/sparql-results+xml"),
])
def test_select_negotiation(service, accept, fmt, expected):
    headers = {"Accept": accept} if accept else {}
    params = {"query": BOARDS, **({"format": fmt} if fmt else {})}
    response = service.get("/sparql", params=params, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{expected}; charset=utf-8"
    assert "Accept" in response.headers["vary"]
    if expected == "text/csv":
        assert response.text.splitlines()[0] == "n"
    else:
        parsed = ox.parse_query_results(response.content,
                                        format=ox.QueryResultsFormat.from_media_type(expected))
        assert len(list(parsed)) == 1


def test_every_results_format_carries_the_same_rows_with_swedish_intact(service):
    query = f'SELECT ?abbreviation WHERE {{ ?b a <{HSVO}Board> ; <{HSVO}abbreviation> ?abbreviation }} ORDER BY ?abbreviation'
    rows = {}
    for fmt in ("json", "xml", "tsv"):
        response = service.get("/sparql", params={"query": query, "format": fmt})
        parsed = ox.parse_query_results(
            response.content, format=ox.QueryResultsFormat.from_media_type(response.headers["content-type"].split(";")[0]))
        rows[fmt] = [s["abbreviation"].value for s in parsed]
    as_csv = service.get("/sparql", params={"query": query, "format": "csv"}).content.decode("utf-8")
    rows["csv"] = [r["abbreviation"] for r in csv.DictReader(io.StringIO(as_csv))]
    assert rows["json"] == rows["xml"] == rows["tsv"] == rows["csv"]
    assert "ÄLN" in rows["json"]


def test_ask_in_all_four_results_formats(service):
    query = f"ASK {{ ?b <{HSVO}abbreviation> \"ÄLN\" }}"
    bodies = {fmt: service.get("/sparql", params={"query": query, "format": fmt}) for fmt in ("json", "xml", "csv", "tsv")}
    assert bodies["json"].json()["boolean"] is True
    assert "<boolean>true</boolean>" in bodies["xml"].text
    assert bodies["csv"].text.strip() == bodies["tsv"].text.strip() == "true"


@pytest.mark.parametrize("media_type", [
    "text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
    "application/trig", "application/n-quads",
])
def test_construct_in_every_rdf_format(service, media_type):
    query = f"CONSTRUCT WHERE {{ ?b <{HSVO}abbreviation> ?a }}"
    response = service.get("/sparql", params={"query": query}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    graph = triples(response, media_type)
    assert "ÄLN" in objects(graph, None, HSVO + "abbreviation")
    assert len(graph) == len(triples(service.get("/sparql", params={"query": query, "format": "nt"}), "application/n-triples"))


def test_describe_answers_rdf(service):
    response = service.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/hsvo-graph/id/body/uppsala-aln>"},
                           headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and "Äldrenämnden" in response.text


@pytest.mark.parametrize("query, accept, fmt", [
    (BOARDS, "text/turtle", None),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "application/sparql-results+json", None),
    ("CONSTRUCT WHERE { ?s ?p ?o }", None, "csv"),
    ("ASK {}", "image/png", None),
])
def test_nothing_acceptable_is_406(service, query, accept, fmt):
    params = {"query": query, **({"format": fmt} if fmt else {})}
    response = service.get("/sparql", params=params, headers={"Accept": accept} if accept else {})
    assert response.status_code == 406, response.text


# -- the dataset: protocol parameters, FROM, inference switch --------------------------

def test_default_graph_uri_and_named_graph_uri_define_the_dataset(service, store):
    only_bodies = service.get("/sparql", params={"query": ALL, "default-graph-uri": BODIES})
    assert number(only_bodies) == store.triple_count(BODIES)
    two = service.post("/sparql", data={"query": ALL, "default-graph-uri": [BODIES, str(ONTOLOGY_GRAPH)]})
    assert number(two) == store.triple_count(BODIES) + store.triple_count(str(ONTOLOGY_GRAPH))
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    named = service.get("/sparql", params={"query": graphs, "named-graph-uri": UPPSALA})
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [UPPSALA]
    # only named graphs given: the default graph is empty
    assert number(service.get("/sparql", params={"query": ALL, "named-graph-uri": UPPSALA})) == 0


def test_the_querys_own_from_is_honoured(service, store):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{BODIES}> WHERE {{ ?s ?p ?o }}"
    assert number(service.get("/sparql", params={"query": query})) == store.triple_count(BODIES)


def test_inference_switch(service, store):
    involves = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{HSVO}involves> ?b }}"
    assert number(service.get("/sparql", params={"query": involves})) > 0
    assert number(service.get("/sparql", params={"query": involves, "inference": "false"})) == 0
    everything = number(service.get("/sparql", params={"query": ALL}))
    asserted = number(service.get("/sparql", params={"query": ALL, "inference": "false"}))
    assert asserted < everything
    graphs = service.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                            "inference": "false"})
    names = {b["g"]["value"] for b in graphs.json()["results"]["bindings"]}
    assert names == set(store.graph_names()) - {str(INFERRED_GRAPH)}


# -- self-description --------------------------------------------------------------

def test_service_description_at_get_sparql(service):
    response = service.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = triples(response, "text/turtle")
    endpoint = "http://testserver/sparql"
    assert objects(graph, endpoint, SD + "endpoint") == {endpoint}
    assert SD + "SPARQL11Query" in objects(graph, endpoint, SD + "supportedLanguage")
    assert "http://www.w3.org/ns/formats/SPARQL_Results_CSV" in objects(graph, endpoint, SD + "resultFormat")
    assert BODIES in objects(graph, None, SD + "name")
    assert "/.well-known/void" in response.headers["link"]
    jsonld = service.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")


def test_void_describes_graphs_counts_sources_vocabularies(service, store):
    response = service.get("/.well-known/void")
    assert response.status_code == 200
    graph = triples(response, "text/turtle")
    dataset = "https://w3id.org/hsvo-graph/dataset"
    distinct = store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    assert objects(graph, dataset, VOID + "triples") == {str(distinct.rows[0]["n"])}
    assert objects(graph, dataset, VOID + "subset") == set(store.graph_names())
    for name in store.graph_names():
        assert objects(graph, name, VOID + "triples") == {str(store.triple_count(name))}
    assert "https://w3id.org/hsvo-graph/id/document/samverkansplan-hsvo-uppsala-2024-2026" in \
        objects(graph, UPPSALA, "http://purl.org/dc/terms/source")
    vocabularies = objects(graph, dataset, VOID + "vocabulary")
    assert {HSVO, "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#"} <= vocabularies
    assert objects(graph, dataset, VOID + "exampleResource")
    assert objects(graph, dataset, VOID + "sparqlEndpoint") == {"http://testserver/sparql"}
    assert "http://testserver/dumps/hsvo-graph.nq" in objects(graph, dataset, VOID + "dataDump")
    again = service.get("/.well-known/void", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_void_describes_a_dataset_whose_properties_and_classes_are_urns():
    """A URN (``urn:x:p``) has no '#' or '/': its namespace is up to the last ':'. It was
    empty, and the whole VoID description a 500 for any dataset holding one (found on the
    1 M benchmark store, which keeps the benchmark's written triple)."""
    from datetime import datetime, timezone

    from hsvo_graph.sparql.describe import namespace, statistics, void_description

    graph = ox.NamedNode("urn:hsvo:test:graph")
    data = ox.Store()
    data.extend([ox.Quad(ox.NamedNode("urn:hsvo:test:s"), ox.NamedNode("urn:hsvo:test:p"), ox.Literal("x"), graph),
                 ox.Quad(ox.NamedNode("urn:hsvo:test:s"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                         ox.NamedNode("urn:isbn:class"), graph)])
    stats = statistics(data)
    assert stats.vocabularies == ["http://www.w3.org/1999/02/22-rdf-syntax-ns#", "urn:hsvo:test:", "urn:isbn:"]
    described = void_description(stats, "http://testserver", datetime(2026, 1, 1, tzinfo=timezone.utc))
    vocabularies = {t.object.value for t in described if t.predicate.value == VOID + "vocabulary"}
    assert vocabularies == set(stats.vocabularies)
    assert namespace("https://w3id.org/hsvo-graph/ontology#Activity") == "https://w3id.org/hsvo-graph/ontology#"
    assert namespace("http://example.org/a:b/c") == "http://example.org/a:b/"


def test_void_statistics_count_the_union_of_all_graphs_as_the_quads_do():
    """The store counts (SPARQL aggregates) equal a count of the quads themselves: a triple
    in the default graph and in two named graphs once, blank nodes and literals as nodes,
    instances only for IRIs typed with an IRI class."""
    from hsvo_graph.sparql.describe import statistics

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    s, b = ox.NamedNode("https://w3id.org/hsvo-graph/id/body/x"), ox.BlankNode("b")
    cls, p = ox.NamedNode("https://w3id.org/hsvo-graph/ontology#Board"), ox.NamedNode("http://example.org/p")
    g1, g2 = ox.NamedNode("urn:g:1"), ox.NamedNode("urn:g:2")
    quads = [ox.Quad(s, rdf_type, cls, g) for g in (g1, g2, ox.DefaultGraph())] + [
        ox.Quad(b, rdf_type, cls, g1), ox.Quad(s, p, ox.Literal("ä", language="sv"), g1),
        ox.Quad(s, p, ox.Literal("ä"), g2), ox.Quad(b, p, s, ox.DefaultGraph())]
    data = ox.Store()
    data.extend(quads)
    stats = statistics(data)
    union = {q.triple for q in quads}
    assert stats.triples == len(union) == 5
    assert stats.subjects == len({t.subject for t in union}) == 2
    assert stats.objects == len({t.object for t in union}) == 4
    assert stats.properties == {rdf_type.value: 2, p.value: 3}
    assert stats.classes == {cls.value: 1}  # the blank node is not counted as an instance
    assert stats.graphs == {"urn:g:1": 3, "urn:g:2": 2}
    assert stats.examples == [s.value]


# -- dumps and Graph Store Protocol reads -------------------------------------------

def test_dumps_hold_the_whole_dataset(service, store):
    names = store.graph_names()
    total = sum(store.triple_count(g) for g in names)
    for name, media_type in (("hsvo-graph.trig", "application/trig"), ("hsvo-graph.nq", "application/n-quads")):
        response = service.get(f"/dumps/{name}")
        assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
        quads = list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(media_type)))
        assert len(quads) == total
        assert {q.graph_name.value for q in quads} == set(names)
    union = triples(service.get("/dumps/hsvo-graph.ttl"), "text/turtle")
    assert len(union) == len(set(union)) <= total
    ontology = triples(service.get("/dumps/ontology.ttl"), "text/turtle")
    assert len(ontology) == store.triple_count(str(ONTOLOGY_GRAPH))
    shapes = service.get("/dumps/shapes.ttl")
    assert shapes.status_code == 200 and triples(shapes, "text/turtle")
    assert service.get("/dumps/nope.ttl").status_code == 404
    listing = service.get("/dumps").json()
    assert {d["name"] for d in listing} >= {"hsvo-graph.trig", "hsvo-graph.nq", "hsvo-graph.ttl", "ontology.ttl", "shapes.ttl"}


def test_dumps_are_conditional(service):
    first = service.get("/dumps/hsvo-graph.trig")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert service.get("/dumps/hsvo-graph.trig").headers["etag"] == etag  # same state, same bytes
    assert service.get("/dumps/hsvo-graph.trig", headers={"If-None-Match": etag}).status_code == 304
    assert service.get("/dumps/hsvo-graph.trig", headers={"If-None-Match": '"other"'}).status_code == 200
    assert service.get("/dumps/hsvo-graph.trig", headers={"If-Modified-Since": modified}).status_code == 304
    assert service.get("/dumps/hsvo-graph.trig", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200


def test_graph_store_reads(service, store):
    one = service.get("/store", params={"graph": BODIES}, headers={"Accept": "application/n-triples"})
    assert one.status_code == 200 and len(triples(one, "application/n-triples")) == store.triple_count(BODIES)
    union = service.get("/store?default", headers={"Accept": "text/turtle"})
    assert len(triples(union, "text/turtle")) == len(triples(service.get("/dumps/hsvo-graph.ttl"), "text/turtle"))
    whole = service.get("/store", headers={"Accept": "application/n-quads"})
    assert whole.headers["content-type"].startswith("application/n-quads")
    assert service.get("/store", params={"graph": "http://example.org/none"}).status_code == 404
    assert service.get(f"/store?default&graph={BODIES}").status_code == 400
    again = service.get("/store", params={"graph": BODIES},
                        headers={"Accept": "application/n-triples", "If-None-Match": one.headers["etag"]})
    assert again.status_code == 304


# -- browsers: CORS, editor, documentation --------------------------------------------

def test_cors_on_the_public_data_paths_only(service):
    origin = {"Origin": "https://notebook.example"}
    preflight = service.options("/sparql", headers={**origin, "Access-Control-Request-Method": "POST",
                                                    "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
    get = service.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert get.headers["access-control-allow-origin"] == "*"
    assert "X-HSVO-Truncated" in get.headers["access-control-expose-headers"]
    assert service.get("/dumps/ontology.ttl", headers=origin).headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-origin" not in service.post("/admin/update", headers=origin).headers
    # the query lane answers in front of the CORS middleware and adds exactly what it would
    behind = service.get("/sparql", headers={**origin, "Accept": "text/turtle"})  # the description
    for query in (get, service.post("/sparql", content=b"ASK {}", headers={
            **origin, "Content-Type": "application/sparql-query"})):
        for name in ("access-control-allow-origin", "access-control-expose-headers"):
            assert query.headers[name] == behind.headers[name]
        assert query.headers["vary"] == "Accept, Origin"
    plain = service.get("/sparql", params={"query": "ASK {}"})
    assert "access-control-allow-origin" not in plain.headers and plain.headers["vary"] == "Accept, Origin"


def test_a_repeated_get_query_is_prepared_once_and_still_answered_by_the_store(
        service, monkeypatch: pytest.MonkeyPatch) -> None:
    import hsvo_graph.api.query_operation as operation

    monkeypatch.setattr(operation, "_PREPARED", Recent(512))
    prepared: list[object] = []
    original = operation.prepare

    async def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        prepared.append(args)
        return await original(*args, **kwargs)

    monkeypatch.setattr(operation, "prepare", counting)
    first = service.get("/sparql", params={"query": BOARDS})
    assert service.get("/sparql", params={"query": BOARDS}).content == first.content
    assert len(prepared) == 1
    as_csv = service.get("/sparql", params={"query": BOARDS}, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv") and len(prepared) == 2
    # without inference the dataset is the graph list of the moment: prepared every time
    for _ in range(2):
        assert number(service.get("/sparql", params={"query": BOARDS, "inference": "false"})) >= 0
    assert len(prepared) == 4
    # refusals are not remembered either: each is decided (and refused) again
    for _ in range(2):
        assert service.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://x/> "
                                                       "{ ?s ?p ?o } }"}).status_code == 403
    assert len(prepared) == 6


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def editor_config(page: str) -> dict:
    start = page.index('<script type="application/json" id="editor-config">') + len('<script type="application/json" id="editor-config">')
    return json.loads(page[start:page.index("</script>", start)])


def test_browsers_get_the_editor_with_prefixes_and_canned_queries(service, settings):
    page = service.get("/sparql", headers=BROWSER)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '/static/yasgui/yasgui.min.js' in page.text and 'https://cdn' not in page.text
    config = editor_config(page.text)
    assert config["endpoint"] == "http://testserver/sparql" and config["query"] is None
    assert "PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#>" in config["defaultQuery"]
    catalog = sorted(settings.queries_dir.glob("*.rq"))
    assert len(config["examples"]) == len(catalog)
    for example in config["examples"]:  # every tab runs as it is
        response = service.post("/sparql", data={"query": example["query"]})
        assert response.status_code == 200, (example["name"], response.text)
    # a body example ("ÄLN") is bound as its body's IRI, exactly as /q/… binds it
    first = next(e for e in config["examples"]
                 if "VALUES ?body { <https://w3id.org/hsvo-graph/id/body/uppsala-aln> }" in e["query"])
    assert service.post("/sparql", data={"query": first["query"]}).json()["results"]["bindings"]
    for asset in ("/static/yasgui/yasgui.min.js", "/static/yasgui/yasgui.min.css", "/static/editor.js"):
        assert service.get(asset).status_code == 200


def test_the_editors_language_switch_opens_the_editor_in_that_language(service):
    """The editor page links to /sparql?lang=en like every page; that link answered 400
    ("missing 'query' parameter"). ``lang`` alone is still the bare GET; any other
    parameter without a query is still refused."""
    page = service.get("/sparql", headers=BROWSER)
    assert 'href="/sparql?lang=en"' in page.text
    english = service.get("/sparql", params={"lang": "en"}, headers=BROWSER)
    assert english.status_code == 200 and '<html lang="en">' in english.text
    assert editor_config(english.text)["query"] is None
    swedish = service.get("/sparql", params={"lang": "sv"}, headers=BROWSER)
    assert swedish.status_code == 200 and '<html lang="sv">' in swedish.text
    described = service.get("/sparql", params={"lang": "en"}, headers={"Accept": "text/turtle"})
    assert described.status_code == 200 and described.headers["content-type"].startswith("text/turtle")
    assert service.get("/sparql", params={"lang": "en", "default-graph-uri": "urn:x"}).status_code == 400


def test_a_query_link_opens_in_the_editor_for_browsers_and_as_data_for_scripts(service):
    page = service.get("/sparql", params={"query": BOARDS}, headers=BROWSER)
    assert editor_config(page.text)["query"] == BOARDS
    assert service.get("/sparql", params={"query": BOARDS, "format": "json"}, headers=BROWSER).json()
    assert service.get("/sparql", params={"query": BOARDS}, headers={"Accept": "*/*"}).json()


def test_documentation_page_examples_still_run(service):
    for lang, words in (("sv", "Gränser"), ("en", "Limits")):
        page = service.get("/sparql/docs", params={"lang": lang})
        assert page.status_code == 200 and words in page.text
        assert page.text.count('<pre class="output">') >= 5
        assert 'class="output error"' not in page.text
    assert "ÄLN,Äldrenämnden" in page.text.replace("&#34;", '"')
