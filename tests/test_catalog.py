"""A citable dataset: the DCAT-AP catalogue record at /catalog, valid against the
published DCAT-AP 3.0.1 SHACL shapes (vendored); the licence on every dump; numbered
releases that stay downloadable; and the Atom feed of every load and import."""

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from pyshacl import validate
from rdflib import DCAT, DCTERMS, RDF, Graph, URIRef

from hsvo_graph.api.app import create_app
from hsvo_graph.config import PROJECT_ROOT, Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.publish.catalog import DUMPS, LICENCE
from hsvo_graph.publish.releases import METADATA_GRAPH, write_release
from hsvo_graph.store import EmbeddedStore

SHAPES = PROJECT_ROOT / "tests" / "dcat-ap-3.0.1"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_catalogue_record_is_valid_dcat_ap(client: TestClient) -> None:
    response = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    record = Graph().parse(data=response.text, format="turtle")
    shapes = Graph().parse(SHAPES / "dcat-ap-SHACL.ttl", format="turtle")
    conforms, _, text = validate(record, shacl_graph=shapes, allow_warnings=True)
    assert conforms, text


def test_the_record_has_what_a_harvester_needs(client: TestClient) -> None:
    record = Graph().parse(data=client.get("/catalog.jsonld").text, format="json-ld")
    dataset = next(record.subjects(RDF.type, DCAT.Dataset))
    distributions = list(record.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(DUMPS)
    assert all((d, DCTERMS.license, LICENCE) in record for d in distributions)
    assert record.value(dataset, DCTERMS.publisher) is not None
    assert len(list(record.objects(dataset, DCAT.theme))) == 3
    assert (dataset, DCTERMS.spatial, URIRef("http://publications.europa.eu/resource/authority/country/SWE")) in record
    period = record.value(dataset, DCTERMS.temporal)
    assert str(record.value(period, DCAT.startDate)) == "2018-01-01"
    assert str(record.value(period, DCAT.endDate)) == "2026-12-31"


def test_every_dump_names_its_licence(client: TestClient) -> None:
    for name in DUMPS:
        link = client.head(f"/dumps/{name}").headers["link"]
        assert link == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    assert (PROJECT_ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "license: CC-BY-4.0" in (PROJECT_ROOT / "CITATION.cff").read_text()


@pytest.fixture
def publishing(tmp_path: Path, settings: Settings) -> TestClient:
    """The service with its own change log and releases directory, on a fresh store."""
    own = settings.model_copy(update={"changes_log": tmp_path / "changes.jsonl",
                                      "releases_dir": tmp_path / "releases"})
    with TestClient(create_app(own, EmbeddedStore(None))) as test_client:
        test_client.app_settings = own  # type: ignore[attr-defined]
        yield test_client


def test_a_release_stays_downloadable_with_its_licence(publishing: TestClient) -> None:
    own: Settings = publishing.app_settings  # type: ignore[attr-defined]
    write_release("1.0.0", own, own.releases_dir)
    with pytest.raises(ValueError, match="never rewritten"):
        write_release("1.0.0", own, own.releases_dir)
    listing = publishing.get("/dumps/releases").json()
    assert [r["version"] for r in listing] == ["1.0.0"]
    response = publishing.get("/dumps/releases/1.0.0/hsvo-graph.trig")
    assert response.status_code == 200
    from rdflib import Dataset
    data = Dataset().parse(data=response.text, format="trig")
    metadata = data.graph(URIRef(METADATA_GRAPH))
    assert (None, DCTERMS.license, LICENCE) in metadata
    assert publishing.get("/dumps/releases/0.9.0/hsvo-graph.trig").status_code == 404
    assert publishing.get("/dumps/releases/1.0.0/secret.txt").status_code == 404
    assert "1.0.0" in (PROJECT_ROOT / "docs" / "CHANGELOG-data.md").read_text()


def test_every_load_and_import_is_in_the_change_feed(publishing: TestClient) -> None:
    own: Settings = publishing.app_settings  # type: ignore[attr-defined]
    store = publishing.app.state.store  # type: ignore[attr-defined]
    load(store, own)
    plan = "https://w3id.org/hsvo-graph/graph/plan-test"
    store.replace_graphs(f'<https://w3id.org/x> <https://w3id.org/y> "z" <{plan}> .\n'.encode(),
                         [plan, "https://w3id.org/hsvo-graph/graph/inferred"])
    response = publishing.get("/changes.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}category").get("term") for e in entries] == ["import", "load"]
    assert plan in entries[0].find(f"{ATOM}title").text
    assert any(link.get("title") == plan for link in entries[0].findall(f"{ATOM}link"))
