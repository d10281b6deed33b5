"""One consistent state of the whole dataset, for dumps, the Graph Store Protocol's
whole-dataset answers and the VoID statistics, so all of them describe the same state.

Embedded store: the current generation, opened read-only. It is frozen, so it *is* a
consistent state, and it costs nothing to hold: the quads stay in RocksDB, not in Python.
Remote store (other clients may write to it): the state is named by the size of each named
graph (one aggregate the store answers by itself), by the store's version marker (changed by
every write of this product, the CLI's too: store/remote.py) and by this service's own
writes; its quads
are copied into an in-memory pyoxigraph store only when something needs them (a dump, the
VoID statistics), once per state. Reading every quad on every call made the catalog page,
which needs no more than the time of the state, take 35 s at a million triples, and fail
when the store's own timeout cut the answer off. A write by a client other than this
product that leaves every graph's size as it was is seen at this service's next write or
restart.

Every wait of a remote store's state has a deadline (the store's timeout): the check that
names the state and the copy each end within it (``store.remote.within``), and a request
waiting for another request's check or copy (which a store answering one byte a second
could hold for minutes) gives up at its own deadline with a 504 instead of queueing
behind it.
"""

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pyoxigraph as ox

from hsvo_graph.store.base import StoreError
from hsvo_graph.store.embedded import EmbeddedStore
from hsvo_graph.store.tracking import TrackedStore

T = TypeVar("T")


class Derived:
    """Values computed from one state of the dataset, each once.

    Callers asking for the same value at the same time wait for the first one's result
    instead of computing it again: six requests at once for the TriG dump of a million
    triples each built their own (over two minutes each, the service at 4.5 GB and every
    other request starved), where one build takes 13 s. A computation that fails stores
    nothing; the next caller tries again.
    """

    def __init__(self, wait_s: float | None = None) -> None:
        #: how long a caller waits for another's computation (None: as long as it takes)
        self.wait_s = wait_s
        self._values: dict[str, Any] = {}
        self._building: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str, compute: Callable[[], T]) -> T:
        """The value under ``key``, computed by ``compute`` if no caller has yet."""
        with self._guard:
            if key in self._values:
                return self._values[key]
            building = self._building.setdefault(key, threading.Lock())
        with _held(building, self.wait_s):
            with self._guard:
                if key in self._values:  # built while this caller waited
                    return self._values[key]
            value = compute()
            with self._guard:
                self._values[key] = value
                del self._building[key]
            return value


_BUSY = ("another request is reading the store and has not finished within {:g} s; "
         "ask again later")


@contextmanager
def _held(lock: threading.Lock, wait_s: float | None) -> Iterator[None]:
    """``lock`` held for the block, waited for at most ``wait_s`` (None: without end);
    StoreError 504 when another caller holds it longer."""
    if not lock.acquire(timeout=-1 if wait_s is None else max(wait_s, 0.0)):
        raise StoreError(_BUSY.format(wait_s), status=504)
    try:
        yield
    finally:
        lock.release()


@dataclass(frozen=True)
class Snapshot:
    """One state of the dataset: its non-empty named graphs, a name for the state (the
    generation directory, or a digest of a remote store's graph sizes), when this state was
    written or first seen, and how to open a read-only pyoxigraph store holding it."""

    state: str
    graphs: tuple[str, ...]
    modified: datetime
    opened: Callable[[], ox.Store] = field(repr=False, compare=False)
    #: keeps the generation's lease (so its files stay) while the snapshot is in use
    holder: Any = field(default=None, repr=False, compare=False)
    _derived: Derived = field(default_factory=Derived, repr=False, compare=False)

    @property
    def store(self) -> ox.Store:
        """The store holding this state, opened when first asked for (once)."""
        return self._derived.get("store", self.opened)

    def derived(self, key: str, compute: Callable[["Snapshot"], T]) -> T:
        """A value computed from this state once (a dump, statistics) and then reused, also
        by callers that ask while it is being computed."""
        return self._derived.get(key, lambda: compute(self))


def _graphs(store: ox.Store) -> tuple[str, ...]:
    return tuple(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))


class Snapshots:
    """The current snapshot of a store (embedded or remote, see the module docstring)."""

    def __init__(self, store: TrackedStore) -> None:
        self.store = store
        self._current: Snapshot | None = None
        self._checked_at = -1.0  # when the check that made ``_current`` began
        self._lock = threading.Lock()

    def current(self) -> Snapshot:
        """The snapshot of the store as it is now (blocking: call it in a worker thread).

        Callers that waited while another checked the store take that check's answer if it
        began after they asked: it is as fresh as their own would be. Twenty requests at once
        for the catalogue of a remote store of a million triples cost one aggregate of the
        graph sizes (0.8 s), not twenty in a row."""
        asked = time.monotonic()
        embedded = isinstance(self.store.inner, EmbeddedStore)
        with _held(self._lock, None if embedded else self._wait_s):
            if self._current is not None and self._checked_at >= asked:
                return self._current
            began = time.monotonic()
            if isinstance(self.store.inner, EmbeddedStore):
                self._current = self._generation(self.store.inner)
            else:
                self._current = self._remote()
            self._checked_at = began
            return self._current

    @property
    def _wait_s(self) -> float:
        """How long a remote store's state is waited for: its client's timeout."""
        return float(getattr(self.store.inner, "timeout_s", 30.0))

    def _within(self) -> Any:
        """The block's exchanges with a remote store end within its timeout."""
        from hsvo_graph.store.remote import within  # httpx only where a remote store is used

        return within(self._wait_s)

    def _generation(self, store: EmbeddedStore) -> Snapshot:
        cached = self._current
        generation = store.current()
        state = generation.name if generation is not None else "empty"
        if cached is not None and cached.state == state:
            return cached
        # a generation this service did not write (``hsvo load`` beside it): counted, and
        # its time is when it was first seen, not the service's last write
        self.store.refresh()
        if generation is None:
            return Snapshot(state, (), self.store.modified, ox.Store)
        opened = generation.store
        return Snapshot(state, _graphs(opened), self.store.modified, lambda: opened, generation)

    def _remote(self) -> Snapshot:
        cached = self._current
        with self._within(), self.store.frozen() as writes:
            version = self.store.version()
            sizes = self.store.graph_sizes()
        digest = hashlib.sha256(repr((writes, version, sorted(sizes.items()))).encode()).hexdigest()
        if cached is not None and cached.state == digest:
            return cached  # the same state: its time, its copy and what was derived from it
        seen = datetime.now(UTC).replace(microsecond=0)
        if cached is not None:  # Last-Modified has whole seconds: a new state is newer
            seen = max(seen, cached.modified + timedelta(seconds=1))
        return Snapshot(digest, tuple(sorted(sizes)), seen,
                        lambda: self._copy(writes, version, sizes), _derived=Derived(self._wait_s))

    def _copy(self, writes: int, version: str | None, sizes: dict[str, int]) -> ox.Store:
        """Every quad of the remote store in an in-memory store, provided it still holds the
        state the snapshot names (its graphs' sizes, its version marker, this service's
        writes): one state's name (the ETag) is never given to another state's content.
        StoreError (503) when a write came between: the request is answered "ask again"."""
        with self._within(), self.store.frozen() as now:
            quads = self.store.quads()  # the store's own way: paged, its system graphs left out
            changed = self.store.version() != version
        held = Counter(q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode))
        if now != writes or changed or held != sizes:
            raise StoreError("the store changed while it was being read; ask again", status=503)
        copy = ox.Store()
        copy.extend(quads)
        return copy
