"""Store generations, proven: a write publishes a new frozen generation, old ones disappear
once no reader holds them, a load killed at any moment leaves the previous store serving, a
worker killed at the time limit comes back on the current generation, and a request whose
client went away frees its worker."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.sparql.executor import QueryTimeout, WorkerPool
from hsvo_graph.sparql.worker import QueryRequest
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.store.tracking import TrackedStore

from .servers import serving, settled, wait_until
from .test_limits import RUNAWAY

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = "application/sparql-results+json"


def count(pool: WorkerPool) -> int:
    """The number of triples a query worker sees."""
    import json

    body = pool.run_blocking(QueryRequest(COUNT, JSON, "text/turtle", None), 30).body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def loaded(tmp_path: Path, settings: Settings) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "db")
    load(store, settings)
    return store


def test_a_write_publishes_a_new_generation_and_unused_ones_are_deleted(loaded: EmbeddedStore):
    tracked = TrackedStore(loaded)
    pool = WorkerPool(tracked, 10.0, 2)
    try:
        before = count(pool)
        count(pool)  # both workers now hold gen-000001
        assert loaded.generations.names() == ["gen-000001"]
        tracked.update("INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> "
                       "<http://example.org/b> <http://example.org/c> } }")
        # the workers (and this process's reader) still hold the first generation
        assert loaded.generations.names() == ["gen-000001", "gen-000002"]
        assert count(pool) == before + 1
        assert count(pool) == before + 1
        loaded.current()  # this process's own reader moves on too
        assert loaded.generations.names() == ["gen-000002"]
        assert not list(loaded.root.glob("tmp-*"))
    finally:
        pool.close()
        loaded.close()


def test_a_failed_write_leaves_the_current_generation(loaded: EmbeddedStore):
    before = loaded.triple_count()
    with pytest.raises(ValueError):
        loaded.replace_graphs(b'<http://x/s> <http://x/p> "o" .\n', ["http://x/g"])
    assert loaded.triple_count() == before
    assert loaded.generations.names() == ["gen-000001"]
    assert not list(loaded.root.glob("tmp-*"))


def test_a_generation_being_published_is_never_collected(loaded: EmbeddedStore):
    """A writer renames its finished directory to the next generation, then points
    GENERATION at it: another process collecting in between must leave it alone."""
    generations = loaded.generations
    current = generations.current()
    assert current is not None and current.name == "gen-000001"
    publishing = loaded.root / "gen-000002"
    shutil.copytree(current, publishing)  # renamed, not yet pointed at
    assert generations.collect() == []
    assert publishing.exists()
    (loaded.root / "GENERATION").write_text("gen-000002\n", encoding="ascii")
    assert generations.current() == publishing  # read from the pointer, never remembered
    loaded.close()  # its reader held the first generation
    assert generations.collect() == ["gen-000001"]


def test_a_worker_killed_at_the_limit_comes_back_on_the_current_generation(loaded: EmbeddedStore):
    tracked = TrackedStore(loaded)
    pool = WorkerPool(tracked, 1.0, 1)
    try:
        before = count(pool)
        tracked.update("INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> "
                       "<http://example.org/b> <http://example.org/c> } }")
        with pytest.raises(QueryTimeout):
            pool.run_blocking(QueryRequest(RUNAWAY, JSON, "text/turtle", None), 1.0)
        started = time.monotonic()
        assert count(pool) == before + 1
        assert time.monotonic() - started < 2.0
    finally:
        pool.close()
        loaded.close()


def test_a_load_killed_at_any_moment_leaves_the_previous_store(tmp_path: Path, settings: Settings):
    store_path = tmp_path / "db"
    first = EmbeddedStore(store_path)
    before = load(first, settings).total
    first.close()
    big = tmp_path / "big.nt"
    lines = [f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(300_000)]
    big.write_text("".join(lines), encoding="utf-8")
    # while building the dataset (its N-Quads in a scratch directory), then while writing
    # the new generation: at once, a little later, later still
    for started, delay in (("scratch-*", 0.0), ("tmp-*", 0.0), ("tmp-*", 0.5), ("tmp-*", 1.5)):
        process = subprocess.Popen(
            [Path(sys.executable).with_name("hsvo"), "--store-path", str(store_path),
             "load", str(big)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: bool(list(store_path.glob(started))) or process.poll() is not None)
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        reopened = EmbeddedStore(store_path)
        try:
            # the old store, or the new one if the kill came after publishing: never a mix
            assert reopened.triple_count() in (before, before + len(lines))
            assert len(reopened.generations.names()) == 1
            assert not list(store_path.glob("tmp-*"))  # the interrupted write is cleaned up
            assert not list(store_path.glob("scratch-*"))  # and the killed load's N-Quads
        finally:
            reopened.close()


@pytest.mark.parametrize("method", ["GET", "POST", "canned"])
def test_a_request_whose_client_went_away_frees_its_worker(settings: Settings, store: EmbeddedStore,
                                                           method: str, tmp_path: Path):
    queries = tmp_path / "queries"  # a canned question as slow as the runaway query
    queries.mkdir()
    (queries / "runaway.rq").write_text(f"#+ title: Runaway\n{RUNAWAY}\n", encoding="utf-8")
    patient = settings.model_copy(update={"query_time_limit_s": 120.0, "query_workers": 1,
                                       "query_workers_in_memory": 1, "queries_dir": queries})
    app = create_app(patient, store)
    with serving(app) as url:
        settled(app)
        pool = app.state.executor
        worker = pool.pids
        with pytest.raises(httpx.TimeoutException):
            if method == "canned":
                httpx.get(f"{url}/q/runaway", headers={"Accept": "application/json"}, timeout=1.0)
            elif method == "GET":
                httpx.get(f"{url}/sparql", params={"query": RUNAWAY}, timeout=1.0)
            else:
                httpx.post(f"{url}/sparql", data={"query": RUNAWAY}, timeout=1.0)
        wait_until(lambda: pool.pids != worker and pool.busy == 0)  # long before the limit
        answer = httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=30)
        assert answer.json()["boolean"] is True
