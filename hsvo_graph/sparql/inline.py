"""Answer a query known to be cheap in the service's own process, without the worker hop.

A query worker is a separate process because pyoxigraph cannot stop a running query: only
killing its process keeps the time limit exact (``hsvo_graph.sparql.executor``). For a query
that costs microseconds that hop is most of the cost of the answer: about 90 µs of the
service's CPU and 170 µs of latency for ``ASK {}`` (a pipe, two process wake-ups, pickling),
and the worker, woken for one query, starts with cold caches (``ASK {}`` took 170 µs of CPU
there at 1 M triples, 35 µs run after run).

A request is tried here only after a worker has answered exactly the same request (text,
dataset, format, row cap) on exactly the same generation within ``_CANDIDATE`` times
``hop_s`` of CPU (1 ms by default). A generation is frozen, so the same request on it does
the same work again: what the worker measured bounds what it costs here, give or take the
view (the store's own read-only RocksDB view, ``EmbeddedStore.current``, instead of the
worker's in-memory copy) and the caches. It stays here while it costs no more than
it did in the worker plus ``hop_s`` (what the hop costs the service), and never more than
two hops: the service's event loop is the one process every request passes through, so a
query dearer here is a loss, and one that costs the loop more than the hop it saves slows
every other request even when a worker took as long (a worker that answered from disk while
the in-memory copy was built, or a cold one: Äldrenämnden's activities at 1 M cost 0.78 ms on
the RocksDB view here, 0.26 ms in a warm worker's copy; kept here on a worker's first 0.9 ms,
they held the loop at one core's worth, 1 083 answers a second against 4 187).
Three runs in a row over that send the request back to the workers: the same request on
the same generation costs the same every time, so a dear one is dear in a row, while a
garbage collection or a page fault slows a single run. A busy spell slows many runs in a row
too (the in-memory copy being built beside a burst of requests, a neighbour on the
machine): so a request sent back is tried here once more after ``_RETRY_S`` (one dear run
then sends it back again at once), instead of staying with the workers for the rest of the
generation (``ASK {}`` at 1 M: 0.15 ms here, 0.35 ms through a worker). A query that failed
here stays with the workers for the generation (a failure does not pass). A request is never run here with less than ``_MARGIN_S`` of its time left, so
an answer never arrives after the limit.

The workers have no network (``worker.isolate_network``); this process does. The guard
already refuses SERVICE, by parsing; as a second line, a text that could spell SERVICE in
any way (those letters in any case, or a ``\\u`` escape) is never run here. That only sends
more requests to the isolated workers; it never lets one through that the guard refused.

Nor is a text that could sort (ORDER, however written): Oxigraph 0.5 can abort its whole
process in an ORDER BY over values of mixed kinds (Rust's sort finds its comparison is not a
total order and panics, which pyoxigraph cannot turn into an exception: ``ORDER BY ?s ?o2``
over ``{ ?s ?p ?o OPTIONAL { ?o ?p2 ?o2 } }`` on the seed graph). A worker that aborts is
replaced and the client told (502); the service's own process must never run such a query,
and whether the sort trips depends on the order the rows come in, which differs between a
worker's in-memory copy and the RocksDB view read here.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hsvo_graph.sparql.recent import Recent
from hsvo_graph.sparql.results import Encoded
from hsvo_graph.sparql.worker import QueryRequest, execute
from hsvo_graph.store.generations import GenerationGone, ReadOnlyGeneration, same_generation

_MARGIN_S = 0.01  # never start a query here with less of its time left than this
_KEPT = 1024  # requests whose cost is remembered
_STRIKES = 3  # runs here over the bound in a row before a request goes back to the workers
_CANDIDATE = 10  # a worker's CPU for a request, in hops, up to which it is tried here
_RETRY_S = 5.0  # a request sent back to the workers is tried here again after this long

RequestKey = tuple[object, ...]


def request_key(request: QueryRequest) -> RequestKey:
    """Everything a request's answer depends on, hashable (QueryRequest holds a dict)."""
    return (request.query, request.solutions_type, request.graph_type, request.max_rows,
            request.union_default, request.default_graphs, request.named_graphs,
            tuple(request.prefixes.items()), request.row_limited, request.base_iri)


def could_reach_network(query: str) -> bool:
    """Whether ``query`` could name a SERVICE, however written (an over-approximation)."""
    return _could_spell("service", query)


def could_sort(query: str) -> bool:
    """Whether ``query`` could hold an ORDER BY, however written (an over-approximation)."""
    return _could_spell("order", query)


def _could_spell(word: str, query: str) -> bool:
    """``word`` (lower case) anywhere in ``query``, in any case, or a ``\\u`` escape, which
    could spell anything."""
    return word in query.casefold() or "\\u" in query or "\\U" in query


@dataclass
class _Known:
    """A request tried here: what it may cost here, and its dear runs here in a row."""

    allowed_s: float
    dear_runs: int = 0
    sent_back_at: float = 0.0  # time.monotonic() when its dear runs sent it back
    failed: bool = False  # the query failed here: the workers answer it for the generation


class InlineAnswers:
    """The requests known to be cheap on each generation, and a read-only view of the
    current generation to answer them from (see the module)."""

    def __init__(self, current_view: Callable[[], ReadOnlyGeneration | None],
                 hop_s: float) -> None:
        self._current_view = current_view  # the store's own read-only view (EmbeddedStore.current)
        self.hop_s = hop_s  # 0: nothing is run here
        self._known: Recent[tuple[Path | None, RequestKey], _Known] = Recent(_KEPT)
        self._view: ReadOnlyGeneration | None = None  # kept: asking the store reads the pointer
        self.answered = 0  # for /health and the tests

    def key(self, request: QueryRequest) -> RequestKey | None:
        """``request_key(request)``; None when nothing is run here (then it is not built)."""
        return request_key(request) if self.hop_s else None

    def learn(self, generation: Path | None, key: RequestKey | None, request: QueryRequest,
              took_s: float) -> None:
        """A worker answered ``request`` (``key``: ``self.key(request)``) on ``generation``
        with ``took_s`` of CPU."""
        if key is not None and took_s <= _CANDIDATE * self.hop_s and generation is not None \
                and not could_reach_network(request.query) and not could_sort(request.query) \
                and self._known.get((generation, key)) is None:
            self._known.keep((generation, key), _Known(min(took_s, self.hop_s) + self.hop_s))

    def answer(self, generation: Path | None, key: RequestKey | None, request: QueryRequest,
               deadline: float) -> Encoded | None:
        """The answer, run here, when the request is known to be cheap on ``generation`` (the
        current one); else None, and a worker answers. A query error here also means None:
        the worker answers it, with its own message."""
        known = None if key is None else self._known.get((generation, key))
        if known is None or known.failed:
            return None
        now = time.monotonic()
        if known.dear_runs >= _STRIKES:
            if now - known.sent_back_at < _RETRY_S:
                return None
            known.dear_runs = _STRIKES - 1  # one more try: a dear run sends it back again
        if deadline - now < _MARGIN_S:
            return None
        view = self._view_of(generation)
        if view is None:
            return None
        started = time.thread_time()  # CPU, not wall: a preempted run is not a dear one
        try:
            encoded = execute(view.store, request)
        except Exception:  # noqa: BLE001 - the worker path reports it properly
            known.failed = True
            return None
        # a lost update between threads only delays or repeats a verdict
        known.dear_runs = known.dear_runs + 1 if time.thread_time() - started > known.allowed_s else 0
        if known.dear_runs >= _STRIKES:
            known.sent_back_at = time.monotonic()
        self.answered += 1
        return encoded

    def _view_of(self, generation: Path | None) -> ReadOnlyGeneration | None:
        """The store's read-only view of ``generation``; None when another write has come in
        between (the workers answer then). Holding it holds the generation's lease."""
        view = self._view
        if view is None or not same_generation(view.directory, generation):
            try:
                view = self._view = self._current_view()
            except GenerationGone:
                return None
        return view if view is not None and same_generation(view.directory, generation) else None

    def follow(self, generation: Path | None) -> None:
        """A write has published ``generation``: let go of a view of an older one now, not
        at the next cheap request (which may never come), so that it can be deleted."""
        view = self._view
        if view is not None and view.directory != generation:
            self._view = None

    def close(self) -> None:
        self._view = None
