"""A GET whose URL is too long for the HTTP parser (over 65,535 bytes) gets a 414 that says
to POST, from a real `hsvo serve` (the parser refuses it before the application sees it);
a URL just under the limit is still answered."""

import socket
import urllib.parse
from collections.abc import Iterator

import httpx
import pytest

from hsvo_graph.cli.http_protocol import MAX_URL_BYTES

from .servers import hsvo_serving

@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`hsvo serve` on a store seeded from ontology/ + data/, on a free port."""
    with hsvo_serving(tmp_path_factory.mktemp("long-urls")) as port:
        yield port


def raw_get(port: int, target: str) -> tuple[bytes, bytes]:
    """The status line and body of a GET of ``target``, sent as written over a socket."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                     .encode("ascii"))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], body


def target_of_length(length: int) -> str:
    """``/sparql?query=ASK {} #xxx…``, percent-encoded, exactly ``length`` bytes long."""
    start = "/sparql?query=" + urllib.parse.quote("ASK {} #")
    return start + "x" * (length - len(start))


def test_a_url_at_the_parsers_limit_is_answered(served: int) -> None:
    status, body = raw_get(served, target_of_length(MAX_URL_BYTES))
    assert status == b"HTTP/1.1 200 OK", body[:200]


def test_a_60_kib_url_is_answered(served: int) -> None:
    status, body = raw_get(served, target_of_length(60 * 1024))
    assert status == b"HTTP/1.1 200 OK" and b"true" in body


@pytest.mark.parametrize("length", [MAX_URL_BYTES + 1, 70_000, 4_000_000])
def test_a_longer_url_is_a_414_that_says_to_post(served: int, length: int) -> None:
    status, body = raw_get(served, target_of_length(length))
    assert status.startswith(b"HTTP/1.1 414 ")
    assert body == b"the URL is longer than 64 KiB (65,535 bytes): send the query with POST"


def test_a_22_kb_swedish_query_is_too_long_for_a_url_but_not_for_post(served: int) -> None:
    """Percent-encoding makes each "å" six bytes of URL: a third of the query size limit
    fills the URL. POSTed, the same query is answered."""
    query = 'ASK { FILTER(STRLEN("' + "å" * 11_000 + '") > 0) }'
    status, _ = raw_get(served, "/sparql?query=" + urllib.parse.quote(query))
    assert status.startswith(b"HTTP/1.1 414 ")
    posted = httpx.post(f"http://127.0.0.1:{served}/sparql", content=query.encode(),
                        headers={"Content-Type": "application/sparql-query",
                                 "Accept": "application/sparql-results+json"}, timeout=30)
    assert posted.status_code == 200 and posted.json()["boolean"] is True


def test_the_connection_is_served_again_after_a_414(served: int) -> None:
    """The refusal closes only its own connection: the server goes on answering."""
    raw_get(served, target_of_length(100_000))
    status, _ = raw_get(served, target_of_length(100))
    assert status == b"HTTP/1.1 200 OK"


def test_other_malformed_requests_keep_uvicorns_400(served: int) -> None:
    with socket.create_connection(("127.0.0.1", served), timeout=30) as sock:
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 400 Bad Request")
    assert answer.endswith(b"Invalid HTTP request received.")

