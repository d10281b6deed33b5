"""Run public queries with a hard time limit, never on the event loop.

Embedded store: pyoxigraph cannot stop a running query, so queries run in a pool of worker
processes (``hsvo_graph.sparql.worker``), one per CPU by default. Each opens the store's current
generation read-only (``hsvo_graph.store.generations``) and switches to the next one when a write
has published it; the pool holds each worker's lease on its generation, so a generation is
deleted as soon as no worker (nor any other reader) uses it. A worker that passes the time
limit, or whose client went away (the awaiting task is cancelled), is killed and replaced; the
others keep answering. The time spent waiting for a free worker counts against the limit.

Remote store: the query goes over HTTP with a timeout just above the limit, and the request
is answered (503) at the limit. Start the server with ``oxigraph serve --timeout-s N`` so
that it stops evaluating too.

Both answer in the negotiated format with the row cap applied (``hsvo_graph.sparql.results``).
"""

import concurrent.futures
import math
import os
import queue
import subprocess
import sys
import threading
import time
from abc import ABC, abstractmethod
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import anyio
import pyoxigraph as ox

from hsvo_graph.sparql.reader import ExecutorReader
from hsvo_graph.sparql.results import Encoded, encode, encode_graph
from hsvo_graph.store.generations import Lease, lease_current
from hsvo_graph.store.snapshot import Snapshot, Snapshots
from hsvo_graph.store import EmbeddedStore, QuerySyntaxError, RemoteStore, StoreError
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.sparql.worker import QueryRequest

_REMOTE_CALLS = 16  # HTTP calls to a remote store at once (abandoned ones included)
_POLL_S = 0.05  # how often a waiting thread looks whether its client went away
_JSON = "application/sparql-results+json"
_N_TRIPLES = "application/n-triples"


class QueryTimeout(RuntimeError):
    """The query ran past the time limit and was stopped."""


class ServiceBusy(RuntimeError):
    """Every query worker stayed busy for a whole time limit."""


class Abandoned(RuntimeError):
    """The request was cancelled (its client went away) while it waited or ran."""


class Executor(ABC):
    """Runs public queries under the limits; also hands out the dataset snapshot."""

    def __init__(self, store: TrackedStore, time_limit_s: float, max_rows: int | None) -> None:
        self.store = store
        self.time_limit_s = time_limit_s
        self.snapshots = Snapshots(store)
        self.max_rows = max_rows

    @abstractmethod
    async def run(self, request: QueryRequest) -> Encoded:
        """The encoded answer; QuerySyntaxError, QueryTimeout, ServiceBusy or StoreError."""

    @abstractmethod
    def run_blocking(self, request: QueryRequest, budget_s: float) -> Encoded:
        """Like ``run``, blocking the calling thread, within ``budget_s`` seconds (waiting
        for a worker included)."""

    def reader(self, *, capped: bool = True) -> ExecutorReader:
        """A reader whose queries share one deadline: the time limit from now. ``capped``:
        answers are cut at the row cap (pages); uncapped readers are for the service's own
        whole reads (the validation context), still under the time limit."""
        return ExecutorReader(self, time.monotonic() + self.time_limit_s,
                              self.max_rows if capped else None)

    @abstractmethod
    async def graph_names(self) -> list[str]:
        """The named graphs a query can see."""

    async def snapshot(self) -> Snapshot:
        """The dataset as it is now (read in a worker thread)."""
        return await anyio.to_thread.run_sync(self.snapshots.current)

    def close(self) -> None:
        """Stop background processes (none by default)."""


class _Worker:
    """One worker process, the parent's ends of its two pipes, and the lease on the generation
    it has open (held here, so a killed worker's generation can be deleted at once)."""

    def __init__(self) -> None:
        to_child, requests = os.pipe()
        replies, from_child = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hsvo_graph.sparql.worker", str(to_child), str(from_child)],
            pass_fds=(to_child, from_child), stdin=subprocess.DEVNULL,
        )
        os.close(to_child)
        os.close(from_child)
        self.requests = Connection(requests, readable=False)
        self.replies = Connection(replies, writable=False)
        self.opened = False
        self.lease: Lease | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def directory(self) -> Path | None:
        """The generation this worker answers from (None: the empty store)."""
        return None if self.lease is None else self.lease.directory

    def ask(self, message: tuple[str, Any], timeout: float,
            stop: threading.Event | None = None) -> tuple[str, Any] | None:
        """Send one message and wait for its reply; None when ``timeout`` passes first.
        Abandoned when ``stop`` is set while waiting."""
        deadline = time.monotonic() + timeout
        try:
            self.requests.send(message)
            while not self.replies.poll(min(_POLL_S, max(0.0, deadline - time.monotonic()))):
                if stop is not None and stop.is_set():
                    raise Abandoned("the client went away")
                if time.monotonic() >= deadline:
                    return None
            reply: tuple[str, Any] = self.replies.recv()
        except (EOFError, OSError) as exc:
            raise StoreError(f"query worker {self.pid} stopped unexpectedly: {exc}") from exc
        return reply

    def open(self, lease: Lease | None, timeout: float) -> bool:
        """Switch to the generation ``lease`` holds (None: the empty store); False when
        ``timeout`` passed first (a fresh worker is still starting)."""
        directory = None if lease is None else str(lease.directory)
        reply = self.ask(("open", directory), timeout)
        if reply is None:
            return False
        if reply[0] != "opened":
            raise StoreError(f"query worker {self.pid} could not open {directory}: {reply}")
        self.lease, self.opened = lease, True  # the old lease (if any) is released here
        return True

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.requests.close()
        self.replies.close()
        self.lease = None


class WorkerPool(Executor):
    """``size`` worker processes over the generations of an embedded store."""

    def __init__(self, store: TrackedStore, time_limit_s: float, size: int,
                 max_rows: int | None = None) -> None:
        super().__init__(store, time_limit_s, max_rows)
        embedded: EmbeddedStore = store.inner  # type: ignore[assignment]
        self._generations = embedded.generations
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(max(1, size)):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        worker = _Worker()
        with self._lock:
            self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and put a fresh one in the pool in its place (none once closed)."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
        self._generations.collect()
        if not self._closed:
            self._idle.put(self._spawn())

    @property
    def busy(self) -> int:
        """How many workers are answering a query right now."""
        with self._lock:
            return len(self._workers) - self._idle.qsize()

    @property
    def pids(self) -> list[int]:
        """Process ids of the current workers (for tests and monitoring)."""
        with self._lock:
            return [w.pid for w in self._workers]

    async def run(self, request: QueryRequest) -> Encoded:
        """Run in a thread; when this task is cancelled (the client went away), the thread
        stops waiting and the worker is killed, so an abandoned request frees its worker."""
        stop = threading.Event()
        try:
            return await anyio.to_thread.run_sync(
                self._run, request, self.time_limit_s, stop, abandon_on_cancel=True)
        except anyio.get_cancelled_exc_class():
            stop.set()
            raise

    async def graph_names(self) -> list[str]:
        return list((await self.snapshot()).graphs)

    def run_blocking(self, request: QueryRequest, budget_s: float) -> Encoded:
        return self._run(request, budget_s, None)

    def _run(self, request: QueryRequest, budget_s: float, stop: threading.Event | None) -> Encoded:
        deadline = time.monotonic() + budget_s
        if budget_s <= 0:
            raise QueryTimeout(self._timeout_message("the time limit was used up"))
        worker = self._take(deadline, stop)
        waited = budget_s - (deadline - time.monotonic())
        try:
            kind, payload = self._ask(worker, request, deadline, stop)
        except QueryTimeout as exc:
            self._replace(worker)
            if waited > budget_s / 2:  # the time went on waiting for a worker, not on the query
                raise ServiceBusy(
                    f"all query workers were busy for {waited:.1f} s of the "
                    f"{self.time_limit_s:g} s time limit; try again shortly") from exc
            raise
        except BaseException:
            self._replace(worker)
            raise
        self._idle.put(worker)
        if kind == "ok":
            return payload
        if kind == "syntax":
            raise QuerySyntaxError(payload)
        raise StoreError(f"query failed: {payload}")

    def _take(self, deadline: float, stop: threading.Event | None) -> _Worker:
        """An idle worker, waiting until ``deadline`` at most (or until ``stop``)."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ServiceBusy("all query workers are busy; try again shortly")
            try:
                return self._idle.get(timeout=min(_POLL_S, remaining) if stop else remaining)
            except queue.Empty:
                if stop is not None and stop.is_set():
                    raise Abandoned("the client went away") from None

    def _ask(self, worker: _Worker, request: QueryRequest, deadline: float,
             stop: threading.Event | None) -> tuple[str, Any]:
        """The worker's reply, after switching it to the current generation if a write has
        published a new one since its last query."""
        if not worker.opened or worker.directory != self._generations.current():
            # within the request's time, like the query: a fresh worker may still be starting
            if not worker.open(lease_current(self._generations.root),
                               max(0.0, deadline - time.monotonic())):
                raise QueryTimeout(self._timeout_message("no query worker was ready"))
            self._generations.collect()  # its previous generation may be unused now
        reply = worker.ask(("query", request), max(0.0, deadline - time.monotonic()), stop)
        if reply is None:
            raise QueryTimeout(self._timeout_message("it was stopped"))
        return reply

    def _timeout_message(self, what: str) -> str:
        return (f"the request ran longer than the time limit of {self.time_limit_s:g} s "
                f"(waiting for a query worker included) and {what}")

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.kill()


class RemoteExecutor(Executor):
    """Queries to a remote SPARQL server with an HTTP timeout tied to the time limit."""

    def __init__(self, store: TrackedStore, time_limit_s: float, max_rows: int | None = None) -> None:
        super().__init__(store, time_limit_s, max_rows)
        inner: RemoteStore = store.inner  # type: ignore[assignment]
        self._remote = RemoteStore(
            inner.query_url, inner.update_url, inner.gsp_url, math.ceil(time_limit_s) + 1,
            inner.dialect,
        )
        # HTTP calls run here so that a caller can stop waiting at its deadline
        self._calls = concurrent.futures.ThreadPoolExecutor(
            max_workers=_REMOTE_CALLS, thread_name_prefix="hsvo-remote")

    async def run(self, request: QueryRequest) -> Encoded:
        return await anyio.to_thread.run_sync(self.run_blocking, request, self.time_limit_s)

    async def graph_names(self) -> list[str]:
        return await anyio.to_thread.run_sync(self.store.graph_names)

    def run_blocking(self, request: QueryRequest, budget_s: float) -> Encoded:
        """The answer within ``budget_s``; past it the request is abandoned (its HTTP call
        ends by the client's own timeout, just above the limit, and the server's)."""
        timeout = QueryTimeout(f"the request ran longer than the time limit of "
                               f"{self.time_limit_s:g} s and was abandoned")
        if budget_s <= 0:
            raise timeout
        future = self._calls.submit(self._run, request)
        try:
            return future.result(timeout=budget_s)
        except concurrent.futures.TimeoutError as exc:
            raise timeout from exc

    def close(self) -> None:
        self._calls.shutdown(wait=False, cancel_futures=True)

    def _run(self, request: QueryRequest) -> Encoded:
        # a query's own FROM arrives here as graph lists (hsvo_graph.sparql.protocol.query_dataset)
        response = self._remote.query(
            request.query, solutions_format=_JSON, graph_format=_N_TRIPLES,
            default_graphs=request.default_graphs, named_graphs=request.named_graphs,
        )
        if response.media_type == _JSON:
            parsed = ox.parse_query_results(response.body, format=ox.QueryResultsFormat.JSON)
            return encode(parsed, request.solutions_type, request.graph_type,
                          request.max_rows, request.prefixes)
        fmt = ox.RdfFormat.from_media_type(response.media_type)
        if fmt is None:
            raise StoreError(f"remote store answered with unexpected {response.media_type!r}")
        triples = (q.triple for q in ox.parse(response.body, format=fmt))
        return encode_graph(triples, request.graph_type, request.max_rows, request.prefixes)


def open_executor(store: TrackedStore, time_limit_s: float, workers: int,
                  max_rows: int | None = None) -> Executor:
    """Worker processes for a local store, HTTP timeouts for a remote one; ``max_rows`` caps
    what the service's own readers get."""
    if isinstance(store.inner, RemoteStore):
        return RemoteExecutor(store, time_limit_s, max_rows)
    return WorkerPool(store, time_limit_s, workers, max_rows)
