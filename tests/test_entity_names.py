"""``/id/{kind}/{slug}`` with a slug in another script than ASCII (audit E, s13, D13): the
same "the graph says nothing about <IRI>" as an unknown ASCII slug, the IRI readable, and
NFC and NFD (ä as one code point, or a + U+0308) naming the same entity."""

import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.store import EmbeddedStore

TURTLE = {"Accept": "text/turtle"}
IRI = "https://w3id.org/hsvo-graph/id/body/"


@pytest.mark.parametrize("path", ["/id/body/%C3%A4ldren%C3%A4mnden",  # NFC
                                  "/id/body/a%CC%88ldrena%CC%88mnden"])  # NFD
def test_an_unknown_non_ascii_slug_is_what_the_graph_says_nothing_about(
        client: TestClient, path: str) -> None:
    response = client.get(path, headers=TURTLE)
    assert response.status_code == 404
    assert f"the graph says nothing about <{IRI}äldrenämnden>" in response.text
    assert "%C3" not in response.text and "expected /id/" not in response.text
    ascii_unknown = client.get("/id/body/finns-inte", headers=TURTLE)
    assert ascii_unknown.status_code == 404
    assert f"the graph says nothing about <{IRI}finns-inte>" in ascii_unknown.text


@pytest.mark.parametrize("path", ["/id/body/a%3Cb", "/id/body/%00x", "/id/body/x%0A",
                                  "/id/body/_x", "/id/thing/aln"])
def test_what_cannot_be_a_slug_is_still_said_so(client: TestClient, path: str) -> None:
    response = client.get(path, headers=TURTLE)
    assert response.status_code == 404
    assert "expected /id/{body|document|goal|activity}/<slug>" in response.text


def test_nfc_and_nfd_find_the_same_entity(settings: Settings) -> None:
    store = EmbeddedStore(None)
    graph = "https://w3id.org/hsvo-graph/graph/bodies"
    store.replace_graphs(
        f'<{IRI}\u00e4ldren\u00e4mnden> <http://www.w3.org/2000/01/rdf-schema#label> '
        f'"Äldrenämnden"@sv <{graph}> .\n'.encode(), [graph])
    with TestClient(create_app(settings, store)) as client:
        for path in ("/id/body/%C3%A4ldren%C3%A4mnden", "/id/body/a%CC%88ldrena%CC%88mnden"):
            response = client.get(path, headers=TURTLE)
            assert response.status_code == 200, response.text
            assert "Äldrenämnden" in response.text


@pytest.mark.parametrize("path", ["/organ/a%20b", "/organ/a%3Cb%3E", "/organ/x%0A", "/organ/%00x",
                                  "/organ/%C3%A4ldren%C3%A4mnden", "/organ/a%CC%88ldrena%CC%88mnden"])
def test_a_body_page_for_what_is_no_body_is_a_404(client: TestClient, path: str) -> None:
    """A profile's slug that no entity IRI can end with was built into an IRI and refused by
    the query binding: a 500. The same slugs as /id/… answer (NFC, 404 for the rest)."""
    response = client.get(path, headers={"Accept": "text/plain"})
    assert response.status_code == 404, response.text
    assert response.text.startswith(f"the graph has no body <{IRI}")
    if "mnden" in path:
        assert f"<{IRI}äldrenämnden>" in response.text


def test_a_body_page_is_found_in_nfc_and_nfd(settings: Settings) -> None:
    store = EmbeddedStore(None)
    graph = "https://w3id.org/hsvo-graph/graph/bodies"
    store.replace_graphs(
        f'<{IRI}\u00e4ldren\u00e4mnden> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
        f'<https://w3id.org/hsvo-graph/ontology#Body> <{graph}> .\n'
        f'<{IRI}\u00e4ldren\u00e4mnden> <http://www.w3.org/2000/01/rdf-schema#label> '
        f'"Äldrenämnden"@sv <{graph}> .\n'.encode(), [graph])
    with TestClient(create_app(settings, store)) as client:
        pages = [client.get(path) for path in ("/organ/%C3%A4ldren%C3%A4mnden",
                                               "/organ/a%CC%88ldrena%CC%88mnden")]
        assert [page.status_code for page in pages] == [200, 200], pages[0].text[:300]
        assert "Äldrenämnden" in pages[1].text
