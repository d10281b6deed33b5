"""The one way the service reads the dataset: ``Reader.select / ask / construct``.

Pages, canned questions, pictures, resource pages and the validation context all read
through a ``Reader`` handed to them; they never hold a store. In the service the reader is
an ``ExecutorReader``: every query runs through the executor (worker processes or a remote
server with a timeout), under the same time limit and row cap as the public endpoint, and
all the queries of one HTTP request share one deadline, so a page of five queries cannot
take five time limits. ``StoreReader`` reads a store directly, for the CLI and for tests.

Readers block: call them from synchronous code run in a worker thread, never on the
event loop. Two ways round a thread hop, for routes where it costs more than the rest of
the answer (canned questions): ``ExecutorReader.select_async`` awaits one SELECT on the
caller's loop, and a ``LoopReader`` lets page code run on the loop as long as all it needs
is kept in the dataset memo (it raises ``WouldBlock`` otherwise, and the route runs the same
code in a thread). ``Table`` (and ``term_from_json``, for the SPARQL JSON it may keep) is
re-exported here so that page code needs nothing from the stores.
"""

import collections
import functools
import json
import threading
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from rdflib.term import Identifier

from hsvo_graph.sparql.analysis import AnalysisError, analyse, with_row_limit
from hsvo_graph.sparql.binding import bind_values
from hsvo_graph.sparql.results import Encoded
from hsvo_graph.sparql.worker import QueryRequest
from hsvo_graph.store.base import GraphStore, QuerySyntaxError, Table, table_from_json, term_from_json

__all__ = ["MISSING", "AnswerMemo", "Bindings", "DatasetMemo", "ExecutorReader", "LoopReader", "Reader", "Runner",
           "StoreReader", "Table", "WouldBlock", "term_from_json"]

Bindings = Mapping[str, Sequence[Identifier]]
T = TypeVar("T")

_JSON = "application/sparql-results+json"
_N_TRIPLES = "application/n-triples"
_PARSE_ON_LOOP_BYTES = 256 * 1024  # a longer answer is parsed in a thread


class Reader(Protocol):
    """Read-only access to the dataset (its default graph is the union of all graphs)."""

    def select(self, query: str, bindings: Bindings | None = None) -> Table:
        """SELECT results; ``bindings`` are bound as RDF terms in a VALUES block."""
        ...

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        """An ASK answer."""
        ...

    def construct(self, query: str, bindings: Bindings | None = None) -> bytes:
        """A CONSTRUCT or DESCRIBE answer as N-Triples."""
        ...

    def remembered(self, key: Hashable, compute: "Callable[[Reader], T]") -> T:
        """``compute(self)``, kept while the dataset stays the same: for readings that
        depend on the whole dataset and not on the request (a form's options, the glossary),
        which every page would otherwise ask the workers for again."""
        ...


MISSING: Any = object()  # what ``DatasetMemo.peek`` answers for a value not kept


class WouldBlock(Exception):
    """A ``LoopReader`` was asked for something that needs a query worker."""


class DatasetMemo:
    """Values computed from the dataset, dropped as soon as its version changes. Safe to use
    from many threads. A value is computed once: requests that want it while it is being
    computed wait for that computation (up to ``wait_s``) instead of asking the workers the
    same whole-dataset question again, so a burst of first pages after a start or a write
    costs one reading, not one per request."""

    def __init__(self, version: Callable[[], Hashable]) -> None:
        self._version = version
        self._lock = threading.Lock()
        self._seen: Hashable = None
        self._values: dict[Hashable, Any] = {}
        self._running: dict[Hashable, threading.Event] = {}

    def peek(self, key: Hashable) -> Any:
        """The kept value of ``key`` for the current version, or ``MISSING`` (never computes)."""
        version = self._version()
        with self._lock:
            if self._seen == version:
                return self._values.get(key, MISSING)
        return MISSING

    def get(self, key: Hashable, compute: Callable[[], T], wait_s: float | None = None) -> T:
        """The kept value of ``key``, else ``compute()``'s. Waiting for another thread's
        computation of it lasts ``wait_s`` seconds at most (None: until it ends); after that,
        or when that computation failed, the caller computes the value itself."""
        waited_until = None if wait_s is None else time.monotonic() + wait_s
        while True:
            version = self._version()
            with self._lock:
                if self._seen != version:
                    self._values, self._running, self._seen = {}, {}, version
                if key in self._values:
                    return self._values[key]
                running = self._running.get(key)
                if running is None:
                    running = self._running[key] = threading.Event()
                    break
            left = None if waited_until is None else waited_until - time.monotonic()
            if (left is not None and left <= 0) or not running.wait(left):
                return compute()  # out of time: the caller's own reader says so
        try:
            value = compute()
            with self._lock:
                if self._seen == version:
                    self._values[key] = value
            return value
        finally:
            with self._lock:
                if self._running.get(key) is running:
                    del self._running[key]
            running.set()


_ANSWER_BUDGET_BYTES = 32 * 2**20  # the answers kept (their bodies) add up to this at most
_LARGEST_KEPT = _ANSWER_BUDGET_BYTES // 16  # a larger answer is not kept


class AnswerMemo:
    """The answers to the service's own capped reads (pages, canned questions) on the
    current dataset version: a page asked again on the same version is read from here, not
    from a worker. Why: a canned question's answer is the same for everyone until a write
    (a generation is frozen, and every canned query orders by every value it shows), and
    answering one again cost a worker's query, twice the service's own work on it. Bounded:
    the bodies add up to ``_ANSWER_BUDGET_BYTES`` at most, the least recently used going
    first; all are dropped when the version changes. Safe to use from many threads."""

    def __init__(self, version: Callable[[], Hashable]) -> None:
        self._version = version
        self._lock = threading.Lock()
        self._seen: Hashable = None
        self._answers: collections.OrderedDict[Hashable, Encoded] = collections.OrderedDict()
        self._bytes = 0

    def get(self, key: Hashable) -> Encoded | None:
        """The answer kept for ``key`` on the current version, or None."""
        version = self._version()
        with self._lock:
            if self._seen != version:
                return None
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def keep(self, key: Hashable, answer: Encoded, version: Hashable) -> None:
        """Keep ``answer``, read on ``version`` (taken before the read: an answer read while
        a write published another version is dropped with the old version's)."""
        if len(answer.body) > _LARGEST_KEPT:
            return
        with self._lock:
            if self._seen != version:
                self._answers.clear()
                self._bytes, self._seen = 0, version
            old = self._answers.pop(key, None)
            self._bytes += len(answer.body) - (0 if old is None else len(old.body))
            self._answers[key] = answer
            while self._bytes > _ANSWER_BUDGET_BYTES:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    def version(self) -> Hashable:
        """The dataset version now (to pass to ``keep`` after the read)."""
        return self._version()


@functools.lru_cache(maxsize=512)
def _row_limited(query: str, rows: int) -> str | None:
    """``query`` stopping after ``rows`` solutions (``analysis.with_row_limit``), so that the
    worker's answer is written by pyoxigraph's serialiser instead of built in Python (about
    twice as fast); None where that path does not apply. Kept per text: the service's
    queries come from a few ``.rq`` files, their values bound afterwards (``bind_values``
    puts them at the start of the WHERE group, which a LIMIT at the end does not move)."""
    try:
        return with_row_limit(query, analyse(query), rows)
    except AnalysisError:
        return None


def _table(encoded: Encoded) -> Table:
    if encoded.kind != "solutions":
        raise QuerySyntaxError("expected a SELECT query")
    table = table_from_json(encoded.body)
    table.truncated = encoded.truncated
    return table


def _boolean(encoded: Encoded) -> bool:
    if encoded.kind != "boolean":
        raise QuerySyntaxError("expected an ASK query")
    return bool(json.loads(encoded.body)["boolean"])


def _graph(encoded: Encoded) -> bytes:
    if encoded.kind != "graph":
        raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
    return encoded.body


class Runner(Protocol):
    """What an ``ExecutorReader`` needs of the executor (so this module does not import it)."""

    memo: DatasetMemo
    answers: AnswerMemo
    time_limit_s: float

    def run_blocking(self, request: QueryRequest, budget_s: float) -> Encoded:
        """Run one request within ``budget_s`` seconds, blocking."""
        ...

    async def run(self, request: QueryRequest, budget_s: float | None = None) -> Encoded:
        """Run one request within ``budget_s`` seconds (the time limit if None), on the
        caller's event loop."""
        ...


class ExecutorReader:
    """Reads through the executor until ``deadline`` (a ``time.monotonic()`` value)."""

    def __init__(self, executor: Runner, deadline: float, max_rows: int | None) -> None:
        self.executor = executor
        self.deadline = deadline
        self.max_rows = max_rows

    def _request(self, query: str, bindings: Bindings | None) -> QueryRequest:
        if self.max_rows is not None:
            limited = _row_limited(query, self.max_rows + 1)
            if limited is not None:  # pyoxigraph writes the answer, as for /sparql
                return QueryRequest(bind_values(limited, bindings or {}), _JSON, _N_TRIPLES,
                                    self.max_rows, row_limited=True)
        return QueryRequest(bind_values(query, bindings or {}), _JSON, _N_TRIPLES, self.max_rows)

    def _run(self, query: str, bindings: Bindings | None) -> Encoded:
        request = self._request(query, bindings)
        kept, version = self._kept(request)
        if kept is not None:
            return kept
        answer = self.executor.run_blocking(request, self.deadline - time.monotonic())
        self._keep(request, answer, version)
        return answer

    def _kept(self, request: QueryRequest) -> tuple[Encoded | None, Hashable]:
        """The answer kept for ``request`` (``AnswerMemo``: capped readers only, pages),
        and the version it would be kept for."""
        if self.max_rows is None:
            return None, None
        answers = self.executor.answers
        version = answers.version()
        return answers.get((request.query, request.max_rows)), version

    def _keep(self, request: QueryRequest, answer: Encoded, version: Hashable) -> None:
        if self.max_rows is not None:
            self.executor.answers.keep((request.query, request.max_rows), answer, version)

    async def select_async(self, query: str, bindings: Bindings | None = None) -> Table:
        """``select`` awaited on the caller's event loop: no thread hop, the query's reply
        read by the loop as the ``/sparql`` endpoint reads it, and the query cancelled (its
        worker replaced) when the request is; within what is left of the reader's deadline."""
        import anyio  # on first use: the CLI's readers never need it

        request = self._request(query, bindings)
        encoded, version = self._kept(request)
        if encoded is None:
            encoded = await self.executor.run(request, self.deadline - time.monotonic())
            self._keep(request, encoded, version)
        if len(encoded.body) > _PARSE_ON_LOOP_BYTES:  # a long answer is parsed off the loop
            return await anyio.to_thread.run_sync(_table, encoded)
        return _table(encoded)

    def kept(self, key: Hashable) -> Any:
        """What ``remembered(key, …)`` would answer without reading, or ``MISSING``."""
        return self.executor.memo.peek((key, self.max_rows))

    def select(self, query: str, bindings: Bindings | None = None) -> Table:
        return _table(self._run(query, bindings))

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        return _boolean(self._run(query, bindings))

    def construct(self, query: str, bindings: Bindings | None = None) -> bytes:
        return _graph(self._run(query, bindings))

    def remembered(self, key: Hashable, compute: "Callable[[Reader], T]") -> T:
        # keyed by the row cap too: an uncapped reader must never get a capped answer
        return self.executor.memo.get((key, self.max_rows), lambda: compute(self),
                                      wait_s=self.deadline - time.monotonic())


class LoopReader:
    """A reader for page code run on the event loop, where nothing may block: it answers
    ``remembered`` readings the dataset memo already holds and raises ``WouldBlock`` for
    anything that needs a query worker, so the caller can run the same code in a thread
    with the request's ``ExecutorReader`` instead."""

    def __init__(self, reader: ExecutorReader) -> None:
        self.reader = reader

    def select(self, query: str, bindings: Bindings | None = None) -> Table:
        raise WouldBlock(query)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        raise WouldBlock(query)

    def construct(self, query: str, bindings: Bindings | None = None) -> bytes:
        raise WouldBlock(query)

    def remembered(self, key: Hashable, compute: "Callable[[Reader], T]") -> T:
        value = self.reader.kept(key)
        if value is MISSING:
            raise WouldBlock(key)
        return value


class StoreReader:
    """Reads a store directly, with no time limit: for the CLI and for tests."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def select(self, query: str, bindings: Bindings | None = None) -> Table:
        return self.store.select(bind_values(query, bindings or {}))

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        return self.store.ask(bind_values(query, bindings or {}))

    def construct(self, query: str, bindings: Bindings | None = None) -> bytes:
        response = self.store.query(bind_values(query, bindings or {}))
        if response.kind != "graph":
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return response.body

    def remembered(self, key: Hashable, compute: "Callable[[Reader], T]") -> T:
        return compute(self)  # the CLI and tests read once; nothing to keep
