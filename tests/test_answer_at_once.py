"""A cheap query the service has answered before is answered at once, from the HTTP
protocol's parser callback, without a task (``cli.http_protocol``, ``api.app.answer_at_once``):
the same bytes as the usual way, and only when nothing about the request needs the usual
way (a body, a proxy's forwarded scheme or client, a failure)."""

import asyncio
import socket
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from hsvo_graph.cli.http_protocol import HsvoHttpToolsProtocol

from .servers import hsvo_serving

class _Transport:
    """What uvicorn's protocol needs of a connection; notes what it writes."""

    def __init__(self) -> None:
        self.written = b""
        self.closed = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def write(self, data: bytes) -> None:
        self.written += bytes(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


class _App:
    """An application with ``answer_at_once``; its usual way answers "usual"."""

    def __init__(self, at_once: str | None | Exception) -> None:
        self.at_once = at_once
        self.asked = 0
        self.usual = 0

    def answer_at_once(self, scope: dict[str, Any]) -> list[dict[str, Any]] | None:
        self.asked += 1
        if isinstance(self.at_once, Exception):
            raise self.at_once
        if self.at_once is None:
            return None
        body = self.at_once.encode()
        return [{"type": "http.response.start", "status": 200,
                 "headers": [(b"content-length", b"%d" % len(body))]},
                {"type": "http.response.body", "body": body}]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.usual += 1
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"5")]})
        await send({"type": "http.response.body", "body": b"usual"})


def _exchange(app: _App, request: bytes) -> tuple[bytes, int]:
    """What the protocol writes for ``request``, and how many tasks it started."""
    async def run() -> tuple[bytes, int]:
        loop = asyncio.get_running_loop()
        config = Config(app=app, http=HsvoHttpToolsProtocol, log_level="warning")  # type: ignore[arg-type]
        state = ServerState()
        protocol = HsvoHttpToolsProtocol(config, state, {}, _loop=loop)
        transport = _Transport()
        protocol.connection_made(transport)  # type: ignore[arg-type]
        started = 0
        original = loop.create_task

        def counted(*args: Any, **kwargs: Any) -> Any:
            nonlocal started
            started += 1
            return original(*args, **kwargs)

        loop.create_task = counted  # type: ignore[method-assign]
        try:
            protocol.data_received(request)
            for _ in range(5):
                await asyncio.sleep(0)
        finally:
            loop.create_task = original  # type: ignore[method-assign]
        protocol.connection_lost(None)
        return transport.written, started

    with ThreadPoolExecutor(1) as thread:  # the session's thread may run Playwright's loop
        return thread.submit(asyncio.run, run()).result()


GET = b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def test_what_the_application_answers_at_once_needs_no_task() -> None:
    app = _App("at once")
    written, tasks = _exchange(app, GET + b"\r\n")
    assert written.startswith(b"HTTP/1.1 200 OK\r\n") and written.endswith(b"\r\n\r\nat once")
    assert (app.asked, app.usual, tasks) == (1, 0, 0)


@pytest.mark.parametrize("header", [
    b"X-Forwarded-Proto: https",  # the proxy-headers layer would change the scheme
    b"X-Forwarded-For: 10.0.0.1",
    b"Forwarded: proto=https",
    b"Content-Length: 0",  # a body to read
    b"Transfer-Encoding: chunked",
])
def test_a_request_the_usual_way_must_change_is_not_answered_at_once(header: bytes) -> None:
    app = _App("at once")
    body = b"0\r\n\r\n" if b"chunked" in header else b""
    written, _ = _exchange(app, GET + header + b"\r\n\r\n" + body)
    assert written.endswith(b"usual") and (app.asked, app.usual) == (0, 1)


def test_what_the_application_cannot_answer_at_once_goes_the_usual_way(
        capsys: pytest.CaptureFixture[str]) -> None:
    for at_once in (None, RuntimeError("broken")):
        app = _App(at_once)
        written, tasks = _exchange(app, GET + b"\r\n")
        assert written.endswith(b"usual") and (app.asked, app.usual) == (1, 1) and tasks >= 1
    assert "answering at once failed" in capsys.readouterr().err  # uvicorn's logger


def test_pipelined_requests_are_answered_in_order() -> None:
    app = _App("at once")
    written, _ = _exchange(app, GET + b"\r\n" + GET + b"Content-Length: 0\r\n\r\n" + GET + b"\r\n")
    bodies = [part.rsplit(b"\r\n\r\n", 1)[-1] for part in written.split(b"HTTP/1.1 ")[1:]]
    assert bodies == [b"at once", b"usual", b"at once"]


# --- a real `hsvo serve`: the answer at once is the usual answer, byte for byte ---

@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`hsvo serve` on a store seeded from ontology/ + data/, on a free port."""
    with hsvo_serving(tmp_path_factory.mktemp("at-once")) as port:
        yield port


def _raw(port: int, target: str, headers: tuple[str, ...]) -> tuple[list[bytes], bytes]:
    """The status line and headers (without Date) and the body of one GET."""
    lines = [f"GET {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers, "", ""]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall("\r\n".join(lines).encode("utf-8"))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return [line for line in head.split(b"\r\n") if not line.lower().startswith(b"date:")], body


QUERIES = [
    "ASK {}",
    # (no ORDER BY: a query that could sort is never answered in the service: sparql.inline)
    "SELECT ?body ?label WHERE { ?body a org:Organization ; skos:prefLabel ?label } LIMIT 5",
    "SELECT ?x WHERE { BIND(<relative> AS ?x) }",
    "CONSTRUCT { ?s a org:Organization } WHERE { ?s a org:Organization } LIMIT 3",
]
HEADERS = [(), ("Accept: text/csv",), ("Origin: https://example.org",),
           ("Accept: application/sparql-results+xml", "Origin: https://example.org")]


@pytest.mark.parametrize("headers", HEADERS)
@pytest.mark.parametrize("query", QUERIES)
def test_the_answer_at_once_is_the_usual_answer(served: int, query: str,
                                                headers: tuple[str, ...]) -> None:
    prefixes = "PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    target = "/sparql?query=" + urllib.parse.quote(prefixes + query)
    first = _raw(served, target, headers)  # a worker answers; the service learns it is cheap
    at_once = _raw(served, target, headers)
    usual = _raw(served, target, (*headers, "Content-Length: 0"))  # a body: the usual way
    if "CONSTRUCT" in query and "Accept" in " ".join(headers):  # no table of a graph: refused
        assert first[0][0] == b"HTTP/1.1 406 Not Acceptable" and at_once == usual == first
        return
    assert first[0][0] == b"HTTP/1.1 200 OK", first
    if "BIND" in query or query == "ASK {}":
        assert at_once == usual == first
    else:  # without ORDER BY, the rows may come in another order from a worker
        assert at_once == usual and at_once[0] == first[0]
    if "Origin" in " ".join(headers):
        assert b"access-control-allow-origin: *" in at_once[0]


def test_a_forwarded_scheme_is_the_usual_ways(served: int) -> None:
    target = "/sparql?query=" + urllib.parse.quote("SELECT ?x WHERE { BIND(<rel> AS ?x) }")
    for _ in range(3):
        plain = _raw(served, target, ())[1]
    forwarded = _raw(served, target, ("X-Forwarded-Proto: https",))[1]
    assert b'"http://127.0.0.1' in plain and b'"https://127.0.0.1' in forwarded
