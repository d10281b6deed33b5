"""Defence in depth: a query worker has no network, so even a SERVICE query that bypasses
the guard (sent straight to a worker here) never reaches another host."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import anyio
import pyoxigraph as ox
import pytest

from hsvo_graph.sparql.executor import Executor, open_executor
from hsvo_graph.sparql.worker import QueryRequest
from hsvo_graph.store import EmbeddedStore, StoreError
from hsvo_graph.store.tracking import TrackedStore

from .evasion.canary import canary

JSON = "application/sparql-results+json"


def _run(executor: Executor, query: str) -> object:
    """Run one query through ``executor`` (on its own event loop in a fresh thread: the
    test session may already have one running in this thread)."""
    request = QueryRequest(query, JSON, "text/turtle", 100)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, executor.run, request).result()


def test_the_canary_is_reached_by_an_unisolated_engine():
    """The control: without the worker's isolation, pyoxigraph does call the canary."""
    with canary() as bird:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{bird.url}> {{ ?s ?p ?o }} }}"))
    assert len(bird.hits) == 1


@pytest.mark.parametrize("silent", ["", "SILENT"])
def test_a_service_query_sent_straight_to_a_worker_reaches_no_host(silent):
    executor = open_executor(TrackedStore(EmbeddedStore(None)), 10.0, 1)
    try:
        with canary() as bird:
            query = f"SELECT * WHERE {{ SERVICE {silent} <{bird.url}> {{ ?s ?p ?o }} }}"
            if silent:
                _run(executor, query)  # SILENT: an empty answer
            else:
                with pytest.raises(StoreError, match="unreachable|denied"):
                    _run(executor, query)
            _run(executor, "ASK {}")  # the worker still answers
        assert bird.hits == []
    finally:
        executor.close()


_PROBE = """
import socket, sys
from hsvo_graph.sparql import worker
print(getattr(worker, sys.argv[1])())
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=2)
    print("connected")
except OSError as exc:
    print("refused", exc.errno)
"""


@pytest.mark.parametrize("mechanism", ["isolate_network", "_deny_inet_sockets"])
def test_each_mechanism_alone_blocks_connections(mechanism):
    """The namespace, and the seccomp fallback used where the OS refuses namespaces."""
    with canary() as bird:
        port = bird.url.rsplit(":", 1)[1].strip("/")
        out = subprocess.run([sys.executable, "-c", _PROBE, mechanism, port],
                             capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.split("\n")[0] == "None" and "refused" in out
    assert bird.hits == []


_UNISOLATED = """
import os, sys
from multiprocessing.connection import Pipe
from hsvo_graph.sparql import worker
worker.isolate_network = lambda: "refused for the test"
parent, child = Pipe()
os.environ["HSVO_WORKER_ISOLATION"] = sys.argv[1]
import threading
threading.Thread(target=worker.serve, args=(child, child), daemon=True).start()
parent.send(("query", worker.QueryRequest("ASK {}", "application/sparql-results+json", "text/turtle", 1)))
print(parent.recv()[0])
"""


@pytest.mark.parametrize(("setting", "reply"), [("require", "error"), ("warn", "ok")])
def test_a_worker_that_cannot_isolate_itself_refuses_unless_told_to_warn(setting, reply):
    done = subprocess.run([sys.executable, "-c", _UNISOLATED, setting],
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == reply
    assert "NOT ISOLATED FROM THE NETWORK" in done.stderr
