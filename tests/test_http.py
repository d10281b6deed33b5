"""The HTTP service: landing page, health, read-only SPARQL endpoint, canned queries."""

import csv
import io

from .expected import ALN_NARA_VARD_2025, VS_KOMPETENS_2025

CANNED = "/q/activities_by_body_and_area"


def test_landing_page_says_what_it_is_and_links_the_endpoint(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "hälsa, stöd, vård och omsorg" in page.text
    assert 'href="/sparql' in page.text and 'href="/q/activities_by_body_and_area?' in page.text


def test_health_reports_the_store(client, store):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["triples"] == store.triple_count()


def test_canned_query_as_json_with_swedish_in_both_directions(client):
    response = client.get(CANNED, params={"body": "ÄLN", "area": "nära vård", "year": "2025"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert "Tydliggöra vårdnivån" in response.text  # not \u-escaped
    assert [row["title"] for row in response.json()["rows"]] == ALN_NARA_VARD_2025


def test_canned_query_url_encoded_by_hand(client):
    response = client.get(f"{CANNED}?body=VS&area=kompetens&year=2025")
    assert [row["title"] for row in response.json()["rows"]] == VS_KOMPETENS_2025
    encoded = client.get(f"{CANNED}?body=%C3%A4ln&area=n%C3%A4ra%20v%C3%A5rd&year=2025")
    assert encoded.json()["count"] == len(ALN_NARA_VARD_2025)


def test_canned_query_as_csv(client):
    response = client.get(CANNED, params={"body": "äldrenämnden", "area": "NÄRA VÅRD", "year": "2025", "format": "csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["title"] for row in rows] == ALN_NARA_VARD_2025


def test_canned_query_errors(client):
    assert client.get(CANNED, params={"body": "ÄLN"}).status_code == 400
    assert client.get("/q/nope").status_code == 404
    hostile = client.get(CANNED, params={"body": '"} UNION { ?s ?p ?o } #', "area": "vård"})
    assert hostile.status_code == 200 and hostile.json()["count"] == 0


def test_query_list(client):
    listing = client.get("/q").json()
    assert listing[0]["id"] == "activities_by_body_and_area"
    assert {p["name"] for p in listing[0]["parameters"]} == {"body", "area", "year"}


def test_sparql_get_and_both_posts(client, store):
    query = (  # the seven boards of Uppsala kommun and Region Uppsala
        "PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#> PREFIX bd: <https://w3id.org/hsvo-graph/id/body/> "
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a hsvo:Board ; hsvo:principal ?p "
        "VALUES ?p { bd:uppsala-kommun bd:region-uppsala } }"
    )
    for response in (
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", data={"query": query}),
        client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}),
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        assert response.json()["results"]["bindings"][0]["n"]["value"] == "7"


def test_sparql_endpoint_is_read_only_and_closed(client, store):
    before = store.triple_count()
    for query, status in (
        ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", 400),  # an update is not a query
        ("DROP ALL", 400),
        ("LOAD <file:///etc/passwd>", 400),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403),
    ):
        assert client.post("/sparql", data={"query": query}).status_code == status
    assert store.triple_count() == before


def test_sparql_errors(client):
    assert client.get("/sparql", params={"query": "SELECT WHERE {"}).status_code == 400
    assert client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    two = client.post("/sparql", content=b"query=ASK%20%7B%7D&query=ASK%20%7B%7D",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert two.status_code == 400


def test_construct_answers_in_turtle(client):
    response = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?b <https://w3id.org/hsvo-graph/ontology#abbreviation> ?a }"},
                          headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert '"ÄLN"' in response.text
