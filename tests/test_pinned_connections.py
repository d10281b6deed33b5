"""Connections answered by their query worker (``sparql.direct``), proven on real sockets:
after a ``/sparql`` answer on a keep-alive connection an in-memory worker takes the
connection and answers the same request again with the same bytes; anything else goes back
to the service unharmed (another request, a pipelined pair, a slow reader, an idle
connection, a request elsewhere that needs the worker); a write is seen by the very next
query; and the limits stay the pool's: a query past the time limit gets its 503 from the
pool, a client that hangs up frees the worker, a worker that dies gets a 502.

The service runs under uvicorn with the service's HTTP protocol (``servers.serving``), on
its own store (the tests write to it)."""

import asyncio
import json
import os
import signal
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.sparql.direct import Answerable
from hsvo_graph.sparql.executor import WorkerPool
from hsvo_graph.sparql.worker import QueryRequest
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.store.tracking import TrackedStore

from .servers import alive, serving, settled, wait_until
from .test_limits import RUNAWAY

JSON = "application/sparql-results+json"
ÄLN = ('PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#> '
       'SELECT ?a WHERE { ?a hsvo:responsibleBody ?b . ?b hsvo:abbreviation "ÄLN" } ORDER BY ?a')
MARK = "ASK { <urn:test:pinned> <urn:test:p> <urn:test:o> }"


@pytest.fixture(scope="module")
def own_store(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("pinned") / "db")
    load(store, settings)
    return store


@pytest.fixture(scope="module")
def served(settings: Settings, own_store: EmbeddedStore) -> Iterator[tuple[str, FastAPI]]:
    """The service with three in-memory workers and a 2 s limit, on real HTTP."""
    three = settings.model_copy(update={"query_time_limit_s": 2.0, "query_workers": 1,
                                       "query_workers_in_memory": 3,
                                       "query_pin_idle_ms": 1000})
    app = create_app(three, own_store)
    with serving(app) as url:
        settled(app)
        yield url, app


def pinned(app: FastAPI) -> int:
    count: int = app.state.executor.status()["pinned"]
    return count


def get(client: httpx.Client, url: str, query: str, **headers: str) -> httpx.Response:
    return client.get(f"{url}/sparql", params={"query": query},
                      headers={"accept": JSON, **headers})


def without_date(response: httpx.Response) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in response.headers.items() if k != "date")


def test_a_repeated_query_is_answered_by_the_worker_with_the_same_bytes(served):
    url, app = served
    with httpx.Client() as client:
        first = get(client, url, ÄLN)
        wait_until(lambda: pinned(app) == 1)
        again = [get(client, url, ÄLN) for _ in range(5)]
        assert pinned(app) == 1  # still there: every answer came from the pinned worker
        with_origin = get(client, url, ÄLN, origin="https://example.org")  # goes back: new key
        wait_until(lambda: pinned(app) == 1)
        with_origin_again = get(client, url, ÄLN, origin="https://example.org")
    assert first.status_code == 200 and json.loads(first.content)["results"]["bindings"]
    assert all(r.content == first.content and without_date(r) == without_date(first)
               for r in again)
    assert with_origin.headers["access-control-allow-origin"] == "*"
    assert without_date(with_origin_again) == without_date(with_origin)
    assert with_origin_again.content == first.content
    wait_until(lambda: pinned(app) == 0)  # the client closed it


def test_other_requests_on_a_pinned_connection_are_the_services(served):
    url, app = served
    with httpx.Client() as client:
        get(client, url, ÄLN)
        wait_until(lambda: pinned(app) == 1)
        health = client.get(f"{url}/health")
        assert health.status_code == 200 and health.json()["query_workers"]["pinned"] == 0
        get(client, url, ÄLN)
        wait_until(lambda: pinned(app) == 1)
        other = get(client, url, "SELECT (COUNT(*) AS ?n) { ?s a ?c }")
        posted = client.post(f"{url}/sparql", data={"query": ÄLN}, headers={"accept": JSON})
        refused = get(client, url, "SELECT * { ?s ?p }")
        page = client.get(f"{url}/sparql", params={"query": ÄLN}, headers={"accept": "text/html"})
        last = get(client, url, ÄLN)
    assert other.status_code == 200 and int(other.json()["results"]["bindings"][0]["n"]["value"]) > 0
    assert posted.status_code == 200 and posted.content == last.content
    assert refused.status_code == 400
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert last.status_code == 200


def _http_get(query: str, *, origin: bool = False) -> bytes:
    target = "/sparql?" + urllib.parse.urlencode({"query": query})
    return (f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {JSON}\r\n"
            + ("Origin: https://example.org\r\n" if origin else "") + "\r\n").encode()


def _read_answer(reader) -> tuple[int, dict[str, str], bytes]:  # type: ignore[no-untyped-def]
    """One HTTP answer from a socket's file: status, headers, body (by Content-Length)."""
    status = int(reader.readline().split()[1])
    headers: dict[str, str] = {}
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, value = line.decode("latin-1").split(":", 1)
        headers[name.strip().lower()] = value.strip()
    return status, headers, reader.read(int(headers["content-length"]))


def _connected(url: str, receive_buffer: int | None = None) -> socket.socket:
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    sock = socket.socket()
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect((host, int(port)))
    sock.settimeout(30)
    return sock


def test_pipelined_requests_are_answered_in_order(served):
    url, app = served
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    with _connected(url) as sock, sock.makefile("rb") as reader:
        sock.sendall(_http_get(ÄLN))
        first = _read_answer(reader)
        wait_until(lambda: pinned(app) == 1)
        sock.sendall(_http_get(ÄLN) + _http_get(count) + _http_get(ÄLN))  # one write
        answers = [_read_answer(reader) for _ in range(3)]
    assert [a[0] for a in answers] == [200, 200, 200]
    assert answers[0][2] == first[2] == answers[2][2]
    assert json.loads(answers[1][2])["results"]["bindings"][0]["n"]["value"]


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GARBAGE\r\n\r\n", 400),  # not HTTP: uvicorn's parser says so
    (b"GET /sparql?query=" + b"A" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /health HTTP/1.0\r\nHost: x\r\n\r\n", 200),
    (b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n", 200),
])
def test_what_a_worker_does_not_answer_is_the_services(served, request_bytes: bytes, status: int):
    url, app = served
    with _connected(url) as sock, sock.makefile("rb") as reader:
        sock.sendall(_http_get(ÄLN))
        _read_answer(reader)
        wait_until(lambda: pinned(app) == 1)
        sock.sendall(request_bytes)
        line = reader.readline()
    assert int(line.split()[1]) == status
    wait_until(lambda: pinned(app) == 0)


def test_a_pinned_connection_that_asks_to_close_is_closed_after_its_answer(served):
    url, app = served
    with _connected(url) as sock, sock.makefile("rb") as reader:
        sock.sendall(_http_get(ÄLN))
        first = _read_answer(reader)
        wait_until(lambda: pinned(app) == 1)
        sock.sendall(_http_get(ÄLN).replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        status, headers, body = _read_answer(reader)
        assert reader.read() == b""  # closed after it
    assert status == 200 and body == first[2] and headers["connection"] == "close"


def test_a_pinned_worker_killed_between_requests_costs_no_request(served):
    url, app = served
    pool = app.state.executor
    with httpx.Client() as client:
        first = get(client, url, ÄLN)
        wait_until(lambda: pinned(app) == 1)
        [holder] = [p.worker.pid for p in pool._pinned.values()]
        os.kill(holder, signal.SIGKILL)
        wait_until(lambda: pinned(app) == 0)  # given back: it held no request
        again = get(client, url, ÄLN)
    assert again.status_code == 200 and again.content == first.content
    wait_until(lambda: holder not in pool.pids and len(pool.pids) == 3)


def test_many_clients_on_few_workers_all_get_their_answers(served):
    url, app = served
    queries = [ÄLN, "SELECT (COUNT(*) AS ?n) { ?s a ?c }", MARK]
    expected = {q: httpx.get(f"{url}/sparql", params={"query": q}, headers={"accept": JSON}).content
                for q in queries}
    failures: list[str] = []

    def client_run(seed: int) -> None:
        with httpx.Client(timeout=30) as client:
            for i in range(30):
                query = queries[(seed + i // 10) % len(queries)]  # runs of ten, then another
                answer = get(client, url, query)
                if answer.status_code != 200 or answer.content != expected[query]:
                    failures.append(f"{seed}/{i}: {answer.status_code} {answer.text[:80]}")
                if i % 7 == 0:
                    client.get(f"{url}/health")

    threads = [threading.Thread(target=client_run, args=(seed,)) for seed in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    wait_until(lambda: pinned(app) == 0 and app.state.executor.busy == 0)


def test_a_slow_reader_gets_the_whole_answer(served):
    url, app = served
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    request = _http_get(everything).replace(JSON.encode(), b"application/n-triples")
    with _connected(url, receive_buffer=4096) as sock, sock.makefile("rb") as reader:
        sock.sendall(request)
        first = _read_answer(reader)
        wait_until(lambda: pinned(app) == 1)
        sock.sendall(request)
        time.sleep(0.5)  # the worker fills the socket and gives the rest to the service
        second = _read_answer(reader)
    assert first[0] == second[0] == 200
    assert len(first[2]) > 500_000 and second[2] == first[2]


def test_an_idle_connection_goes_back_and_stays_usable(served):
    url, app = served
    with httpx.Client() as client:
        first = get(client, url, ÄLN)
        wait_until(lambda: pinned(app) == 1)
        wait_until(lambda: pinned(app) == 0, within=5)  # after a second without a request
        again = get(client, url, ÄLN)
    assert again.content == first.content


def test_a_request_elsewhere_gets_a_pinned_worker_back(served):
    url, app = served
    clients = [httpx.Client() for _ in range(3)]
    try:
        for client in clients:  # every worker holds a connection
            get(client, url, ÄLN)
        wait_until(lambda: pinned(app) == 3)
        other = httpx.get(f"{url}/sparql", params={"query": "SELECT ?s { ?s a ?c } LIMIT 3"},
                          headers={"accept": JSON}, timeout=10)
        assert other.status_code == 200 and len(other.json()["results"]["bindings"]) == 3
        assert all(get(client, url, ÄLN).status_code == 200 for client in clients)
    finally:
        for client in clients:
            client.close()


def test_a_write_is_seen_by_the_next_query_on_a_pinned_connection(served):
    url, app = served
    store: TrackedStore = app.state.store
    with httpx.Client() as client:
        before = get(client, url, MARK)
        wait_until(lambda: pinned(app) == 1)
        assert get(client, url, MARK).json()["boolean"] is False  # from the pinned worker
        store.update("INSERT DATA { GRAPH <urn:test:g> { "
                     "<urn:test:pinned> <urn:test:p> <urn:test:o> } }")
        after = get(client, url, MARK)
        store.update("DROP GRAPH <urn:test:g>")
        dropped = get(client, url, MARK)
    assert before.json()["boolean"] is False
    assert after.json()["boolean"] is True
    assert dropped.json()["boolean"] is False


# --- the pool's side, on a socket pair: the limits --------------------------------------


class _Adopted:
    """What the pool gives back: the connection's descriptor and the bytes it says."""

    def __init__(self) -> None:
        self.given = threading.Event()
        self.fd, self.unread, self.unsent = -1, b"", b""

    def __call__(self, fd: int, unread: bytes, unsent: bytes) -> None:
        self.fd, self.unread, self.unsent = fd, unread, unsent
        self.given.set()


def _failure(status: int, message: str) -> bytes:
    return b"HTTP/1.1 %d X\r\ncontent-length: %d\r\n\r\n%s" % (status, len(message), message.encode())


@pytest.fixture
def pool(own_store: EmbeddedStore) -> Iterator[WorkerPool]:
    workers = WorkerPool(TrackedStore(own_store), 1.0, 1, memory_image=True, image_size=1)
    try:
        wait_until(lambda: workers.status()["in_memory"] == 1, within=60)
        yield workers
    finally:
        workers.close()


def _pinned_on(pool: WorkerPool, query: str) -> tuple[socket.socket, _Adopted, asyncio.AbstractEventLoop]:
    """A socket pair's service end pinned (on a loop of its own thread) to the pool's one
    worker for ``query``; the client end, what is given back, and the loop."""
    client, server = socket.socketpair()
    adopted = _Adopted()
    request = QueryRequest(query, JSON, "text/turtle", 100)
    target = ("/sparql?" + urllib.parse.urlencode({"query": query})).encode()
    answerable = Answerable((target.split(b"?", 1)[1], ((b"host", b"127.0.0.1"), (b"accept", JSON.encode())), False),
                            request, b"content-type: x\r\n", b"content-type: x\r\n")
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    async def pin() -> bool:
        return pool.pin(server.detach(), answerable, adopted, _failure)
    assert asyncio.run_coroutine_threadsafe(pin(), loop).result(10)
    client.settimeout(30)
    return client, adopted, loop


def _ask(client: socket.socket, query: str) -> None:
    client.sendall(_http_get(query))


def test_the_pool_answers_503_at_the_limit_of_a_pinned_query(pool: WorkerPool):
    client, adopted, loop = _pinned_on(pool, RUNAWAY)
    [worker] = pool.pids
    started = time.monotonic()
    _ask(client, RUNAWAY)
    assert adopted.given.wait(30)
    took = time.monotonic() - started
    assert adopted.unsent.startswith(b"HTTP/1.1 503") and b"time limit of 1 s" in adopted.unsent
    assert 1.0 <= took < 1.5
    wait_until(lambda: not alive(worker))
    wait_until(lambda: len(pool.pids) == 1 and worker not in pool.pids)
    loop.call_soon_threadsafe(loop.stop)
    client.close()
    os.close(adopted.fd)


def test_a_client_that_hangs_up_frees_its_pinned_worker(pool: WorkerPool):
    client, adopted, loop = _pinned_on(pool, RUNAWAY)
    [worker] = pool.pids
    _ask(client, RUNAWAY)
    wait_until(lambda: pool.status()["pinned"] == 1)
    time.sleep(0.1)
    client.shutdown(socket.SHUT_WR)
    wait_until(lambda: not alive(worker), within=0.9)  # well before the limit
    wait_until(lambda: pool.status()["pinned"] == 0)
    assert not adopted.given.is_set()  # nobody to answer: the connection is closed
    loop.call_soon_threadsafe(loop.stop)
    client.close()


def test_a_pinned_worker_that_dies_is_answered_502_and_replaced(pool: WorkerPool):
    client, adopted, loop = _pinned_on(pool, RUNAWAY)
    [worker] = pool.pids
    _ask(client, RUNAWAY)
    time.sleep(0.2)
    os.kill(worker, signal.SIGKILL)
    assert adopted.given.wait(10)
    assert adopted.unsent.startswith(b"HTTP/1.1 502") and b"stopped unexpectedly" in adopted.unsent
    wait_until(lambda: len(pool.pids) == 1 and worker not in pool.pids)
    loop.call_soon_threadsafe(loop.stop)
    client.close()
    os.close(adopted.fd)


def test_a_write_is_seen_on_every_pinned_connection(served):
    url, app = served
    store: TrackedStore = app.state.store
    clients = [httpx.Client() for _ in range(3)]
    try:
        for client in clients:
            assert get(client, url, MARK).json()["boolean"] is False
        wait_until(lambda: pinned(app) == 3)
        store.update("INSERT DATA { GRAPH <urn:test:g> { "
                     "<urn:test:pinned> <urn:test:p> <urn:test:o> } }")
        seen = [get(client, url, MARK).json()["boolean"] for client in clients]
        store.update("DROP GRAPH <urn:test:g>")
        gone = [get(client, url, MARK).json()["boolean"] for client in clients]
    finally:
        for client in clients:
            client.close()
    assert seen == [True, True, True] and gone == [False, False, False]


def test_a_pinned_worker_that_outgrew_its_share_is_replaced(settings: Settings,
                                                            own_store: EmbeddedStore):
    none = settings.model_copy(update={"query_workers": 1, "query_workers_in_memory": 2,
                                      "query_worker_private_mib": 0})
    app = create_app(none, own_store)
    everything = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    with serving(app) as url:
        settled(app)
        pool = app.state.executor
        with httpx.Client() as client:
            answers = [get(client, url, everything)]
            wait_until(lambda: pinned(app) == 1)
            [holder] = [p.worker.pid for p in pool._pinned.values()]
            deadline = time.monotonic() + 10  # it is asked back within about a second
            while holder in pool.pids and time.monotonic() < deadline:
                answers.append(get(client, url, everything))
        assert holder not in pool.pids
    assert len({a.content for a in answers}) == 1 and all(a.status_code == 200 for a in answers)
