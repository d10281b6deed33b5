"""Run public queries with a hard time limit, never on the event loop.

Embedded store: pyoxigraph cannot stop a running query, so queries run in a pool of worker
processes (``hsvo_graph.sparql.worker``), one per CPU by default. Each opens the store's current
generation read-only (``hsvo_graph.store.generations``) and switches to the next one when a write
has published it; the pool holds each worker's lease on its generation, so a generation is
deleted as soon as no worker (nor any other reader) uses it. A worker that passes the time
limit, or whose client went away (the awaiting task is cancelled), is killed and replaced; the
others keep answering. The time spent waiting for a free worker counts against the limit.
A request costs no thread hop: the event loop watches the worker's reply pipe.

Remote store: the query goes over HTTP with a timeout just above the limit, and the request
is answered (503) at the limit. Start the server with ``oxigraph serve --timeout-s N`` so
that it stops evaluating too.

Both answer in the negotiated format with the row cap applied (``hsvo_graph.sparql.results``).
"""

import asyncio
import collections
import contextlib
import logging
import concurrent.futures
import math
import os
import pickle
import select
import socket
import struct
import subprocess
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import anyio
import pyoxigraph as ox

from hsvo_graph.sparql.reader import AnswerMemo, DatasetMemo, ExecutorReader
from hsvo_graph.sparql.results import (
    MAX_VALUE_BYTES, Encoded, encode, encode_graph, encode_json_solutions, encode_ntriples,
)
from hsvo_graph.sparql.direct import IDLE, WRITING, Answerable, Pin
from hsvo_graph.sparql.images import ForkedWorker, ImageError, ImageHost
from hsvo_graph.sparql.inline import InlineAnswers, could_reach_network
from hsvo_graph.sparql.protocol import with_base
from hsvo_graph.store.generations import GenerationGone, Lease, lease_current, same_generation
from hsvo_graph.store.snapshot import Snapshot, Snapshots
from hsvo_graph.store import EmbeddedStore, QuerySyntaxError, RemoteStore, StoreError
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.sparql.worker import QueryRequest, module_command, refused_without_data, reply_pipe

log = logging.getLogger(__name__)
_IMAGE_BUILD_S = 3600.0  # an in-memory copy not built within this is given up
_LONG_QUERY_S = 0.005  # after a query this long, look whether its worker outgrew its share
_GROWTH_CHECK_EVERY = 64  # ... and after every this many queries
_REMOTE_CALLS = 16  # HTTP calls to a remote store at once (abandoned ones included)
_REMOTE_MEMO_S = 60  # how long dataset-wide readings of a remote store are kept at most
# A worker's reply is read first in a chunk of up to _FIRST_READ_BYTES (before its length is
# known): below malloc's mmap threshold, so a small reply costs no mmap/munmap pair (and no
# TLB flush across the service's threads); a longer one is then read into its frame in place
_FIRST_READ_BYTES = 64 * 1024
_TIMED_OUT = object()  # what _receive answers when the deadline passed first
_SCAN_S = 0.01  # how often the slots of pinned workers are looked at (the time limit's grain)
_HUNG_UP_AFTER_S = 0.002  # a query running this long is stopped when its client has hung up
_GROWTH_SCANS = 100  # every this many scans, a pinned worker that has outgrown its share goes
_HUNG_UP = select.POLLRDHUP | select.POLLHUP | select.POLLERR
_JSON = "application/sparql-results+json"
_N_TRIPLES = "application/n-triples"


class QueryTimeout(RuntimeError):
    """The query ran past the time limit and was stopped."""


class ServiceBusy(RuntimeError):
    """Every query worker stayed busy for a whole time limit."""


class WorkerLost(StoreError):
    """A query worker died before it answered (its pipe broke or closed). The message is for
    the client: the process id and the cause go to the log (``WorkerPool._run``)."""

    def __init__(self, cause: str) -> None:
        super().__init__("the query worker stopped unexpectedly while answering and has been "
                         "replaced (one known cause: Oxigraph ends its process on some ORDER "
                         "BY over values of different kinds; ordering by STR() of them avoids it)")
        self.cause = cause


_LOGGED_QUERY_CHARS = 200  # how much of a query that killed its worker the log shows


class Executor(ABC):
    """Runs public queries under the limits; also hands out the dataset snapshot."""

    def __init__(self, store: TrackedStore, time_limit_s: float, max_rows: int | None) -> None:
        self.store = store
        self.time_limit_s = time_limit_s
        self.snapshots = Snapshots(store)
        self.max_rows = max_rows
        self.memo = DatasetMemo(self.data_version)
        self.answers = AnswerMemo(self.data_version)

    @abstractmethod
    def data_version(self) -> Hashable:
        """Changes whenever the dataset may have changed (``memo`` is dropped then)."""

    @abstractmethod
    async def run(self, request: QueryRequest, budget_s: float | None = None) -> Encoded:
        """The encoded answer within ``budget_s`` seconds (the time limit unless given:
        a request that has read something already passes what is left of its deadline);
        QuerySyntaxError, QueryTimeout, ServiceBusy or StoreError."""

    @abstractmethod
    def run_blocking(self, request: QueryRequest, budget_s: float) -> Encoded:
        """Like ``run``, blocking the calling thread, within ``budget_s`` seconds (waiting
        for a worker included)."""

    def reader(self, *, capped: bool = True, budget_s: float | None = None) -> ExecutorReader:
        """A reader whose queries share one deadline: ``budget_s`` from now, the time limit
        unless given. ``capped``: answers are cut at the row cap (pages); uncapped readers
        are for the service's own whole reads (the validation context, with a budget of its
        own)."""
        budget = self.time_limit_s if budget_s is None else budget_s
        return ExecutorReader(self, time.monotonic() + budget,
                              self.max_rows if capped else None)

    @abstractmethod
    async def graph_names(self) -> list[str]:
        """The named graphs a query can see."""

    def answer_now(self, request: QueryRequest) -> Encoded | None:
        """The answer without waiting for anything, when the executor has one at hand (a
        request known to be cheap, answered in this process: ``sparql.inline``); None
        otherwise, and ``run`` answers. Never raises for the query: a failure is run's."""
        return None

    def status(self) -> dict[str, int]:
        """Figures for /health (none by default)."""
        return {}

    async def snapshot(self) -> Snapshot:
        """The dataset as it is now (read in a worker thread)."""
        return await anyio.to_thread.run_sync(self.snapshots.current)

    def close(self) -> None:
        """Stop background processes (none by default)."""


def _frame_size(buffer: bytearray) -> tuple[int, int] | None:
    """(header length, payload length) of the ``multiprocessing.Connection`` frame at the
    start of ``buffer``, once its header is complete: a signed 4-byte big-endian length, or
    -1 followed by an 8-byte length for payloads over 2 GiB."""
    if len(buffer) < 4:
        return None
    (size,) = struct.unpack_from("!i", buffer)
    if size != -1:
        return 4, size
    if len(buffer) < 12:
        return None
    return 12, struct.unpack_from("!Q", buffer, 4)[0]


async def _receive(fd: int, deadline: float | None) -> Any:
    """The next message a worker wrote to ``fd`` (a ``Connection.send`` frame), read on the
    event loop without blocking it; ``_TIMED_OUT`` when ``deadline`` passes first (None:
    no deadline)."""
    loop = asyncio.get_running_loop()
    arrived: asyncio.Future[Any] = loop.create_future()
    head = bytearray()  # what has come before the frame's length is known
    # then the whole frame, allocated once and read into in place: a reply read in chunks
    # and joined was copied (and its fresh pages faulted in) three times, 1.3 ms of the
    # service's CPU for a 780 KB answer
    frame: bytearray | None = None
    payload_at, filled = 0, 0

    def readable() -> None:
        nonlocal frame, payload_at, filled
        error: OSError | None = None
        try:
            if frame is None:
                chunk = os.read(fd, _FIRST_READ_BYTES)
                count = len(chunk)
            else:
                count = os.readv(fd, [memoryview(frame)[filled:]])
        except OSError as exc:
            count, error = 0, exc
        if arrived.done():
            return
        if not count:
            arrived.set_exception(EOFError(error or "the worker closed its pipe"))
            return
        if frame is None:
            head.extend(chunk)
            size = _frame_size(head)
            if size is None:
                return
            payload_at, end = size[0], size[0] + size[1]
            if len(head) >= end:  # a small reply: one read
                arrived.set_result(pickle.loads(memoryview(head)[payload_at:end]))
                return
            frame = bytearray(end)
            frame[:len(head)] = head
            filled = len(head)
        else:
            filled += count
        if filled == len(frame):
            arrived.set_result(pickle.loads(memoryview(frame)[payload_at:]))

    loop.add_reader(fd, readable)
    def expire() -> None:
        if not arrived.done():
            arrived.set_result(_TIMED_OUT)

    timer = None if deadline is None else loop.call_later(max(0.0, deadline - time.monotonic()),
                                                           expire)
    try:
        return await arrived
    finally:
        if timer is not None:
            timer.cancel()
        loop.remove_reader(fd)


class _Worker:
    """A query worker: a process started for the pool, which opens generations on disk, or one
    forked by an image host, which answers from the host's in-memory copy of one generation.
    The parent's ends of its two pipes, and the lease on the generation a started worker has
    open (held here, so a killed worker's generation can be deleted at once)."""

    def __init__(self, pid: int, requests: Connection, replies: Connection,
                 stop: Callable[[], None], forked: ForkedWorker | None = None,
                 image: ImageHost | None = None) -> None:
        self.pid = pid
        self.requests, self.replies = requests, replies
        self._stop = stop
        self.forked, self.image = forked, image
        self.opened = image is not None
        self.lease: Lease | None = None
        self.queries = 0

    @classmethod
    def started(cls) -> "_Worker":
        to_child, requests = os.pipe()
        replies, from_child = reply_pipe()
        process = subprocess.Popen(
            module_command("hsvo_graph.sparql.worker", str(to_child), str(from_child)),
            pass_fds=(to_child, from_child), stdin=subprocess.DEVNULL,
        )
        os.close(to_child)
        os.close(from_child)

        def stop() -> None:
            process.kill()
            process.wait()

        return cls(process.pid, Connection(requests, readable=False),
                   Connection(replies, writable=False), stop)

    @classmethod
    def forked_from(cls, image: ImageHost) -> "_Worker":
        forked = image.fork_worker()
        return cls(forked.pid, forked.requests, forked.replies, forked.kill, forked, image)

    @property
    def directory(self) -> Path | None:
        """The generation this worker answers from (None: the empty store)."""
        if self.image is not None:
            return self.image.directory
        return None if self.lease is None else self.lease.directory

    async def ask(self, message: tuple[str, Any], deadline: float) -> tuple[Any, ...] | None:
        """Send one message and wait for its reply; None when ``deadline`` passes first.
        (Requests are small, so writing one never waits long on the pipe; plain pickle,
        which the worker's ``Connection.recv`` reads, costs half of ``Connection.send``'s.)"""
        try:
            self.requests.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
            reply: tuple[Any, ...] | None = await _receive(self.replies.fileno(), deadline)
        except (EOFError, OSError) as exc:
            raise WorkerLost(str(exc)) from exc
        return None if reply is _TIMED_OUT else reply

    async def open(self, lease: Lease | None, deadline: float) -> bool:
        """Switch to the generation ``lease`` holds (None: the empty store); False when
        ``deadline`` passed first (a fresh worker is still starting)."""
        directory = None if lease is None else str(lease.directory)
        reply = await self.ask(("open", directory), deadline)
        if reply is None:
            return False
        if reply[0] != "opened":
            log.error("query worker %d could not open %s: %r", self.pid, directory, reply)
            raise StoreError("a query worker could not open the current data")
        self.lease, self.opened = lease, True  # the old lease (if any) is released here
        return True

    def outgrown(self, budget: int) -> bool:
        """Whether this image worker has made more than ``budget`` bytes of the shared copy
        private (see ``ForkedWorker.outgrown``); a started worker never has."""
        try:
            return self.forked is not None and self.forked.outgrown(budget)
        except ProcessLookupError:
            return True

    def kill(self) -> None:
        self._stop()
        self.requests.close()
        self.replies.close()
        self.lease = None


class _IdleWorkers:
    """The idle workers, shared by every caller: requests on the service's event loop and
    blocking reads from page threads (each on its own loop). Waiters are
    ``concurrent.futures`` futures, which any thread can complete and any loop can await."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: collections.deque[_Worker] = collections.deque()
        self._waiters: collections.deque[concurrent.futures.Future[_Worker]] = collections.deque()

    def __len__(self) -> int:
        return len(self._idle)

    def put(self, worker: _Worker) -> None:
        """Hand ``worker`` to the longest waiting caller, or keep it."""
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                if waiter.set_running_or_notify_cancel():  # False: that caller gave up
                    waiter.set_result(worker)
                    return
            self._idle.append(worker)

    def pids(self) -> set[int]:
        """Process ids of the idle workers."""
        with self._lock:
            return {worker.pid for worker in self._idle}

    def take_now(self) -> _Worker | None:
        """An idle worker at once, if one is idle and nobody waits; else None."""
        with self._lock:
            if self._waiters or not self._idle:
                return None
            return self._idle.pop()

    def take_all(self) -> list[_Worker]:
        """Every idle worker, at once (they are busy until put back)."""
        with self._lock:
            taken, self._idle = list(self._idle), collections.deque()
        return taken

    async def take(self, deadline: float) -> _Worker:
        """An idle worker, waiting until ``deadline`` at most (ServiceBusy after that)."""
        with self._lock:
            if self._idle:  # the worker put back last: its pages and caches are warm, and
                return self._idle.pop()  # at low load the others sleep on untouched
            waiter: concurrent.futures.Future[_Worker] = concurrent.futures.Future()
            self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(waiter),
                                          max(0.0, deadline - time.monotonic()))
        except BaseException as exc:
            if not waiter.cancel():  # a worker was handed over while we gave up: not lost
                self.put(waiter.result())
            if isinstance(exc, asyncio.TimeoutError):
                raise ServiceBusy("all query workers are busy; try again shortly") from None
            raise


Adopt = Callable[[int, bytes, bytes], None]
Failure = Callable[[int, str], bytes]


class _PinnedConnection:
    """A client connection handed to a worker (``sparql.direct``): the service's own copy of
    its descriptor, which the pool gives back to the HTTP server with ``adopt(fd, unread,
    unsent)`` or closes; ``failure(status, message)``, the whole HTTP answer to an error the
    pool gives there itself; why the pool stopped the worker, and whether it asked it back."""

    def __init__(self, worker: _Worker, fd: int, adopt: Adopt, failure: Failure) -> None:
        self.worker, self.fd, self.adopt, self.failure = worker, fd, adopt, failure
        self.stopped: str | None = None  # "timeout" or "gone" once the pool killed the worker
        self.released = False
        self.outgrown = False  # asked back because it made too much of the copy its own

    def close(self) -> None:
        """Close the service's copy of the connection (once)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def give_back(self, unread: bytes, unsent: bytes) -> None:
        """Hand the connection back to the HTTP server (once)."""
        fd, self.fd = self.fd, -1
        if fd >= 0:
            self.adopt(fd, unread, unsent)


def _hung_up(fd: int) -> bool:
    """Whether the client of connection ``fd`` has hung up (or the connection failed)."""
    poller = select.poll()
    poller.register(fd, _HUNG_UP)
    return any(events & _HUNG_UP for _, events in poller.poll(0))


class WorkerPool(Executor):
    """``size`` worker processes over the generations of an embedded store.

    Requests are served on the caller's event loop: the reply pipe is watched with
    ``add_reader``, so a query costs no thread hop. Blocking callers (pages rendered in
    threads) run the same coroutine on a loop of their own thread. Killing and starting
    workers (milliseconds of fork and exec) happens on a maintenance thread, off every loop.

    With ``memory_image`` the pool also has an image host (``sparql.images``) build one
    in-memory copy of the current generation; once it is ready, the workers are replaced, as
    they come free, by workers forked from it, which answer selective queries several times
    faster and share the copy's memory. Until then, and for a while after every write (a
    new copy is built for each new generation), started workers answer from disk, so the
    first answer never waits for a copy. A forked worker that has made more than
    ``private_budget`` bytes of the copy its own (a scan) is replaced by a fresh fork.

    An idle forked worker may also be handed a client's connection (``pin``, called by the
    HTTP server after a ``/sparql`` answer) and answer there without the event loop
    (``sparql.direct``); the pool still enforces the time limit and the client's going away
    from the worker's ``Slot``, and asks pinned workers back when a request finds none idle.

    Forked workers cost milliseconds and share the copy, so the pool grows to
    ``image_size`` of them (``size`` while it reads from disk). More workers than cores pay
    off because a worker waits, between two queries, for the service's single event loop
    to read its reply and hand it the next request: at c=8 on 2 cores, 8 workers instead
    of 2 answered 1.5-1.75× the requests (benchmarks/README.md).
    """

    def __init__(self, store: TrackedStore, time_limit_s: float, size: int,
                 max_rows: int | None = None, *, memory_image: bool = False,
                 private_budget: int = 64 * 2**20, image_size: int | None = None,
                 inline_s: float = 0.0, pin_idle_s: float = 1.0) -> None:
        super().__init__(store, time_limit_s, max_rows)
        self._pin_idle_s = pin_idle_s  # 0: connections are never pinned
        self._pinned: dict[_Worker, _PinnedConnection] = {}
        self._scan: asyncio.TimerHandle | None = None
        self._scans = 0
        embedded: EmbeddedStore = store.inner  # type: ignore[assignment]
        self._generations = embedded.generations
        self._inline = InlineAnswers(embedded.current, hop_s=inline_s)
        self._idle = _IdleWorkers()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._maintenance = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="hsvo-workers")
        self._loops = threading.local()
        self._memory_image, self._private_budget = memory_image, private_budget
        self._size = max(1, size)
        self._image_size = max(self._size, image_size or self._size)
        self._image: ImageHost | None = None  # for the newest generation seen, building or ready
        self._adopted: ImageHost | None = None  # the image new workers are forked from
        self._retired_images: list[ImageHost] = []  # closed once no worker uses them
        self._seen: Path | None = self._generations.current()
        for _ in range(self._size):
            self._idle.put(self._spawn())
        self._maintenance.submit(self._build_image, self._seen)

    def _spawn(self) -> _Worker:
        """A worker forked from the adopted image when there is one (milliseconds), else a
        started one."""
        worker = None
        image = self._adopted
        if image is not None:
            try:
                worker = _Worker.forked_from(image)
            except ImageError as exc:
                log.warning("image host %s cannot fork workers (%s); reading from disk",
                            image.pid, exc)
                self._adopted = None
                if image.exited():
                    self._rebuild(image)
        worker = worker or _Worker.started()
        with self._lock:
            self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and put a fresh one in the pool in its place (none once closed,
        nor when the pool is back on disk with more workers than it keeps there)."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
        self._generations.collect()
        self._close_unused_images()
        self._grow()

    def _grow(self) -> None:
        """Spawn workers up to the pool's size: ``image_size`` while it forks from an image,
        else ``size`` (maintenance thread)."""
        target = self._size if self._adopted is None else self._image_size
        while not self._closed:
            with self._lock:
                if len(self._workers) >= target:
                    return
            self._idle.put(self._spawn())

    def _retire(self, worker: _Worker) -> None:
        """Replace ``worker`` on the maintenance thread (never blocks the caller's loop)."""
        try:
            self._maintenance.submit(self._replace, worker)
        except RuntimeError:  # closed: no replacement wanted
            worker.kill()

    def _build_image(self, directory: Path | None) -> None:
        """Start an image host for ``directory`` (the current generation) unless one exists;
        a thread adopts it once its copy is built (maintenance thread)."""
        if not self._memory_image or directory is None or self._closed:
            return
        if self._image is not None and self._image.directory == directory:
            return
        try:
            image = ImageHost(directory)
        except (GenerationGone, OSError) as exc:  # already replaced by a newer one
            log.info("no in-memory copy of %s: %s", directory.name, exc)
            return
        if self._image is not None:
            self._retired_images.append(self._image)
        self._image = image
        threading.Thread(target=self._adopt, args=(image,), daemon=True,
                         name=f"hsvo-image-{directory.name}").start()

    def _adopt(self, image: ImageHost) -> None:
        """Wait for ``image``'s copy; then fork new workers from it and replace the idle ones
        (the busy ones are replaced as they come free, in ``_run``)."""
        if not image.wait_ready(_IMAGE_BUILD_S) or self._closed:
            log.warning("in-memory copy of %s not built: %s", image.directory.name,
                        image.failure() or "timed out")
            return
        if self._image is not image or self._generations.current() != image.directory:
            return  # a write came first; its own image is on the way
        self._adopted = image
        log.info("query workers now answer from the in-memory copy of %s", image.directory.name)
        for worker in self._idle.take_all():
            if worker.image is image:
                self._idle.put(worker)
            else:
                self._retire(worker)
        with contextlib.suppress(RuntimeError):  # closed meanwhile
            self._maintenance.submit(self._grow)

    def _lose(self, image: ImageHost) -> None:
        """``image``'s host has died, and its workers with it: fork no more from it (the dead
        workers are retired as queries find them) and build a new copy (any thread)."""
        if self._adopted is image:
            self._adopted = None
        with contextlib.suppress(RuntimeError):  # closed meanwhile
            self._maintenance.submit(self._rebuild, image)

    def _rebuild(self, image: ImageHost) -> None:
        """Replace the dead ``image`` by a new copy of the current generation, once
        (maintenance thread)."""
        if self._image is image:
            self._retired_images.append(image)
            self._image = None
            self._build_image(self._generations.current())

    def _close_unused_images(self) -> None:
        """Close the replaced images that no worker uses any more (maintenance thread)."""
        with self._lock:
            used = {id(w.image) for w in self._workers}
        for image in [i for i in self._retired_images if id(i) not in used]:
            self._retired_images.remove(image)
            image.close()

    def _stale(self, worker: _Worker, took_s: float) -> bool:
        """Whether ``worker`` should give way to a worker of the adopted image. Whether it
        has outgrown its share of the copy is looked at after a long query (a scan) and
        every ``_GROWTH_CHECK_EVERY`` queries (selective ones add a few KiB each)."""
        adopted = self._adopted
        if adopted is not None and worker.image is not adopted:
            return True
        worker.queries += 1
        return ((took_s > _LONG_QUERY_S or worker.queries % _GROWTH_CHECK_EVERY == 0)
                and worker.outgrown(self._private_budget))

    def answer_now(self, request: QueryRequest) -> Encoded | None:
        current = self._current()
        return self._inline.answer(current, self._inline.key(request), request,
                                   time.monotonic() + self.time_limit_s)

    def _current(self) -> Path | None:
        """The current generation, noticed (``_notice``) when a write has published it."""
        current = self._generations.current()
        if not same_generation(current, self._seen):
            self._notice(current)
        return current

    def _notice(self, current: Path | None) -> None:
        """A write has published ``current``: stop forking from the old copy, build a new one."""
        self._seen = current
        self._inline.follow(current)
        adopted = self._adopted
        if adopted is not None and adopted.directory != current:
            self._adopted = None
        self._maintenance.submit(self._build_image, current)

    @property
    def busy(self) -> int:
        """How many workers are answering a query right now."""
        return len(self.busy_pids)

    @property
    def pids(self) -> list[int]:
        """Process ids of the current workers (for tests and monitoring)."""
        with self._lock:
            return [w.pid for w in self._workers]

    @property
    def busy_pids(self) -> set[int]:
        """Process ids of the workers answering a query right now (for tests and monitoring)."""
        with self._lock:
            working = {w.pid for w in self._workers}
            waiting = {p.worker.pid for p in self._pinned.values()  # for their next request
                       if p.worker.forked is not None and p.worker.forked.slot.get() == IDLE}
        return working - self._idle.pids() - waiting

    def status(self) -> dict[str, int]:
        """How many workers there are, how many answer from the in-memory copy, how many
        are busy (answering a query), how many hold a client's connection (pinned: busy
        only while they answer) (for /health, monitoring and the benchmarks)."""
        with self._lock:
            workers = list(self._workers)
            pinned = len(self._pinned)
        return {"workers": len(workers), "in_memory": sum(w.image is not None for w in workers),
                "busy": len(self.busy_pids), "answered_inline": self._inline.answered,
                "pinned": pinned}

    async def run(self, request: QueryRequest, budget_s: float | None = None) -> Encoded:
        """When this task is cancelled (the client went away), the worker is killed and
        replaced, so an abandoned request frees its worker at once."""
        return await self._run(request, self.time_limit_s if budget_s is None else budget_s)

    async def graph_names(self) -> list[str]:
        return list((await self.snapshot()).graphs)

    def data_version(self) -> Hashable:
        return self._generations.current()  # every write, by any process, publishes a new one

    def run_blocking(self, request: QueryRequest, budget_s: float) -> Encoded:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the usual case: a page thread, the CLI, a test
            loop = getattr(self._loops, "loop", None)
            if loop is None:
                loop = self._loops.loop = asyncio.new_event_loop()
            return loop.run_until_complete(self._run(request, budget_s))
        # a caller whose thread has a loop running (blocking it is its own choice) cannot
        # run another one: the query goes through a thread of its own
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
            return thread.submit(self.run_blocking, request, budget_s).result()

    async def _run(self, request: QueryRequest, budget_s: float) -> Encoded:
        started = time.monotonic()
        deadline = started + budget_s
        if budget_s <= 0:
            raise QueryTimeout(self._timeout_message("the time limit was used up"))
        current = self._current()
        key = self._inline.key(request)
        answered = self._inline.answer(current, key, request, deadline)
        if answered is not None:
            return answered
        worker = await self._take(current, deadline)
        waited = time.monotonic() - started
        try:
            reply = await self._ask(worker, current, request, deadline)
        except QueryTimeout as exc:
            self._retire(worker)
            if waited > budget_s / 2:  # the time went on waiting for a worker, not on the query
                raise ServiceBusy(
                    f"all query workers were busy for {waited:.1f} s of the "
                    f"{self.time_limit_s:g} s time limit; try again shortly") from exc
            raise
        except WorkerLost as exc:
            self._retire(worker)
            if worker.image is None or not worker.image.exited() or time.monotonic() >= deadline:
                # a worker that died on its own may have been killed by this very query
                log.error("query worker %d stopped unexpectedly (%s) while answering %r",
                          worker.pid, exc.cause, request.query[:_LOGGED_QUERY_CHARS])
                raise
            # the image host died under its workers: the query never got its chance
            self._lose(worker.image)
            return await self._run(request, deadline - time.monotonic())
        except BaseException:  # the client went away (cancelled), or the worker failed
            self._retire(worker)
            raise
        if self._stale(worker, time.monotonic() - started - waited):
            self._retire(worker)
        else:
            self._idle.put(worker)
        kind, payload = reply[0], reply[1]
        if kind == "ok":
            self._inline.learn(worker.directory, key, request, reply[2])
            return payload
        if kind == "syntax":
            raise QuerySyntaxError(payload)
        raise StoreError(f"query failed: {payload}")

    async def _take(self, current: Path | None, deadline: float) -> _Worker:
        """An idle worker that can answer from ``current``: image workers of an older
        generation cannot follow a write, so they are replaced instead of used."""
        while True:
            if not len(self._idle):
                self._release_one()
            worker = await self._idle.take(deadline)
            if worker.image is None or worker.image.directory == current:
                return worker
            self._retire(worker)

    async def _ask(self, worker: _Worker, current: Path | None, request: QueryRequest,
                   deadline: float) -> tuple[Any, ...]:
        """The worker's reply, after switching it to the current generation if a write has
        published a new one since its last query."""
        if not worker.opened or worker.directory != current:
            # within the request's time, like the query: a fresh worker may still be starting
            if not await worker.open(lease_current(self._generations.root), deadline):
                raise QueryTimeout(self._timeout_message("no query worker was ready"))
            self._generations.collect()  # its previous generation may be unused now
        reply = await worker.ask(("query", request), deadline)
        if reply is None:
            raise QueryTimeout(self._timeout_message("it was stopped"))
        return reply

    def _timeout_message(self, what: str) -> str:
        return (f"the request ran longer than the time limit of {self.time_limit_s:g} s "
                f"(waiting for a query worker included) and {what}")

    def may_pin(self) -> bool:
        """Whether ``pin`` could take a worker now: asked before the answer's headers are
        built for it, which a loaded pool (no worker idle) would otherwise pay on every
        answer. A hint: ``pin`` decides."""
        return not self._closed and self._pin_idle_s > 0 and self._adopted is not None \
            and len(self._idle) > 0

    def pin(self, fd: int, answerable: Answerable, adopt: Adopt, failure: Failure) -> bool:
        """Hand the client connection ``fd`` to an idle in-memory worker, which answers there
        what the service answered before (``sparql.direct``); a request that finds no
        worker idle asks one back (``_release_one``). True: the pool owns ``fd`` now, and
        gives it back with ``adopt(fd, unread, unsent)`` (or closes it when the client
        has); False: nothing changed. Called on the service's event loop."""
        if self._closed or self._pin_idle_s <= 0:
            return False
        worker = self._idle.take_now()
        if worker is None:
            return False
        current = self._current()
        forked = worker.forked
        if forked is None or worker.image is None or worker.image is not self._adopted \
                or worker.image.directory != current or current is None:
            self._idle.put(worker)
            return False
        pin = Pin(answerable, str(self._generations.root), str(current), self.time_limit_s,
                  self._pin_idle_s)
        try:
            worker.requests.send_bytes(pickle.dumps(("pin", pin), pickle.HIGHEST_PROTOCOL))
            socket.send_fds(forked.pins, [b"c"], [fd])
        except OSError:
            self._retire(worker)
            return False
        pinned = _PinnedConnection(worker, fd, adopt, failure)
        with self._lock:
            self._pinned[worker] = pinned
        loop = asyncio.get_running_loop()
        loop.create_task(self._while_pinned(pinned))
        if self._scan is None:
            self._scan = loop.call_later(_SCAN_S, self._scan_pins)
        return True

    async def _while_pinned(self, pinned: _PinnedConnection) -> None:
        """Wait for a pinned worker to give its connection up, then put it back in the pool;
        see ``_unpinned_by_failure`` for a worker that dies instead."""
        worker = pinned.worker
        try:
            news = await _receive(worker.replies.fileno(), None)
        except (EOFError, OSError):
            news = None
        with self._lock:
            self._pinned.pop(worker, None)
        if self._closed:
            pinned.close()
            return
        if not (isinstance(news, tuple) and news[0] in ("back", "closed")):
            self._unpinned_by_failure(pinned)
            return
        if news[0] == "back":
            pinned.give_back(news[1], news[2])
        else:
            pinned.close()
        if pinned.outgrown or self._stale(worker, 0.0):
            self._retire(worker)
        else:
            self._idle.put(worker)

    def _unpinned_by_failure(self, pinned: _PinnedConnection) -> None:
        """A pinned worker died (stopped by ``_scan_pins``, or on its own): answer on the
        connection what its state says, as ``_run`` would, and replace the worker."""
        worker = pinned.worker
        assert worker.forked is not None
        state = worker.forked.slot.get()
        self._retire(worker)
        if pinned.stopped == "gone" or state == WRITING:
            pinned.close()  # nobody to answer, or an answer cut off: closing says so
        elif state == IDLE:
            pinned.give_back(b"", b"")
        elif pinned.stopped == "timeout":
            pinned.give_back(b"", pinned.failure(503, self._timeout_message("it was stopped")))
        else:
            log.error("query worker %d stopped unexpectedly while answering on a client's "
                      "connection", worker.pid)
            pinned.give_back(b"", pinned.failure(502, str(WorkerLost(""))))

    def _scan_pins(self) -> None:
        """Every ``_SCAN_S`` while connections are pinned: kill a worker whose query passed
        its deadline or whose client hung up, and ask an outgrown one back."""
        self._scan = None
        self._scans += 1
        now = time.monotonic()
        with self._lock:
            pins = list(self._pinned.values())
        for pinned in pins:
            forked = pinned.worker.forked
            if pinned.stopped is not None or forked is None:
                continue
            state = forked.slot.get()
            if state > 0 and now >= state:
                pinned.stopped = "timeout"
            elif state > 0 and now > state - self.time_limit_s + _HUNG_UP_AFTER_S \
                    and pinned.fd >= 0 and _hung_up(pinned.fd):
                pinned.stopped = "gone"
            elif self._scans % _GROWTH_SCANS == 0 and pinned.worker.outgrown(self._private_budget):
                pinned.outgrown = True  # replaced once it is back
                self._release(pinned)
            if pinned.stopped is not None:
                forked.stop()
        if pins and not self._closed:
            self._scan = asyncio.get_running_loop().call_later(_SCAN_S, self._scan_pins)

    def _release_one(self) -> None:
        """Ask one pinned worker to give its connection back (a request found none idle)."""
        with self._lock:
            pinned = next((p for p in self._pinned.values()
                           if not p.released and p.stopped is None), None)
        if pinned is not None:
            self._release(pinned)

    def _release(self, pinned: _PinnedConnection) -> None:
        with self._lock:
            if pinned.released:
                return
            pinned.released = True
        try:
            pinned.worker.requests.send_bytes(pickle.dumps(("release", None)))
        except OSError:  # it died: its task learns that
            pass

    def close(self) -> None:
        self._closed = True
        self._inline.close()
        self._maintenance.shutdown(wait=True)
        with self._lock:
            workers, self._workers = list(self._workers), set()
            pins = list(self._pinned.values())
        for pinned in pins:
            pinned.close()
        for worker in workers:
            worker.kill()
        for image in [self._image, *self._retired_images]:
            if image is not None:
                image.close()


class RemoteExecutor(Executor):
    """Queries to a remote SPARQL server with an HTTP timeout tied to the time limit."""

    def __init__(self, store: TrackedStore, time_limit_s: float, max_rows: int | None = None) -> None:
        super().__init__(store, time_limit_s, max_rows)
        inner: RemoteStore = store.inner  # type: ignore[assignment]
        # the dialect as far as it is known: a store that cannot be reached at start is
        # recognised at its first answer
        self._remote = RemoteStore(
            inner.query_url, inner.update_url, inner.gsp_url, math.ceil(time_limit_s) + 1,
            inner.known_dialect,
        )
        # HTTP calls run here so that a caller can stop waiting at its deadline
        self._calls = concurrent.futures.ThreadPoolExecutor(
            max_workers=_REMOTE_CALLS, thread_name_prefix="hsvo-remote")

    async def run(self, request: QueryRequest, budget_s: float | None = None) -> Encoded:
        return await anyio.to_thread.run_sync(
            self.run_blocking, request, self.time_limit_s if budget_s is None else budget_s)

    async def graph_names(self) -> list[str]:
        return await anyio.to_thread.run_sync(self.store.graph_names)

    def data_version(self) -> Hashable:
        # writes through this service are counted; others' writes to the remote store are
        # not seen, so what is kept is also dropped every minute
        return self.store.generation, int(time.monotonic() // _REMOTE_MEMO_S)

    def run_blocking(self, request: QueryRequest, budget_s: float) -> Encoded:
        """The answer within ``budget_s``; past it the request is abandoned (its HTTP call
        ends by the client's own timeout, just above the limit, and the server's)."""
        timeout = QueryTimeout(f"the request ran longer than the time limit of "
                               f"{self.time_limit_s:g} s and was abandoned")
        if budget_s <= 0:
            raise timeout
        future = self._calls.submit(self._run, request, budget_s)
        try:
            return future.result(timeout=budget_s)
        except concurrent.futures.TimeoutError as exc:
            raise timeout from exc

    def close(self) -> None:
        self._calls.shutdown(wait=False, cancel_futures=True)

    def _run(self, request: QueryRequest, budget_s: float) -> Encoded:
        # a query's own FROM arrives here as graph lists (hsvo_graph.sparql.protocol.query_dataset);
        # the HTTP call waits just past the budget (the time limit, or the validation
        # context's own), then the request has been answered already
        text = request.query if request.base_iri is None else with_base(request.query,
                                                                          request.base_iri)
        try:
            response = self._remote.query(
                text, solutions_format=_JSON, graph_format=_N_TRIPLES,
                default_graphs=request.default_graphs, named_graphs=request.named_graphs,
                timeout_s=math.ceil(budget_s) + 1,
            )
        except StoreError as exc:
            # `oxigraph serve` answers 500 to a function it does not have: the query's fault
            # when the engine refuses it without data too (worker.refused_without_data; tried
            # here, in a process with a network, only on a text that cannot name a SERVICE);
            # the store's own words follow remote's "the SPARQL store failed (HTTP 500): "
            if exc.status == 502 and not could_reach_network(request.query) \
                    and refused_without_data(request):
                raise QuerySyntaxError(str(exc).split(": ", 1)[-1]) from exc
            raise
        try:
            return _encoded(response.body, response.media_type, request)
        except (SyntaxError, MemoryError) as exc:  # MemoryError: a pyoxigraph parser's buffer
            problem = str(exc)
        # oxigraph stopped by its own timeout ends a streamed answer early, with status 200;
        # raised outside the handler, so that the parser's objects stay out of its context
        raise StoreError(f"the store's answer is not valid {response.media_type} (cut off?): "
                         f"{problem}")


def _encoded(body: bytes, media_type: str, request: QueryRequest) -> Encoded:
    """A remote store's answer, parsed while it is encoded (SyntaxError when it is not valid).
    An answer longer than ``MAX_VALUE_BYTES`` may hold a value pyoxigraph's parsers refuse:
    it is cut before they read it, as the embedded store's answer is cut (and flagged)."""
    large = len(body) > MAX_VALUE_BYTES
    if media_type == _JSON and large:
        return encode_json_solutions(body, request.solutions_type, request.max_rows)
    if media_type in (_N_TRIPLES, "application/n-quads") and large:
        return encode_ntriples(body, request.graph_type, request.max_rows, request.prefixes)
    if media_type == _JSON:
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return encode(parsed, request.solutions_type, request.graph_type,
                      request.max_rows, request.prefixes)
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise StoreError(f"remote store answered with unexpected {media_type!r}")
    triples = (q.triple for q in ox.parse(body, format=fmt))
    return encode_graph(triples, request.graph_type, request.max_rows, request.prefixes)


def open_executor(store: TrackedStore, time_limit_s: float, workers: int,
                  max_rows: int | None = None, *, memory_image: bool = False,
                  private_budget: int = 64 * 2**20, image_workers: int | None = None,
                  inline_s: float = 0.0, pin_idle_s: float = 1.0) -> Executor:
    """Worker processes for a local store (answering from a shared in-memory copy once it is
    built, with ``memory_image``), HTTP timeouts for a remote one; ``max_rows`` caps what
    the service's own readers get."""
    if isinstance(store.inner, RemoteStore):
        return RemoteExecutor(store, time_limit_s, max_rows)
    return WorkerPool(store, time_limit_s, workers, max_rows, memory_image=memory_image,
                      private_budget=private_budget, image_size=image_workers,
                      inline_s=inline_s, pin_idle_s=pin_idle_s)
