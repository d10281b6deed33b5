"""Entity pages at /id/{kind}/{slug}: the data IRI with the same path, as HTML for browsers
and Turtle or JSON-LD for programs, with labels, links, sources and named graphs."""

import json
import re

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

from hsvo_graph.namespaces import HSVO

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
ACTIVITY = "/id/activity/uppsala-2025-20"
ACTIVITY_IRI = URIRef("https://w3id.org/hsvo-graph/id/activity/uppsala-2025-20")
TITLE = "Tydliggöra vårdnivån på närvårdsplatser i relation till korttidsplatser enligt SoL"


def test_activity_page_shows_title_links_source_and_graph(client):
    page = client.get(ACTIVITY, headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"<h1>{TITLE}</h1>" in page.text
    for body in ("uppsala-aln", "uppsala-osn", "region-vs"):  # Ansvar: VS, OSN, ÄLN (seed 000 p. 13)
        assert f'href="/id/body/{body}"' in page.text
    assert 'href="/id/goal/uppsala-2024-2026-lfa-omstallning"' in page.text
    assert "Bilaga 1 – Aktivitetslista 2025" in page.text and '<td class="num">13</td>' in page.text
    assert "graph:uppsala-2024-2026" in page.text
    assert 'rel="alternate" type="text/turtle"' in page.text


def test_turtle_is_the_default_for_programs(client):
    response = client.get(ACTIVITY)
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.text, format="turtle")
    assert (ACTIVITY_IRI, RDFS.label, Literal(TITLE, lang="sv")) in graph
    assert (ACTIVITY_IRI, HSVO.year, Literal(2025)) in graph
    sources = list(graph.objects(ACTIVITY_IRI, URIRef("http://www.w3.org/ns/prov#qualifiedPrimarySource")))
    assert sources and graph.value(sources[0], HSVO.page) == Literal(13)


def test_json_ld_by_accept_header_and_by_format(client):
    for response in (client.get(ACTIVITY, headers={"Accept": "application/ld+json"}),
                     client.get(ACTIVITY, params={"format": "jsonld"})):
        assert response.headers["content-type"] == "application/ld+json; charset=utf-8"
        assert TITLE in response.text  # UTF-8, not \u-escaped
        graph = Graph().parse(data=json.dumps(response.json()), format="json-ld")
        assert (ACTIVITY_IRI, RDFS.label, Literal(TITLE, lang="sv")) in graph


def test_body_page_lists_what_refers_to_it_with_years(client):
    page = client.get("/id/body/uppsala-aln", headers=HTML)
    assert "<h1>Äldrenämnden</h1>" in page.text
    assert f'href="{ACTIVITY}">{TITLE} (2025)</a>' in page.text
    assert 'href="/id/body/uppsala-kommun"' in page.text  # its principal


def test_document_page_lists_the_facts_it_is_the_source_of(client):
    page = client.get("/id/document/aktivitetslista-hsvo-uppsala-2025", headers=HTML)
    assert page.status_code == 200
    assert "Uppgifter med detta dokument som källa" in page.text
    assert f'href="{ACTIVITY}"' in page.text


def test_mandates_are_shown_with_their_own_facts(client):
    page = client.get("/id/body/samrad-hsvo-uppsala", headers=HTML)
    assert "har mandat" in page.text and "ger inte befogenhet" in page.text
    assert "beslutande" in page.text


def test_unknown_entities_and_kinds(client):
    assert client.get("/id/activity/no-such-activity").status_code == 404
    assert client.get("/id/person/someone").status_code == 404
    assert client.get(ACTIVITY, params={"format": "pdf"}).status_code == 400


def test_every_link_on_an_entity_page_resolves(client):
    page = client.get(ACTIVITY, headers=HTML)
    for path in sorted(set(re.findall(r'href="(/id/[^"]+)"', page.text))):
        assert client.get(path).status_code == 200, path


GRAPH_FORMATS = [  # (Accept, format=, Content-Type, rdflib parser): as /sparql offers a graph
    ("application/ld+json", "jsonld", "application/ld+json", "json-ld"),
    ("application/json", "json", "application/ld+json", "json-ld"),
    ("application/n-triples", "nt", "application/n-triples", "nt"),
    ("text/plain", "ntriples", "application/n-triples", "nt"),
    ("application/rdf+xml", "rdfxml", "application/rdf+xml", "xml"),
    ("application/trig", "trig", "application/trig", "trig"),
    ("application/n-quads", "nq", "application/n-quads", "nquads"),
    ("text/turtle", "turtle", "text/turtle", "turtle"),
]


@pytest.mark.parametrize(("accept", "name", "media_type", "parser"), GRAPH_FORMATS)
def test_every_rdf_format_of_sparql_by_accept_and_by_format(client, accept, name, media_type, parser):
    for response in (client.get(ACTIVITY, headers={"Accept": accept}),
                     client.get(ACTIVITY, params={"format": name})):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
        assert "Accept" in response.headers["vary"].split(", ")
        graph = (Dataset() if parser in ("trig", "nquads") else Graph()).parse(
            data=response.text, format=parser)
        assert (ACTIVITY_IRI, RDFS.label, Literal(TITLE, lang="sv")) in graph
        assert (ACTIVITY_IRI, HSVO.year, Literal(2025)) in graph


def test_the_same_statements_in_every_format(client):
    turtle = Graph().parse(data=client.get(ACTIVITY).text, format="turtle")
    for _, name, _, parser in GRAPH_FORMATS:
        if parser in ("trig", "nquads"):
            continue
        other = Graph().parse(data=client.get(ACTIVITY, params={"format": name}).text, format=parser)
        assert isomorphic(other, turtle), name


def test_html_by_format_and_for_browsers_only(client):
    assert client.get(ACTIVITY, params={"format": "html"}).headers["content-type"].startswith("text/html")
    assert client.get(ACTIVITY, headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")


def test_formats_an_entity_cannot_be_written_in(client):
    assert client.get(ACTIVITY, params={"format": "yaml"}).status_code == 400
    assert client.get(ACTIVITY, params={"format": "csv"}).status_code == 406  # a results format
    assert client.get(ACTIVITY, headers={"Accept": "text/csv"}).status_code == 406
