"""An external store that misbehaves: the service answers within its limits and says why.

- A store that answers one byte a second (D1 of audit E): httpx's timeout limits each read,
  not the answer, so /health, the Graph Store Protocol reads and the dumps hung for minutes,
  and later requests queued behind the stuck one. Each now ends within the remote timeout
  (504; /health 503), and a request waiting for another's read gives up at its own deadline.
- A store whose answers are not SPARQL JSON (invalid JSON, JSON without "results", bytes):
  502 "the store's answer is not valid …", not a bare 500 (D3).
- A store that is down when the service starts (D2): the service starts, answers 503, and
  serves once the store comes up (here: a real `oxigraph serve` started later).
- Another process's write to the store (D4): /health counts it.

The fake store runs in this process (a thread), in front of a real `oxigraph serve`. No
timing is measured: each bound is the timeout plus a margin generous for a busy machine.
"""

import http.server
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.store import RemoteStore, StoreError

from .servers import free_port, running_oxigraph, serving, wait_until

EX = "http://example.org/"
GRAPH = "https://w3id.org/hsvo-graph/graph/faults"
TIMEOUT_S = 2.0
MARGIN_S = 3.0  # generous: a busy 2-core machine
JSON = "application/sparql-results+json"
SEED = (f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{EX}a> <{EX}name> "Åsa" . '
        f'<{EX}b> <{EX}name> "Östhammar" }} }}')


class FakeStore(http.server.ThreadingHTTPServer):
    """A store in front of ``upstream`` whose answers ``mode`` spoils: ``proxy`` (as the
    upstream answers), ``drip`` (status 200, then one byte a second), ``garbage`` (JSON cut
    off), ``wrongjson`` (JSON without results), ``binary`` (random bytes), ``unbound``
    (results without the variables asked for)."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.mode = "proxy"
        self.closing = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeStore

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        mode = self.server.mode
        if mode == "proxy":
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            request = urllib.request.Request(self.server.upstream + self.path, data=body,
                                             method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    self._send(answer.status, answer.headers.get("Content-Type", ""), answer.read())
            except urllib.error.HTTPError as exc:
                self._send(exc.code, exc.headers.get("Content-Type", "text/plain"), exc.read())
        elif mode == "drip":
            self.send_response(200)
            self.send_header("Content-Type", JSON)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(120):  # two minutes, unless the test ends first
                if self.server.closing.wait(0.5):
                    return
                self.wfile.write(b"1\r\n \r\n")
                self.wfile.flush()
        elif mode == "garbage":
            self._send(200, JSON, b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri"')
        elif mode == "wrongjson":
            self._send(200, JSON, b'{"foo": 42}')
        elif mode == "binary":
            self._send(200, JSON, os.urandom(4000))
        elif mode == "unbound":  # valid results, without the variables asked for
            self._send(200, JSON, b'{"head":{"vars":["x"]},"results":{"bindings":'
                                  b'[{"x":{"type":"literal","value":"1"}},{"x":7}]}}')

    do_GET = do_POST = do_PUT = do_DELETE = _answer


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-faults")) as url:
        store = RemoteStore(f"{url}/query", f"{url}/update", f"{url}/store")
        store.update(SEED)
        store.close()
        yield url


@contextmanager
def fake_store(upstream: str) -> Iterator[FakeStore]:
    server = FakeStore(upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.closing.set()
        server.shutdown()
        server.server_close()


def settings_for(url: str, tmp_path: Path) -> Settings:
    return Settings(store="remote", remote_query_url=f"{url}/query",
                    remote_update_url=f"{url}/update", remote_gsp_url=f"{url}/store",
                    remote_timeout_s=TIMEOUT_S, query_time_limit_s=TIMEOUT_S,
                    plans_dir=tmp_path / "plans", changes_log=None)


@pytest.fixture
def fake(upstream: str, tmp_path: Path) -> Iterator[tuple[FakeStore, str]]:
    """The fake store, and the service on it (over real HTTP: requests at once)."""
    with fake_store(upstream) as server, serving(create_app(settings_for(server.url, tmp_path))) as url:
        yield server, url


READS = ["/health", f"/store?graph={GRAPH}", "/store/graph/faults", "/dumps/hsvo-graph.trig",
         "/dumps/hsvo-graph.nq"]


def timed_get(url: str) -> tuple[httpx.Response, float]:
    began = time.monotonic()
    # the client's own limit is far past the bound, so a hang shows as a failed bound
    response = httpx.get(url, timeout=TIMEOUT_S + 30)
    return response, time.monotonic() - began


def test_a_store_answering_a_byte_a_second_is_given_up_at_the_timeout(fake: tuple[FakeStore, str]):
    server, url = fake
    assert httpx.get(f"{url}{READS[1]}", timeout=30).status_code == 200  # the proxy works
    server.mode = "drip"
    for path in READS:
        try:
            response, took = timed_get(f"{url}{path}")
        except httpx.TimeoutException:
            pytest.fail(f"{path} did not answer within {TIMEOUT_S + 30} s")
        assert took < TIMEOUT_S + MARGIN_S, (path, took)
        assert response.status_code == (503 if path == "/health" else 504), (path, response.text)


def test_a_request_does_not_wait_for_another_requests_stuck_read(fake: tuple[FakeStore, str]):
    server, url = fake
    server.mode = "drip"
    stuck = threading.Thread(target=lambda: httpx.get(f"{url}/dumps/hsvo-graph.trig", timeout=60),
                             daemon=True)
    stuck.start()
    time.sleep(0.3)  # (only so that the first request is likely to be reading; not measured)
    server.mode = "proxy"  # the store is well again: only the stuck read is slow
    for path in ("/store/graph/faults", "/dumps/hsvo-graph.trig"):
        response, took = timed_get(f"{url}{path}")
        assert took < 2 * TIMEOUT_S + MARGIN_S, (path, took)  # at most its own wait and read
        assert response.status_code in (200, 504), (path, response.text)
    response, _ = timed_get(f"{url}/dumps/hsvo-graph.trig")
    assert response.status_code == 200 and "Östhammar" in response.text
    stuck.join(timeout=TIMEOUT_S + 30)
    assert not stuck.is_alive()


@pytest.mark.parametrize("mode", ["garbage", "wrongjson", "binary", "unbound"])
def test_an_answer_that_is_not_sparql_json_is_a_502(fake: tuple[FakeStore, str], mode: str):
    server, url = fake
    server.mode = mode
    for path in READS[1:]:
        response = httpx.get(f"{url}{path}", timeout=30)
        assert response.status_code == 502, (path, response.status_code, response.text)
        assert "the store's answer is not valid" in response.text, (path, response.text)
    assert httpx.get(f"{url}/health", timeout=30).status_code == 503
    server.mode = "proxy"
    assert httpx.get(f"{url}/store/graph/faults", timeout=30).status_code == 200


def test_the_service_starts_while_the_store_is_down_and_serves_once_it_is_up(tmp_path: Path):
    location, port = tmp_path / "oxigraph", free_port()
    with running_oxigraph(location, port=port) as url:  # a store with data, then stopped
        store = RemoteStore(f"{url}/query", f"{url}/update", f"{url}/store")
        store.update(SEED)
        store.close()
    app = create_app(settings_for(f"http://127.0.0.1:{port}", tmp_path))
    with serving(app) as service:  # starts although nothing answers on the store's port
        health = httpx.get(f"{service}/health", timeout=30)
        assert health.status_code == 503 and "cannot be reached" in health.json()["error"]
        assert httpx.get(f"{service}/dumps/hsvo-graph.nq", timeout=30).status_code == 503
        with running_oxigraph(location, port=port):
            wait_until(lambda: httpx.get(f"{service}/health", timeout=30).status_code == 200,
                       within=60)
            assert httpx.get(f"{service}/health", timeout=30).json()["triples"] == 2
            dump = httpx.get(f"{service}/dumps/hsvo-graph.nq", timeout=30)
            assert dump.status_code == 200 and "Östhammar" in dump.text


def test_health_counts_another_processs_write(upstream: str, tmp_path: Path):
    with serving(create_app(settings_for(upstream, tmp_path))) as service:
        before = httpx.get(f"{service}/health", timeout=30).json()["triples"]
        other = RemoteStore(f"{upstream}/query", f"{upstream}/update", f"{upstream}/store")
        other.update(f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{EX}c> <{EX}name> "Tierp" }} }}')
        try:
            assert httpx.get(f"{service}/health", timeout=30).json()["triples"] == before + 1
        finally:
            other.update(f'DELETE DATA {{ GRAPH <{GRAPH}> {{ <{EX}c> <{EX}name> "Tierp" }} }}')
            other.close()


@pytest.mark.parametrize("mode", ["garbage", "wrongjson", "binary", "unbound"])
def test_the_stores_own_reads_say_the_answer_is_not_valid(upstream: str, mode: str):
    with fake_store(upstream) as server:
        server.mode = mode
        store = RemoteStore(f"{server.url}/query", f"{server.url}/update", f"{server.url}/store",
                            timeout_s=TIMEOUT_S)
        for read in (store.version, store.graph_names, store.graph_sizes, store.triple_count,
                     lambda: store.ask("ASK {}")):
            with pytest.raises(StoreError, match="the store's answer is not valid") as caught:
                read()
            assert caught.value.status == 502
        store.close()


def test_a_pending_plan_change_is_finished_once_a_store_down_at_start_answers(tmp_path: Path):
    """What the service does at start on its external store (a plan change a killed
    process left pending, here marked as such a process leaves it) waits for the store
    instead of stopping the service."""
    from hsvo_graph.graph.loading import load
    from hsvo_graph.store.tracking import TrackedStore
    from hsvo_graph.validation.context import context_from_store
    from hsvo_graph.validation.managed import Upload, import_managed
    from hsvo_graph.validation.registry import PlanRegistry

    from .test_import import META_2026, PLAN_2026

    location, port = tmp_path / "oxigraph", free_port()
    settings = settings_for(f"http://127.0.0.1:{port}", tmp_path)
    registry = PlanRegistry(settings.plans_dir)
    with running_oxigraph(location, port=port):
        store = TrackedStore(RemoteStore(settings.remote_query_url, settings.remote_update_url,
                                         settings.remote_gsp_url))
        load(store, settings)
        imported = import_managed(store, settings, Upload(PLAN_2026, "plan.csv", META_2026),
                                  lambda: context_from_store(store, settings), "test")
        assert imported.imported
        store.close()
        key = registry.current_plans()[0].key
        (settings.plans_dir / key / "pending").write_text("1\n")  # as a killed import leaves it
    assert registry.pending() == [key]
    with serving(create_app(settings)) as service:
        assert httpx.get(f"{service}/health", timeout=30).status_code == 503
        assert registry.pending() == [key]
        with running_oxigraph(location, port=port):
            wait_until(lambda: registry.pending() == [], within=90)
            assert httpx.get(f"{service}/health", timeout=30).status_code == 200
