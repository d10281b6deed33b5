"""The worker pool with an in-memory image (``WorkerPool(memory_image=True)``), proven on
the seed graph: workers move to the shared copy once it is built and answer the same; a
write is seen by the very next query (from disk) and a new copy follows; a worker killed at
the time limit comes back as a fork of the copy; a worker that made too much of the copy
its own is replaced after its query; closing leaves no process behind."""

import json
import os
from pathlib import Path

import pytest

from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.sparql.executor import QueryTimeout, WorkerPool
from hsvo_graph.sparql.worker import QueryRequest
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.store.tracking import TrackedStore

from .servers import alive, wait_until
from .test_generations import count
from .test_limits import RUNAWAY

JSON = "application/sparql-results+json"
ADD = "INSERT DATA { GRAPH <urn:test:images> { <urn:test:s> <urn:test:p> 1 } }"


@pytest.fixture
def tracked(tmp_path: Path, settings: Settings) -> TrackedStore:
    store = EmbeddedStore(tmp_path / "db")
    load(store, settings)
    yield TrackedStore(store)
    store.close()


def in_memory(pool: WorkerPool) -> int:
    return pool.status()["in_memory"]


def test_workers_move_to_the_copy_and_answer_the_same(tracked: TrackedStore) -> None:
    on_disk = WorkerPool(tracked, 10.0, 2)
    pool = WorkerPool(tracked, 10.0, 2, memory_image=True)
    try:
        wait_until(lambda: in_memory(pool) == 2)
        assert count(pool) == count(on_disk) > 10_000
        assert pool.status() == {"workers": 2, "in_memory": 2, "busy": 0, "answered_inline": 0, "pinned": 0}
    finally:
        on_disk.close()
        pool.close()


def test_a_write_is_seen_at_once_and_a_new_copy_follows(tracked: TrackedStore) -> None:
    pool = WorkerPool(tracked, 10.0, 2, memory_image=True)
    try:
        wait_until(lambda: in_memory(pool) == 2)
        before = count(pool)
        forked = set(pool.pids)
        tracked.update(ADD)
        assert count(pool) == before + 1  # the very next query, while the new copy is built
        wait_until(lambda: in_memory(pool) == 2 and not forked & set(pool.pids))
        assert count(pool) == before + 1
        assert not any(alive(pid) for pid in forked)
    finally:
        pool.close()


def test_the_pool_grows_to_its_in_memory_size_on_the_copy_and_again_after_a_write(tracked: TrackedStore) -> None:
    pool = WorkerPool(tracked, 10.0, 1, memory_image=True, image_size=3)
    try:
        assert pool.status()["workers"] == 1  # on disk: one started worker
        wait_until(lambda: pool.status() == {"workers": 3, "in_memory": 3, "busy": 0, "answered_inline": 0, "pinned": 0})
        before = count(pool)
        tracked.update(ADD)
        for _ in range(3):  # each takes a worker of the old copy, which gives way
            assert count(pool) == before + 1
        wait_until(lambda: pool.status() == {"workers": 3, "in_memory": 3, "busy": 0, "answered_inline": 0, "pinned": 0})
        assert count(pool) == before + 1
    finally:
        pool.close()


def test_a_worker_killed_at_the_limit_comes_back_as_a_fork(tracked: TrackedStore) -> None:
    pool = WorkerPool(tracked, 1.0, 1, memory_image=True)
    try:
        wait_until(lambda: in_memory(pool) == 1)
        [killed] = pool.pids
        with pytest.raises(QueryTimeout):
            pool.run_blocking(QueryRequest(RUNAWAY, JSON, "text/turtle", None), 1.0)
        wait_until(lambda: pool.pids != [killed] and in_memory(pool) == 1, within=5)
        wait_until(lambda: not alive(killed), within=5)  # SIGKILLed, then reaped by its host
        assert count(pool) > 10_000
    finally:
        pool.close()


def test_a_worker_that_made_the_copy_its_own_is_replaced(tracked: TrackedStore) -> None:
    pool = WorkerPool(tracked, 10.0, 1, memory_image=True, private_budget=1)
    try:
        wait_until(lambda: in_memory(pool) == 1)
        [first] = pool.pids
        total = count(pool)  # a scan of every quad
        for _ in range(64):  # looked at after a long query, and every 64 queries at least
            if pool.pids != [first]:
                break
            assert count(pool) == total
        wait_until(lambda: pool.pids != [first] and in_memory(pool) == 1, within=5)
        assert count(pool) == total
    finally:
        pool.close()


def test_closing_leaves_no_process(tracked: TrackedStore) -> None:
    pool = WorkerPool(tracked, 10.0, 2, memory_image=True)
    wait_until(lambda: in_memory(pool) == 2)
    pids = pool.pids + [image.pid for image in [pool._image] if image is not None]
    pool.close()
    wait_until(lambda: not any(alive(pid) for pid in pids), within=10)


def test_when_the_image_host_dies_no_answer_is_lost_and_a_new_copy_is_built(
        tracked: TrackedStore) -> None:
    import os
    import signal

    pool = WorkerPool(tracked, 10.0, 1, memory_image=True, image_size=3)
    try:
        wait_until(lambda: pool.status() == {"workers": 3, "in_memory": 3, "busy": 0, "answered_inline": 0, "pinned": 0})
        host = pool._image
        assert host is not None
        total = count(pool)
        forked = set(pool.pids)
        os.kill(host.pid, signal.SIGKILL)  # its workers die with it
        wait_until(lambda: not any(alive(pid) for pid in forked), within=10)
        for _ in range(6):  # each dead worker is found out by a query, which another answers
            assert count(pool) == total
        wait_until(lambda: pool._image is not host and pool.status()["in_memory"] == 3)
        assert count(pool) == total
    finally:
        pool.close()


@pytest.mark.parametrize("memory_image", [False, True], ids=["from disk", "from the copy"])
def test_answers_of_every_length_arrive_whole(tracked: TrackedStore, memory_image: bool) -> None:
    """A reply is read first in a 64 KiB chunk, then into its frame in place, from a pipe
    of up to 1 MiB: an answer within the first chunk, one longer than it, and one longer
    than the pipe (written in turns) all arrive byte for byte as pyoxigraph writes them."""
    from hsvo_graph.sparql.worker import execute

    pool = WorkerPool(tracked, 30.0, 1, memory_image=memory_image)
    store = tracked.inner.current().store  # the same generation, read here
    try:
        if memory_image:
            wait_until(lambda: in_memory(pool) == 1)
        lengths = []
        for limit in (3, 600, None):
            tail = "" if limit is None else f" LIMIT {limit}"
            query = f"SELECT * {{ ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) }} ORDER BY ?s ?p ?o{tail}"
            request = QueryRequest(query, JSON, "text/turtle", None)  # blank nodes: the copy's own ids
            body = pool.run_blocking(request, 30).body
            assert body == execute(store, request).body
            lengths.append(len(body))
        assert lengths[0] < 64 * 1024 < lengths[1] < 2**20 < lengths[2]
    finally:
        pool.close()


@pytest.mark.parametrize("memory_image", [False, True], ids=["from disk", "from the copy"])
def test_workers_import_this_installation_whatever_the_directory(
        tracked: TrackedStore, memory_image: bool, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A service started from a directory that holds another ``hsvo_graph`` package starts its
    query workers and image host from its own installation: the other package's modules,
    which would leave a mark and answer nothing, are never run."""
    elsewhere = tmp_path / "elsewhere"
    mark = tmp_path / "imported"
    for module in ("hsvo_graph/__init__.py", "hsvo_graph/sparql/__init__.py",
                   "hsvo_graph/sparql/worker.py", "hsvo_graph/sparql/images.py"):
        path = elsewhere / module
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"open({str(mark)!r}, 'a').write({module!r})\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    pool = WorkerPool(tracked, 30.0, 1, memory_image=memory_image)
    try:
        if memory_image:
            wait_until(lambda: in_memory(pool) == 1)
        assert count(pool) > 10_000
    finally:
        pool.close()
    assert not mark.exists()


def test_a_pipe_kept_at_its_default_size_still_carries_long_answers(
        tracked: TrackedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system refuses a bigger pipe (a lower pipe-max-size, the user's pipe quota
    spent), replies go through the default 64 KiB pipe, in turns, and arrive whole."""
    import fcntl

    from hsvo_graph.sparql import worker

    real = fcntl.fcntl

    def refusing(fd: int, command: int, *rest: object) -> object:
        if command == fcntl.F_SETPIPE_SZ:
            raise PermissionError("pipe-user-pages-soft")
        return real(fd, command, *rest)

    monkeypatch.setattr(worker.fcntl, "fcntl", refusing)
    read_end, write_end = worker.reply_pipe()
    try:
        assert real(write_end, fcntl.F_GETPIPE_SZ) == 64 * 1024
    finally:
        os.close(read_end)
        os.close(write_end)
    pool = WorkerPool(tracked, 30.0, 1)
    try:
        request = QueryRequest("SELECT * { ?s ?p ?o }", JSON, "text/turtle", None)
        assert len(json.loads(pool.run_blocking(request, 30).body)["results"]["bindings"]) == count(pool)
    finally:
        pool.close()
