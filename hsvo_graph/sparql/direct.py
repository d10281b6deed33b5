"""A client's connection answered by its query worker: the requests the service has answered
on it before, without the service's event loop in between.

Why: on a cheap selective query the worker's own work (query and serialiser) is about
0.2 ms, and the service's event loop spent as much again per request on reading it,
handing it to a worker over a pipe, reading the reply and writing it out. With both on
the machine's two cores, ``/sparql`` answered Äldrenämnden's activities at 0.38× of
``oxigraph serve`` in memory. A process that parses the request and runs the query itself
answered at 0.92× (benchmarks/README.md, session 15). So, once the service has answered a
``/sparql`` GET on a keep-alive connection through an in-memory worker, it hands the
connection itself to an idle worker (``executor.WorkerPool.pin``), which answers the next
requests there as long as it has answered each before (the same query string, Accept and
Host: what ``api.query_operation`` keys its prepared requests by) on the same generation.
Anything else (another query, another path, a body, a proxy's headers, HTTP/1.0, a new
generation published by a write, a second idle second, the pool asking for its worker
back) hands the connection back with the bytes read of the request: the service parses
them as if it had read them itself.

What stays with the service (the pool): the time limit and the client going away. The
worker writes its state into a shared ``Slot`` (the deadline while it queries, ``WRITING``
once it writes the answer, ``IDLE`` between requests); the pool looks at the slots of its
pinned workers every few milliseconds, kills a worker past its deadline or whose client
hung up, and answers the 503 itself on its own copy of the connection: the same limit,
exact to the scan's period, with no thread nor system call in the worker for it.

The protocol (besides ``worker.serve``'s): the service sends ``("pin", Pin)`` on the request
pipe and the connection's descriptor over the worker's pin socket; the worker sends
``("back", unread, unsent)`` or ``("closed", b"", b"")`` on the reply pipe when it gives the
connection up; ``("release", None)`` asks it to give it back between two requests (ignored
by a worker that has given it back already).
"""

import ctypes
import mmap
import os
import select
import socket
import struct
import time
from dataclasses import dataclass
from email.utils import formatdate
from multiprocessing.connection import Connection
from pathlib import Path

import httptools
import pyoxigraph as ox

from hsvo_graph.sparql.worker import QueryRequest, execute
from hsvo_graph.store.generations import current_directory

SLOT_BYTES = 8
IDLE, WRITING = 0.0, -1.0  # a slot holding neither is the deadline of the query running
_READ_BYTES = 64 * 1024
_MAX_REQUEST_BYTES = 64 * 1024  # a longer request line and headers: the service answers it
_KNOWN = 64  # answerable requests a worker remembers (over all its pins)
# headers that make a request other than it looks on the wire (as ``cli.http_protocol``'s
# answers at once): a body, a proxy speaking for the client, a protocol switch
_NOT_HERE = frozenset((b"content-length", b"transfer-encoding", b"expect", b"upgrade",
                       b"x-forwarded-proto", b"x-forwarded-for", b"forwarded"))
KEYED_HEADERS = (b"accept", b"host")  # with the query string, what a request is known by
_OK = b"HTTP/1.1 200 OK\r\ndate: "


class Slot:
    """One 8-byte cell of memory shared by the service and one worker: the worker's state
    (``IDLE``, ``WRITING`` or the deadline, in ``time.monotonic`` seconds, of the query it
    runs). One aligned 8-byte store: the reader never sees half of it."""

    def __init__(self, fd: int) -> None:
        self._cell = mmap.mmap(fd, SLOT_BYTES)  # keeps the mapping; the fd may be closed

    @staticmethod
    def created() -> tuple["Slot", int]:
        """A new slot and a descriptor of its memory, for the worker's side (close it once
        it is sent)."""
        fd = os.memfd_create("hsvo-query-slot", os.MFD_CLOEXEC)
        os.ftruncate(fd, SLOT_BYTES)
        return Slot(fd), fd

    def set(self, value: float) -> None:
        struct.pack_into("d", self._cell, 0, value)

    def get(self) -> float:
        value: float = struct.unpack_from("d", self._cell, 0)[0]
        return value

    def close(self) -> None:
        self._cell.close()


RequestKey = tuple[bytes, tuple[tuple[bytes, bytes], ...], bool]


@dataclass(frozen=True)
class Answerable:
    """A request a pinned worker may answer itself, as the service answered it: the
    query string, the Accept and Host headers as sent, whether it named an Origin; the
    prepared query; and the answer's header lines but Date and Content-Length, exactly as
    the service sends them (``head``, and ``head_truncated`` for a cut answer)."""

    key: RequestKey
    request: QueryRequest
    head: bytes
    head_truncated: bytes


@dataclass(frozen=True)
class Pin:
    """What a worker is told with a connection: the request it may answer there; where
    the store's generations are and which one its copy is (a request that comes after a
    write has published another goes back to the service); the time limit; how long the
    connection may idle before it goes back."""

    answerable: Answerable
    root: str
    directory: str
    time_limit_s: float
    idle_s: float


class _Parsed:
    """httptools' callbacks: the request line's URL, the headers, whether it is a plain
    keep-alive HTTP/1.1 GET (read when the headers are complete: once the message is, the
    parser has moved on to the next), and how many messages began and completed since the
    last answer."""

    def __init__(self) -> None:
        self.url, self.headers = b"", []  # type: tuple[bytes, list[tuple[bytes, bytes]]]
        self.begun = self.complete = 0
        self.plain_get = False
        self.parser: httptools.HttpRequestParser | None = None

    def on_headers_complete(self) -> None:
        parser = self.parser
        self.plain_get = parser is not None and parser.get_method() == b"GET" \
            and parser.get_http_version() == "1.1" and parser.should_keep_alive()

    def on_message_begin(self) -> None:
        self.begun += 1

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_message_complete(self) -> None:
        self.complete += 1


class _Clock:
    """The Date header's value, formatted once a second."""

    def __init__(self) -> None:
        self._second, self._text = -1, b""

    def now(self) -> bytes:
        second = int(time.time())
        if second != self._second:
            self._second, self._text = second, formatdate(second, usegmt=True).encode()
        return self._text


_IN_CLOSE_WRITE, _IN_MOVED_TO, _IN_CREATE, _IN_DELETE = 0x8, 0x80, 0x100, 0x200
_IN_DELETE_SELF, _IN_MOVE_SELF, _IN_IGNORED = 0x400, 0x800, 0x8000
_WATCHED = (_IN_CLOSE_WRITE | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE | _IN_DELETE_SELF
            | _IN_MOVE_SELF)


class _Publications:
    """Whether a write may have published a generation since the last look, without a
    system call per request: an inotify watch on the store's directory, where a write
    renames the new ``GENERATION`` pointer over the old one before it answers. Reading
    the pointer on every request cost 11 µs of a cheap query's 250. The watch's descriptor
    is polled with the connection, so a request sent after a write finds it readable. When
    inotify is not to be had (or the directory itself goes), the pointer is read every
    time."""

    def __init__(self, root: str) -> None:
        self.root = root
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd: int = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd >= 0 and libc.inotify_add_watch(self.fd, root.encode(), _WATCHED) < 0:
            os.close(self.fd)
            self.fd = -1

    def seen(self) -> bool:
        """Take in the events (the descriptor was readable): False once the watch is gone."""
        try:
            while events := os.read(self.fd, 64 * 1024):
                if any(struct.unpack_from("iIII", events, at)[1] & _IN_IGNORED
                       for at in _event_offsets(events)):
                    os.close(self.fd)
                    self.fd = -1
                    return False
        except BlockingIOError:
            pass
        return True


def _event_offsets(events: bytes) -> list[int]:
    """Where each ``struct inotify_event`` starts in ``events`` (16 bytes and its name)."""
    offsets, at = [], 0
    while at + 16 <= len(events):
        offsets.append(at)
        at += 16 + struct.unpack_from("I", events, at + 12)[0]
    return offsets


class Pinned:
    """A worker's side of its pins: the requests it may answer, kept over all its pins,
    its slot, its pin socket, and its store."""

    def __init__(self, pins: socket.socket, slot: Slot, store: ox.Store) -> None:
        self.pins, self.slot, self.store = pins, slot, store
        self.known: dict[RequestKey, Answerable] = {}
        self.clock = _Clock()
        self.publications: _Publications | None = None

    def serve(self, pin: Pin, requests: Connection, replies: Connection) -> None:
        """Take the connection sent with ``pin`` and answer on it until it goes back to the
        service (or its client closes it); then tell the service so on ``replies``."""
        _, fds, _, _ = socket.recv_fds(self.pins, 1, 1)
        if len(self.known) >= _KNOWN:
            self.known.pop(next(iter(self.known)))
        self.known[pin.answerable.key] = pin.answerable
        connection = socket.socket(fileno=fds[0])
        try:
            news = self._answer_on(connection, pin, requests)
        finally:
            connection.close()  # before the news: the service's copy is the connection now
        replies.send(news)

    def _answer_on(self, connection: socket.socket, pin: Pin,
                   requests: Connection) -> tuple[str, bytes, bytes]:
        connection.setblocking(False)
        if self.publications is None or self.publications.root != pin.root:
            self.publications = _Publications(pin.root)  # what came before it is not seen:
            if not _still_current(pin):  # the generation is read once after it starts
                return "back", b"", b""
        publications = self.publications
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN)
        poller.register(requests.fileno(), select.POLLIN)
        if publications.fd >= 0:
            poller.register(publications.fd, select.POLLIN)
        parsed = _Parsed()
        parser = parsed.parser = httptools.HttpRequestParser(parsed)
        unread = bytearray()  # what the client sent since the last answer
        while True:
            events = dict(poller.poll(pin.idle_s * 1000))
            if not events or requests.fileno() in events:
                return "back", bytes(unread), b""  # idle, or the pool wants its worker back
            if publications.fd < 0 or publications.fd in events:
                watch = publications.fd
                if watch >= 0 and not publications.seen():
                    poller.unregister(watch)
                if not _still_current(pin):
                    return "back", bytes(unread), b""  # a write published another generation
            if connection.fileno() not in events:
                continue
            try:
                data = connection.recv(_READ_BYTES)
            except BlockingIOError:
                continue
            except OSError:
                return "closed", b"", b""
            if not data:
                return "closed", b"", b""
            unread += data
            try:
                parser.feed_data(data)
            except (httptools.HttpParserError, httptools.HttpParserUpgrade):
                return "back", bytes(unread), b""  # the service answers what it makes of it
            if parsed.begun > 1 or (not parsed.complete and len(unread) > _MAX_REQUEST_BYTES):
                return "back", bytes(unread), b""  # pipelined, or a head too long
            if not parsed.complete:
                continue
            answer = self._answer(parsed, pin)
            if answer is None:
                return "back", bytes(unread), b""
            unread.clear()
            parsed.url, parsed.headers, parsed.begun, parsed.complete = b"", [], 0, 0
            parsed.plain_get = False
            try:
                unsent = _send(connection, answer)
            except OSError:  # the client went away while it was answered
                return "closed", b"", b""
            finally:
                self.slot.set(IDLE)
            if unsent:  # the client reads slowly: the service's loop writes the rest
                return "back", b"", unsent

    def _answer(self, parsed: _Parsed, pin: Pin) -> bytes | None:
        """The whole HTTP answer to the request parsed, or None when the service answers it."""
        if not parsed.plain_get:
            return None
        try:
            url = httptools.parse_url(parsed.url)
        except httptools.HttpParserInvalidURLError:  # the service says what is wrong
            return None
        if url.path != b"/sparql" or url.fragment \
                or any(name in _NOT_HERE for name, _ in parsed.headers):
            return None
        key = (url.query or b"", tuple(h for h in parsed.headers if h[0] in KEYED_HEADERS),
               any(name == b"origin" for name, _ in parsed.headers))
        known = self.known.get(key)
        if known is None:
            return None
        self.slot.set(time.monotonic() + pin.time_limit_s)
        try:
            encoded = execute(self.store, known.request)
        except Exception:  # noqa: BLE001 - the service runs it again and answers the error
            self.slot.set(IDLE)
            return None
        self.slot.set(WRITING)
        head = known.head_truncated if encoded.truncated else known.head
        return b"".join((_OK, self.clock.now(), b"\r\n", head,
                         b"content-length: %d\r\n\r\n" % len(encoded.body), encoded.body))


def _still_current(pin: Pin) -> bool:
    """Whether the generation readers should open is still the worker's."""
    current = current_directory(Path(pin.root))
    return current is not None and str(current) == pin.directory


def _send(connection: socket.socket, data: bytes) -> bytes:
    """Write what the socket takes now; the rest is returned."""
    view = memoryview(data)
    while view:
        try:
            sent = connection.send(view)
        except BlockingIOError:
            break
        view = view[sent:]
    return bytes(view)
