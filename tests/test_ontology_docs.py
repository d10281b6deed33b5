"""The ontology is documented as HTML (pyLODE) and downloadable as Turtle."""

from rdflib import Graph


def test_ontology_page_documents_every_class(client):
    page = client.get("/ontology")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for term in ("Activity", "responsibleBody", "participatingBody", "involves", "Mandate", "Renaming"):
        assert term in page.text


def test_ontology_turtle_parses(client):
    response = client.get("/ontology.ttl")
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 300
