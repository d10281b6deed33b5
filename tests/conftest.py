"""Shared fixtures: the seed graph in an in-memory store, an HTTP client, and a real
``oxigraph serve`` on 127.0.0.1 for the remote-store path; ``service`` is the HTTP client
over each store in turn (the protocol tests run against both)."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import PROJECT_ROOT, Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.store import EmbeddedStore, RemoteStore
from hsvo_graph.validation.context import Context, context_from_store

from .servers import chromium, running_oxigraph, running_virtuoso, serving

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
# Plans imported by tests are kept in a directory of the test session, never in var/plans.
os.environ.setdefault("HSVO_PLANS_DIR", tempfile.mkdtemp(prefix="hsvo-test-plans-"))


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Project sources, in-memory embedded store."""
    return Settings(store="embedded", store_path=None, changes_log=None)


@pytest.fixture(scope="session")
def store(settings: Settings) -> EmbeddedStore:
    """The seed graph, loaded once per test session (read-only use in tests)."""
    store = EmbeddedStore(None)
    load(store, settings)
    return store


@pytest.fixture(scope="session")
def context(store: EmbeddedStore, settings: Settings) -> Context:
    """What plans are checked against: the seed graph's context."""
    return context_from_store(store, settings)


@pytest.fixture(scope="session")
def _session_client(settings: Settings, store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store)) as test_client:
        yield test_client


@pytest.fixture
def client(_session_client: TestClient) -> TestClient:
    """The service on the seed graph; started once, with no cookies (e.g. a language
    choice) carried over from an earlier test."""
    _session_client.cookies.clear()
    return _session_client


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The source documents; tests that need them skip cleanly in a user's clone."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present (only in the project workspace)")
    return SEEDS


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real Oxigraph SPARQL server started for this test session."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="session")
def remote_settings(oxigraph_url: str) -> Settings:
    return Settings(
        store="remote",
        remote_query_url=f"{oxigraph_url}/query",
        remote_update_url=f"{oxigraph_url}/update",
        remote_gsp_url=f"{oxigraph_url}/store",
        changes_log=None,
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


@pytest.fixture(scope="session")
def remote_client(remote_settings: Settings, remote_store: RemoteStore) -> Iterator[TestClient]:
    """The service over the remote store (the session's Oxigraph server; read-only use)."""
    with TestClient(create_app(remote_settings, remote_store)) as test_client:
        yield test_client


@pytest.fixture(params=["embedded", "remote"])
def service(request: pytest.FixtureRequest) -> TestClient:
    """The service over each store implementation: the protocol tests run against both
    (cookies cleared, as for ``client``)."""
    name = "_session_client" if request.param == "embedded" else "remote_client"
    test_client: TestClient = request.getfixturevalue(name)
    test_client.cookies.clear()
    return test_client


@pytest.fixture(scope="session")
def live_url(settings: Settings, store: EmbeddedStore) -> Iterator[str]:
    """The service on the seed graph under uvicorn on a free 127.0.0.1 port (real HTTP)."""
    with serving(create_app(settings, store)) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (Playwright), shared by the browser tests."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def virtuoso_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The SPARQL endpoint of a real Virtuoso started for this test session."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


@pytest.fixture(scope="session")
def virtuoso_store(virtuoso_url: str, settings: Settings) -> RemoteStore:
    """The seed graph loaded into the real Virtuoso through the remote store."""
    store = RemoteStore(virtuoso_url, virtuoso_url, virtuoso_url)
    load(store, settings)
    return store
