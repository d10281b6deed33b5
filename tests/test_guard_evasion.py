"""The evasion corpus over real HTTP: the service runs in its own process (each store mode),
a canary HTTP server on 127.0.0.1 records every request it gets, and every SERVICE, LOAD
or update attempt of the corpus, in every request encoding, must be refused with its
status while the canary hears nothing; the valid look-alikes are answered 200."""

import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from .evasion.canary import Canary, canary
from .evasion.corpus import Attempt, corpus
from .evasion.server import ADMIN_TOKEN
from .servers import free_port, running_oxigraph

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bird() -> Iterator[Canary]:
    with canary() as running:
        yield running


@contextmanager
def _service(store_url: str) -> Iterator[str]:
    """``tests.evasion.server`` in a subprocess on a free port; its base URL."""
    port = free_port()
    log = tempfile.TemporaryFile()  # not a pipe: a full pipe would stall the server
    process = subprocess.Popen([sys.executable, "-m", "tests.evasion.server", str(port), store_url],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                pytest.fail(f"the service did not start on {url}: {log.read().decode()}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module", params=["embedded", "remote"])
def service_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service in a subprocess, over an in-memory store or a fresh `oxigraph serve`."""
    with ExitStack() as stack:
        store_url = "embedded" if request.param == "embedded" else stack.enter_context(
            running_oxigraph(tmp_path_factory.mktemp("evasion-oxigraph")))
        yield stack.enter_context(_service(store_url))


def _send(client: httpx.Client, url: str, attempt: Attempt) -> list[tuple[str, int]]:
    """The status of ``attempt`` in each encoding its endpoint accepts."""
    if attempt.path == "admin":
        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        return [
            ("update-body", client.post(f"{url}/admin/update", content=attempt.text.encode(),
                                        headers={**auth, "Content-Type": "application/sparql-update"}).status_code),
            ("update-form", client.post(f"{url}/admin/update", data={"update": attempt.text},
                                        headers=auth).status_code),
        ]
    json = {"Accept": "application/sparql-results+json, application/n-triples;q=0.9"}
    return [
        ("GET", client.get(f"{url}/sparql", params={"query": attempt.text}, headers=json).status_code),
        ("POST-form", client.post(f"{url}/sparql", data={"query": attempt.text}, headers=json).status_code),
        ("POST-body", client.post(f"{url}/sparql", content=attempt.text.encode(), headers={
            **json, "Content-Type": "application/sparql-query"}).status_code),
    ]


def test_no_attempt_gets_through_and_the_canary_hears_nothing(service_url: str, bird: Canary):
    attempts = corpus(bird.url)
    assert len(attempts) >= 200
    wrong = []
    sent = 0
    with httpx.Client(timeout=30) as client:
        for attempt in attempts:
            for encoding, status in _send(client, service_url, attempt):
                sent += 1
                if status not in attempt.statuses:
                    wrong.append(f"{attempt.name} [{encoding}] -> {status}: {attempt.text!r}")
    assert wrong == []
    assert bird.hits == [], f"the canary was reached {len(bird.hits)} times after {sent} requests"
    assert sent >= 3 * 200


def test_the_canary_would_hear_a_call(bird: Canary):
    """The control: the canary does record what reaches it."""
    before = len(bird.hits)
    assert httpx.get(bird.url + "probe").status_code == 200
    assert len(bird.hits) == before + 1
    bird.hits.pop()


def test_the_remote_store_would_call_the_canary_if_the_guard_let_it(tmp_path: Path, bird: Canary):
    """The control for the remote mode: `oxigraph serve` does federate, so the test above
    would have seen a SERVICE the guard let through."""
    before = len(bird.hits)
    with running_oxigraph(tmp_path) as store_url:
        httpx.get(f"{store_url}/query", timeout=30, params={
            "query": f"SELECT * WHERE {{ SERVICE <{bird.url}> {{ ?s ?p ?o }} }}"})
    assert len(bird.hits) == before + 1
    bird.hits.pop()
