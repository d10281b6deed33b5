"""A write by another process beside a running service on the embedded store (`hsvo load`
or `hsvo import` from the CLI; here a second store object on the same directory, which
writes as they do: a new generation and the GENERATION pointer renamed over the old one).
The dumps' Last-Modified moves on, so If-Modified-Since no longer answers 304 for a changed
dump, and /health counts the new triples (D4 of audit E)."""

from pathlib import Path

from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.store import EmbeddedStore

from .test_last_modified import dated_copy

GRAPH = "https://w3id.org/hsvo-graph/graph/other"


def quads(*names: str) -> bytes:
    return "".join(f'<http://example.org/{n}> <http://example.org/name> "{n}" <{GRAPH}> .\n'
                   for n in names).encode()


def test_a_generation_written_by_another_process_is_newer_and_counted(tmp_path: Path):
    path = tmp_path / "store"
    EmbeddedStore(path).replace_graphs(quads("a", "b"), [GRAPH])
    settings = Settings(store="embedded", store_path=path, changes_log=None,
                        plans_dir=tmp_path / "plans", query_workers=1)
    with TestClient(create_app(settings, EmbeddedStore(path))) as client:
        first = client.get("/dumps/hsvo-graph.nq")
        modified = first.headers["last-modified"]
        assert first.status_code == 200 and client.get("/health").json()["triples"] == 2
        assert client.get("/dumps/hsvo-graph.nq",
                          headers={"If-Modified-Since": modified}).status_code == 304

        EmbeddedStore(path).replace_graphs(quads("a", "b", "c"), [GRAPH])  # the other process

        again = client.get("/dumps/hsvo-graph.nq", headers={"If-Modified-Since": modified})
        assert again.status_code == 200 and "example.org/c" in again.text
        again = dated_copy(client, "/dumps/hsvo-graph.nq")  # stamped a second on: it may be due
        assert again.headers["last-modified"] != modified
        assert client.get("/dumps/hsvo-graph.nq", headers={
            "If-Modified-Since": again.headers["last-modified"]}).status_code == 304
        assert client.get("/health").json()["triples"] == 3
