"""Shared fixtures: the seed graph in an in-memory store, an HTTP client, and a real
``oxigraph serve`` on 127.0.0.1 for the remote-store path."""

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import PROJECT_ROOT, Settings
from hsvo_graph.loading import load
from hsvo_graph.store import EmbeddedStore, RemoteStore

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Project sources, in-memory embedded store."""
    return Settings(store="embedded", store_path=None)


@pytest.fixture(scope="session")
def store(settings: Settings) -> EmbeddedStore:
    """The seed graph, loaded once per test session (read-only use in tests)."""
    store = EmbeddedStore(None)
    load(store, settings)
    return store


@pytest.fixture(scope="session")
def client(settings: Settings, store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The source documents; tests that need them skip cleanly in a user's clone."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present (only in the project workspace)")
    return SEEDS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _oxigraph_binary() -> str:
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.exists() else shutil.which("oxigraph")
    if not found:
        pytest.fail("the `oxigraph` server is not installed; run `make test` (pip extra 'test')")
    return found


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real Oxigraph SPARQL server started for this test session."""
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [_oxigraph_binary(), "serve", "--location", str(location),
         "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            err = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"oxigraph serve did not start on {url}: {err}")
        time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def remote_settings(oxigraph_url: str) -> Settings:
    return Settings(
        store="remote",
        remote_query_url=f"{oxigraph_url}/query",
        remote_update_url=f"{oxigraph_url}/update",
        remote_gsp_url=f"{oxigraph_url}/store",
    )


@pytest.fixture(scope="session")
def remote_store(remote_settings: Settings) -> RemoteStore:
    """The seed graph loaded into the real Oxigraph server through the remote store."""
    store = RemoteStore(
        remote_settings.remote_query_url,
        remote_settings.remote_update_url,
        remote_settings.remote_gsp_url,
    )
    load(store, remote_settings)
    return store
