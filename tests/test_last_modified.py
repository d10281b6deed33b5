"""Last-Modified with whole seconds and writes closer together than a second: a state a
client may hold a copy of is never answered 304 to If-Modified-Since once the data has
changed, and no Last-Modified is later than the answer's Date (RFC 9110 §8.8.2.1), for the
service's own writes and for another process's alike."""

import time
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.store import EmbeddedStore

from .test_protocol_admin import ADMIN, TOKEN

GRAPH = "https://w3id.org/hsvo-graph/graph/stamped"
DUMP = "/dumps/hsvo-graph.nq"


def _nt(name: str) -> bytes:
    return f'<http://example.org/{name}> <http://example.org/name> "{name}" .\n'.encode()


def _at_a_seconds_start() -> None:
    """Wait for the next whole second, so that what follows fits in one."""
    time.sleep(1 - time.time() % 1 + 0.01)


def _never_after_its_date(response: httpx.Response) -> None:
    """(The test client's answers have no Date: the clock when it arrived is one.)"""
    if "last-modified" in response.headers:
        assert parsedate_to_datetime(response.headers["last-modified"]) <= datetime.now(UTC)


def _held_since(response: httpx.Response) -> str:
    """What a client sends as If-Modified-Since for the copy in ``response``: its
    Last-Modified, or (without one) the time it arrived."""
    return response.headers.get("last-modified", format_datetime(datetime.now(UTC), usegmt=True))


def dated_copy(client: TestClient, path: str, within_s: float = 5.0) -> httpx.Response:
    """``path`` once its answer has a Last-Modified: a state stamped ahead (several changes
    within a second) has none until its second comes, within a second per change."""
    deadline = time.monotonic() + within_s
    while "last-modified" not in (response := client.get(path)).headers:
        assert time.monotonic() < deadline, f"{path} had no Last-Modified for {within_s:g} s"
        time.sleep(0.1)
    _never_after_its_date(response)
    return response


def _service(tmp_path: Path) -> TestClient:
    settings = Settings(store="embedded", store_path=tmp_path / "store", changes_log=None,
                        plans_dir=tmp_path / "plans", query_workers=1, admin_token=TOKEN)
    return TestClient(create_app(settings, EmbeddedStore(tmp_path / "store")))


def _write(client: TestClient, name: str) -> None:
    response = client.put("/store", params={"graph": GRAPH}, content=_nt(name),
                          headers={**ADMIN, "Content-Type": "application/n-triples"})
    assert response.status_code in (200, 201, 204), response.text


def test_two_own_writes_in_one_second_are_never_answered_304(tmp_path: Path) -> None:
    with _service(tmp_path) as client:
        _write(client, "first")
        client.get(DUMP)  # the state before, stamped
        _at_a_seconds_start()
        _write(client, "second")
        seen = client.get(DUMP)
        _never_after_its_date(seen)
        _write(client, "third")  # within the same second as the copy just read
        again = client.get(DUMP, headers={"If-Modified-Since": _held_since(seen)})
        assert again.status_code == 200 and "third" in again.text
        _never_after_its_date(again)
        dated = dated_copy(client, DUMP)  # once its second has come, the copy is dated, and current
        assert client.get(DUMP, headers={
            "If-Modified-Since": dated.headers["last-modified"]}).status_code == 304


def test_another_process_writing_twice_in_one_second_is_never_answered_304(tmp_path: Path) -> None:
    with _service(tmp_path) as client:
        _write(client, "first")
        _at_a_seconds_start()
        EmbeddedStore(tmp_path / "store").replace_graphs(_nt("second").replace(b" .", f" <{GRAPH}> .".encode()), [GRAPH])
        seen = client.get(DUMP)
        _never_after_its_date(seen)
        EmbeddedStore(tmp_path / "store").replace_graphs(_nt("third").replace(b" .", f" <{GRAPH}> .".encode()), [GRAPH])
        again = client.get(DUMP, headers={"If-Modified-Since": _held_since(seen)})
        assert again.status_code == 200 and "third" in again.text
        _never_after_its_date(again)
