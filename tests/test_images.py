"""Image hosts (hsvo_graph.sparql.images), proven: a forked worker answers exactly like the
generation on disk, has no network, and is ready in milliseconds; the copy needs nothing on
disk once built; killing workers (mid-query, or fifty times over) leaves the host forking and
no zombie behind; a dead host is never ready, and closing a host, or killing the service that
started it, leaves no process at all."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from hsvo_graph.sparql.images import ForkedWorker, ImageError, ImageHost
from hsvo_graph.sparql.worker import QueryRequest, execute
from hsvo_graph.store.generations import GenerationGone, Generations

from .evasion.canary import canary
from .servers import wait_until
from .test_limits import RUNAWAY

JSON = "application/sparql-results+json"
EX = "http://example.org/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def gone(pid: int) -> bool:
    """The process no longer exists, not even as a zombie."""
    return not Path(f"/proc/{pid}").exists()


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _fill(size: int) -> Callable[[ox.Store], None]:
    def fill(store: ox.Store) -> None:
        node = ox.BlankNode("b0")
        store.extend(
            [ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p{i % 3}"),
                     ox.Literal(f"värde {i}", language="sv") if i % 2 else ox.Literal(str(i)),
                     ox.NamedNode(f"{EX}g{i % 4}") if i % 5 else ox.DefaultGraph())
             for i in range(size)]
            + [ox.Quad(node, ox.NamedNode(f"{EX}about"), ox.NamedNode(f"{EX}s1"),
                       ox.NamedNode(f"{EX}g1"))])
    return fill


@pytest.fixture
def generations(tmp_path: Path) -> Generations:
    generations = Generations(tmp_path / "store")
    generations.write(_fill(2000), copy_current=False)
    return generations


@pytest.fixture
def host(generations: Generations) -> Iterator[ImageHost]:
    current = generations.current()
    assert current is not None
    image = ImageHost(current)
    try:
        assert image.wait_ready(60), image.failure()
        yield image
    finally:
        image.close()


def ask(worker: ForkedWorker, request: QueryRequest | str, timeout: float = 30) -> tuple[str, object]:
    if isinstance(request, str):
        request = QueryRequest(request, JSON, "application/n-triples", None)
    worker.requests.send(("query", request))
    assert worker.replies.poll(timeout), "the worker did not answer"
    reply = worker.replies.recv()
    return reply[0], reply[1]  # an answer also says how long its query took


def count(worker: ForkedWorker) -> int:
    kind, encoded = ask(worker, COUNT)
    assert kind == "ok"
    return int(json.loads(encoded.body)["results"]["bindings"][0]["n"]["value"])  # type: ignore[attr-defined]


REQUESTS = [
    QueryRequest(COUNT, JSON, "text/turtle", None),
    QueryRequest(COUNT, JSON, "text/turtle", None, union_default=False),
    QueryRequest(f"SELECT ?s ?o WHERE {{ ?s <{EX}p1> ?o }} ORDER BY ?s", "text/csv", "text/turtle", 50),
    QueryRequest(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g ORDER BY ?g",
                 JSON, "text/turtle", None),
    QueryRequest(f"SELECT * WHERE {{ ?s ?p ?o }} ORDER BY ?s ?p ?o", JSON, "text/turtle", None,
                 union_default=False, default_graphs=(f"{EX}g2",)),
    QueryRequest(f"ASK {{ ?b <{EX}about> <{EX}s1> }}", JSON, "text/turtle", None),
    QueryRequest(f"CONSTRUCT {{ ?s <{EX}q> ?o }} WHERE {{ ?s <{EX}p2> ?o FILTER(LANG(?o) = 'sv') }} "
                 f"ORDER BY ?s", JSON, "application/n-triples", None),
    QueryRequest(f"DESCRIBE <{EX}s3>", JSON, "text/turtle", None, prefixes={"ex": EX}),
]


def test_a_forked_worker_answers_exactly_like_the_generation_on_disk(generations: Generations,
                                                                    host: ImageHost):
    disk = ox.Store.read_only(str(generations.current()))
    worker = host.fork_worker()
    try:
        for request in REQUESTS:
            assert ask(worker, request) == ("ok", execute(disk, request)), request.query
        kind, message = ask(worker, "SELECT WHERE {")
        assert kind == "syntax" and message
        assert count(worker) == 2001  # the worker still answers after the error
    finally:
        worker.kill()


def test_a_forked_worker_is_ready_in_milliseconds(host: ImageHost):
    times = []
    for _ in range(5):
        started = time.perf_counter()
        worker = host.fork_worker()
        assert ask(worker, "ASK {}")[0] == "ok"
        times.append(time.perf_counter() - started)
        worker.kill()
    assert sorted(times)[2] < 0.25, times  # typically ~10 ms; generous on a shared machine


@pytest.mark.parametrize("silent", ["", "SILENT"])
def test_a_forked_worker_reaches_no_host(host: ImageHost, silent: str):
    """The forked child isolates itself like a spawned worker (it is single-threaded: fork
    copies only the host's one thread, so its unshare works)."""
    worker = host.fork_worker()
    try:
        with canary() as bird:
            kind, message = ask(worker, f"SELECT * WHERE {{ SERVICE {silent} <{bird.url}> {{ ?s ?p ?o }} }}")
            if silent:
                assert kind == "ok"
            else:
                assert kind == "error" and any(w in str(message) for w in ("unreachable", "denied")), message
            assert ask(worker, "ASK {}")[0] == "ok"
        assert bird.hits == []
        assert os.readlink(f"/proc/{worker.pid}/ns/net") != os.readlink("/proc/self/ns/net")
    finally:
        worker.kill()


def test_a_worker_says_when_it_has_outgrown_a_memory_budget(host: ImageHost):
    worker = host.fork_worker()
    assert count(worker) == 2001
    assert not worker.outgrown(64 << 20)  # a fresh worker shares nearly all of its image
    assert worker.outgrown(1)  # but it has written a page or two of its own
    worker.kill()
    with pytest.raises(ProcessLookupError):
        worker.outgrown(1)


def test_an_image_worker_does_not_open_other_generations(host: ImageHost):
    worker = host.fork_worker()
    try:
        worker.requests.send(("open", None))
        kind, message = worker.replies.recv()
        assert kind == "error" and "in-memory copy" in message
        assert count(worker) == 2001
    finally:
        worker.kill()


def test_the_copy_needs_nothing_on_disk_once_built(generations: Generations, host: ImageHost):
    """The host's lease is gone once it is ready, so a write deletes the old generation; the
    host's workers still answer from their copy of it."""
    old = host.directory
    generations.write(_fill(10), copy_current=False)  # deletes the unused generations
    assert not old.exists()
    worker = host.fork_worker()
    try:
        assert count(worker) == 2001
    finally:
        worker.kill()


def test_the_generation_is_leased_until_the_copy_is_built(generations: Generations):
    current = generations.current()
    assert current is not None
    image = ImageHost(current)
    try:
        generations.write(_fill(10), copy_current=False)
        assert current.exists()  # still building: held
        assert image.wait_ready(60), image.failure()
        assert current.name in generations.collect()
    finally:
        image.close()


def test_a_gone_generation_is_refused_at_once(tmp_path: Path):
    with pytest.raises(GenerationGone):
        ImageHost(tmp_path / "gen-000009")


def test_a_worker_killed_mid_query_leaves_the_host_forking(host: ImageHost):
    runaway = host.fork_worker()
    runaway.requests.send(("query", QueryRequest(RUNAWAY, JSON, "text/turtle", None)))
    assert not runaway.replies.poll(0.3)  # still running
    runaway.kill()
    runaway.kill()  # idempotent
    wait_until(lambda: gone(runaway.pid), within=10)  # reaped by the host
    worker = host.fork_worker()
    try:
        assert count(worker) == 2001
        assert host.ready()
    finally:
        worker.kill()


def test_many_forks_and_kills_leave_no_zombies(host: ImageHost):
    pids = []
    for i in range(50):
        worker = host.fork_worker()
        pids.append(worker.pid)
        if i % 2:
            assert ask(worker, "ASK {}")[0] == "ok"
            worker.kill()
        else:  # the service just closes its ends: the worker exits on end of file
            worker.requests.close()
            worker.replies.close()
            os.close(worker.pidfd)
    wait_until(lambda: all(gone(pid) for pid in pids), within=10)
    assert children(host.pid) == []
    assert host.ready()


def test_threads_fork_at_once_and_each_worker_ends_with_its_own_pipe(host: ImageHost):
    """Each worker holds only its own pipes (the host keeps none), so a worker whose service
    closes its pipe exits even while its siblings live."""
    with ThreadPoolExecutor(4) as pool:
        workers = list(pool.map(lambda _: host.fork_worker(), range(12)))
    assert len({w.pid for w in workers}) == 12
    assert all(count(w) == 2001 for w in workers)
    first, rest = workers[0], workers[1:]
    first.requests.close()
    wait_until(lambda: gone(first.pid), within=10)
    assert all(count(w) == 2001 for w in rest)
    for worker in workers:
        worker.kill()


def test_a_killed_host_is_not_ready_and_forks_nothing(host: ImageHost):
    worker = host.fork_worker()
    os.kill(host.pid, signal.SIGKILL)
    wait_until(lambda: not host.ready(), within=10)
    assert "status -9" in str(host.failure())
    with pytest.raises(ImageError):
        host.fork_worker()
    wait_until(lambda: gone(worker.pid), within=10)  # PR_SET_PDEATHSIG, then reaped by init
    worker.kill()


def test_close_leaves_no_process(host: ImageHost):
    workers = [host.fork_worker() for _ in range(3)]
    busy = workers[0]
    busy.requests.send(("query", QueryRequest(RUNAWAY, JSON, "text/turtle", None)))
    host_pid = host.pid
    host.close()
    host.close()  # idempotent
    for pid in [host_pid, *(w.pid for w in workers)]:
        assert gone(pid), pid  # killed and reaped before close() returned
    assert not host.ready() and host.failure() == "the image host was closed"
    with pytest.raises(ImageError, match="closed"):
        host.fork_worker()
    for worker in workers:
        worker.kill()


def test_closing_while_the_copy_is_built_leaves_no_process(generations: Generations):
    current = generations.current()
    assert current is not None
    image = ImageHost(current)
    image.close()
    assert gone(image.pid)
    assert not image.wait_ready(0.1)


_SERVICE = """
import sys, time
from pathlib import Path
from hsvo_graph.sparql.images import ImageHost
host = ImageHost(Path(sys.argv[1]))
assert host.wait_ready(60), host.failure()
worker = host.fork_worker()
print(host.pid, worker.pid, flush=True)
time.sleep(600)
"""


def test_a_host_whose_service_dies_exits_with_its_workers(generations: Generations):
    service = subprocess.Popen([sys.executable, "-c", _SERVICE, str(generations.current())],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert service.stdout is not None
        host_pid, worker_pid = map(int, service.stdout.readline().split())
    finally:
        service.kill()
        service.wait()
    wait_until(lambda: gone(host_pid) and gone(worker_pid), within=10)


def test_a_worker_is_looked_at_whatever_its_pidfds_number() -> None:
    """With more than a thousand connections open, the service's descriptors pass 1024, which
    select() refuses: looking whether a worker outgrew its share must still work, and still
    see, by its pidfd, that it has exited (a zombie's /proc files are still there)."""
    child = subprocess.Popen(["sleep", "30"])
    opened, high = os.pidfd_open(child.pid), 1500
    os.dup2(opened, high)
    os.close(opened)
    worker = ForkedWorker(child.pid, None, None, high, None, None)  # type: ignore[arg-type]
    try:
        assert "sleep" in worker._proc("stat")
        child.kill()
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped
        with pytest.raises(ProcessLookupError):
            worker._proc("stat")
    finally:
        child.kill()
        child.wait()
        os.close(high)
