"""The write side: SPARQL Update and Graph Store Protocol writes on the token-protected admin
paths, off by default; every accepted write is seen by the next query (the query workers'
copies and the dumps follow the store). Each test runs on a fresh embedded store and on a
fresh Oxigraph server."""

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.store import EmbeddedStore, GraphStore, RemoteStore

from .servers import running_oxigraph

TOKEN = "test-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
GRAPH = "http://example.org/graph/notes"
TURTLE = {**ADMIN, "Content-Type": "text/turtle"}
NOTES = '@prefix ex: <http://example.org/> .\nex:n1 ex:text "Äldrenämnden, Vårdstyrelsen" .\n'
# The data's triples: an external store's version marker, which every write replaces and a
# query over the union default graph sees too (README, "Version marker"), left out
COUNT = ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER NOT EXISTS { "
         "GRAPH <https://w3id.org/hsvo-graph/graph/store-version> { ?s ?p ?o } } }")


@pytest.fixture(scope="module", params=["embedded", "remote"])
def admin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          settings: Settings) -> Iterator[tuple[TestClient, GraphStore]]:
    """The service with an admin token over an empty store of each kind."""
    limits = {"admin_token": TOKEN, "max_upload_bytes": 4096}
    if request.param == "embedded":
        store: GraphStore = EmbeddedStore(None)
        with TestClient(create_app(settings.model_copy(update=limits), store)) as client:
            yield client, store
        return
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-admin")) as url:
        remote = settings.model_copy(update={
            **limits, "store": "remote", "remote_query_url": f"{url}/query",
            "remote_update_url": f"{url}/update", "remote_gsp_url": f"{url}/store"})
        store = RemoteStore(f"{url}/query", f"{url}/update", f"{url}/store")
        with TestClient(create_app(remote, store)) as client:
            yield client, store


@pytest.fixture
def writer(admin: tuple[TestClient, GraphStore]) -> Iterator[TestClient]:
    """The admin client; the test's graphs are dropped afterwards."""
    test_client, store = admin
    yield test_client
    store.update("DROP SILENT ALL")


def count(client: TestClient, query: str = COUNT) -> int:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_writes_are_off_without_a_configured_token(service, store):
    before = store.triple_count()
    for response in (
        service.post("/admin/update", content=b"DROP ALL",
                     headers={**ADMIN, "Content-Type": "application/sparql-update"}),
        service.put(f"/admin/store?graph={GRAPH}", content=NOTES.encode(), headers=TURTLE),
        service.delete(f"/admin/store?graph={GRAPH}", headers=ADMIN),
    ):
        assert response.status_code == 403
    assert store.triple_count() == before


def test_a_wrong_or_missing_token_is_401(writer):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = writer.post("/admin/update", content=b"CLEAR ALL",
                               headers={**headers, "Content-Type": "application/sparql-update"})
        assert response.status_code == 401


def test_an_update_is_seen_by_the_next_query_and_by_the_dumps(writer):
    etag = writer.get("/dumps/hsvo-graph.nq").headers["etag"]
    assert count(writer) == 0
    insert = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/n1> <http://example.org/text> "Äldrenämnden" }} }}'
    response = writer.post("/admin/update", content=insert.encode(),
                           headers={**ADMIN, "Content-Type": "application/sparql-update"})
    assert response.status_code == 204, response.text
    assert count(writer) == 1
    assert "Äldrenämnden" in writer.get("/sparql", params={"query": "SELECT ?o WHERE { ?s ?p ?o }", "format": "csv"}).text
    after = writer.get("/dumps/hsvo-graph.nq")
    assert after.headers["etag"] != etag and f"<{GRAPH}>" in after.text
    form = writer.post("/admin/update", data={"update": f"DROP GRAPH <{GRAPH}>"}, headers=ADMIN)
    assert form.status_code == 204 and count(writer) == 0


@pytest.mark.parametrize("body, content_type, status", [
    ("LOAD <file:///etc/passwd>", "application/sparql-update", 403),
    ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
     "application/sparql-update", 403),
    ("INSERT DATA { <http://x/a> <http://x/b> }", "application/sparql-update", 400),
    ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", "text/plain", 415),
    ("update=INSERT%20%7B%7D%20USING%20%3Chttp%3A%2F%2Fx%2Fg%3E%20WHERE%20%7B%7D&using-graph-uri=http%3A%2F%2Fx%2Fg", "application/x-www-form-urlencoded", 400),
])
def test_refused_updates_change_nothing(writer, body, content_type, status):
    writer.put(f"/admin/store?graph={GRAPH}", content=NOTES.encode(), headers=TURTLE)
    response = writer.post("/admin/update", content=body.encode(), headers={**ADMIN, "Content-Type": content_type})
    assert response.status_code == status, response.text
    assert count(writer) == 1


def test_graph_store_put_get_post_delete(writer):
    url = f"/admin/store?graph={GRAPH}"
    assert writer.put(url, content=NOTES.encode(), headers=TURTLE).status_code == 201
    read = writer.get("/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"})
    assert read.status_code == 200 and '"Äldrenämnden, Vårdstyrelsen"' in read.text
    replacement = '<http://example.org/n2> <http://example.org/text> "ny" .\n'
    assert writer.put(url, content=replacement.encode(),
                      headers={**ADMIN, "Content-Type": "application/n-triples"}).status_code == 204
    assert count(writer) == 1 and "n2" in writer.get("/store", params={"graph": GRAPH}).text
    assert writer.post(url, content=NOTES.encode(), headers=TURTLE).status_code == 204
    assert count(writer) == 2
    json_ld = '{"@id": "http://example.org/n3", "http://example.org/text": "tre"}'
    assert writer.post(url, content=json_ld.encode(),
                       headers={**ADMIN, "Content-Type": "application/ld+json"}).status_code == 204
    assert count(writer) == 3
    assert writer.delete(url, headers=ADMIN).status_code == 204
    assert writer.get("/store", params={"graph": GRAPH}).status_code == 404
    assert writer.delete(url, headers=ADMIN).status_code == 404
    assert count(writer) == 0


@pytest.mark.parametrize("body, headers, query, status", [
    (b"@prefix ex: <http://example.org/> .\nex:a ex:b .\n", TURTLE, f"graph={GRAPH}", 400),
    ("<http://x/a> <http://x/b> \"a\u0308ldre\" .\n".encode(), {**ADMIN, "Content-Type": "application/n-triples"},
     f"graph={GRAPH}", 400),
    ("<http://x/a> <http://x/b> \"äldre\" .\n".encode("latin-1"), {**ADMIN, "Content-Type": "application/n-triples"},
     f"graph={GRAPH}", 400),
    (NOTES.encode(), {**ADMIN, "Content-Type": "text/csv"}, f"graph={GRAPH}", 415),
    (NOTES.encode(), TURTLE, "graph=http://x/g&default", 400),
    (NOTES.encode(), TURTLE, "graph=not%20an%20iri", 400),
    (NOTES.encode() * 100, TURTLE, f"graph={GRAPH}", 413),
])
def test_bad_graph_store_writes_are_refused(writer, body, headers, query, status):
    response = writer.put(f"/admin/store?{query}", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert count(writer) == 0


def test_a_syntax_error_says_where(writer):
    body = b"@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n  ex:d .\n"
    response = writer.put(f"/admin/store?graph={GRAPH}", content=body, headers=TURTLE)
    assert response.status_code == 400 and "line 4" in response.text


def test_void_follows_the_writes(writer):
    writer.put(f"/admin/store?graph={GRAPH}", content=NOTES.encode(), headers=TURTLE)
    void = [q.triple for q in ox.parse(writer.get("/.well-known/void").content, format=ox.RdfFormat.TURTLE)]
    assert any(t.subject.value == GRAPH and t.predicate.value == "http://rdfs.org/ns/void#triples"
               and t.object.value == "1" for t in void)
