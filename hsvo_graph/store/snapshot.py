"""One consistent state of the whole dataset, for dumps, the Graph Store Protocol's
whole-dataset answers and the VoID statistics, so all of them describe the same state.

Embedded store: the current generation, opened read-only. It is frozen, so it *is* a
consistent state, and it costs nothing to hold: the quads stay in RocksDB, not in Python.
Remote store (other clients may write to it): every quad read in one SPARQL request into an
in-memory pyoxigraph store, re-read on every call, with its ``modified`` time kept as long as
the content's digest does not change.
"""

import dataclasses
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import pyoxigraph as ox

from hsvo_graph.store.embedded import EmbeddedStore
from hsvo_graph.store.tracking import TrackedStore

T = TypeVar("T")


class Derived:
    """Values computed from one state of the dataset, each once.

    Callers asking for the same value at the same time wait for the first one's result
    instead of computing it again: six requests at once for the TriG dump of a million
    triples each built their own (125 s each, the service at 4.5 GB and every other request
    starved), where one build takes 12 s. A computation that fails stores nothing; the next
    caller tries again.
    """

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._building: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str, compute: Callable[[], T]) -> T:
        """The value under ``key``, computed by ``compute`` if no caller has yet."""
        with self._guard:
            if key in self._values:
                return self._values[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._guard:
                if key in self._values:  # built while this caller waited
                    return self._values[key]
            value = compute()
            with self._guard:
                self._values[key] = value
                del self._building[key]
            return value


@dataclass(frozen=True)
class Snapshot:
    """One state of the dataset: a read-only pyoxigraph store holding it, its non-empty named
    graphs, a name for the state (the generation directory, or a digest of a remote store's
    quads), and when this state was written or first seen."""

    state: str
    graphs: tuple[str, ...]
    modified: datetime
    store: ox.Store = field(repr=False, compare=False)
    #: keeps the generation's lease (so its files stay) while the snapshot is in use
    holder: Any = field(default=None, repr=False, compare=False)
    _derived: Derived = field(default_factory=Derived, repr=False, compare=False)

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
        self._lock = threading.Lock()

    def current(self) -> Snapshot:
        """The snapshot of the store as it is now (blocking: call it in a worker thread)."""
        with self._lock:
            if isinstance(self.store.inner, EmbeddedStore):
                self._current = self._generation(self.store.inner)
            else:
                self._current = self._remote()
            return self._current

    def _generation(self, store: EmbeddedStore) -> Snapshot:
        cached = self._current
        generation = store.current()
        state = generation.name if generation is not None else "empty"
        if cached is not None and cached.state == state:
            return cached
        if generation is None:
            return Snapshot(state, (), self.store.modified, ox.Store())
        return Snapshot(state, _graphs(generation.store), self.store.modified,
                        generation.store, generation)

    def _remote(self) -> Snapshot:
        cached = self._current
        with self.store.frozen():
            quads = self.store.quads()  # the store's own way: paged, its system graphs left out
        copy = ox.Store()
        copy.extend(quads)
        lines = copy.dump(format=ox.RdfFormat.N_QUADS)
        assert lines is not None  # without an output file, dump returns the bytes
        digest = hashlib.sha256(b"".join(sorted(lines.splitlines(keepends=True)))).hexdigest()
        if cached is not None and cached.state == digest:
            # same content: keep its time and everything already derived from it
            return dataclasses.replace(cached, store=copy, _derived=cached._derived)
        return Snapshot(digest, _graphs(copy), datetime.now(UTC).replace(microsecond=0), copy)
