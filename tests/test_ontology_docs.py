"""The ontology page: the ontology's own IRI, title and description, one language at a
time, one label per term in the table of contents, `lang` set, inside the site's
navigation; and the ontology as Turtle."""

import re

from rdflib import Graph


def test_ontology_page_documents_every_class(client):
    page = client.get("/ontology?lang=en")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for term in ("Activity", "responsibleBody", "participatingBody", "involves", "Mandate", "Renaming"):
        assert f'id="{term}"' in page.text


def test_the_ontology_is_named_by_its_own_iri_title_and_description(client):
    text = client.get("/ontology?lang=en").text
    assert "<code>https://w3id.org/hsvo-graph/ontology</code>" in text
    assert re.search(r"<h1>HSVO ontology – governance of health", text)
    assert "Bodies (boards, councils, management groups" in text
    assert "StatusScheme</code>" not in text.split("<nav", 1)[0]


def test_one_language_at_a_time_with_lang_and_navigation(client):
    english = client.get("/ontology?lang=en").text
    swedish = client.get("/ontology?lang=sv").text
    assert '<html lang="en">' in english and '<html lang="sv">' in swedish
    assert "<h1>HSVO-ontologin" in swedish
    toc = english.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    entries = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', toc)
    assert entries and len({anchor for anchor, _ in entries}) == len(entries)
    labels = dict(entries)
    assert labels["Body"] == "body"  # one label, in English only ("organbody" before)
    # the site's navigation (base.html); a client without cookies and with no browser
    # language of its own is given the English it asked for in the links (web.links)
    assert '<a class="brand" href="/?lang=en">' in english


def test_ontology_turtle_parses(client):
    response = client.get("/ontology.ttl")
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 300
