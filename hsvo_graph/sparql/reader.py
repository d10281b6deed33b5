"""The one way the service reads the dataset: ``Reader.select / ask / construct``.

Pages, canned questions, pictures, resource pages and the validation context all read
through a ``Reader`` handed to them; they never hold a store. In the service the reader is
an ``ExecutorReader``: every query runs through the executor (worker processes or a remote
server with a timeout), under the same time limit and row cap as the public endpoint, and
all the queries of one HTTP request share one deadline, so a page of five queries cannot
take five time limits. ``StoreReader`` reads a store directly, for the CLI and for tests.

Readers block: call them from synchronous code run in a worker thread, never on the
event loop. ``Table`` is re-exported here so that page code needs nothing from the stores.
"""

import json
import threading
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from rdflib.term import Identifier

from hsvo_graph.sparql.binding import bind_values
from hsvo_graph.sparql.results import Encoded
from hsvo_graph.sparql.worker import QueryRequest
from hsvo_graph.store.base import GraphStore, QuerySyntaxError, Table, table_from_json

__all__ = ["Bindings", "DatasetMemo", "ExecutorReader", "Reader", "Runner", "StoreReader", "Table"]

Bindings = Mapping[str, Sequence[Identifier]]
T = TypeVar("T")

_JSON = "application/sparql-results+json"
_N_TRIPLES = "application/n-triples"


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

    def run_blocking(self, request: QueryRequest, budget_s: float) -> Encoded:
        """Run one request within ``budget_s`` seconds, blocking."""
        ...


class ExecutorReader:
    """Reads through the executor until ``deadline`` (a ``time.monotonic()`` value)."""

    def __init__(self, executor: Runner, deadline: float, max_rows: int | None) -> None:
        self.executor = executor
        self.deadline = deadline
        self.max_rows = max_rows

    def _run(self, query: str, bindings: Bindings | None) -> Encoded:
        request = QueryRequest(bind_values(query, bindings or {}), _JSON, _N_TRIPLES,
                               self.max_rows)
        return self.executor.run_blocking(request, self.deadline - time.monotonic())

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
