"""Answer a query known to be tiny in the service's own process, without the worker hop.

A query worker is a separate process because pyoxigraph cannot stop a running query: only
killing its process keeps the time limit exact (``hsvo_graph.sparql.executor``). For a query
that costs microseconds that hop is the whole cost of the answer: about 90 µs of the
service's CPU and 170 µs of latency for ``ASK {}`` (a pipe, two process wake-ups, pickling),
against 45 µs to run it on a read-only view of the generation here.

A query may run here only when a worker has already answered exactly the same request (text,
dataset, format, row cap) on exactly the same generation within ``tiny_s``. A generation is
frozen, so the same request on it does the same work again: what the worker measured bounds
what it costs here (a read-only RocksDB view instead of the worker's in-memory copy makes
it a few times that, still far below a millisecond). If a run here ever takes longer than
``slow_s`` the request goes back to the workers for good, and a request is never run here
with less than ``_MARGIN_S`` of its time left, so an answer never arrives after the limit.

The workers have no network (``worker.isolate_network``); this process does. The guard
already refuses SERVICE, by parsing; as a second line, a text that could spell SERVICE in
any way (those letters in any case, or a ``\\u`` escape) is never run here. That only sends
more requests to the isolated workers; it never lets one through that the guard refused.
"""

import threading
import time
from pathlib import Path

from hsvo_graph.sparql.recent import Recent
from hsvo_graph.sparql.results import Encoded
from hsvo_graph.sparql.worker import QueryRequest, execute
from hsvo_graph.store.generations import GenerationGone, ReadOnlyGeneration, lease_current

_MARGIN_S = 0.01  # never start a query here with less of its time left than this
_KEPT = 1024  # requests whose cost is remembered

RequestKey = tuple[object, ...]


def request_key(request: QueryRequest) -> RequestKey:
    """Everything a request's answer depends on, hashable (QueryRequest holds a dict)."""
    return (request.query, request.solutions_type, request.graph_type, request.max_rows,
            request.union_default, request.default_graphs, request.named_graphs,
            tuple(request.prefixes.items()), request.row_limited)


def could_reach_network(query: str) -> bool:
    """Whether ``query`` could name a SERVICE, however written (an over-approximation)."""
    return "service" in query.casefold() or "\\u" in query or "\\U" in query


class InlineAnswers:
    """The requests known to be tiny on each generation, and a read-only view of the
    current generation to answer them from (see the module)."""

    def __init__(self, root: Path, tiny_s: float, slow_s: float) -> None:
        self._root = root
        self.tiny_s, self.slow_s = tiny_s, slow_s
        self._tiny: Recent[tuple[Path | None, RequestKey], bool] = Recent(_KEPT)
        self._view: ReadOnlyGeneration | None = None
        self._lock = threading.Lock()
        self.answered = 0  # for /health and the tests

    def learn(self, generation: Path | None, key: RequestKey, request: QueryRequest,
              took_s: float) -> None:
        """A worker answered ``request`` (``key``: its ``request_key``) on ``generation``
        in ``took_s``."""
        if took_s <= self.tiny_s and generation is not None \
                and not could_reach_network(request.query):
            self._tiny.keep((generation, key), True)

    def answer(self, generation: Path | None, key: RequestKey, request: QueryRequest,
               deadline: float) -> Encoded | None:
        """The answer, run here, when the request is known to be tiny on ``generation`` (the
        current one); else None, and a worker answers. A query error here also means None:
        the worker answers it, with its own message."""
        if not self.tiny_s or self._tiny.get((generation, key)) is None:
            return None
        if deadline - time.monotonic() < _MARGIN_S:
            return None
        view = self._view_of(generation)
        if view is None:
            return None
        started = time.perf_counter()
        try:
            encoded = execute(view.store, request)
        except Exception:  # noqa: BLE001 - the worker path reports it properly
            self._tiny.drop((generation, key))
            return None
        if time.perf_counter() - started > self.slow_s:
            self._tiny.drop((generation, key))
        self.answered += 1
        return encoded

    def _view_of(self, generation: Path | None) -> ReadOnlyGeneration | None:
        """The read-only view of ``generation``, opened on first use after a write (the
        previous view's lease is let go then, so the old generation can be deleted)."""
        with self._lock:
            view = self._view
            if view is not None and view.directory == generation:
                return view
            # dropped, not released: a page thread may still be reading it; the lease goes
            # with the last reference (ReadOnlyGeneration)
            self._view = None
            try:
                lease = lease_current(self._root)
            except GenerationGone:
                return None
            if lease is None or lease.directory != generation:
                if lease is not None:
                    lease.release()
                return None  # another write came between: the workers answer this one
            self._view = ReadOnlyGeneration(lease)
            return self._view

    def follow(self, generation: Path | None) -> None:
        """A write has published ``generation``: let go of a view of an older one now, not
        at the next tiny request (which may never come), so that it can be deleted."""
        with self._lock:
            if self._view is not None and self._view.directory != generation:
                self._view = None

    def close(self) -> None:
        with self._lock:
            self._view = None
