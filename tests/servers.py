"""Real servers on 127.0.0.1 for the tests: `oxigraph serve` and Virtuoso (the remote
stores), and the service itself under uvicorn (for clients that need real HTTP:
SPARQLWrapper, roqet, and concurrent requests in the limit tests)."""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from hsvo_graph.cli.http_protocol import HsvoHttpToolsProtocol


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _oxigraph_binary() -> str:
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.exists() else shutil.which("oxigraph")
    if not found:
        pytest.fail("the `oxigraph` server is not installed; run `make test` (pip extra 'test')")
    return found


@contextmanager
def running_oxigraph(location: Path, *options: str, port: int | None = None) -> Iterator[str]:
    """A fresh `oxigraph serve --union-default-graph` (plus ``options``; on ``port`` or a
    free one); its base URL."""
    port = port or free_port()
    process = subprocess.Popen(
        [_oxigraph_binary(), "serve", "--location", str(location),
         "--bind", f"127.0.0.1:{port}", "--union-default-graph", *options],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            err = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"oxigraph serve did not start on {url}: {err}")
        time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


VIRTUOSO_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "virtuoso.sh"


@contextmanager
def running_virtuoso(directory: Path) -> Iterator[str]:
    """A fresh Virtuoso (scripts/virtuoso.sh: 127.0.0.1 only, SPARQL updates allowed); the
    URL of its SPARQL endpoint (query and update)."""
    if not shutil.which("virtuoso-t"):
        pytest.skip("Virtuoso is not installed; run scripts/install-system-deps.sh "
                    "(Debian package virtuoso-opensource-7)")
    http_port, sql_port = free_port(), free_port()
    process = subprocess.Popen(
        ["bash", str(VIRTUOSO_SCRIPT), str(directory), str(http_port), str(sql_port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # "ready" once it answers and SPARQL may write
    if line.strip() != "ready":
        process.kill()
        err = process.stderr.read() if process.stderr else ""
        pytest.fail(f"Virtuoso did not start: {line}{err}")
    try:
        yield f"http://127.0.0.1:{http_port}/sparql"
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` under uvicorn in a thread on a free port (lifespan included); its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                          loop="uvloop", http=HsvoHttpToolsProtocol,
                                          access_log=False))  # as hsvo serve
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail(f"uvicorn did not start on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def hsvo_serving(directory: Path, within: float = 90.0) -> Iterator[int]:
    """`hsvo serve` as a process of its own (the real command, uvicorn's server and the
    service's HTTP protocol) on a store in ``directory`` (seeded from ontology/ + data/ at its
    first start), one query worker from disk; its port once it answers /health."""
    env = {**os.environ, "HSVO_STORE_PATH": str(directory / "store"),
           "HSVO_PLANS_DIR": str(directory / "plans"), "HSVO_QUERY_WORKERS": "1",
           "HSVO_QUERY_MEMORY_IMAGE": "false"}
    env.pop("PYTHONPATH", None)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "hsvo_graph.cli.main", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + within
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "hsvo serve did not start"
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until(condition: Callable[[], bool], within: float = 30.0) -> None:
    """Wait until ``condition()`` holds, failing the test after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.02)


def alive(pid: int) -> bool:
    """Whether process ``pid`` is still there, a zombie not yet reaped counting as gone."""
    try:
        os.kill(pid, 0)
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


def settled(app: FastAPI, within: float = 30.0) -> None:
    """Wait until every query worker of the served ``app`` answers from the shared in-memory
    copy: the pool replaces its first, on-disk workers once the copy is built, and a test
    that follows worker processes must not mistake that for a replacement it caused."""
    deadline = time.monotonic() + within
    while (status := app.state.executor.status())["in_memory"] != status["workers"]:
        if time.monotonic() > deadline:
            pytest.fail(f"the query workers never moved to the in-memory copy: {status}")
        time.sleep(0.02)


CHROMIUM = "/usr/bin/chromium"
# As the machine notes advise: without the background-networking flags Chromium keeps
# trying to reach hosts this closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def chromium() -> Iterator["Any"]:
    """Debian's headless Chromium driven by Playwright (skips when either is missing)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip("Chromium is not installed; run scripts/install-system-deps.sh (make test does)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
