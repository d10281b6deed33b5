"""Graph Store Protocol writes are whole or nothing on every store: PUT and POST of a named
graph go through ``replace_graphs``, so a 5,000-triple graph full of blank nodes lands
entirely (on Virtuoso too, past its update size and its refusal of blank nodes), a POST
never merges its blank nodes with the graph's, and a payload that is bad or a store that
fails half way leaves the old graph exactly as it was. Each store is a real one: the
embedded store, a fresh `oxigraph serve`, and the session's Virtuoso."""

from collections.abc import Callable, Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.store import EmbeddedStore, GraphStore, RemoteStore, StoreError
from hsvo_graph.store.remote import GENID

from .servers import running_oxigraph
from .test_protocol_admin import ADMIN, TOKEN

GRAPH = "http://example.org/graph/gsp-writes"
NT = {**ADMIN, "Content-Type": "application/n-triples"}
TURTLE = {**ADMIN, "Content-Type": "text/turtle"}
EX = "http://example.org/"


@pytest.fixture(scope="module", params=["embedded", "oxigraph", "virtuoso"])
def admin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          settings: Settings) -> Iterator[tuple[TestClient, GraphStore]]:
    """The service with an admin token over each kind of store (the session's Virtuoso
    holds the seed graph as well: the tests only look at their own graph)."""
    limits = {"admin_token": TOKEN}
    if request.param == "embedded":
        store: GraphStore = EmbeddedStore(None)
        with TestClient(create_app(settings.model_copy(update=limits), store)) as client:
            yield client, store
        return
    if request.param == "virtuoso":
        url = request.getfixturevalue("virtuoso_url")
        urls = {"remote_query_url": url, "remote_update_url": url, "remote_gsp_url": url}
        store = RemoteStore(url, url, url)
        with TestClient(create_app(settings.model_copy(update={
                **limits, "store": "remote", **urls}), store)) as client:
            yield client, store
        return
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-gsp")) as base:
        urls = {"remote_query_url": f"{base}/query", "remote_update_url": f"{base}/update",
                "remote_gsp_url": f"{base}/store"}
        store = RemoteStore(*urls.values())
        with TestClient(create_app(settings.model_copy(update={
                **limits, "store": "remote", **urls}), store)) as client:
            yield client, store


@pytest.fixture
def writer(admin: tuple[TestClient, GraphStore]) -> Iterator[TestClient]:
    """The admin client; the test's graph is dropped afterwards."""
    test_client, store = admin
    yield test_client
    store.update(f"DROP SILENT GRAPH <{GRAPH}>")


def _big(n: int = 5_000, tag: str = "v") -> str:
    """``n`` triples as N-Triples, half of them about blank nodes (each blank node the
    object of one triple and the subject of another)."""
    lines = []
    for i in range(n // 2):
        lines.append(f"<{EX}s{i}> <{EX}has> _:b{i} .\n")
        lines.append(f'_:b{i} <{EX}label> "{tag} {i}" .\n')
    return "".join(lines)


def _read(client: TestClient, graph: str = GRAPH) -> bytes:
    response = client.get("/store", params={"graph": graph},
                          headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    return response.content


def _canonical(n_triples: bytes) -> set[str]:
    """A graph's triples with canonical blank-node labels (RDFC-1.0; many blank nodes are
    too slow for rdflib's isomorphism check)."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object)
                         for t in ox.parse(n_triples, format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(quad) for quad in dataset}


def _isomorphic(body: bytes, expected: str) -> bool:
    return _canonical(body) == _canonical(expected.encode("utf-8"))


def _one(client: TestClient, select: str) -> int:
    response = client.get("/sparql", params={"query": select})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _blank_subjects(client: TestClient) -> int:
    """Distinct blank-node subjects of the graph as read back (Virtuoso keeps them as
    well-known IRIs, which a query would see)."""
    triples = ox.parse(_read(client), format=ox.RdfFormat.N_TRIPLES)
    return len({t.subject for t in triples if isinstance(t.subject, ox.BlankNode)})


def _staging_graphs(store: GraphStore) -> list[str]:
    """Staging graphs a remote store's write left behind (there should be none)."""
    table = store.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                         f"FILTER STRSTARTS(STR(?g), \"{GENID}\") }}")
    return table.column("g")


def test_a_large_put_with_blank_nodes_lands_whole(writer: TestClient) -> None:
    payload = _big()
    assert writer.put(f"/store?graph={GRAPH}", content=payload, headers=NT).status_code == 201
    body = _read(writer)
    assert len(body.splitlines()) == 5_000 and GENID.encode() not in body
    assert _isomorphic(body, payload)
    # a second PUT replaces it whole
    again = _big(tag="w")
    assert writer.put(f"/store?graph={GRAPH}", content=again, headers=NT).status_code == 204
    assert _isomorphic(_read(writer), again)


def test_post_keeps_blank_nodes_apart(writer: TestClient) -> None:
    old = f'_:x <{EX}p> _:b1 .\n_:b1 <{EX}q> "old" .\n'
    assert writer.put(f"/store?graph={GRAPH}", content=old, headers=NT).status_code == 201
    added = f'_:b1 <{EX}q> "new" .\n_:x <{EX}p> _:b1 .\n'
    assert writer.post(f"/store?graph={GRAPH}", content=added, headers=NT).status_code == 204
    assert _isomorphic(_read(writer), old + added.replace("_:b1", "_:c1").replace("_:x", "_:y"))
    assert _blank_subjects(writer) == 4
    # the old structure is still one structure, and so is the new one
    for text in ("old", "new"):
        assert _one(writer, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?x <{EX}p> ?b . "
                            f'?b <{EX}q> "{text}" }} }}') == 1
    assert _one(writer, f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ GRAPH <{GRAPH}> "
                        f"{{ ?b <{EX}q> ?text }} }}") == 2
    # two parts of one multipart body are two documents too
    files = [("file", ("a.nt", f'_:b1 <{EX}q> "part a" .\n', "application/n-triples")),
             ("file", ("b.ttl", f'_:b1 <{EX}q> "part b" .\n', "text/turtle"))]
    assert writer.post(f"/store?graph={GRAPH}", files=files, headers=ADMIN).status_code == 204
    assert _blank_subjects(writer) == 6


def test_post_of_a_large_payload_to_a_large_graph(writer: TestClient) -> None:
    first, second = _big(tag="first"), _big(tag="second")
    assert writer.post(f"/store?graph={GRAPH}", content=first, headers=NT).status_code == 201
    assert writer.post(f"/store?graph={GRAPH}", content=second, headers=NT).status_code == 204
    assert _isomorphic(_read(writer), first + second.replace("_:b", "_:c"))


def test_a_bad_payload_leaves_the_old_graph_and_says_where(writer: TestClient) -> None:
    payload = _big()
    writer.put(f"/store?graph={GRAPH}", content=payload, headers=NT)
    before = _read(writer)
    lines = _big(tag="bad").splitlines(keepends=True)
    lines[2_999] = f"<{EX}a> <{EX}b> 'single quotes' .\n"
    for method in (writer.put, writer.post):
        response = method(f"/store?graph={GRAPH}", content="".join(lines), headers=NT)
        assert response.status_code == 400 and "line 3000" in response.text, response.text
        assert _isomorphic(_read(writer), payload) and len(_read(writer)) == len(before)


Failure = Callable[[int, str], bool]
FAILURES: dict[str, Failure] = {
    # the second request a write sends: a later chunk on Virtuoso, the switch on Oxigraph
    "second request": lambda n, text: n == 2,
    # everything is staged, and the one update that switches is refused
    "the switch": lambda n, text: text.lstrip().startswith("MOVE"),
}


@pytest.mark.parametrize("when", FAILURES)
def test_a_store_failing_half_way_leaves_the_old_graph(
    admin: tuple[TestClient, GraphStore], writer: TestClient, when: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, store = admin
    payload = _big()
    writer.put(f"/store?graph={GRAPH}", content=payload, headers=NT)
    _fail(store, FAILURES[when], monkeypatch)
    for method in (writer.put, writer.post):
        response = method(f"/store?graph={GRAPH}", content=_big(tag="lost"), headers=NT)
        assert response.status_code == 502, response.text
        assert "Traceback" not in response.text
    monkeypatch.undo()
    assert _isomorphic(_read(writer), payload)
    assert _staging_graphs(store) == []


def _fail(store: GraphStore, failure: Failure, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the store fail a write part way through, as a store that crashes or refuses."""
    if isinstance(store, EmbeddedStore):
        # the new generation is filled, then the disk fails before it is published
        write = store.generations.write

        def failing_write(fill: Callable[[ox.Store], None], **options: bool) -> None:
            def fill_then_fail(target: ox.Store) -> None:
                fill(target)
                raise OSError("injected: no space left on device")
            write(fill_then_fail, **options)

        monkeypatch.setattr(store.generations, "write", failing_write)
        return
    update, calls = store._send, [0]  # each update request of the write, as it is sent

    def failing_update(text: str) -> None:
        calls[0] += 1
        if calls[0] > 0 and failure(calls[0], text):
            calls[0] = -1_000_000  # once per write: the clean-up after it goes through
            raise StoreError("the SPARQL store failed (HTTP 500): injected")
        update(text)

    def per_write(quads: object, graphs: object, **options: bool) -> None:
        calls[0] = 0
        replace(quads, graphs, **options)  # type: ignore[arg-type]

    replace = store.replace_graphs
    monkeypatch.setattr(store, "_send", failing_update)
    monkeypatch.setattr(store, "replace_graphs", per_write)


def test_each_write_is_a_new_generation(
    admin: tuple[TestClient, GraphStore], writer: TestClient,
) -> None:
    _, store = admin
    if not isinstance(store, EmbeddedStore):
        pytest.skip("generations are the embedded store's")
    seen = []
    for method, body in ((writer.put, f'<{EX}a> <{EX}b> "one" .\n'),
                         (writer.post, f'<{EX}a> <{EX}b> "two" .\n')):
        assert method(f"/store?graph={GRAPH}", content=body, headers=NT).status_code in (201, 204)
        seen.append(store.generations.current())
        # the service's readers see it at once
        assert _one(writer, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}") \
            == len(seen)
    assert seen[0] is not None and seen[1] is not None and seen[0] != seen[1]


def test_the_default_graph(admin: tuple[TestClient, GraphStore], writer: TestClient) -> None:
    """The store's own default graph is written by one update: blank nodes and any size
    where the store has one; on Virtuoso, which has none, a 400 with its reason, and nothing
    written."""
    _, store = admin
    payload = _big(2_000)
    response = writer.put("/store?default", content=payload, headers=NT)
    if isinstance(store, RemoteStore) and store.dialect.name_graphs:
        assert response.status_code == 400 and "named graph" in response.text, response.text
        assert writer.post("/store?default", content=payload, headers=NT).status_code == 400
        assert _one(writer, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}s0> ?p ?o }}") == 0
        return
    try:
        assert response.status_code == 204, response.text
        assert _one(writer, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER isBlank(?s) }") == 1_000
        assert writer.post("/store?default", content=payload, headers=NT).status_code == 204
        assert _one(writer, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER isBlank(?s) }") == 2_000
    finally:
        assert writer.delete("/store?default", headers=ADMIN).status_code == 204
