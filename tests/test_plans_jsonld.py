"""A JSON-LD plan is read without fetching anything: a ``@context`` naming a URL or a file
(at the top, in a list, scoped under a term, or imported) is refused with a located 400 that
says the same whatever is behind the reference, so an anonymous upload can neither make the
service call a host nor find out which local files exist."""

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

DOCUMENT = "https://w3id.org/hsvo-graph/id/document/aktivitetslista-hsvo-uppsala-2026"
ACTIVITY_LIST = "https://w3id.org/hsvo-graph/ontology#ActivityList"


class Listener:
    """A port on 127.0.0.1 that counts the connections made to it (and closes each at once,
    so a client that did connect fails instead of waiting)."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def _plan(context: object) -> bytes:
    return json.dumps({"@context": context, "@id": DOCUMENT, "@type": ACTIVITY_LIST}).encode()


def _contexts(url: str) -> list[object]:
    return [
        url,
        [{"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}, url],
        {"@version": 1.1, "p": {"@id": "http://example.org/p", "@context": url}},
        {"@version": 1.1, "@import": url},
    ]


def _validate(client: TestClient, data: bytes) -> dict[str, object]:
    response = client.post("/validate", files={"file": ("plan.jsonld", data)})
    assert response.status_code == 400, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_remote_context_is_refused_and_never_fetched(
    client: TestClient, listener: Listener
) -> None:
    for context in _contexts(f"http://127.0.0.1:{listener.port}/ctx.jsonld"):
        error = _validate(client, _plan(context))["error"]
        assert isinstance(error, dict) and error["where"] == "plan.jsonld"
        assert "@context may not refer to another document" in error["message"]["en"]
        assert "@context får inte hänvisa" in error["message"]["sv"]
    assert listener.connections == 0


def test_file_contexts_say_nothing_about_the_server(client: TestClient, tmp_path: Path) -> None:
    there = tmp_path / "context.jsonld"
    there.write_text('{"@context": {"ex": "http://example.org/"}}')
    answers = {
        json.dumps(_validate(client, _plan(context)))
        for path in (there, tmp_path / "missing.jsonld", Path("/etc/passwd"))
        for context in (f"file://{path}", str(path))
    }
    assert len(answers) == 1, answers  # the same for a file that exists, is missing or is not JSON
    assert "No such file" not in answers.pop()
