"""The upload itself: a request larger than any plan is refused with 413 and the real limit
before it is read (Content-Length) or as soon as it passes the limit (streamed); the size a
message states is the file's real size; a form that cannot be parsed, a metadata file over
its limit and a report format that is not offered are each a located, bilingual 400."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from hsvo_graph.api.forms import MAX_BODY, MAX_META, BodyTooLarge, read_form, status_of
from hsvo_graph.validation.headings import MAX_BYTES

from .test_import import PLAN_2026

BOUNDARY = "xyzzy"
CHUNK = 64 * 1024


def _multipart(size: int) -> bytes:
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            'filename="plan.csv"\r\n\r\n').encode()
    return head + b"x" * size + f"\r\n--{BOUNDARY}--\r\n".encode()


def test_a_declared_oversized_body_is_refused_unread(client: TestClient) -> None:
    body = _multipart(MAX_BODY + CHUNK)
    response = client.post("/validate", content=body,
                           headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["where"] == "request"
    assert f"the request is {len(body) / 1e6:.1f} MB; a plan may be at most 5 MB" in (
        error["message"]["en"])


def test_a_streamed_body_stops_being_read_at_the_limit() -> None:
    """Sent without a Content-Length, 300 MB in 64 kB chunks: the form reader takes a little
    more than the limit and refuses it; the rest is never asked for."""
    chunks_sent = 0

    async def receive() -> dict[str, object]:
        nonlocal chunks_sent
        chunks_sent += 1
        body = _multipart(0)[:-len(f"\r\n--{BOUNDARY}--\r\n")] if chunks_sent == 1 else b"x" * CHUNK
        return {"type": "http.request", "body": body, "more_body": chunks_sent < 300_000_000 // CHUNK}

    scope = {"type": "http", "method": "POST", "path": "/validate", "query_string": b"",
             "headers": [(b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode())]}
    with pytest.raises(BodyTooLarge) as refused, ThreadPoolExecutor(1) as pool:
        # on its own event loop in a fresh thread: the session may have one running in this
        # thread (Playwright's, after the browser tests)
        pool.submit(asyncio.run, read_form(Request(scope, receive))).result()  # type: ignore[arg-type]
    assert status_of(refused.value) == 413
    assert "over 5.1 MB; a plan may be at most 5 MB" in refused.value.message.en
    assert chunks_sent * CHUNK < MAX_BODY + 2 * CHUNK


def test_the_file_size_said_is_the_real_one(client: TestClient) -> None:
    size = MAX_BYTES + 100_000
    response = client.post("/validate", files={"file": ("plan.csv", b"x" * size)})
    assert response.status_code == 400
    assert "the file is 5.1 MB; a plan may be at most 5 MB" in response.json()["error"]["message"]["en"]


def test_an_oversized_metadata_file_is_refused_not_cut(client: TestClient) -> None:
    meta = b"titel: " + b"x" * MAX_META + b"\n"
    response = client.post("/validate", files={"file": ("plan.csv", PLAN_2026),
                                               "meta": ("plan.meta.yaml", meta)})
    assert response.status_code == 400
    assert "the metadata file is" in response.json()["error"]["message"]["en"]


def test_a_form_without_a_boundary_is_the_usual_report(client: TestClient) -> None:
    for fmt, kind in (("", "application/json"), ("?lang=en", "application/json")):
        response = client.post(f"/validate{fmt}", content=b"--x\r\n",
                               headers={"Content-Type": "multipart/form-data"})
        assert response.status_code == 400 and response.headers["content-type"].startswith(kind)
        error = response.json()["error"]
        assert error["where"] == "request"
        assert "the form could not be read" in error["message"]["en"] and error["message"]["sv"]


def test_a_format_that_is_not_offered_is_named(client: TestClient) -> None:
    for fmt in ("ttl", "text"):
        response = client.post("/validate", files={"file": ("plan.csv", PLAN_2026)},
                               data={"format": fmt})
        assert response.status_code == 400
        message = response.json()["error"]["message"]["en"]
        assert f"unknown format '{fmt}'; choose json, html, xlsx" in message
