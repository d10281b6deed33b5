"""One read path: the service's own pages read through the executor, under the public
endpoint's time limit, and the cheap routes stay cheap.

Proven over real HTTP (uvicorn on 127.0.0.1) on the seed graph: a canned question with
hundreds of parameter values — a 12 KB URL that held both cores for many seconds while body
names were matched inside SPARQL, and was answered 503 at the time limit — is answered
within the limit now that names are looked up before the query, while /health keeps
answering at once.
"""

import threading
import time

import httpx
import pytest

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.store import EmbeddedStore, RemoteStore

from .servers import serving

LIMIT_S = 2.0


@pytest.fixture(scope="module", params=["embedded", "remote"])
def limited_url(request, settings: Settings, store: EmbeddedStore, remote_store: RemoteStore):  # type: ignore[no-untyped-def]
    """The service with a 2 s limit over the seed graph, in both store modes, its workers warm."""
    backend = store if request.param == "embedded" else remote_store
    yield from _served(settings, backend)


@pytest.fixture(scope="module")
def embedded_url(settings: Settings, store: EmbeddedStore):  # type: ignore[no-untyped-def]
    yield from _served(settings, store)


def _served(settings: Settings, backend: EmbeddedStore | RemoteStore):  # type: ignore[no-untyped-def]
    app = create_app(settings.model_copy(update={"query_time_limit_s": LIMIT_S}), backend)
    with serving(app) as url:
        warm = [threading.Thread(target=httpx.get, args=(f"{url}/sparql",),
                                 kwargs={"params": {"query": "ASK {}"}, "timeout": 60})
                for _ in range(app.state.settings.query_workers)]
        for thread in warm:  # every worker has the dataset before the clock starts
            thread.start()
        for thread in warm:
            thread.join()
        yield url


def _flood_params(fmt: str) -> list[tuple[str, str]]:
    bodies = [("body", f"organ nummer {i}") for i in range(600)]
    years = [("year", str(1400 + i)) for i in range(600)]
    return [*bodies, *years, ("format", fmt)]


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_a_flood_of_parameter_values_is_answered_within_the_time_limit(limited_url: str, fmt: str) -> None:
    health: list[float] = []
    done = threading.Event()

    def poll_health() -> None:
        while not done.is_set():
            started = time.monotonic()
            assert httpx.get(f"{limited_url}/health", timeout=10).status_code == 200
            health.append(time.monotonic() - started)
            time.sleep(0.05)

    poller = threading.Thread(target=poll_health)
    poller.start()
    started = time.monotonic()
    response = httpx.get(f"{limited_url}/q/body_involvement_by_year",
                         params=_flood_params(fmt), timeout=60)
    elapsed = time.monotonic() - started
    done.set()
    poller.join()
    assert response.status_code == 200, response.text[:300]  # no body has any of the names:
    if fmt == "json":                                          # no rows, and no error
        assert response.json()["count"] == 0
    assert elapsed <= LIMIT_S * 1.1 + 0.3  # the limit + 10 %, plus the request's own transfer
    assert health and max(health) < 0.5


def test_health_and_start_page_do_not_scan_the_store(embedded_url: str, store: EmbeddedStore) -> None:
    """The triple count is kept at write time: it equals a real count, and no request
    reaches the store for it (a store query here would be an executor-free read). (A remote
    store is asked whether it is up, one cheap ASK, so that /health can say 503.)"""
    calls: list[str] = []
    original = store.query

    def counting(sparql: str, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(sparql)
        return original(sparql, **kwargs)  # type: ignore[arg-type]

    store.query = counting  # type: ignore[method-assign]
    try:
        health = httpx.get(f"{embedded_url}/health", timeout=10).json()
        assert httpx.get(f"{embedded_url}/", timeout=10).status_code == 200
    finally:
        del store.query
    assert calls == []
    assert health["triples"] == store.triple_count()


def test_a_query_page_answers_within_the_limit(limited_url: str) -> None:
    response = httpx.get(f"{limited_url}/q/activities_by_body_and_area",
                         params={"body": "ÄLN", "area": "nära vård", "format": "json"}, timeout=30)
    assert response.status_code == 200
    assert len(response.json()["rows"]) == 7
