"""An external store's version marker (store/remote.py): every write this product makes to
the store replaces it, so a running service sees what another process of it wrote (``hsvo
import`` beside ``hsvo serve``) at its next plan check, as on the embedded store; and the
marker's graph stays out of what the service lists, counts, dumps, describes and logs.
Against the real servers the tests start (`oxigraph serve`, Virtuoso)."""

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.store import RemoteStore, track
from hsvo_graph.store.base import VERSION_GRAPH
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.validation.context import context_from_store
from hsvo_graph.validation.managed import Upload, import_managed

from .servers import running_oxigraph
from .test_import import META_2026, PLAN_2026, TARGET
from .test_plan_contexts import REDATING

_CLI = textwrap.dedent("""
    import sys
    from hsvo_graph.cli.main import main
    main(sys.argv[1:])
""")


def remote_options(settings: Settings) -> list[str]:
    return ["--store", "remote", "--remote-query-url", settings.remote_query_url,
            "--remote-update-url", settings.remote_update_url,
            "--remote-gsp-url", settings.remote_gsp_url]


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Settings]:
    """A fresh `oxigraph serve` of this test's own, seeded through the remote store (the
    session's server is shared read-only)."""
    with running_oxigraph(tmp_path / "oxigraph") as url:
        settings = Settings(store="remote", remote_query_url=f"{url}/query",
                            remote_update_url=f"{url}/update", remote_gsp_url=f"{url}/store",
                            plans_dir=tmp_path / "plans", changes_log=tmp_path / "changes.jsonl")
        store = RemoteStore(settings.remote_query_url, settings.remote_update_url,
                            settings.remote_gsp_url)
        load(store, settings)
        store.close()
        yield settings


def check(client: TestClient) -> dict:  # type: ignore[type-arg]
    response = client.post("/validate", files={"file": ("plan-2027.ttl", REDATING, "text/turtle")},
                           data={"municipality": "Uppsala", "year": "2027"})
    assert response.status_code == 200, response.text
    return response.json()


def redates(report: dict) -> bool:  # type: ignore[type-arg]
    return any(str(f["rule"]).endswith("Plan-ownEntitiesOnly")
               for group in report["groups"] for f in group["findings"])


def test_a_plan_imported_by_the_cli_is_in_the_services_next_check(own_server: Settings,
                                                                  tmp_path: Path) -> None:
    """The audit's case on an external store: the service open on it, `hsvo import` of a
    2026 plan from another process, then a plan re-dating that plan's activity checked by
    the service: refused, as on the embedded store (before the marker the service kept its
    context until its own next write or a restart, and passed it)."""
    settings = own_server
    with TestClient(create_app(settings)) as client:
        before = check(client)
        assert before["conforms"] is True and not redates(before)
        (tmp_path / "plan.csv").write_bytes(PLAN_2026)
        imported = subprocess.run(
            [sys.executable, "-c", _CLI, *remote_options(settings), "import", "--municipality",
             "Uppsala", "--year", "2026", str(tmp_path / "plan.csv")],
            capture_output=True, env={**os.environ, "HSVO_PLANS_DIR": str(settings.plans_dir)},
            timeout=300)
        assert imported.returncode == 0, imported.stderr.decode()[-2000:]
        after = check(client)
        assert after["conforms"] is False and redates(after)


def test_the_marker_follows_every_write_and_chains_this_processes_own(own_server: Settings) -> None:
    """Each write replaces the marker with a new version and knows the one it started from;
    a write of another process (a second store object) breaks the chain, so the service
    reads every graph again instead of only those it replaced itself."""
    settings = own_server
    store = TrackedStore(RemoteStore(settings.remote_query_url, settings.remote_update_url,
                                     settings.remote_gsp_url))
    other = RemoteStore(settings.remote_query_url, settings.remote_update_url,
                        settings.remote_gsp_url)
    first = store.version()
    assert first is not None  # the load marked it
    store.replace_graphs(b'<http://x/s> <http://x/p> "a" <http://x/g1> .\n', ["http://x/g1"])
    second = store.version()
    assert second not in (None, first) and store.inner.written_versions() == (first, second)
    store.update('INSERT DATA { GRAPH <http://x/g1> { <http://x/s> <http://x/p> "b" } }')
    third = store.version()
    assert third != second and store.inner.written_versions() == (second, third)
    assert store.changed_since(1, second) == (2, None)  # an update: any graph
    store.replace_graphs(b'<http://x/s> <http://x/p> "c" <http://x/g2> .\n', ["http://x/g2"])
    assert store.changed_since(2, third) == (3, frozenset({"http://x/g2"}))
    other.replace_graphs(b'<http://x/s> <http://x/p> "d" <http://x/g3> .\n', ["http://x/g3"])
    assert other.version() == store.version() != third
    assert store.changed_since(2, third) == (3, None)  # another process wrote meanwhile
    assert store.changed_since(3, store.version()) == (3, frozenset())
    # a client that is not this product (a plain SPARQL update) leaves the marker: documented
    version = store.version()
    httpx.post(settings.remote_update_url, data={
        "update": 'INSERT DATA { GRAPH <http://x/g4> { <http://x/s> <http://x/p> "e" } }'}).raise_for_status()
    assert store.version() == version
    other.close()
    store.close()


def test_the_marker_stays_out_of_what_the_service_shows(own_server: Settings) -> None:
    """The marker's graph is in the store (a direct query of the store sees it) but not in
    the service's graph list, /health's count, the dumps, VoID or the change feed."""
    settings = own_server
    raw = RemoteStore(settings.remote_query_url, settings.remote_update_url, settings.remote_gsp_url)
    tracked = track(raw, settings)  # an import, logged in the change feed
    import_managed(tracked, settings, Upload(PLAN_2026, "plan.csv", META_2026),
                   lambda: context_from_store(tracked, settings), "test")
    assert raw.ask(f"ASK {{ GRAPH <{VERSION_GRAPH}> {{ ?s ?p ?o }} }}")
    sizes = raw.graph_sizes()
    assert VERSION_GRAPH not in sizes and VERSION_GRAPH not in raw.graph_names()
    assert raw.triple_count() == sum(sizes.values())
    assert all(VERSION_GRAPH not in str(q.graph_name) for q in raw.quads())
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").json()["triples"] == sum(sizes.values())
        for name in ("hsvo-graph.nq", "hsvo-graph.ttl"):
            dump = client.get(f"/dumps/{name}")
            assert dump.status_code == 200 and b"store-version" not in dump.content
        void = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
        assert void.status_code == 200 and "store-version" not in void.text
        assert all(f'"{n}"' in void.text for n in sizes.values())  # each graph's count
        token = raw.version()
        assert token is not None
        found = client.get("/q/search", params={"text": token[:8]}, headers={"Accept": "application/json"})
        assert found.status_code == 200 and found.json()["rows"] == []  # the canned questions
        feed = client.get("/changes.atom")
        assert feed.status_code == 200 and TARGET in feed.text and "store-version" not in feed.text
        # documented: a public query over every graph sees the marker, as one sent to the store
        graphs = client.post("/sparql", data={"query": "SELECT DISTINCT ?g { GRAPH ?g {} }"},
                             headers={"Accept": "application/sparql-results+json"})
        assert VERSION_GRAPH in {b["g"]["value"] for b in graphs.json()["results"]["bindings"]}
    assert settings.changes_log is not None and "store-version" not in settings.changes_log.read_text()
    raw.close()


def test_virtuoso_keeps_the_marker(virtuoso_store: RemoteStore) -> None:
    """Virtuoso (form POST only, no blank nodes in INSERT DATA, ~1,300 triples an update):
    the marker is written and read, follows each write and stays out of the graph list."""
    store = RemoteStore(virtuoso_store.query_url, virtuoso_store.update_url, virtuoso_store.gsp_url)
    before = store.version()
    assert before is not None  # the session's load marked it
    graph = "http://example.org/marker-test"
    try:
        store.replace_graphs(f'<http://x/s> <http://x/p> "a" <{graph}> .\n'.encode(), [graph])
        after = store.version()
        assert after != before and store.written_versions() == (before, after)
        store.update(f"DROP SILENT GRAPH <{graph}>")
        assert store.version() not in (before, after)
        assert VERSION_GRAPH not in store.graph_names()
        assert VERSION_GRAPH not in store.graph_sizes()
        assert store.triple_count() == sum(store.graph_sizes().values())
        assert all(VERSION_GRAPH not in str(q.graph_name) for q in store.quads())
    finally:
        store.update(f"DROP SILENT GRAPH <{graph}>")
        store.close()


def test_an_external_stores_context_is_never_kept_on_disk(own_server: Settings, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The marker misses other clients' writes, so it names no cache entry that would
    outlive the process (`hsvo validate` reads an external store each time)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    settings = own_server
    store = RemoteStore(settings.remote_query_url, settings.remote_update_url, settings.remote_gsp_url)
    assert store.version() is not None and not store.version_sees_every_write
    assert TrackedStore(store).version_sees_every_write is False
    assert context_from_store(store, settings).parts
    assert not list((tmp_path / "cache").glob("**/context-*"))
    store.close()
