"""HEAD wherever GET answers, OPTIONS and a complete Allow on every path, and a Vary that
names what an answer depends on (``api.envelope``), on the seed graph."""

import pytest
from fastapi.testclient import TestClient

ASK = {"query": "ASK { ?s ?p ?o }"}


@pytest.mark.parametrize("path", [
    "/", "/q/stopped_activities", "/id/body/uppsala-aln", "/sparql", "/.well-known/void",
    "/dumps", "/ordlista", "/pictures/heatmap", "/uppfoljning",
])
def test_head_answers_what_get_answers_without_the_body(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert got.status_code == 200, got.text[:200]
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content)) or "content-length" not in got.headers


def test_head_on_a_query_runs_it_and_says_its_type(client: TestClient) -> None:
    head = client.head("/sparql", params=ASK, headers={"Accept": "text/csv"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("text/csv")
    assert client.head("/sparql", params={"query": "ASK {"}).status_code == 400
    assert client.head("/id/body/finns-inte").status_code == 404


def test_a_route_that_answers_head_itself_still_does(client: TestClient) -> None:
    head = client.head("/store", params={"default": ""})
    assert head.status_code == 200 and head.content == b""
    assert "etag" in head.headers


def test_options_and_405_list_every_method_of_the_path(client: TestClient) -> None:
    options = client.options("/sparql")
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    refused = client.put("/sparql", content=b"x")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/q/stopped_activities").headers["allow"] == "GET, HEAD, OPTIONS"
    assert client.options("/finns-inte").status_code == 404


def test_a_cors_preflight_is_still_the_cors_layers(client: TestClient) -> None:
    preflight = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("vary", "").split(",") if part.strip()}


def test_vary_names_what_an_answer_depends_on(client: TestClient) -> None:
    assert {"accept", "accept-language", "cookie"} <= vary(client.get("/q/stopped_activities"))
    assert {"accept", "accept-language", "cookie"} <= vary(client.get("/id/body/uppsala-aln"))
    assert {"accept", "accept-language", "cookie"} <= vary(client.get("/"))
    on_data = vary(client.get("/sparql", params=ASK))
    assert "accept" in on_data and "cookie" not in on_data
    assert vary(client.get("/sparql", params=ASK, headers={"Origin": "https://example.org"})) == {"accept", "origin"}
    assert client.get("/sparql", params=ASK).headers.get_list("vary").__len__() == 1
    assert "vary" not in client.get("/static/css/site.css").headers


def test_an_entitys_rdf_is_the_same_bytes_whichever_copy_answered() -> None:
    """The blank nodes' labels and the statements' order are each answer's own (an answer
    from the workers' in-memory copy and one from disk differ in both): the entity's RDF is
    written with canonical labels, sorted, so HEAD's length and an ETag-minded cache agree
    with GET's."""
    from rdflib import BNode, Literal, URIRef

    from hsvo_graph.api.routes.resources import _rdf
    from hsvo_graph.formats import TURTLE
    from hsvo_graph.web.resources import Description

    iri, p, q = URIRef("https://w3id.org/hsvo-graph/id/body/x"), URIRef("urn:p"), URIRef("urn:q")

    def described(label: str, reverse: bool) -> bytes:
        node = BNode(label)
        statements = [(p, node, "urn:g"), (q, Literal("ÄLN"), "urn:g")]
        description = Description(iri, statements[::-1] if reverse else statements,
                                  {node: [(q, Literal("källa"))]})
        return _rdf(description, TURTLE).body

    assert described("b0", False) == described("genid-0123456789abcdef0123456789abcdef", True)
